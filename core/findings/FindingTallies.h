#pragma once

#include <QtGlobal>
#include <deque>
#include <optional>
#include <vector>

namespace pipescope {

class TraceStore;

// What the live detectors keep between two analyses of a growing store, so that each analysis
// reads only the state and poll events appended since the one before: per process its polls
// with timeout 0, its waits to send and to join; per channel the recent waits in recv of each
// process that reads it, and the first two that overlapped (two readers at once).
class FindingTallies
{
public:
    // A wait in recv: its state event, from its time to the process's next state.
    struct Wait
    {
        qint64 start = 0;
        qint64 end = 0;
        int process = -1;
        qint32 event = -1;
    };
    struct Polls
    {
        qint64 zero = 0; // calls with timeout 0
        qint32 first = -1;
        qint32 last = -1;
        qint64 waited = 0; // ns inside them
        size_t scanned = 0;
    };

    // Waits older than this before a reader's newest are forgotten: two readers' overlapping
    // waits are found when the later of them comes in, which is at most this late.
    static constexpr qint64 kWaitWindowNs = 2'000'000'000;

    // Takes what `store` appended since the last call (all of it for another store, or after
    // the store was cleared). The store's events are appended, never changed.
    void advance(const TraceStore& store);

    const Polls& polls(int process) const { return m_polls[size_t(process)]; }
    // The first two waits in recv on `channel` by different processes that overlapped.
    const std::optional<std::pair<Wait, Wait>>& readAtOnce(int channel) const
    {
        return m_channels[size_t(channel)].atOnce;
    }
    // Closed BlockedSend and Joining states of a process (its open last state is the store's).
    const std::vector<qint32>& blockedSends(int process) const
    {
        return m_blockedSends[size_t(process)];
    }
    const std::vector<qint32>& joins() const { return m_joins; }
    // Another process's recent wait in recv on `channel` that overlaps `wait`, if any.
    std::optional<Wait> overlapping(int channel, const Wait& wait) const;

private:
    struct Reader
    {
        int process = -1;
        std::deque<Wait> recent; // by start, the last kWaitWindowNs
    };
    struct ChannelWaits
    {
        std::vector<Reader> readers;
        std::optional<std::pair<Wait, Wait>> atOnce;
    };

    void reset(const TraceStore& store);
    void addWait(int channel, const Wait& wait);

    const TraceStore* m_store = nullptr;
    qint64 m_origin = 0;
    qsizetype m_events = 0;
    std::vector<Polls> m_polls;
    std::vector<size_t> m_statesClosed; // per process: states whose successor has been seen
    std::vector<ChannelWaits> m_channels;
    std::vector<std::vector<qint32>> m_blockedSends;
    std::vector<qint32> m_joins;
};

} // namespace pipescope
