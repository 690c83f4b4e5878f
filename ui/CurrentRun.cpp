#include "CurrentRun.h"

#include "Run.h"
#include "RunHistoryModel.h"

namespace pipescope {

CurrentRun::CurrentRun(const RunHistoryModel& history, QObject* parent)
    : QObject(parent)
{
    m_timer.setInterval(kRefreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &CurrentRun::refreshed);
    // Through the history, which updates the run's line first, and not through the run itself, so
    // that whatever listens to the history's runFinished() afterwards sees the views up to date.
    connect(&history, &RunHistoryModel::runFinished, this, &CurrentRun::runFinished);
    // The run on show is dropped: the one next to it is shown instead (the newer one above it
    // when it was the oldest), or none.
    connect(&history, &RunHistoryModel::aboutToRemove, this, [this, &history](Run* run) {
        if (run != m_run)
            return;
        const int row = history.rowOf(run);
        Run* next = history.run(row + 1);
        setRun(next ? next : history.run(row - 1));
    });
}

const TraceStore* CurrentRun::store() const
{
    return m_run ? &m_run->store() : nullptr;
}

void CurrentRun::setRun(Run* run)
{
    m_run = run;
    if (run && run->live())
        m_timer.start();
    else
        m_timer.stop();
    Q_EMIT changed(run);
    Q_EMIT refreshed();
}

void CurrentRun::runFinished(Run* run)
{
    if (run != m_run)
        return;
    m_timer.stop();
    Q_EMIT refreshed();
    Q_EMIT ended();
}

} // namespace pipescope
