#include "run/SharedRecvOrder.h"

#include <algorithm>

namespace pipescope {

void SharedRecvOrder::reported(int process, qint64 tNs)
{
    // Called for every record: a vector, not a hash, and nothing at all without shared channels.
    if (m_readers.isEmpty() || process < 0)
        return;
    if (size_t(process) >= m_reportedUntil.size())
        m_reportedUntil.resize(size_t(process) + 1, -1);
    qint64& until = m_reportedUntil[size_t(process)];
    until = std::max(until, tNs);
}

qint64 SharedRecvOrder::reportedUntil(int process) const
{
    return process >= 0 && size_t(process) < m_reportedUntil.size()
               ? m_reportedUntil[size_t(process)]
               : -1;
}

void SharedRecvOrder::hold(int process, const TelemetryRecord& record, QByteArrayView text,
                           QByteArrayView head)
{
    Held held{process, record, text.toByteArray(), head.toByteArray()};
    const auto at =
        std::upper_bound(m_held.begin(), m_held.end(), record.tNs,
                         [](qint64 t, const Held& other) { return t < other.record.tNs; });
    m_held.insert(at, std::move(held));
}

bool SharedRecvOrder::othersPassed(const Held& held) const
{
    for (const int reader : m_readers.value(held.record.channel)) {
        if (reader != held.process && !m_ended.contains(reader) &&
            reportedUntil(reader) < held.record.tNs)
            return false;
    }
    return true;
}

void SharedRecvOrder::release(qint64 now, bool everything, const Append& append)
{
    size_t taken = 0;
    while (taken < m_held.size()) {
        const Held& held = m_held[taken];
        if (!everything && now - held.record.tNs < kHoldBackNs && !othersPassed(held))
            break;
        append(held.process, held.record, held.text, held.head);
        ++taken;
    }
    m_held.erase(m_held.begin(), m_held.begin() + qsizetype(taken));
}

} // namespace pipescope
