#pragma once

#include "Run.h"

#include <QObject>
#include <QTimer>

namespace pipescope {

class RunHistoryModel;
class TraceStore;

// The run on show, to which the views subscribe themselves: changed() when another run is shown
// (null: none), refreshed() when they should take in what its store gained and where its clock
// stands, and ended() once after the last refreshed() of a run that finished while on show.
//
// One refresh mechanism: a timer, running only while the run on show is live, emits refreshed()
// at most kRefreshIntervalMs apart. The runner's per-batch signal was dropped rather than the
// timer because a live run must be redrawn when nothing arrives too (its clock advances: in-flight
// arrows grow, the elapsed time counts, "follow live" slides), because a flood would signal
// thousands of times a second and need a timer to coalesce anyway, and because a timer needs
// nothing from a run's source but live() and finished(): a run from a file or a traced program
// gets its views refreshed without a signal of its own. When nothing is live it costs nothing.
class CurrentRun : public QObject
{
    Q_OBJECT
public:
    // Repaints at most about 60 times a second.
    static constexpr int kRefreshIntervalMs = 16;

    explicit CurrentRun(const RunHistoryModel& history, QObject* parent = nullptr);

    Run* run() const { return m_run; }
    const TraceStore* store() const;
    // Shows `run` (a run of the history, or null): changed() then refreshed().
    void setRun(Run* run);
    bool refreshing() const { return m_timer.isActive(); }

Q_SIGNALS:
    void changed(pipescope::Run* run);
    void refreshed();
    void ended();

private:
    void runFinished(Run* run);

    Run* m_run = nullptr;
    QTimer m_timer;
};

} // namespace pipescope
