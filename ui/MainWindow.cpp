#include "MainWindow.h"

#include "ColorScheme.h"
#include "ConsoleView.h"
#include "CurrentRun.h"
#include "DetailsPane.h"
#include "FindingsModel.h"
#include "FindingsPane.h"
#include "HistoryControls.h"
#include "InternalTrafficToggle.h"
#include "MessageTableModel.h"
#include "MessagesPane.h"
#include "OverviewStrip.h"
#include "Run.h"
#include "RunHistoryModel.h"
#include "RunStatusBar.h"
#include "ScenarioGallery.h"
#include "SequenceView.h"
#include "SidePanels.h"
#include "StatisticsPane.h"
#include "TimeAxis.h"
#include "TimelineSearch.h"
#include "TimelineView.h"
#include "TraceDialog.h"
#include "WindowActions.h"
#include "base/Version.h"
#include "run/ScenarioCatalog.h"

#include <QAction>
#include <QCloseEvent>
#include <QFileDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPixmap>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace pipescope {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_history(new RunHistoryModel(this))
    , m_current(new CurrentRun(*m_history, this))
    , m_axis(new TimeAxis(this))
    , m_gallery(new ScenarioGallery(this))
    , m_timeline(new TimelineView(*m_axis, this))
    , m_messagesPane(new MessagesPane(*m_current, this))
    , m_overview(new OverviewStrip(*m_axis, this))
    , m_sequence(new SequenceView(*m_axis, this))
    , m_console(new ConsoleView(this))
    , m_details(new DetailsPane(this))
    , m_statistics(new StatisticsPane(this))
    , m_findings(new FindingsPane(this))
    , m_bottomTabs(new QTabWidget(this))
    , m_status(std::make_unique<RunStatusBar>(*statusBar()))
    , m_exports(RunExports::all(*m_timeline))
{
    setWindowTitle(tr("PipeScope"));
    setWindowIcon(QIcon(QStringLiteral(":/pipescope/pipescope.png")));
    setObjectName(QStringLiteral("PipeScopeWindow"));
    buildLayout();
    buildActions();
    m_gallery->setHistoryModel(m_history);

    // The panes follow the current run by themselves; the window keeps the time axis, the
    // timeline (its store and its clock are all it needs) and the status bar in step with it.
    connect(m_current, &CurrentRun::changed, this, &MainWindow::showRun);
    connect(m_current, &CurrentRun::refreshed, this, &MainWindow::showProgress);
    connect(m_current, &CurrentRun::ended, this, [this] {
        if (m_axis->followLive()) {
            m_axis->setFollowLive(false);
            m_axis->fit();
        }
    });
    m_overview->watch(*m_current);
    m_sequence->watch(*m_current);
    m_console->watch(*m_current);
    m_details->watch(*m_current);
    m_statistics->watch(*m_current);
    m_findings->watch(*m_current);
    connect(m_findings, &FindingsPane::findingSelected, this, &MainWindow::showFinding);
    connect(m_findings, &FindingsPane::wantsToBeSeen, this,
            [this] { m_bottomTabs->setCurrentWidget(m_findings); });
    connect(m_findings, &FindingsPane::summaryChanged, this, [this](const QString& summary) {
        m_status->findings()->setText(summary);
        m_bottomTabs->setTabText(m_bottomTabs->indexOf(m_findings),
                                 summary.isEmpty()
                                     ? tr("Findings")
                                     : tr("Findings (%1)").arg(m_findings->model()->rowCount()));
    });
    // After the current run's last refresh: whoever waits for the end sees everything drawn.
    connect(m_history, &RunHistoryModel::runFinished, this, &MainWindow::updateRunControls);
    connect(m_history, &RunHistoryModel::runFinished, this, &MainWindow::runFinished);

    connect(m_gallery, &ScenarioGallery::runRequested, this, &MainWindow::startRunFromGallery);
    connect(m_gallery, &ScenarioGallery::historySelected, this, [this](int row) {
        // The note of dropped runs is no run.
        if (Run* run = m_history->run(row))
            m_current->setRun(run);
    });
    connect(m_axis, &TimeAxis::selectedMessageChanged, this,
            [this](int message) { selectMessage(message, false); });
    connect(m_timeline, &TimelineView::laneMoveRequested, this, [this](int process, int steps) {
        if (Run* run = m_current->run(); run && process < run->store().processCount()) {
            run->moveLane(process, steps);
            m_timeline->update();
            m_sequence->viewport()->update();
        }
    });
    // A range selected on the ruler: the table, the statistics and the findings cover it.
    connect(m_axis, &TimeAxis::selectedRangeChanged, this, [this](TimeRange range) {
        m_messagesPane->showRange(range);
        m_statistics->setRange(range);
        m_findings->setRange(currentStore(), range);
    });
    connect(m_messagesPane, &MessagesPane::messageSelected, this,
            [this](int message) { selectMessage(message, true); });

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_gallery->restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout()
{
    auto* timelineScroll = new QScrollArea(this);
    timelineScroll->setWidget(m_timeline);
    timelineScroll->setWidgetResizable(true);
    timelineScroll->setFrameShape(QFrame::NoFrame);

    m_bottomTabs->addTab(m_messagesPane, tr("Messages"));
    m_bottomTabs->addTab(m_sequence, tr("Sequence"));
    m_bottomTabs->addTab(m_console, tr("Console"));
    m_bottomTabs->addTab(m_findings, tr("Findings"));

    // The overview strip stays put above the lanes, which scroll.
    auto* timelineArea = new QWidget(this);
    auto* timelineLayout = new QVBoxLayout(timelineArea);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->setSpacing(2);
    timelineLayout->addWidget(m_overview);
    timelineLayout->addWidget(timelineScroll, 1);
    m_centre = new QSplitter(Qt::Vertical, this);
    m_centre->addWidget(timelineArea);
    m_centre->addWidget(m_bottomTabs);
    m_centre->setStretchFactor(0, 3);
    m_centre->setStretchFactor(1, 2);
    connect(m_centre, &QSplitter::splitterMoved, this, [this] { m_userSizedSplitter = true; });
    setCentralWidget(m_centre);

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_details);
    right->addWidget(m_statistics);
    m_panels = new SidePanels(*this, m_gallery, right);

    resize(1500, 900);
}

