#include "CurrentRun.h"

#include "Run.h"
#include "RunHistoryModel.h"
#include "base/MonotonicClock.h"

#include <QCoreApplication>
#include <QEvent>
#include <algorithm>

namespace pipescope {

CurrentRun::CurrentRun(const RunHistoryModel& history, QObject* parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setObjectName(QStringLiteral("refresh"));
    connect(&m_timer, &QTimer::timeout, this, &CurrentRun::refresh);
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
    startRefreshing(run && run->live());
    Q_EMIT changed(run);
    Q_EMIT refreshed();
}

void CurrentRun::runFinished(Run* run)
{
    if (run != m_run)
        return;
    startRefreshing(false);
    Q_EMIT refreshed();
    Q_EMIT ended();
}

void CurrentRun::startRefreshing(bool on)
{
    m_refreshing = on;
    m_measuring = false;
    m_intervalMs = kRefreshIntervalMs;
    if (on)
        m_timer.start(kRefreshIntervalMs);
    else
        m_timer.stop();
}

void CurrentRun::refresh()
{
    m_refreshStartedNs = monotonicNs();
    m_measuring = true;
    // Should the thread never go idle (it always has events to take), still a few times a second.
    m_timer.start(kSlowestRefreshMs);
    Q_EMIT refreshed();
    // The views have taken in what came and asked to be repainted (UpdateRequest, posted at
    // Qt::LowEventPriority): an event posted behind that is delivered once the repaint is done.
    QCoreApplication::postEvent(this, new QEvent(kRefreshDoneEvent), Qt::LowEventPriority - 1);
}

bool CurrentRun::event(QEvent* event)
{
    if (event->type() != kRefreshDoneEvent)
        return QObject::event(event);
    refreshDone();
    return true;
}

void CurrentRun::refreshDone()
{
    if (!m_measuring || !m_refreshing)
        return;
    m_measuring = false;
    const qint64 costNs = monotonicNs() - m_refreshStartedNs;
    const qint64 intervalNs = std::clamp<qint64>(
        costNs * kBusyFactor, kRefreshIntervalMs * 1'000'000LL, kSlowestRefreshMs * 1'000'000LL);
    m_intervalMs = int(intervalNs / 1'000'000);
    m_timer.start(int(std::max<qint64>(0, intervalNs - costNs) / 1'000'000));
}

} // namespace pipescope
