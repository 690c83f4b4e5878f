// RunStatistics::ofRange: the statistics of a stretch of a run (the window's selected range).
#include "trace/RunStatistics.h"
#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

namespace {

size_t countBefore(const TraceStore::TimeList& sortedTimes, qint64 t)
{
    return size_t(std::lower_bound(sortedTimes.begin(), sortedTimes.end(), t) -
                  sortedTimes.begin());
}

// The most messages in flight on `channel` at any time of the range.
qint64 deepestIn(const TraceStore& store, int channel, TimeRange range)
{
    const TraceStore::Channel& c = store.channel(channel);
    qint64 depth = store.depthAt(channel, range.start);
    qint64 deepest = depth;
    size_t send = c.sendTimes.upperBound(range.start);
    size_t recv = c.recvTimes.upperBound(range.start);
    const size_t sendEnd = c.sendTimes.upperBound(range.end);
    const size_t recvEnd = c.recvTimes.upperBound(range.end);
    // Raw count: depthAt() never goes below 0, nor does the walk from it.
    qint64 raw = qint64(send) - qint64(recv);
    while (send < sendEnd || recv < recvEnd) {
        // At one time, recvs first (as depthAt() counts both up to a time).
        const bool takeRecv =
            recv < recvEnd && (send >= sendEnd || c.recvTimes[recv] <= c.sendTimes[send]);
        raw += takeRecv ? -1 : 1;
        (takeRecv ? recv : send) += 1;
        depth = std::max<qint64>(0, raw);
        deepest = std::max(deepest, depth);
    }
    return deepest;
}

} // namespace

RunStatistics RunStatistics::ofRange(const TraceStore& store, TimeRange range)
{
    RunStatistics statistics;
    statistics.durationNs = range.end - range.start;
    std::vector<qint64> latencies;
    for (int c = 0; c < store.channelCount(); ++c) {
        const TraceStore::Channel& channel = store.channel(c);
        if (!store.channelShown(c)) {
            statistics.maxDepth.push_back(0);
            continue;
        }
        // Sends are sorted: the range's messages are a run of seqs.
        const size_t first = countBefore(channel.sendTimes, range.start);
        const size_t last = channel.sendTimes.upperBound(range.end);
        const size_t received = std::clamp(channel.recvTimes.size(), first, last);
        statistics.messages += qint64(last - first);
        statistics.delivered += qint64(received - first);
        const auto sentBy = [&](size_t sends) {
            return sends == 0 ? qint64(0) : channel.sentBytes[sends - 1]; // cumulative
        };
        statistics.bytesSent += sentBy(last) - sentBy(first);
        for (size_t seq = first; seq < received; ++seq)
            latencies.push_back(channel.recvTimes[seq] - channel.sendTimes[seq]);
        statistics.maxDepth.push_back(deepestIn(store, c, range));
    }
    statistics.undelivered = statistics.messages - statistics.delivered;
    if (statistics.durationNs > 0)
        statistics.messagesPerSecond =
            double(statistics.messages) * 1e9 / double(statistics.durationNs);

    std::sort(latencies.begin(), latencies.end());
    if (!latencies.empty()) {
        const auto rank = [&](int percent) {
            const auto n = qint64(latencies.size());
            return latencies[size_t(std::max<qint64>(1, (percent * n + 99) / 100) - 1)];
        };
        statistics.latencyP50Ns = rank(50);
        statistics.latencyP90Ns = rank(90);
        statistics.latencyP99Ns = rank(99);
        statistics.latencyMaxNs = latencies.back();
        for (const qint64 latency : latencies)
            ++statistics.latencyHistogram[size_t(latencyBucket(latency))];
    }

    const auto firstAtOrAfter = [&](const TraceStore::EventList& events, qint64 t) {
        return size_t(
            std::lower_bound(events.begin(), events.end(), t,
                             [&](quint32 e, qint64 value) { return store.time(e) < value; }) -
            events.begin());
    };
    for (int p = 0; p < store.processCount(); ++p) {
        const TraceStore::Process& process = store.process(p);
        const bool shown = store.processShown(p);
        for (size_t i = firstAtOrAfter(process.pollEvents, range.start);
             shown && i < process.pollEvents.size() &&
             store.time(process.pollEvents[i]) <= range.end;
             ++i) {
            if (store.eventShown(process.pollEvents[i]))
                ++(store.detail(process.pollEvents[i]) ? statistics.pollsTrue
                                                       : statistics.pollsFalse);
        }
        // Blocked in send: each such state's span (to the next state, or the range's end),
        // clipped to the range.
        qint64 blocked = 0;
        const TraceStore::EventList& states = process.stateEvents;
        size_t i = firstAtOrAfter(states, range.start);
        if (i > 0)
            --i; // the state the range begins in
        for (; shown && i < states.size() && store.time(states[i]) <= range.end; ++i) {
            if (ProcessState(store.detail(states[i])) != ProcessState::BlockedSend)
                continue;
            const qint64 from = std::max(range.start, store.time(states[i]));
            const qint64 to =
                std::min(range.end, i + 1 < states.size() ? store.time(states[i + 1]) : range.end);
            blocked += std::max<qint64>(0, to - from);
        }
        statistics.blockedSendNs.push_back(blocked);
        statistics.totalBlockedSendNs += blocked;
    }
    return statistics;
}

} // namespace pipescope
