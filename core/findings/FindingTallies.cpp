#include "findings/FindingTallies.h"

#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

void FindingTallies::reset(const TraceStore& store)
{
    *this = FindingTallies();
    m_store = &store;
    m_origin = store.origin();
}

void FindingTallies::advance(const TraceStore& store)
{
    // Another store (or one at the same address: another run, another origin), or cleared.
    if (&store != m_store || store.origin() != m_origin || store.eventCount() < m_events)
        reset(store);
    m_events = store.eventCount();
    const auto processes = size_t(store.processCount());
    m_polls.resize(processes);
    m_statesClosed.resize(processes, 0);
    m_blockedSends.resize(processes);
    m_channels.resize(size_t(store.channelCount()));
    // The waits that closed since, of every process, go in by their start: an overlap is found
    // however far apart two processes' waits sit in the store.
    std::vector<std::pair<int, Wait>> closedWaits;
    for (int p = 0; p < store.processCount(); ++p) {
        Polls& polls = m_polls[size_t(p)];
        const TraceStore::EventList& pollEvents = store.process(p).pollEvents;
        for (; polls.scanned < pollEvents.size(); ++polls.scanned) {
            const quint32 e = pollEvents[polls.scanned];
            if (store.pollTimeoutSeconds(e) != 0)
                continue;
            if (polls.first < 0)
                polls.first = qint32(e);
            polls.last = qint32(e);
            ++polls.zero;
            polls.waited += store.time(e) - store.startTime(e);
        }
        // A state is taken once the next one says when it ended.
        const TraceStore::EventList& states = store.process(p).stateEvents;
        size_t& closed = m_statesClosed[size_t(p)];
        for (; closed + 1 < states.size(); ++closed) {
            const quint32 e = states[closed];
            const auto state = ProcessState(store.detail(e));
            const quint16 channel = store.channelOf(e);
            if (state == ProcessState::BlockedRecv && channel != kNoChannel)
                closedWaits.emplace_back(
                    channel, Wait{store.time(e), store.time(states[closed + 1]), p, qint32(e)});
            else if (state == ProcessState::BlockedSend && channel != kNoChannel)
                m_blockedSends[size_t(p)].push_back(qint32(e));
            else if (state == ProcessState::Joining)
                m_joins.push_back(qint32(e));
        }
    }
    std::sort(closedWaits.begin(), closedWaits.end(),
              [](const auto& a, const auto& b) { return a.second.start < b.second.start; });
    for (const auto& [channel, wait] : closedWaits)
        addWait(channel, wait);
}

std::optional<FindingTallies::Wait> FindingTallies::overlapping(int channel, const Wait& wait) const
{
    if (channel < 0 || size_t(channel) >= m_channels.size())
        return std::nullopt;
    for (const Reader& reader : m_channels[size_t(channel)].readers) {
        if (reader.process == wait.process)
            continue;
        // The other reader's latest wait that began before this one ends: a process's own
        // waits never overlap, so only that one can reach past this one's start.
        const auto after =
            std::upper_bound(reader.recent.begin(), reader.recent.end(), wait.end,
                             [](qint64 t, const Wait& other) { return t <= other.start; });
        if (after != reader.recent.begin() && std::prev(after)->end > wait.start)
            return *std::prev(after);
    }
    return std::nullopt;
}

void FindingTallies::addWait(int channel, const Wait& wait)
{
    ChannelWaits& waits = m_channels[size_t(channel)];
    if (waits.atOnce)
        return; // found already: that is the proof
    if (const std::optional<Wait> other = overlapping(channel, wait)) {
        waits.atOnce = std::pair(*other, wait);
        return;
    }
    Reader* own = nullptr;
    for (Reader& reader : waits.readers) {
        if (reader.process == wait.process)
            own = &reader;
    }
    if (!own)
        own = &waits.readers.emplace_back(Reader{wait.process, {}});
    own->recent.push_back(wait);
    while (own->recent.front().end < wait.start - kWaitWindowNs)
        own->recent.pop_front();
}

} // namespace pipescope
