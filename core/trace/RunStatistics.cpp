#include "trace/RunStatistics.h"

#include "trace/RunStatisticsBuilder.h"

#include <algorithm>

namespace pipescope {

int RunStatistics::latencyBucket(qint64 latencyNs)
{
    const auto* above = std::upper_bound(kLatencyEdgesNs.begin(), kLatencyEdgesNs.end(), latencyNs);
    return std::clamp(static_cast<int>(above - kLatencyEdgesNs.begin()) - 1, 0,
                      kLatencyBuckets - 1);
}

RunStatistics RunStatistics::compute(const TraceStore& store, qint64 durationNs)
{
    RunStatisticsBuilder builder;
    builder.update(store);
    return builder.result(store, durationNs);
}

} // namespace pipescope
