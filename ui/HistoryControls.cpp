#include "HistoryControls.h"

#include "CompareWindow.h"
#include "CurrentRun.h"
#include "RunHistoryModel.h"

#include <QAction>
#include <QInputDialog>
#include <QListView>
#include <QSettings>

namespace pipescope {

HistoryControls::HistoryControls(RunHistoryModel& history, CurrentRun& current, QListView& list,
                                 QAction& removeRun, QAction& limitMemory, QAction& compareRuns,
                                 QWidget& dialogParent)
    : QObject(&history)
    , m_history(history)
    , m_current(current)
    , m_removeRun(removeRun)
{
    // Delete on the run list, and its context menu.
    list.addAction(&removeRun);
    list.setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(&removeRun, &QAction::triggered, this, [this] {
        if (Run* run = m_current.run())
            m_history.remove(run);
    });
    connect(&limitMemory, &QAction::triggered, this, [this, &dialogParent] {
        bool ok = false;
        const int mebibytes = QInputDialog::getInt(
            &dialogParent, tr("Limit history memory"),
            tr("Drop the oldest finished runs while PipeScope uses more than (MiB, 0 for no "
               "limit):"),
            int(m_history.memoryLimit() >> 20), 0, 1 << 20, 256, &ok);
        if (ok)
            setLimitMiB(mebibytes);
    });
    connect(&compareRuns, &QAction::triggered, this, [this, &dialogParent] {
        const auto runs = CompareWindow::pick(m_history, m_current.run(), &dialogParent);
        if (runs)
            (new CompareWindow(m_history, *runs->first, *runs->second, &dialogParent))->show();
    });
    list.addAction(&compareRuns);
    connect(&m_current, &CurrentRun::changed, this, &HistoryControls::updateRemoveRun);
    // Queued: the run that just ended is still on the stack of its own finished() (its runner
    // or tracer goes on after emitting it), and dropping it there would free it under them.
    connect(
        &m_history, &RunHistoryModel::runFinished, this,
        [this] {
            m_history.enforceMemoryLimit(m_current.run());
            updateRemoveRun();
        },
        Qt::QueuedConnection);
    // A file read whole when opened never "ends": its arrival is the time to look.
    connect(
        &m_history, &QAbstractItemModel::rowsInserted, this,
        [this] { m_history.enforceMemoryLimit(m_current.run()); }, Qt::QueuedConnection);
    m_history.setMemoryLimit(qint64(QSettings().value(QLatin1String(kLimitKey), 0).toInt()) << 20);
    updateRemoveRun();
}

void HistoryControls::setLimitMiB(int mebibytes)
{
    QSettings().setValue(QLatin1String(kLimitKey), mebibytes);
    m_history.setMemoryLimit(qint64(mebibytes) << 20);
    m_history.enforceMemoryLimit(m_current.run());
}

void HistoryControls::updateRemoveRun()
{
    // A live run is stopped first; there is nothing to remove without a run on show.
    const Run* run = m_current.run();
    m_removeRun.setEnabled(run && !run->live());
}

} // namespace pipescope
