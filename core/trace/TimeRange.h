#pragma once

#include <QtGlobal>

namespace pipescope {

// A stretch of a run's time, in ns since its start, both ends included; empty when end <= start
// (no range: the whole run).
struct TimeRange
{
    qint64 start = 0;
    qint64 end = 0;

    bool empty() const { return end <= start; }
    bool contains(qint64 t) const { return t >= start && t <= end; }
    bool operator==(const TimeRange&) const = default;
};

} // namespace pipescope
