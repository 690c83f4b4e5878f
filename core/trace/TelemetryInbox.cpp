#include "trace/TelemetryInbox.h"

#include "pipe/Pipe.h"

#include <optional>

namespace pipescope {

Result<TelemetryInbox::Made> TelemetryInbox::create(qsizetype capacity)
{
    auto ring = TelemetryRing::create(capacity);
    if (!ring)
        return ring.error();
    auto wake = makePipe(false); // the first end reads, the second writes
    if (!wake)
        return wake.error();
    return Made{TelemetryInbox(std::move(wake->first), std::move(*ring)), std::move(wake->second)};
}

Result<qsizetype> TelemetryInbox::read(const TelemetryDecoder::Sink& sink)
{
    // A wake message carries nothing: a worker that writes more is not our Tracer (said once
    // what it committed has been read).
    qsizetype wakes = 0;
    std::optional<Error> wakeError; // Eof at the worker's end
    if (!m_wake.closed()) {
        const Result<qsizetype> woken = m_wake.receiveAvailable([](std::span<const char>) {}, 0);
        if (woken)
            wakes = *woken;
        else
            wakeError = woken.error();
    }
    if (m_ring.mapped()) {
        const auto unread = m_ring.unread();
        if (!unread)
            return unread.error();
        // Consumed even when a record is bad: the error ends this worker's telemetry anyway.
        const Status decoded = TelemetryDecoder::decode(*unread, sink);
        m_ring.consume(qsizetype(unread->size()));
        if (!decoded)
            return decoded.error();
    }
    if (wakeError)
        return *wakeError;
    return wakes;
}

Status TelemetryInbox::readPending(const TelemetryDecoder::Sink& sink) const
{
    if (!m_ring.mapped())
        return {};
    const auto pending = m_ring.pending();
    if (!pending)
        return pending.error();
    // One record, or none.
    int records = 0;
    return TelemetryDecoder::decode(*pending, [&](const TelemetryRecord& record,
                                                  QByteArrayView text, QByteArrayView head) {
        if (++records > 1)
            return Status(Error(ErrorKind::Protocol,
                                QStringLiteral("telemetry ring: more than one pending record")));
        return sink(record, text, head);
    });
}

} // namespace pipescope