void MainWindow::buildActions()
{
    m_actions = std::make_unique<WindowActions>(*this, m_exports);
    const WindowActions& a = *m_actions;
    a.follow->setChecked(m_axis->followLive());
    for (qsizetype i = 0; i < a.exports.size(); ++i) {
        const RunExport& kind = m_exports[size_t(i)];
        connect(a.exports[i], &QAction::triggered, this, [this, &kind] { exportTo(kind); });
    }
    connect(a.run, &QAction::triggered, this, &MainWindow::startRunFromGallery);
    connect(a.stop, &QAction::triggered, this, &MainWindow::stopRun);
    connect(a.fit, &QAction::triggered, this, [this] {
        m_axis->setFollowLive(false);
        m_axis->fit();
    });
    connect(a.follow, &QAction::toggled, m_axis, &TimeAxis::setFollowLive);
    connect(m_axis, &TimeAxis::followLiveChanged, a.follow, &QAction::setChecked);
    connect(a.zoomIn, &QAction::triggered, this,
            [this] { m_axis->zoom(0.5, m_timeline->zoomAnchor()); });
    connect(a.zoomOut, &QAction::triggered, this,
            [this] { m_axis->zoom(2.0, m_timeline->zoomAnchor()); });
    connect(a.depthInBytes, &QAction::toggled, m_timeline, &TimelineView::setDepthInBytes);
    connect(a.find, &QAction::triggered, this, [this] {
        m_bottomTabs->setCurrentIndex(0);
        m_messagesPane->focusFilter();
    });
    connect(a.findNext, &QAction::triggered, this, [this] { m_messagesPane->selectMatch(1); });
    connect(a.findPrevious, &QAction::triggered, this, [this] { m_messagesPane->selectMatch(-1); });
    new TimelineSearch(*m_messagesPane, *m_timeline, *m_current, this);
    connect(a.open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open events"), QString(),
                                                          tr("Events (*.jsonl);;All files (*)"));
        if (!path.isEmpty())
            openEvents(path);
    });
    connect(a.traceProgram, &QAction::triggered, this, [this] {
        if (const std::optional<TraceRequest> request = TraceDialog::ask(this))
            startTrace(*request);
    });
    connect(a.quit, &QAction::triggered, this, &QWidget::close);
    connect(a.about, &QAction::triggered, this,
            [this] { QMessageBox::about(this, tr("About PipeScope"), aboutText()); });
    a.addToWindow(*this, ColorScheme::menu(this), m_panels->toggles());
    new HistoryControls(*m_history, *m_current, *m_gallery->history(), *a.removeRun,
                        *a.limitHistory, *a.compareRuns, *this);
    new InternalTrafficToggle(*m_history, *m_current, *m_axis, *a.showInternal);
}

