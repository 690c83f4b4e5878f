#pragma once

#include <QByteArray>
#include <QtGlobal>
#include <vector>

namespace pipescope::bench {

// The runner's ingestion: telemetry records as the runner reads them from a worker's ring, split
// by TelemetryDecoder and appended to a TraceStore exactly as ScenarioRunner::ingestTelemetry()
// does. The batches hold the records of SyntheticRun (sends and recvs of floats with ~18-byte
// value previews and 21-byte payload heads, and states), cut where a Tracer wakes the runner: at
// Tracer::kWakeBytes, before a blocking state, and every 5 ms of the run's time.
class IngestBench
{
public:
    struct Outcome
    {
        qint64 events = 0;
        qint64 batches = 0;
        double seconds = 0;
        // The growth of the process's heap (mallinfo2: arena and mmapped bytes in use) while the
        // store took the events, per event; the value previews' share of it (the bytes of text
        // the store was handed); and the rest: the store's own cost per event. NaN when the heap
        // cannot be measured (a sanitizer's allocator).
        double heapBytesPerEvent = 0;
        double previewBytesPerEvent = 0;
        double storeBytesPerEvent = 0;
    };

    explicit IngestBench(qint64 messages);

    // One ingestion of every batch into a new store.
    Outcome run() const;
    qint64 events() const { return m_events; }

private:
    struct Batch
    {
        int process;
        QByteArray bytes;
    };

    std::vector<Batch> m_batches;
    qint64 m_events = 0;
    qint64 m_previewBytes = 0;
};

} // namespace pipescope::bench
