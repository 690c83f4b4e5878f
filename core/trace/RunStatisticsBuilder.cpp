#include "trace/RunStatisticsBuilder.h"

#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

namespace {

// `values` has some, all settled.
qint64 nearestRank(const SortedRuns& values, int percent)
{
    const auto n = static_cast<qint64>(values.size());
    const qint64 rank = std::max<qint64>(1, (percent * n + 99) / 100);
    return values.nth(size_t(rank - 1));
}

} // namespace

void RunStatisticsBuilder::addLatency(qint64 latencyNs)
{
    m_latencies.add(latencyNs);
    ++m_histogram[size_t(RunStatistics::latencyBucket(latencyNs))];
}

void RunStatisticsBuilder::update(const TraceStore& store)
{
    m_blockedSend.resize(size_t(store.processCount()));
    const auto events = static_cast<size_t>(store.eventCount());
    for (; m_events < events; ++m_events) {
        const auto e = static_cast<qint32>(m_events);
        if (!store.eventShown(e))
            continue;
        switch (store.kind(e)) {
        case EventKind::Send:
        case EventKind::Recv: {
            // A message counts once both its events are in, at the later of the two.
            const TraceStore::Message& m = store.messages()[size_t(store.messageOf(e))];
            const bool send = store.kind(e) == EventKind::Send;
            if (send)
                m_bytesSent += store.messageBytes(e);
            const qint32 other = send ? m.recvEvent : m.sendEvent;
            if (other >= 0 && other < e)
                addLatency(store.time(m.recvEvent) - store.startTime(m.sendEvent));
            break;
        }
        case EventKind::Poll:
            ++(store.detail(e) ? m_pollsTrue : m_pollsFalse);
            break;
        case EventKind::State: {
            // A process's events arrive in its own time order, so its states come in turn.
            BlockedSend& blocked = m_blockedSend[size_t(store.processOf(e))];
            const qint64 t = store.time(e);
            if (blocked.since != kNotBlocked)
                blocked.total += t - blocked.since;
            blocked.since = store.detail(e) == quint8(ProcessState::BlockedSend) ? t : kNotBlocked;
            break;
        }
        default:
            break;
        }
    }
}

RunStatistics RunStatisticsBuilder::result(const TraceStore& store, qint64 durationNs)
{
    RunStatistics statistics;
    statistics.durationNs = durationNs;
    statistics.messages = static_cast<qint64>(store.messageCount());
    statistics.delivered = store.deliveredCount();
    statistics.undelivered = store.undeliveredCount();
    if (durationNs > 0)
        statistics.messagesPerSecond = double(statistics.messages) * 1e9 / double(durationNs);
    statistics.bytesSent = m_bytesSent;

    // Only the latencies added since the last result are sorted (SortedRuns).
    m_latencies.settle();
    if (m_latencies.size() > 0) {
        statistics.latencyP50Ns = nearestRank(m_latencies, 50);
        statistics.latencyP90Ns = nearestRank(m_latencies, 90);
        statistics.latencyP99Ns = nearestRank(m_latencies, 99);
        statistics.latencyMaxNs = m_latencies.max();
    }
    statistics.latencyHistogram = m_histogram;

    for (int c = 0; c < store.channelCount(); ++c)
        statistics.maxDepth.push_back(store.maxDepth(c));
    statistics.pollsTrue = m_pollsTrue;
    statistics.pollsFalse = m_pollsFalse;

    for (const BlockedSend& blocked : m_blockedSend) {
        qint64 total = blocked.total;
        if (blocked.since != kNotBlocked)
            total += std::max<qint64>(0, durationNs - blocked.since);
        statistics.blockedSendNs.push_back(total);
        statistics.totalBlockedSendNs += total;
    }
    return statistics;
}

} // namespace pipescope
