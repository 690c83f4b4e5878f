#pragma once

#include "base/MonotonicClock.h"
#include "base/Result.h"

#include <poll.h>
#include <span>
#include <time.h>

namespace pipescope {

// A point in CLOCK_MONOTONIC time by which a wait must end, built from a timeout in seconds the
// way CPython reads one: infinity waits forever, zero or negative returns at once, NaN is refused.
class Deadline
{
public:
    static Result<Deadline> after(double seconds);
    static Deadline never();
    static Deadline now();

    bool infinite() const { return m_infinite; }
    bool expired() const;
    // The seconds left: infinity when infinite, zero once passed.
    double remainingSeconds() const;
    // The time left, for ppoll(): null when infinite, zero once passed.
    const timespec* remaining(timespec& storage) const;
    // This deadline or `ns` from now, whichever comes first.
    Deadline cappedAfterNs(qint64 ns) const;

private:
    Deadline() = default;

    bool m_infinite = true;
    qint64 m_atNs = 0;
};

// ppoll() on `descriptors` until one is ready or `deadline` passes, retrying after EINTR against
// the original deadline. Returns the number of ready descriptors (0 on timeout).
Result<int> pollUntil(std::span<pollfd> descriptors, const Deadline& deadline);

} // namespace pipescope
