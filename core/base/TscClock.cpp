#include "base/TscClock.h"

#include "base/MonotonicClock.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

namespace pipescope {

namespace {

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

// CPUID 0x80000007, EDX bit 8: the invariant TSC, at a constant rate in every power state.
bool counterIsInvariant()
{
#if defined(__x86_64__)
    unsigned eax = 0;
    unsigned ebx = 0;
    unsigned ecx = 0;
    unsigned edx = 0;
    return __get_cpuid(0x80000007, &eax, &ebx, &ecx, &edx) != 0 && (edx & (1U << 8)) != 0;
#else
    return false;
#endif
}

// The kernel trusts the counter across CPUs: it would not keep it as its clock source otherwise.
bool kernelClockIsTheCounter()
{
    std::FILE* file =
        std::fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
    if (!file)
        return false;
    char name[16] = {};
    const bool tsc = std::fgets(name, sizeof name, file) && std::strcmp(name, "tsc\n") == 0;
    std::fclose(file);
    return tsc;
}

} // namespace

TscClock::TscClock()
    : m_counter(usable())
    , m_sourceCheckedNs(monotonicNs())
{}

bool TscClock::usable()
{
    static const bool invariant = counterIsInvariant();
    return invariant && kernelClockIsTheCounter();
}

qint64 TscClock::now()
{
    if (!m_counter) [[unlikely]]
        return std::max(monotonicNs(), m_last);
    const quint64 ticks = readCounter() - m_anchorTicks;
    qint64 ns = 0;
    if (ticks < m_spanTicks) [[likely]]
        ns = m_anchorNs + qint64(double(ticks) * m_rate.nsPerTick());
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
        if (ns - m_sourceCheckedNs >= kSourceCheckNs) {
            m_sourceCheckedNs = ns;
            if (!usable()) {
                // The kernel gave the counter up: so does this clock.
                m_counter = false;
                return ns;
            }
        }
        const quint64 ticks = before + (after - before) / 2;
        m_rate.anchor(ticks, ns);
        m_spanTicks = m_rate.known() ? quint64(double(kAnchorNs) / m_rate.nsPerTick()) : 0;
        m_anchorTicks = ticks;
        m_anchorNs = ns;
        return ns;
    }
    // Preempted every time: the real clock, and the anchor stays as it was.
    return monotonicNs();
}

} // namespace pipescope
