#include "trace/RunStatistics.h"

#include "trace/TraceStore.h"

#include <algorithm>
#include <limits>

namespace pipescope {

namespace {

// `sorted` is not empty.
qint64 nearestRank(const std::vector<qint64>& sorted, int percent)
{
    const auto n = static_cast<qint64>(sorted.size());
    const qint64 rank = std::max<qint64>(1, (percent * n + 99) / 100);
    return sorted[size_t(rank - 1)];
}

} // namespace

int RunStatistics::latencyBucket(qint64 latencyNs)
{
    const auto* above = std::upper_bound(kLatencyEdgesNs.begin(), kLatencyEdgesNs.end(), latencyNs);
    return std::clamp(static_cast<int>(above - kLatencyEdgesNs.begin()) - 1, 0,
                      kLatencyBuckets - 1);
}

RunStatistics RunStatistics::compute(const TraceStore& store, qint64 durationNs)
{
    RunStatistics statistics;
    statistics.durationNs = durationNs;
    statistics.messages = static_cast<qint64>(store.messages().size());
    statistics.delivered = store.deliveredCount();
    statistics.undelivered = store.undeliveredCount();
    if (durationNs > 0)
        statistics.messagesPerSecond = double(statistics.messages) * 1e9 / double(durationNs);

    std::vector<qint64> latencies;
    latencies.reserve(size_t(statistics.delivered));
    for (const TraceStore::Message& message : store.messages()) {
        if (message.sendEvent < 0)
            continue;
        statistics.bytesSent += store.amount(message.sendEvent);
        if (message.recvEvent < 0)
            continue;
        const qint64 latency = store.time(message.recvEvent) - store.startTime(message.sendEvent);
        latencies.push_back(latency);
        ++statistics.latencyHistogram[size_t(latencyBucket(latency))];
    }
    if (!latencies.empty()) {
        std::sort(latencies.begin(), latencies.end());
        statistics.latencyP50Ns = nearestRank(latencies, 50);
        statistics.latencyP90Ns = nearestRank(latencies, 90);
        statistics.latencyP99Ns = nearestRank(latencies, 99);
        statistics.latencyMaxNs = latencies.back();
    }

    for (int c = 0; c < store.channelCount(); ++c)
        statistics.maxDepth.push_back(store.maxDepth(c));

    for (int p = 0; p < store.processCount(); ++p) {
        for (const quint32 e : store.process(p).pollEvents)
            ++(store.detail(e) ? statistics.pollsTrue : statistics.pollsFalse);
    }

    for (int p = 0; p < store.processCount(); ++p) {
        constexpr qint64 kNotBlocked = std::numeric_limits<qint64>::min();
        qint64 blocked = 0;
        qint64 blockedSince = kNotBlocked;
        for (const quint32 e : store.process(p).stateEvents) {
            if (blockedSince != kNotBlocked)
                blocked += store.time(e) - blockedSince;
            blockedSince =
                store.detail(e) == quint8(ProcessState::BlockedSend) ? store.time(e) : kNotBlocked;
        }
        if (blockedSince != kNotBlocked)
            blocked += std::max<qint64>(0, durationNs - blockedSince);
        statistics.blockedSendNs.push_back(blocked);
        statistics.totalBlockedSendNs += blocked;
    }
    return statistics;
}

} // namespace pipescope
