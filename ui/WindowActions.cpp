#include "WindowActions.h"

#include <QAction>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QToolBar>
#include <QToolButton>

namespace pipescope {

namespace {

QAction* make(QMainWindow& window, const QString& text, const QKeySequence& key, const QString& tip)
{
    auto* action = new QAction(text, &window);
    action->setShortcut(key);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
    action->setStatusTip(tip);
    window.addAction(action);
    return action;
}

} // namespace

WindowActions::WindowActions(QMainWindow& window, const std::vector<RunExport>& kinds)
    : run(make(window, QMainWindow::tr("Run"), QKeySequence(QMainWindow::tr("Ctrl+R")),
               QMainWindow::tr("Run the selected scenario")))
    , stop(make(window, QMainWindow::tr("Stop"), QKeySequence(Qt::Key_Escape),
                QMainWindow::tr("Stop the run: ask the processes to end, then kill them")))
    , removeRun(make(window, QMainWindow::tr("Remove Run"), QKeySequence(QKeySequence::Delete),
                     QMainWindow::tr("Drop the run on show from the history and free its memory")))
    , limitHistory(new QAction(QMainWindow::tr("Limit History Memory…"), &window))
    , compareRuns(make(window, QMainWindow::tr("Compare Runs…"), QKeySequence(),
                       QMainWindow::tr("Two finished runs one above the other on one time axis, "
                                       "their statistics side by side")))
    , fit(make(window, QMainWindow::tr("Fit"), QKeySequence(Qt::Key_F),
               QMainWindow::tr("Show what the run did, from its first event to its last")))
    , follow(make(window, QMainWindow::tr("Follow live"), QKeySequence(Qt::Key_L),
                  QMainWindow::tr("Keep the newest events in view while a run goes on")))
    , zoomIn(make(window, QMainWindow::tr("Zoom in"), QKeySequence(Qt::Key_Plus),
                  QMainWindow::tr("Zoom in on the timeline")))
    , zoomOut(make(window, QMainWindow::tr("Zoom out"), QKeySequence(Qt::Key_Minus),
                   QMainWindow::tr("Zoom out of the timeline")))
    , depthInBytes(make(window, QMainWindow::tr("Depth in bytes"), QKeySequence(Qt::Key_B),
                        QMainWindow::tr("Show the queue depth in bytes instead of messages")))
    , showInternal(make(window, QMainWindow::tr("Show Internal Traffic"), QKeySequence(Qt::Key_I),
                        QMainWindow::tr("Show what multiprocessing does for itself in a traced "
                                        "program: its forkserver and resource tracker, authkey "
                                        "challenges, the resource sharer")))
    , find(make(window, QMainWindow::tr("Find"), QKeySequence::Find,
                QMainWindow::tr("Filter the messages table")))
    , findNext(make(window, QMainWindow::tr("Find Next"), QKeySequence::FindNext,
                    QMainWindow::tr("Select the next message the filter matches (it is ringed "
                                    "on the timeline)")))
    , findPrevious(make(window, QMainWindow::tr("Find Previous"), QKeySequence::FindPrevious,
                        QMainWindow::tr("Select the previous message the filter matches")))
    , open(make(window, QMainWindow::tr("Open events…"), QKeySequence::Open,
                QMainWindow::tr("Open a saved events file (JSON Lines) to look at a run again")))
    , traceProgram(make(window, QMainWindow::tr("Trace a program…"),
                        QKeySequence(QMainWindow::tr("Ctrl+T")),
                        QMainWindow::tr("Run a Python program and show every message of every "
                                        "process it starts")))
    , quit(make(window, QMainWindow::tr("Quit"), QKeySequence::Quit,
                QMainWindow::tr("Quit PipeScope")))
    , about(new QAction(QMainWindow::tr("&About PipeScope"), &window))
{
    follow->setCheckable(true);
    zoomIn->setShortcuts(
        {QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal), QKeySequence::ZoomIn});
    zoomOut->setShortcuts({QKeySequence(Qt::Key_Minus), QKeySequence::ZoomOut});
    depthInBytes->setCheckable(true);
    showInternal->setCheckable(true);
    about->setMenuRole(QAction::AboutRole);
    // Delete belongs to the run list (HistoryControls adds it there), not to the whole window.
    removeRun->setShortcutContext(Qt::WidgetShortcut);
    window.removeAction(removeRun);
    limitHistory->setStatusTip(QMainWindow::tr(
        "Drop the oldest finished runs while PipeScope uses more memory than this"));
    for (const RunExport& kind : kinds)
        exports.append(make(window, kind.kind, kind.shortcut, kind.tip));
    // Before any run there is nothing to stop or to export.
    stop->setEnabled(false);
    for (QAction* action : std::as_const(exports))
        action->setEnabled(false);
}

void WindowActions::addToWindow(QMainWindow& window, QMenu* colours,
                                const QList<QAction*>& panels) const
{
    auto* toolbar = window.addToolBar(QMainWindow::tr("Run"));
    toolbar->setObjectName(QStringLiteral("toolbar"));
    toolbar->addActions({run, stop});
    toolbar->addSeparator();
    toolbar->addActions({fit, zoomIn, zoomOut, follow, depthInBytes});
    toolbar->addSeparator();
    auto* exportMenu = new QMenu(QMainWindow::tr("Export"), &window);
    exportMenu->addActions(exports);
    auto* exportButton = new QToolButton(&window);
    exportButton->setText(QMainWindow::tr("Export"));
    exportButton->setToolTip(
        QMainWindow::tr("Export the run: Chrome trace, events, messages CSV, timeline PNG"));
    exportButton->setMenu(exportMenu);
    exportButton->setPopupMode(QToolButton::InstantPopup);
    toolbar->addWidget(exportButton);
    toolbar->addAction(open);

    QMenuBar* menus = window.menuBar();
    QMenu* file = menus->addMenu(QMainWindow::tr("&File"));
    file->addAction(traceProgram);
    file->addAction(open);
    file->addMenu(exportMenu);
    file->addSeparator();
    file->addAction(quit);
    QMenu* runMenu = menus->addMenu(QMainWindow::tr("&Run"));
    runMenu->addActions({run, stop});
    runMenu->addSeparator();
    runMenu->addActions({removeRun, limitHistory, compareRuns});
    QMenu* view = menus->addMenu(QMainWindow::tr("&View"));
    view->addActions(
        {fit, zoomIn, zoomOut, follow, depthInBytes, showInternal, find, findNext, findPrevious});
    view->addSeparator();
    view->addMenu(QMainWindow::tr("Panels"))->addActions(panels);
    view->addMenu(colours);
    menus->addMenu(QMainWindow::tr("&Help"))->addAction(about);
}

} // namespace pipescope