QAction* MainWindow::aboutAction() const
{
    return m_actions->about;
}

QString MainWindow::aboutText()
{
    return tr("<h3>PipeScope %1</h3>"
              "<p>Runs pipe scenarios as real processes and shows every message, poll and state "
              "change as it happens.</p>"
              "<p>Built with Qt %2, running on Qt %3.</p>"
              "<p><a href=\"%4\">%4</a></p>")
        .arg(version(), QLatin1String(QT_VERSION_STR), QLatin1String(qVersion()), homepage());
}

const ScenarioRunner* MainWindow::currentRunner() const
{
    return m_current->run() ? m_current->run()->runner() : nullptr;
}

const TraceStore* MainWindow::currentStore() const
{
    return m_current->store();
}

MessageTableModel* MainWindow::messageModel() const
{
    return m_messagesPane->model();
}

QTableView* MainWindow::messageTable() const
{
    return m_messagesPane->table();
}

QLabel* MainWindow::stateLabel() const
{
    return m_status->state();
}

QLabel* MainWindow::rateLabel() const
{
    return m_status->rate();
}

int MainWindow::runCount() const
{
    return m_history->runCount();
}

bool MainWindow::startRunFromGallery()
{
    return startRun(m_gallery->request());
}

bool MainWindow::startRun(const RunRequest& request)
{
    if (m_history->anyLive()) {
        m_status->state()->setText(tr("A run is going on: stop it (Esc) before starting another"));
        return false;
    }
    auto settings = ScenarioCatalog::resolve(request);
    if (!settings) {
        m_status->state()->setText(tr("Cannot run: %1").arg(settings.error().message()));
        return false;
    }
    m_gallery->applyRequest(request);
    m_gallery->saveSettings();
    auto run = Run::start(*settings, m_history->nextNumber());
    if (!run) {
        m_status->state()->setText(tr("Cannot run: %1").arg(run.error().toString()));
        return false;
    }
    m_axis->setFollowLive(true);
    m_current->setRun(addRun(std::move(*run)));
    return true;
}

bool MainWindow::startTrace(const TraceRequest& request)
{
    if (m_history->anyLive()) {
        m_status->state()->setText(tr("A run is going on: stop it (Esc) before starting another"));
        return false;
    }
    auto run = Run::trace(request, m_history->nextNumber());
    if (!run) {
        m_status->state()->setText(tr("Cannot trace: %1").arg(run.error().message()));
        return false;
    }
    m_axis->setFollowLive(true);
    m_current->setRun(addRun(std::move(*run)));
    return true;
}

void MainWindow::stopRun()
{
    m_history->stopAll();
}

bool MainWindow::openEvents(const QString& path)
{
    // A big file is read while it shows: a run like the others, one at a time.
    if (m_history->anyLive()) {
        m_status->state()->setText(tr("A run is going on: stop it (Esc) before opening a file"));
        return false;
    }
    auto run = Run::open(path, m_history->nextNumber());
    if (!run) {
        // The message names the path already. Said in a box too: a status line is easy to miss.
        m_status->state()->setText(tr("Cannot open %1").arg(run.error().message()));
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open events"),
                                    m_status->state()->text(), QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return false;
    }
    m_axis->setFollowLive(true); // fitted when it has been read (or at once when it was)
    m_current->setRun(addRun(std::move(*run)));
    return true;
}

Run* MainWindow::addRun(std::unique_ptr<Run> run)
{
    Run* added = m_history->add(std::move(run));
    connect(added, &Run::problemFound, m_status->state(), &QLabel::setText);
    return added;
}

void MainWindow::showRun(const Run* run)
{
    m_axis->setSelectedMessage(-1);
    m_axis->setSelectedRange({});
    m_timeline->setStore(run ? &run->store() : nullptr, run && run->live());
    for (QAction* action : std::as_const(m_actions->exports))
        action->setEnabled(run != nullptr);
    updateRunControls();
    if (!run)
        return;
    m_gallery->showHistoryRow(m_history->rowOf(run));
    fitTimelineHeight();
    if (!run->live()) {
        m_axis->setDataStart(run->store().firstTime());
        m_axis->setDataEnd(run->dataEndNs());
        m_axis->setFollowLive(false);
        m_axis->fit();
    }
}

