#include "trace/TelemetryDecoder.h"

#include <cstring>

namespace pipescope {

Status TelemetryDecoder::decode(std::span<const char> batch, const Sink& sink)
{
    size_t at = 0;
    while (at < batch.size()) {
        if (batch.size() - at < sizeof(TelemetryRecord))
            return Error(ErrorKind::Protocol,
                         QStringLiteral("telemetry: truncated record at byte %1 of %2")
                             .arg(at)
                             .arg(batch.size()));
        TelemetryRecord record;
        std::memcpy(&record, batch.data() + at, sizeof record);
        at += sizeof record;
        const size_t trailing = size_t(record.textLength) + record.headLength;
        if (record.textLength > kMaxRecordText || record.headLength > kMaxPayloadHead ||
            trailing > batch.size() - at)
            return Error(ErrorKind::Protocol,
                         QStringLiteral("telemetry: record text of %1 bytes at byte %2 runs past "
                                        "its batch or its bound")
                             .arg(trailing)
                             .arg(at));
        if (static_cast<int>(record.kind) >= kEventKindCount)
            return Error(ErrorKind::Protocol,
                         QStringLiteral("telemetry: unknown event kind %1 at byte %2")
                             .arg(int(record.kind))
                             .arg(at - sizeof record));
        const QByteArrayView text(batch.data() + at, record.textLength);
        const QByteArrayView head(batch.data() + at + record.textLength, record.headLength);
        const bool message = record.kind == EventKind::Send || record.kind == EventKind::Recv;
        if (message && (record.detail & kBytesPreview) && record.textLength != 0)
            return Error(ErrorKind::Protocol,
                         QStringLiteral("telemetry: byte preview record with text at byte %1")
                             .arg(at - sizeof record));
        at += trailing;
        if (Status accepted = sink(record, text, head); !accepted)
            return accepted;
    }
    return {};
}

} // namespace pipescope
