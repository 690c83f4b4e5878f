#pragma once

#include "base/Result.h"
#include "trace/TraceEvent.h"

#include <QByteArrayView>
#include <functional>
#include <span>

namespace pipescope {

// The runner's side of the telemetry wire format: splits one batch (a telemetry message) into
// its TelemetryRecords and their texts, checking every length against what is really there.
// Bad input stops decoding with a Protocol error; records before it have been delivered.
class TelemetryDecoder
{
public:
    // The largest telemetry message the runner accepts.
    static constexpr qint64 kMaxBatchBytes = 4 * 1024 * 1024;

    using Sink = std::function<Status(const TelemetryRecord& record, QByteArrayView text,
                                      QByteArrayView head)>;

    // Hands every record of `batch` to `sink`, in order; stops at the first error (the sink's
    // or the decoder's). A kBytesPreview record must carry no text.
    static Status decode(std::span<const char> batch, const Sink& sink);
};

} // namespace pipescope
