#pragma once

#include "base/CounterRate.h"

#include <QtGlobal>

namespace pipescope {

// CLOCK_MONOTONIC in nanoseconds, as monotonicNs() reads it, but mostly read from the CPU's
// time-stamp counter: for the tracer's hot path, which reads the clock twice a traced call, and
// where clock_gettime() was half of what tracing cost a send (27 ns a reading on the project's
// virtual machine, against about 12 for the counter).
//
// A clock keeps an anchor (a reading of the real clock bracketed by two of the counter) and the
// counter's rate (CounterRate, measured against the real clock over the anchors, and measured
// afresh if the two part). A reading within kAnchorNs of the anchor is the anchor's time plus the
// counter's ticks since, at that rate; any other reading takes a new anchor and is the real clock.
// Until the rate has been measured over CounterRate::kCalibrationNs, every reading is the real
// clock. A reading is off by the anchor's own uncertainty (half the bracket, at most kTightTicks /
// 2: about 170 ns at 3 GHz, much less as a rule) and by what the rate is off over kAnchorNs (50 ns
// at 500 ppm, NTP slewing the clock at its fastest); readings never go back.
//
// Where the counter is not known to be steady and common to all CPUs (not x86-64, no invariant
// TSC in CPUID, or a kernel whose clock source is not the TSC), every reading is the real clock;
// the kernel's clock source is looked at again every kSourceCheckNs (a kernel whose watchdog
// found the TSC unstable changes it). One clock per thread: it is not thread-safe.
class TscClock
{
public:
    static constexpr qint64 kAnchorNs = 100'000;
    static constexpr qint64 kSourceCheckNs = 1'000'000'000;
    // Two readings of the counter closer than this bracket a reading of the real clock tightly
    // enough to anchor at (the real clock and the fences take about 150 ticks, a third of this at
    // 3 GHz; an interrupt or a preemption in between takes thousands).
    static constexpr quint64 kTightTicks = 1'000;

    TscClock();
    qint64 now();
    // Whether the counter can be read for the real clock on this machine, now.
    static bool usable();
    // Whether the counter's rate is known: readings near the anchor come from the counter.
    bool calibrated() const { return m_spanTicks > 0; }

private:
    qint64 anchorAgain();

    bool m_counter; // whether now() reads the counter
    quint64 m_anchorTicks = 0;
    qint64 m_anchorNs = 0;
    quint64 m_spanTicks = 0; // kAnchorNs in ticks; 0 while the rate is not known
    CounterRate m_rate;
    qint64 m_sourceCheckedNs; // when usable() was last asked
    qint64 m_last = 0;        // the latest reading handed out
};

} // namespace pipescope
