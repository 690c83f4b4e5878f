#pragma once

#include "base/Result.h"

class QIODevice;

namespace pipescope {

class TraceStore;

// Writes a run's messages as CSV (RFC 4180: CRLF line ends; a field holding a comma, a quote or a
// line break is quoted, its quotes doubled), one row per message in the store's order, under the
// header seq,channel,from,to,value,bytes,sent_ns,received_ns,latency_ns,raised. `value` is the
// repr the send recorded; `sent_ns` is when the send call began and `received_ns` when the recv
// returned (so `latency_ns` includes the time the send blocked), both since the run's start. The
// received and latency fields are empty for a message never received; `raised` is the exception
// of the call about the message that failed (BufferTooShort, a refused maxlength), else empty.
class MessagesCsvWriter
{
public:
    static Status write(const TraceStore& store, QIODevice& device);
    static Status writeFile(const TraceStore& store, const QString& path);
};

} // namespace pipescope
