#pragma once

#include "trace/TraceEvent.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <functional>
#include <vector>

namespace pipescope {

// Puts the recvs on a shared end (a pipe end several processes read) in the order they happened.
// Each reader numbers only its own recvs, and its telemetry comes in batches of its own, so a
// recv is held back until every other live reader of its channel has reported past its time (its
// telemetry is in time order), or until kHoldBackNs have gone by; it is then the channel's next.
class SharedRecvOrder
{
public:
    static constexpr qint64 kHoldBackNs = 50'000'000;

    using Append = std::function<void(int process, const TelemetryRecord& record,
                                      QByteArrayView text, QByteArrayView head)>;

    // `channel` is a shared end read by `readers` (the store's process numbers).
    void addChannel(int channel, const QList<int>& readers) { m_readers.insert(channel, readers); }
    bool isShared(int channel) const { return m_readers.contains(channel); }
    // A record of `process` at `tNs` came in: nothing earlier will come from it.
    void reported(int process, qint64 tNs);
    // `process` has ended: nothing more will come from it.
    void ended(int process) { m_ended.append(process); }
    void hold(int process, const TelemetryRecord& record, QByteArrayView text, QByteArrayView head);
    bool empty() const { return m_held.empty(); }
    // Hands every held recv that may go at `now` (all of them when `everything`), in time order,
    // to `append`.
    void release(qint64 now, bool everything, const Append& append);

private:
    qint64 reportedUntil(int process) const;

    struct Held
    {
        int process;
        TelemetryRecord record;
        QByteArray text;
        QByteArray head;
    };

    bool othersPassed(const Held& held) const;

    QHash<int, QList<int>> m_readers;
    std::vector<qint64> m_reportedUntil; // per process, -1: nothing yet
    QList<int> m_ended;
    std::vector<Held> m_held; // in time order
};

} // namespace pipescope
