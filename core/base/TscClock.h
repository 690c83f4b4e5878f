#pragma once

#include <QtGlobal>

namespace pipescope {

// CLOCK_MONOTONIC in nanoseconds, as monotonicNs() reads it, but mostly read from the CPU's
// time-stamp counter: for the tracer's hot path, which reads the clock twice a traced call, and
// where clock_gettime() was half of what tracing cost a send (27 ns a reading on the project's
// virtual machine, against about 12 for the counter).
//
// A clock keeps an anchor (a reading of the real clock bracketed by two of the counter) and the
// counter's rate, measured against the real clock from its first anchor on. A reading within
// kAnchorNs of the anchor is the anchor's time plus the counter's ticks since, at that rate; any
// other reading takes a new anchor and is the real clock. Until the rate has been measured over
// kCalibrationNs, every reading is the real clock. A rate off by 500 ppm (NTP slewing the clock
// at its fastest) puts a reading 50 ns off at worst; readings never go back.
//
// Where the counter is not known to be steady and common to all CPUs (not x86-64, no invariant
// TSC in CPUID, or a kernel whose clock source is not the TSC), every reading is the real clock.
// One clock per thread: it is not thread-safe.
class TscClock
{
public:
    static constexpr qint64 kAnchorNs = 100'000;
    static constexpr qint64 kCalibrationNs = 10'000'000;

    qint64 now();
    // Whether now() reads the counter on this machine.
    static bool usable();
    // Whether the counter's rate is known: readings near the anchor come from the counter.
    bool calibrated() const { return m_spanTicks > 0; }

private:
    qint64 anchorAgain();

    quint64 m_anchorTicks = 0;
    qint64 m_anchorNs = 0;
    quint64 m_spanTicks = 0; // kAnchorNs in ticks; 0 while the rate is not known
    double m_nsPerTick = 0;
    quint64 m_firstTicks = 0; // the first anchor, where the rate is measured from
    qint64 m_firstNs = 0;
    qint64 m_last = 0; // the latest reading handed out
};

} // namespace pipescope