void MainWindow::fitTimelineHeight()
{
    // The timeline as tall as its lanes need, the rest for the table (unless the user chose).
    m_fittedLanes = m_current->run() ? m_current->run()->store().rowCount() : 0;
    if (m_userSizedSplitter)
        return;
    const int total = m_centre->height();
    const int timelineHeight = std::min(
        m_overview->sizeHint().height() + 2 + m_timeline->sizeHint().height() + 4, total * 2 / 3);
    m_centre->setSizes({timelineHeight, total - timelineHeight});
}

void MainWindow::showProgress()
{
    const Run* run = m_current->run();
    if (!run)
        return;
    const TraceStore& store = run->store();
    // A traced program's lanes come as its processes start.
    if (store.rowCount() != m_fittedLanes)
        fitTimelineHeight();
    m_axis->setDataStart(store.firstTime());
    m_axis->setDataEnd(run->dataEndNs());
    m_timeline->setNow(run->elapsedNs(), run->live());
    m_status->show(*run);
    updateRunControls();
}

void MainWindow::updateRunControls()
{
    // One run at a time: Run waits for the one going on, Stop is there only while it goes on.
    m_actions->stop->setEnabled(m_history->anyLive());
    m_actions->run->setEnabled(!m_history->anyLive());
}

void MainWindow::showFinding(const Finding& finding)
{
    // The timeline zooms to the events that prove it (with a margin), the table shows only its
    // messages, and the first of them is selected: the details follow.
    const TraceStore* store = currentStore();
    if (!store || finding.events.empty())
        return;
    qint64 first = store->time(finding.events.front());
    qint64 last = first;
    std::vector<int> messages;
    for (const qint32 e : finding.events) {
        first = std::min(first, store->startTime(e));
        last = std::max(last, store->time(e));
        if (store->messageOf(e) >= 0 && store->eventShown(e))
            messages.push_back(store->messageOf(e));
    }
    const int message = messages.empty() ? -1 : messages.front();
    m_messagesPane->showOnly(std::move(messages));
    m_timeline->setHighlighted(finding.events);
    const qint64 margin = std::max<qint64>((last - first) / 10, 1'000'000);
    m_axis->setFollowLive(false);
    m_axis->setRange(std::max<qint64>(0, first - margin), last + margin);
    if (message >= 0)
        m_axis->setSelectedMessage(message);
}

void MainWindow::selectMessage(int message, bool fromTable)
{
    if (m_selecting)
        return;
    m_selecting = true;
    m_axis->setSelectedMessage(message);
    m_details->showMessage(message);
    const TraceStore* store = currentStore();
    if (!fromTable) {
        m_messagesPane->showMessage(store ? message : -1);
    } else if (message >= 0 && store) {
        // Bring the arrow into view, keeping the zoom.
        const TraceStore::Message& m = store->messages()[size_t(message)];
        const qint64 at =
            m.sendEvent >= 0 ? store->startTime(m.sendEvent) : store->time(m.recvEvent);
        if (at < m_axis->start() || at > m_axis->end()) {
            m_axis->setFollowLive(false);
            m_axis->setRange(at - m_axis->span() / 3, at - m_axis->span() / 3 + m_axis->span());
        }
    }
    m_selecting = false;
}

void MainWindow::exportTo(const RunExport& kind)
{
    const TraceStore* store = currentStore();
    if (!store) {
        m_status->state()->setText(tr("Nothing to export: run a scenario first"));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export"), QStringLiteral("pipescope") + kind.suffix, kind.filter);
    if (path.isEmpty())
        return;
    const Status written = kind.write(*store, path);
    m_status->state()->setText(written ? tr("Exported %1").arg(path)
                                       : tr("Export failed: %1").arg(written.error().message()));
}

void MainWindow::captureWhenFinished(const QString& path)
{
    auto capture = [this, path] {
        // Let the last refresh and the fit reach the screen before grabbing.
        QTimer::singleShot(300, this, [this, path] {
            repaint();
            Q_EMIT captured(RunExports::savePng(grab(), path).ok());
        });
    };
    // Once the run has ended and its findings are in (they come after its end).
    Run* run = m_current->run();
    if (!run || run->findings())
        capture();
    else
        connect(run, &Run::findingsReady, this, capture, Qt::SingleShotConnection);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    m_gallery->saveSettings();
    if (m_history->anyLive() &&
        QMessageBox::question(
            this, tr("Quit PipeScope"), tr("A run is still going on. Stop it and quit?"),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes) {
        event->ignore();
        return;
    }
    stopRun();
    event->accept();
}

} // namespace pipescope
