#pragma once

#include "Run.h"

#include <QEvent>
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
//
// The refreshes keep to a share of the window's thread: a refresh's cost is what the thread did
// from the timer until the repaint it asked for was done (the views taking in what came, and
// repainting: an event posted behind the repaint marks the end), and the next refresh comes
// kBusyFactor times that cost after the last began, never sooner than
// kRefreshIntervalMs nor later than kSlowestRefreshMs. A small run repaints 60 times a second;
// a run of millions of messages, whose every frame costs more, fewer times, and the thread stays
// free for the person's clicks and keys (and for taking in the run).
class CurrentRun : public QObject
{
    Q_OBJECT
public:
    // Repaints at most about 60 times a second, and at least 4 times while live.
    static constexpr int kRefreshIntervalMs = 16;
    static constexpr int kSlowestRefreshMs = 250;
    // Refreshing keeps the window's thread busy at most 1 / kBusyFactor of the time.
    static constexpr int kBusyFactor = 3;

    explicit CurrentRun(const RunHistoryModel& history, QObject* parent = nullptr);

    Run* run() const { return m_run; }
    const TraceStore* store() const;
    // Shows `run` (a run of the history, or null): changed() then refreshed().
    void setRun(Run* run);
    bool refreshing() const { return m_refreshing; }
    // The interval before the next refresh, as the last one's cost set it (ms).
    int refreshIntervalMs() const { return m_intervalMs; }

Q_SIGNALS:
    void changed(pipescope::Run* run);
    void refreshed();
    void ended();

private:
    void runFinished(Run* run);
    void startRefreshing(bool on);
    void refresh();
    // The refresh that began at m_refreshStartedNs is done, repaint included: the next one is due.
    void refreshDone();
    bool event(QEvent* event) override;
    static constexpr QEvent::Type kRefreshDoneEvent = QEvent::Type(QEvent::User + 1);

    Run* m_run = nullptr;
    QTimer m_timer; // single-shot: armed at kSlowestRefreshMs by a refresh, sooner once it is done
    bool m_refreshing = false;
    bool m_measuring = false;
    qint64 m_refreshStartedNs = 0;
    int m_intervalMs = kRefreshIntervalMs;
};

} // namespace pipescope
