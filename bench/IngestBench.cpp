#include "IngestBench.h"

#include "BenchError.h"
#include "SyntheticRun.h"
#include "base/MonotonicClock.h"
#include "trace/TelemetryDecoder.h"
#include "trace/TraceStore.h"
#include "trace/Tracer.h"

#include <algorithm>
#include <limits>
#include <malloc.h>
#include <memory>
#include <utility>

namespace pipescope::bench {

namespace {

qint64 heapInUse()
{
    const struct mallinfo2 info = ::mallinfo2();
    return qint64(info.uordblks + info.hblkhd);
}

} // namespace

IngestBench::IngestBench(qint64 messages)
{
    // Each process's batches, cut where its Tracer would wake the runner, with the time of each.
    struct Pending
    {
        QByteArray batch;
        qint64 lastFlush = 0;
        std::vector<std::pair<qint64, QByteArray>> sent;
    };
    Pending pending[2];
    auto flush = [&](int process, qint64 t) {
        Pending& p = pending[process];
        if (!p.batch.isEmpty())
            p.sent.emplace_back(t, std::exchange(p.batch, QByteArray()));
        p.lastFlush = t;
    };
    SyntheticRun::generate(messages, [&](int process, const TelemetryRecord& record,
                                         QByteArrayView text, QByteArrayView head) {
        Pending& p = pending[process];
        if (p.batch.isEmpty())
            p.batch.reserve(Tracer::kWakeBytes + 512);
        TelemetryRecord stored = record;
        stored.textLength = quint16(text.size());
        stored.headLength = quint16(head.size());
        p.batch.append(reinterpret_cast<const char*>(&stored), sizeof stored);
        p.batch.append(text.data(), text.size());
        p.batch.append(head.data(), head.size());
        ++m_events;
        m_previewBytes += text.size();
        const bool waits =
            record.kind == EventKind::State && record.detail != quint8(ProcessState::Running);
        if (p.batch.size() >= Tracer::kWakeBytes || waits ||
            record.tNs - p.lastFlush >= Tracer::kWakeIntervalNs)
            flush(process, record.tNs);
    });
    flush(SyntheticRun::kSender, std::numeric_limits<qint64>::max());
    flush(SyntheticRun::kReceiver, std::numeric_limits<qint64>::max());
    // They reach the runner in the order they were sent.
    std::size_t next[2] = {0, 0};
    for (;;) {
        const bool senderLeft = next[0] < pending[0].sent.size();
        const bool receiverLeft = next[1] < pending[1].sent.size();
        if (!senderLeft && !receiverLeft)
            break;
        const int process = !receiverLeft || (senderLeft && pending[0].sent[next[0]].first <=
                                                                pending[1].sent[next[1]].first)
                                ? 0
                                : 1;
        m_batches.push_back({process, std::move(pending[process].sent[next[process]++].second)});
    }
}

IngestBench::Outcome IngestBench::run() const
{
    Outcome outcome;
    const qint64 heapBefore = heapInUse();
    auto store = std::make_unique<TraceStore>();
    store->setOrigin(0);
    store->addProcess(QStringLiteral("sender"), QStringLiteral("sender"));
    store->addProcess(QStringLiteral("receiver"), QStringLiteral("receiver"));
    store->addChannel(QStringLiteral("sender->receiver"), SyntheticRun::kSender,
                      SyntheticRun::kReceiver);

    const qint64 started = monotonicNs();
    for (const Batch& batch : m_batches) {
        // As ScenarioRunner::ingestTelemetry() hands a batch to the decoder and the store.
        const Status decoded = TelemetryDecoder::decode(
            {batch.bytes.constData(), std::size_t(batch.bytes.size())},
            [&](const TelemetryRecord& record, QByteArrayView text, QByteArrayView head) -> Status {
                auto appended = store->append(batch.process, record, text, head);
                if (!appended)
                    return appended.error();
                return {};
            });
        if (!decoded)
            fail("ingestion", decoded.error());
    }
    outcome.seconds = double(monotonicNs() - started) / 1e9;
    const qint64 heapAfter = heapInUse();

    outcome.events = store->eventCount();
    if (outcome.events != m_events)
        fail("ingestion: the store holds fewer events than were sent");
    outcome.batches = qint64(m_batches.size());
    const auto events = double(outcome.events);
    // Under a sanitizer's allocator mallinfo2() sees nothing: no measurement rather than zero.
    outcome.heapBytesPerEvent = heapAfter > heapBefore ? double(heapAfter - heapBefore) / events
                                                       : std::numeric_limits<double>::quiet_NaN();
    outcome.previewBytesPerEvent = double(m_previewBytes) / events;
    outcome.storeBytesPerEvent = outcome.heapBytesPerEvent - outcome.previewBytesPerEvent;
    return outcome;
}

} // namespace pipescope::bench
