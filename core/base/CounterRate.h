#pragma once

#include <QtGlobal>

namespace pipescope {

// The rate of a counter (the CPU's time-stamp counter) against the real clock, measured from
// anchors: pairs of a counter reading and the real clock's reading at the same moment, given in
// time order.
//
// The rate is measured from the first anchor, once kCalibrationNs of the real clock have passed,
// and from then on over the whole time since, so that it gets only more exact. Every
// kCalibrationNs or more, the rate of that last stretch is held against it: one that differs by
// more than kTolerance means the counter and the real clock parted (a suspend, which stops the
// real clock and not the counter, or a virtual machine moved to another host), and the rate is
// measured afresh from there. So is a counter or a real clock that went back, and a counter that
// stood still.
class CounterRate
{
public:
    static constexpr qint64 kCalibrationNs = 10'000'000;
    // Well above what two anchors can be off over kCalibrationNs (a few hundred nanoseconds each:
    // 50 ppm) and what NTP slews the real clock by (500 ppm at most).
    static constexpr double kTolerance = 1e-3;

    void anchor(quint64 ticks, qint64 ns);
    // Whether the rate is known.
    bool known() const { return m_nsPerTick > 0; }
    // Nanoseconds of the real clock per tick of the counter; 0 while not known.
    double nsPerTick() const { return m_nsPerTick; }
    // How many times the rate was measured afresh after it was known.
    int restarts() const { return m_restarts; }

private:
    void restart(quint64 ticks, qint64 ns);

    bool m_started = false;
    quint64 m_firstTicks = 0; // the anchor the rate is measured from
    qint64 m_firstNs = 0;
    quint64 m_checkTicks = 0; // the anchor the last stretch began at
    qint64 m_checkNs = 0;
    double m_nsPerTick = 0;
    int m_restarts = 0;
};

} // namespace pipescope
