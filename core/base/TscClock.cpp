#include "base/TscClock.h"

#include "base/MonotonicClock.h"

#include <cstdio>
#include <cstring>
#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

namespace pipescope {

namespace {

// Two readings of the counter closer than this bracket a reading of the real clock tightly
// enough to anchor at (the real clock and the fences take about 150 ticks, a third of this at
// 3 GHz; an interrupt or a preemption in between takes thousands).
constexpr quint64 kTightTicks = 1'000;
constexpr int kAnchorAttempts = 4;

// Unfenced: the processor may take it a few dozen instructions early or late, which for a call's
// times is nothing (a traced call costs about a microsecond in the kernel), and fencing it costs
// more than the reading itself (lfence + rdtsc 25 ns on the project's machine, rdtsc alone 11).
quint64 readCounter()
{
#if defined(__x86_64__)
    return __rdtsc();
#else
    return 0;
#endif
}

// Fenced, as the kernel reads it for the real clock: an anchor's two readings bracket the real
// clock's.
quint64 readCounterFenced()
{
#if defined(__x86_64__)
    _mm_lfence();
    return __rdtsc();
#else
    return 0;
#endif
}

bool counterIsSteady()
{
#if defined(__x86_64__)
    unsigned eax = 0;
    unsigned ebx = 0;
    unsigned ecx = 0;
    unsigned edx = 0;
    // CPUID 0x80000007, EDX bit 8: the invariant TSC, at a constant rate in every power state.
    if (__get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx) == 0 || (edx & (1U << 8)) == 0)
        return false;
    // And the kernel trusts it across CPUs: it would have left it as its clock source otherwise.
    std::FILE* file =
        std::fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
    if (!file)
        return false;
    char name[16] = {};
    const bool tsc = std::fgets(name, sizeof name, file) && std::strcmp(name, "tsc\n") == 0;
    std::fclose(file);
    return tsc;
#else
    return false;
#endif
}

} // namespace

bool TscClock::usable()
{
    static const bool steady = counterIsSteady();
    return steady;
}

qint64 TscClock::now()
{
    if (!usable())
        return monotonicNs();
    const quint64 ticks = readCounter() - m_anchorTicks;
    qint64 ns = 0;
    if (ticks < m_spanTicks) [[likely]]
        ns = m_anchorNs + qint64(double(ticks) * m_nsPerTick);
    else
        ns = anchorAgain();
    // Never back: a new anchor may land a few nanoseconds before where the rate had got to.
    if (ns < m_last)
        ns = m_last;
    m_last = ns;
    return ns;
}

qint64 TscClock::anchorAgain()
{
    for (int attempt = 0; attempt < kAnchorAttempts; ++attempt) {
        const quint64 before = readCounterFenced();
        const qint64 ns = monotonicNs();
        const quint64 after = readCounterFenced();
        if (after - before > kTightTicks)
            continue;
        const quint64 ticks = before + (after - before) / 2;
        if (m_firstNs == 0 || ticks < m_firstTicks || ns < m_firstNs) {
            // The first anchor, or a counter that went back: the rate is measured from here.
            m_firstTicks = ticks;
            m_firstNs = ns;
            m_spanTicks = 0;
        } else if (ns - m_firstNs >= kCalibrationNs && ticks > m_firstTicks) {
            m_nsPerTick = double(ns - m_firstNs) / double(ticks - m_firstTicks);
            m_spanTicks = quint64(double(kAnchorNs) / m_nsPerTick);
        }
        m_anchorTicks = ticks;
        m_anchorNs = ns;
        return ns;
    }
    // Preempted every time: the real clock, and the anchor stays as it was.
    return monotonicNs();
}

} // namespace pipescope
