#pragma once

#include <QtGlobal>

namespace pipescope::bench {

// What tracing costs a flood: a sender child floods a receiver child with `count` messages of
// `size` bytes (flood's payloads, one send_bytes each) over makePipe(true). Traced, each traced
// child has a Tracer on its pipe end writing into a TelemetryRing of this process's
// TelemetryInbox, and its pipe descriptor set O_NONBLOCK, as pipescope-worker does; this process
// reads every ring when its child wakes it, decoding each record, while the flood goes on.
class TracingBench
{
public:
    enum class Traced
    {
        None,
        Sender,
        Both // as a flood run has it: every worker traced
    };

    struct Outcome
    {
        double messagesPerSecond = 0; // as the receiver saw them arrive
        qint64 records = 0;           // telemetry records decoded
        qint64 batches = 0;           // wakes: the reader was told to read the ring
    };

    static Outcome flood(Traced traced, qsizetype size, qint64 count);
};

} // namespace pipescope::bench
