#include "base/CounterRate.h"

#include <cmath>

namespace pipescope {

void CounterRate::anchor(quint64 ticks, qint64 ns)
{
    if (!m_started || ticks < m_checkTicks || ns < m_checkNs) {
        restart(ticks, ns);
        return;
    }
    if (ns - m_checkNs < kCalibrationNs)
        return;
    if (ticks == m_checkTicks) {
        restart(ticks, ns); // a counter that stood still has no rate
        return;
    }
    const double stretch = double(ns - m_checkNs) / double(ticks - m_checkTicks);
    if (known() && std::abs(stretch / m_nsPerTick - 1) > kTolerance) {
        restart(ticks, ns);
        return;
    }
    m_nsPerTick = double(ns - m_firstNs) / double(ticks - m_firstTicks);
    m_checkTicks = ticks;
    m_checkNs = ns;
}

void CounterRate::restart(quint64 ticks, qint64 ns)
{
    if (known())
        ++m_restarts;
    m_started = true;
    m_firstTicks = m_checkTicks = ticks;
    m_firstNs = m_checkNs = ns;
    m_nsPerTick = 0;
}

} // namespace pipescope
