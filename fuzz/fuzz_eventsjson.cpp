// libFuzzer target: reading an events file (EventsJsonParser, EventsJsonReader) whole, parsed on
// its thread a chunk ahead as File > Open and readFile() read it, against fed in pieces.
//
// Input: a piece-size byte, then the file (any bytes).
// Invariants (a violation traps): no read outside the input, no leak, no undefined behaviour
// (ASan, UBSan); both readings end alike: both take the file, with the same events (each one's
// process, kind, times, channel, text and payload head), processes, channels and messages, or
// both refuse it with the same message.

#include "FuzzCheck.h"
#include "trace/EventsJsonReader.h"
#include "trace/TraceStore.h"

#include <QBuffer>
#include <algorithm>
#include <cstdint>

using namespace pipescope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    // Pieces of 1 to 255 bytes, or 4 KiB: lines cut anywhere, a byte order mark too.
    const qsizetype piece = data[0] == 0 ? 4096 : qsizetype(data[0]);
    const QByteArray file(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));

    QBuffer buffer;
    buffer.setData(file);
    buffer.open(QIODevice::ReadOnly);
    const Result<std::unique_ptr<TraceStore>> whole = EventsJsonReader::read(buffer);

    EventsJsonReader reader;
    Status fed;
    for (qsizetype at = 0; at < file.size() && fed.ok(); at += piece)
        fed = reader.feed(QByteArrayView(file).sliced(at, std::min(piece, file.size() - at)));
    if (fed.ok())
        fed = reader.finish();

    FUZZ_CHECK(whole.ok() == fed.ok());
    if (!whole.ok()) {
        FUZZ_CHECK(whole.error().message() == fed.error().message());
        return 0;
    }
    const TraceStore& a = **whole;
    const TraceStore& b = reader.store();
    FUZZ_CHECK(a.eventCount() == b.eventCount());
    FUZZ_CHECK(a.processCount() == b.processCount());
    FUZZ_CHECK(a.channelCount() == b.channelCount());
    FUZZ_CHECK(a.messages().size() == b.messages().size());
    for (qsizetype event = 0; event < a.eventCount(); ++event) {
        FUZZ_CHECK(a.processOf(event) == b.processOf(event));
        FUZZ_CHECK(a.kind(event) == b.kind(event));
        FUZZ_CHECK(a.time(event) == b.time(event));
        FUZZ_CHECK(a.startTime(event) == b.startTime(event));
        FUZZ_CHECK(a.channelOf(event) == b.channelOf(event));
        FUZZ_CHECK(a.text(event) == b.text(event));
        FUZZ_CHECK(a.payloadHead(event) == b.payloadHead(event));
    }
    return 0;
}
