#pragma once

#include "SteadyLabel.h"

class QStatusBar;

namespace pipescope {

class Run;

// The window's status bar: what the run on show is doing or how it ended (in words, in colour
// when it needs attention; the window's own messages go there too), the findings' summary, its
// clock, its events, and its messages with those in flight or undelivered and the rate.
class RunStatusBar
{
public:
    // Puts its labels on `bar` (which owns them).
    explicit RunStatusBar(QStatusBar& bar);

    QLabel* state() const { return m_state; }
    QLabel* findings() const { return m_findings; }
    QLabel* rate() const { return m_rate; }
    // Shows where `run` stands now.
    void show(const Run& run);

private:
    QLabel* m_state;
    QLabel* m_findings; // "2 findings, 1 above info"
    SteadyLabel* m_elapsed;
    SteadyLabel* m_events;
    SteadyLabel* m_rate;
    const Run* m_run = nullptr; // the one whose figures the labels are sized to
};

} // namespace pipescope
