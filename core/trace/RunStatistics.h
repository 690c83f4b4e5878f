#pragma once

#include "trace/TimeRange.h"

#include <QtGlobal>
#include <array>
#include <vector>

namespace pipescope {

class TraceStore;

// A run summed up, for the statistics panel and the CLI. A message's latency is the time from
// when its send began to when its recv returned: the span over which the store counts it in the
// queue depth, so time blocked in a full pipe counts too.
struct RunStatistics
{
    // The latency histogram's bucket edges: the 1-2-5 series from 1 µs to 10 s. Bucket i holds
    // latencies in [kLatencyEdgesNs[i], kLatencyEdgesNs[i + 1]); the first also those below 1 µs,
    // the last also those of 10 s and more.
    static constexpr int kLatencyBuckets = 21;
    static constexpr std::array<qint64, kLatencyBuckets + 1> kLatencyEdgesNs = {
        1'000,         2'000,         5'000,         10'000,        20'000,      50'000,
        100'000,       200'000,       500'000,       1'000'000,     2'000'000,   5'000'000,
        10'000'000,    20'000'000,    50'000'000,    100'000'000,   200'000'000, 500'000'000,
        1'000'000'000, 2'000'000'000, 5'000'000'000, 10'000'000'000};

    qint64 durationNs = 0;
    qint64 messages = 0; // the store's messages: each send, with its recv if there was one
    qint64 delivered = 0;
    qint64 undelivered = 0;
    qint64 bytesSent = 0;
    double messagesPerSecond = 0; // over durationNs; 0 for an empty duration

    // Nearest-rank percentiles of the delivered messages' latencies: the p-th is the smallest
    // latency that at least p% of them do not exceed (the ceil(p/100 * n)-th smallest). All 0 when
    // nothing was delivered.
    qint64 latencyP50Ns = 0;
    qint64 latencyP90Ns = 0;
    qint64 latencyP99Ns = 0;
    qint64 latencyMaxNs = 0;
    std::array<qint64, kLatencyBuckets> latencyHistogram{};

    std::vector<qint64> maxDepth; // per channel: the most messages in flight at once
    qint64 pollsTrue = 0;
    qint64 pollsFalse = 0;

    // Time spent blocked in send, per process and in all: a "blocked in send" state lasts until
    // the process's next state event, or the run's end (durationNs) if it has none.
    std::vector<qint64> blockedSendNs;
    qint64 totalBlockedSendNs = 0;

    // `durationNs`: how long the run lasted, from its start (times are relative to it).
    static RunStatistics compute(const TraceStore& store, qint64 durationNs);
    // What happened within `range` (not empty): the messages sent in it (delivered when received
    // at all, their latencies whole), the bytes they carried, the polls that ended in it, the
    // deepest queues in it, the time blocked in send within it; durationNs is its length. Reads
    // only what lies in the range (a binary search per channel and process, then its events).
    static RunStatistics ofRange(const TraceStore& store, TimeRange range);
    static int latencyBucket(qint64 latencyNs);
};

} // namespace pipescope
