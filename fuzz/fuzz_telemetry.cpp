// libFuzzer target: TelemetryDecoder::decode() into a TraceStore, then the store's queries.
//
// Input: [process byte] [telemetry batch...]
//   The store has 3 processes (p0, p1, p2) and 4 channels: 0 p0->p1, 1 p1->p0, 2 p0->p2,
//   3 p2->p1, and its origin is a plausible CLOCK_MONOTONIC time, as the runner sets it.
//   process byte, bits 0-1: the process other events belong to (3: the runner); bit 6: rotate
//   that choice from record to record; bit 7: send and recv events belong to that process too,
//   instead of the sending (receiving) end of the channel they name.
//
// Every record is appended; the store's refusals are ignored, as a runner that went on would.
// Invariants (a violation traps): the decoder delivers exactly the records a reference parse of
// the batch finds, with their texts in place, and fails exactly where that parse does; the store
// gives back every accepted event as appended (times relative to the origin, text and payload
// head); eventsByTime() is a stable time sort of all events; messages name their own send and
// recv events; the queue depth at the end is sends minus recvs, and never exceeds maxDepth() on
// a channel whose send and recv times are in order.

#include "FuzzCheck.h"
#include "trace/TelemetryDecoder.h"
#include "trace/TraceEvent.h"
#include "trace/TraceStore.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

using namespace pipescope;

