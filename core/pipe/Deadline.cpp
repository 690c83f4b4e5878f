#include "pipe/Deadline.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <limits>

namespace pipescope {

namespace {
constexpr qint64 kNsPerSecond = 1'000'000'000;
}

Result<Deadline> Deadline::after(double seconds)
{
    if (std::isnan(seconds))
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("Invalid value NaN (not a number)"));
    Deadline deadline;
    // Anything beyond a century is as good as forever and would overflow the nanosecond clock.
    if (seconds > 3.0e9)
        return deadline;
    deadline.m_infinite = false;
    deadline.m_atNs =
        monotonicNs() + (seconds > 0 ? static_cast<qint64>(seconds * kNsPerSecond) : 0);
    return deadline;
}

Deadline Deadline::never()
{
    return Deadline();
}

Deadline Deadline::now()
{
    Deadline deadline;
    deadline.m_infinite = false;
    deadline.m_atNs = monotonicNs();
    return deadline;
}

bool Deadline::expired() const
{
    return !m_infinite && monotonicNs() >= m_atNs;
}

double Deadline::remainingSeconds() const
{
    if (m_infinite)
        return std::numeric_limits<double>::infinity();
    return static_cast<double>(std::max<qint64>(0, m_atNs - monotonicNs())) / kNsPerSecond;
}

Deadline Deadline::cappedAfterNs(qint64 ns) const
{
    const qint64 at = monotonicNs() + ns;
    if (!m_infinite && m_atNs <= at)
        return *this;
    Deadline capped;
    capped.m_infinite = false;
    capped.m_atNs = at;
    return capped;
}

const timespec* Deadline::remaining(timespec& storage) const
{
    if (m_infinite)
        return nullptr;
    const qint64 left = std::max<qint64>(0, m_atNs - monotonicNs());
    storage.tv_sec = static_cast<time_t>(left / kNsPerSecond);
    storage.tv_nsec = static_cast<long>(left % kNsPerSecond);
    return &storage;
}

Result<int> pollUntil(std::span<pollfd> descriptors, const Deadline& deadline)
{
    for (;;) {
        timespec storage{};
        const int ready =
            ::ppoll(descriptors.data(), descriptors.size(), deadline.remaining(storage), nullptr);
        if (ready >= 0)
            return ready;
        if (errno != EINTR)
            return Error::fromErrno(errno);
    }
}

} // namespace pipescope
