#pragma once

#include "trace/RunStatistics.h"
#include "trace/SortedRuns.h"

#include <QtGlobal>
#include <array>
#include <limits>
#include <vector>

namespace pipescope {

class TraceStore;

// Keeps a run's statistics up to date while it is recorded: each update() takes in only the
// events appended since the last one, so a view can show the numbers of a run of millions of
// messages a few times a second without walking them all again. The result is exactly what one
// pass over the finished store gives (RunStatistics::compute() is one update() and result()).
class RunStatisticsBuilder
{
public:
    // Takes in the events `store` gained since the last call. One builder follows one store.
    void update(const TraceStore& store);
    // The statistics as of the last update(), for a run that has lasted `durationNs` so far.
    RunStatistics result(const TraceStore& store, qint64 durationNs);

private:
    static constexpr qint64 kNotBlocked = std::numeric_limits<qint64>::min();

    struct BlockedSend
    {
        qint64 total = 0;
        qint64 since = kNotBlocked; // when the current "blocked in send" state began
    };

    void addLatency(qint64 latencyNs);

    size_t m_events = 0; // events taken in
    qint64 m_bytesSent = 0;
    qint64 m_pollsTrue = 0;
    qint64 m_pollsFalse = 0;
    std::array<qint64, RunStatistics::kLatencyBuckets> m_histogram{};
    SortedRuns m_latencies;
    std::vector<BlockedSend> m_blockedSend; // per process
};

} // namespace pipescope