namespace {

constexpr qint64 kOrigin = 1'000'000'000'000; // 1000 s after boot
constexpr int kProcesses = 3;
constexpr std::array<std::pair<int, int>, 4> kChannels{{{0, 1}, {1, 0}, {0, 2}, {2, 1}}};

struct Appended
{
    int process = 0;
    TelemetryRecord record;
    std::string text;
    std::string head;
};

// Where a reference parse of the batch ends: the records it finds and whether it fails.
struct Parsed
{
    std::vector<size_t> offsets;
    bool failed = false;
};

Parsed parse(std::span<const char> batch)
{
    Parsed parsed;
    size_t at = 0;
    while (at < batch.size()) {
        if (batch.size() - at < sizeof(TelemetryRecord)) {
            parsed.failed = true;
            return parsed;
        }
        TelemetryRecord record;
        std::memcpy(&record, batch.data() + at, sizeof record);
        const size_t trailing = size_t(record.textLength) + record.headLength;
        if (record.textLength > kMaxRecordText || record.headLength > kMaxPayloadHead ||
            trailing > batch.size() - at - sizeof record ||
            static_cast<int>(record.kind) >= kEventKindCount) {
            parsed.failed = true;
            return parsed;
        }
        const bool message = record.kind == EventKind::Send || record.kind == EventKind::Recv;
        if (message && (record.detail & kBytesPreview) && record.textLength != 0) {
            parsed.failed = true; // a byte message's text is the store's to write
            return parsed;
        }
        parsed.offsets.push_back(at);
        at += sizeof record + trailing;
    }
    return parsed;
}

int processFor(quint8 choice, size_t index, const TelemetryRecord& record)
{
    const bool message = record.kind == EventKind::Send || record.kind == EventKind::Recv;
    if (message && !(choice & 0x80) && record.channel < kChannels.size()) {
        const auto [from, to] = kChannels[record.channel];
        return record.kind == EventKind::Send ? from : to;
    }
    const size_t pick = (choice & 0x40) ? (choice + index) % 4 : choice & 3u;
    return pick == 3 ? TraceStore::kRunner : static_cast<int>(pick);
}

bool sameNumber(double a, double b)
{
    return std::isnan(a) ? std::isnan(b) : std::memcmp(&a, &b, sizeof a) == 0;
}

bool isSorted(const TraceStore::TimeList& times)
{
    return std::is_sorted(times.begin(), times.end());
}

void checkEvents(const TraceStore& store, const std::vector<Appended>& appended)
{
    FUZZ_CHECK(store.eventCount() == static_cast<qsizetype>(appended.size()));
    qsizetype delivered = 0;
    qsizetype runnerEvents = 0;
    qsizetype droppedHeads = 0;
    // A message's payload head is kept once: as the first of its events with one had it.
    std::map<std::pair<quint16, qint64>, std::string> messageHeads;
    for (const Appended& a : appended) {
        if ((a.record.kind == EventKind::Send || a.record.kind == EventKind::Recv) &&
            !a.head.empty())
            messageHeads.try_emplace({a.record.channel, a.record.seq}, a.head);
    }
    for (size_t i = 0; i < appended.size(); ++i) {
        const auto event = static_cast<qsizetype>(i);
        const Appended& a = appended[i];
        // Every view asks for these: the store must be able to give them for what it accepted.
        const qint64 time = store.time(event);
        const qint64 startTime = store.startTime(event);
        qint64 relative = 0;
        if (!__builtin_sub_overflow(a.record.tNs, kOrigin, &relative))
            FUZZ_CHECK(time == relative);
        if (!__builtin_sub_overflow(a.record.startNs, kOrigin, &relative))
            FUZZ_CHECK(startTime == relative);
        FUZZ_CHECK(store.processOf(event) == a.process);
        FUZZ_CHECK(store.kind(event) == a.record.kind);
        FUZZ_CHECK(store.detail(event) == a.record.detail);
        FUZZ_CHECK(store.channelOf(event) == a.record.channel);
        FUZZ_CHECK(store.seq(event) == a.record.seq);
        const bool isMessage = a.record.kind == EventKind::Send || a.record.kind == EventKind::Recv;
        // A message's amount is its size; any other event's comes back whole under each name
        // (a poll's wait, an exit's status). Only messages have payloads; their records carry no
        // number.
        if (isMessage) {
            FUZZ_CHECK(store.messageBytes(event) == a.record.amount);
            FUZZ_CHECK(store.pollWaitNs(event) == 0);
        } else {
            FUZZ_CHECK(store.messageBytes(event) == 0);
            FUZZ_CHECK(store.pollWaitNs(event) == a.record.amount);
            FUZZ_CHECK(store.exitStatus(event) == static_cast<int>(a.record.amount));
        }
        FUZZ_CHECK(sameNumber(store.pollTimeoutSeconds(event), isMessage ? 0.0 : a.record.number));
        const QByteArray text = store.text(event);
        const QByteArray head = store.payloadHead(event);
        if (isMessage) {
            const auto kept = messageHeads.find({a.record.channel, a.record.seq});
            const QByteArrayView keptHead =
                kept == messageHeads.end()
                    ? QByteArrayView()
                    : QByteArrayView(kept->second.data(), qsizetype(kept->second.size()));
            FUZZ_CHECK(head == keptHead);
            // A byte message's text is written from the head it kept.
            FUZZ_CHECK((a.record.detail & kBytesPreview)
                           ? text == bytesPreview(keptHead, a.record.amount)
                           : text == QByteArrayView(a.text.data(), qsizetype(a.text.size())));
        } else {
            FUZZ_CHECK(text == QByteArrayView(a.text.data(), qsizetype(a.text.size())));
            FUZZ_CHECK(head.isEmpty());
            droppedHeads += qsizetype(a.head.size());
        }
        if (a.record.kind == EventKind::Recv)
            ++delivered;
        if (a.process == TraceStore::kRunner)
            ++runnerEvents;
        else
            FUZZ_CHECK(!store.process(a.process).events.empty());
    }
    FUZZ_CHECK(store.deliveredCount() == delivered);
    FUZZ_CHECK(static_cast<qsizetype>(store.runnerEvents().size()) == runnerEvents);
    FUZZ_CHECK(store.droppedTextBytes() == droppedHeads);

    const std::vector<quint32> order = store.eventsByTime();
    FUZZ_CHECK(order.size() == appended.size());
    std::vector<bool> seen(order.size());
    for (size_t i = 0; i < order.size(); ++i) {
        FUZZ_CHECK(order[i] < order.size() && !seen[order[i]]);
        seen[order[i]] = true;
        if (i > 0) {
            const qint64 previous = appended[order[i - 1]].record.tNs;
            const qint64 current = appended[order[i]].record.tNs;
            FUZZ_CHECK(previous < current || (previous == current && order[i - 1] < order[i]));
        }
    }
    for (int p = 0; p < store.processCount(); ++p) {
        for (const quint32 event : store.process(p).events)
            FUZZ_CHECK(event < order.size() && store.processOf(event) == p);
    }
}

void checkMessages(const TraceStore& store)
{
    const auto& messages = store.messages();
    for (const TraceStore::Message& message : messages) {
        FUZZ_CHECK(message.channel < store.channelCount());
        FUZZ_CHECK(message.sendEvent >= 0 || message.recvEvent >= 0);
        for (const qint32 event : {message.sendEvent, message.recvEvent}) {
            if (event < 0)
                continue;
            FUZZ_CHECK(event < store.eventCount());
            FUZZ_CHECK(store.channelOf(event) == message.channel);
            FUZZ_CHECK(store.seq(event) == message.seq);
        }
        if (message.sendEvent >= 0)
            FUZZ_CHECK(store.kind(message.sendEvent) == EventKind::Send);
        if (message.recvEvent >= 0)
            FUZZ_CHECK(store.kind(message.recvEvent) == EventKind::Recv);
    }
    for (qsizetype e = 0; e < store.eventCount(); ++e) {
        const bool message = store.kind(e) == EventKind::Send || store.kind(e) == EventKind::Recv;
        FUZZ_CHECK(message == (store.messageOf(e) >= 0));
        FUZZ_CHECK(store.messageOf(e) < static_cast<qint32>(messages.size()));
    }

    qsizetype undelivered = 0;
    for (int c = 0; c < store.channelCount(); ++c) {
        const TraceStore::Channel& channel = store.channel(c);
        const auto sends = static_cast<qint64>(channel.sendTimes.size());
        const auto recvs = static_cast<qint64>(channel.recvTimes.size());
        undelivered += std::max<qint64>(0, sends - recvs);
        const qint64 deepest = store.maxDepth(c);
        const qint64 deepestBytes = store.maxDepthBytes(c);
        FUZZ_CHECK(deepest >= 0 && deepest <= sends);
        FUZZ_CHECK(deepestBytes >= 0);
        // Never below 0: recvs may be recorded without their sends.
        FUZZ_CHECK(store.depthAt(c, std::numeric_limits<qint64>::max()) ==
                   std::max<qint64>(0, sends - recvs));
        const bool ordered = isSorted(channel.sendTimes) && isSorted(channel.recvTimes);
        std::vector<qint64> probes{std::numeric_limits<qint64>::min(), -1, 0, 1};
        for (const auto* times : {&channel.sendTimes, &channel.recvTimes}) {
            for (size_t i = 0; i < times->size() && i < 64; ++i) {
                probes.push_back((*times)[i]);
                if ((*times)[i] > std::numeric_limits<qint64>::min())
                    probes.push_back((*times)[i] - 1);
            }
        }
        for (const qint64 t : probes) {
            const qint64 depth = store.depthAt(c, t);
            (void)store.depthBytesAt(c, t);
            FUZZ_CHECK(depth <= sends && depth >= 0);
            if (ordered)
                FUZZ_CHECK(depth <= deepest);
        }
    }
    FUZZ_CHECK(store.undeliveredCount() == undelivered);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const quint8 choice = data[0];
    const std::span<const char> batch(reinterpret_cast<const char*>(data) + 1, size - 1);

    TraceStore store;
    store.setOrigin(kOrigin);
    for (int p = 0; p < kProcesses; ++p)
        store.addProcess(QStringLiteral("p%1").arg(p), QStringLiteral("role"));
    for (const auto& [from, to] : kChannels)
        store.addChannel(QStringLiteral("p%1->p%2").arg(from).arg(to), from, to);

    const Parsed parsed = parse(batch);
    std::vector<Appended> appended;
    size_t delivered = 0;
    const Status status = TelemetryDecoder::decode(
        batch, [&](const TelemetryRecord& record, QByteArrayView text, QByteArrayView head) {
            FUZZ_CHECK(delivered < parsed.offsets.size());
            const size_t at = parsed.offsets[delivered];
            FUZZ_CHECK(std::memcmp(&record, batch.data() + at, sizeof record) == 0);
            FUZZ_CHECK(text.data() == batch.data() + at + sizeof record);
            FUZZ_CHECK(text.size() == record.textLength);
            FUZZ_CHECK(head.data() == text.data() + text.size());
            FUZZ_CHECK(head.size() == record.headLength);
            const int process = processFor(choice, delivered, record);
            ++delivered;
            const qint64 before = store.eventCount();
            const Result<qint32> event = store.append(process, record, text, head);
            if (!event) {
                FUZZ_CHECK(event.error().kind() == ErrorKind::Protocol);
                FUZZ_CHECK(store.eventCount() == before); // a refusal changes nothing
                return Status();
            }
            FUZZ_CHECK(*event == before);
            appended.push_back({process, record, std::string(text.data(), size_t(text.size())),
                                std::string(head.data(), size_t(head.size()))});
            return Status();
        });
    FUZZ_CHECK(delivered == parsed.offsets.size());
    FUZZ_CHECK(status.ok() == !parsed.failed);
    if (!status.ok())
        FUZZ_CHECK(status.error().kind() == ErrorKind::Protocol);

    checkEvents(store, appended);
    checkMessages(store);
    return 0;
}
