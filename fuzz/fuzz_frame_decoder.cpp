// libFuzzer target: FrameDecoder fed a byte stream in fuzzer-chosen splits.
//
// Input: [split byte] [max length byte] [stream...]
//   split byte, bits 0-1: how the stream is cut: 0 fixed-size chunks (size from bits 2-4),
//     1 random chunks of 0 to 16 bytes (empty ones included), 2 random chunks of up to 64 KiB,
//     3 a cut after every occurrence of a marker byte (chosen by bits 2-4);
//   bit 5: payload bytes go in through payloadSpace()/commitPayload() as Connection reads large
//     payloads; bit 6: gathered frames are moved out with takeGathered(); bit 7: after
//     endOfStream() the same decoder reads the whole stream again.
//   max length byte: 0 none, 1-127 that minus one, 128-255 a power of two (minus one if bit 6).
//
// Invariants (a violation traps): the split feed gives the same frames and the same error as the
// whole stream in one call, and both match a plain reference parse; a frame is never longer than
// the input; NeedMore always means the input was used up; the decoder never holds more heap than
// about twice what has arrived of the current frame plus its growth step (measured with ASan's
// allocation hooks, whatever a header claims); payloadSpace() stays within what is missing and
// within kGrowthStep.

#include "FuzzCheck.h"
#include "wire/FrameDecoder.h"
#include "wire/FrameHeader.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <sanitizer/allocator_interface.h>
#include <span>
#include <string>
#include <vector>

using namespace pipescope;

namespace {

using State = FrameDecoder::State;
using Status = FrameDecoder::Status;

// ---- Heap metering: net bytes allocated inside the decoder's calls -------------------------

long long* g_meter = nullptr;

void mallocHook(const volatile void*, size_t size)
{
    if (g_meter)
        *g_meter += static_cast<long long>(size);
}

void freeHook(const volatile void* pointer)
{
    if (g_meter && pointer)
        *g_meter -= static_cast<long long>(__sanitizer_get_allocated_size(pointer));
}

// Counts what is allocated and freed while it lives into `meter`.
class Metered
{
public:
    explicit Metered(long long& meter) { g_meter = &meter; }
    ~Metered() { g_meter = nullptr; }
    Metered(const Metered&) = delete;
    Metered& operator=(const Metered&) = delete;
};

// ---- Reference parse -------------------------------------------------------------------------

struct Model
{
    struct Frame
    {
        size_t headerSize = 0;
        quint64 length = 0;
        size_t payloadOffset = 0;
    };
    // Every frame whose header is whole: the complete ones, then possibly one unfinished.
    std::vector<Frame> frames;
    size_t complete = 0;
    bool inFrame = false;
    std::optional<ErrorKind> failure;
};

quint64 bigEndian(const char* p, int bytes)
{
    quint64 value = 0;
    for (int i = 0; i < bytes; ++i)
        value = (value << 8) | static_cast<unsigned char>(p[i]);
    return value;
}

Model parse(std::span<const char> data, std::optional<quint64> maxLength)
{
    Model model;
    size_t at = 0;
    for (;;) {
        const size_t left = data.size() - at;
        if (left == 0)
            return model;
        if (left < 4) {
            model.inFrame = true;
            return model;
        }
        const auto prefix = static_cast<qint32>(static_cast<quint32>(bigEndian(&data[at], 4)));
        size_t headerSize = 4;
        quint64 length = 0;
        if (prefix == -1) {
            if (left < 12) {
                model.inFrame = true;
                return model;
            }
            headerSize = 12;
            length = bigEndian(&data[at + 4], 8);
        } else if (prefix < 0) {
            model.failure = ErrorKind::Protocol;
            return model;
        } else {
            length = static_cast<quint64>(prefix);
        }
        if (maxLength && length > *maxLength) {
            model.failure = ErrorKind::BadMessageLength;
            return model;
        }
        if (length > static_cast<quint64>(std::numeric_limits<qsizetype>::max())) {
            model.failure = ErrorKind::Protocol;
            return model;
        }
        model.frames.push_back({headerSize, length, at + headerSize});
        if (left - headerSize < length) {
            model.inFrame = true;
            return model;
        }
        ++model.complete;
        at += headerSize + static_cast<size_t>(length);
    }
}

// ---- Feeding ---------------------------------------------------------------------------------

struct Outcome
{
    std::vector<std::string> frames;
    bool failed = false;
    std::optional<ErrorKind> errorKind;
    QString errorMessage;
    State state = State::Header;
    bool inFrame = false;
    quint64 payloadRemaining = 0;
};

struct Options
{
    std::optional<quint64> maxLength;
    bool direct = false; // payload through payloadSpace()/commitPayload()
    bool take = false;   // gathered frames moved out with takeGathered()
};

// Feeds one decoder chunk after chunk, checking every step against the reference parse.
class Feeder
{
public:
    Feeder(FrameDecoder& decoder, std::span<const char> all, const Model& model, Options options)
        : m_decoder(decoder)
        , m_all(all)
        , m_model(model)
        , m_options(options)
    {}

    // False once the decoder has failed.
    bool feed(std::span<const char> chunk)
    {
        for (;;) {
            if (m_outcome.failed)
                return false;
            if (m_options.direct && m_decoder.state() == State::Payload &&
                m_decoder.payloadRemaining() > 0 && !chunk.empty()) {
                directRead(chunk);
                if (chunk.empty() && m_decoder.payloadRemaining() > 0)
                    return true;
                continue;
            }
            const char* const begin = chunk.data();
            const size_t before = chunk.size();
            FrameDecoder::Step step;
            {
                Metered metered(m_live);
                step = m_decoder.next(chunk, m_options.maxLength);
            }
            FUZZ_CHECK(chunk.size() <= before);
            const size_t consumed = before - chunk.size();
            m_heldFrame = 0; // next() releases the previous gathered frame
            m_arrivedInFrame += consumed;
            switch (step.status) {
            case Status::NeedMore:
                FUZZ_CHECK(chunk.empty());
                FUZZ_CHECK(step.frame.empty());
                checkUnfinished();
                checkMemory();
                return true;
            case Status::Failed:
                onFailed(chunk);
                return false;
            case Status::Frame:
                onFrame(step, begin, consumed);
                break;
            }
        }
    }

    Outcome finish()
    {
        m_outcome.state = m_decoder.state();
        m_outcome.inFrame = m_decoder.inFrame();
        m_outcome.payloadRemaining = m_decoder.payloadRemaining();
        return m_outcome;
    }

private:
    const Model::Frame& currentModelFrame() const
    {
        FUZZ_CHECK(m_outcome.frames.size() < m_model.frames.size());
        return m_model.frames[m_outcome.frames.size()];
    }

    void directRead(std::span<const char>& chunk)
    {
        const quint64 remaining = m_decoder.payloadRemaining();
        std::span<char> room;
        {
            Metered metered(m_live);
            room = m_decoder.payloadSpace();
        }
        FUZZ_CHECK(!room.empty());
        FUZZ_CHECK(room.size() <= remaining);
        FUZZ_CHECK(room.size() <= static_cast<size_t>(FrameDecoder::kGrowthStep));
        const size_t count = std::min(room.size(), chunk.size());
        std::memcpy(room.data(), chunk.data(), count);
        {
            Metered metered(m_live);
            m_decoder.commitPayload(static_cast<qsizetype>(count));
        }
        chunk = chunk.subspan(count);
        m_arrivedInFrame += count;
        FUZZ_CHECK(m_decoder.state() == State::Payload);
        FUZZ_CHECK(m_decoder.payloadRemaining() == remaining - count);
        checkMemory();
    }

    void onFrame(const FrameDecoder::Step& step, const char* begin, size_t consumed)
    {
        const size_t size = step.frame.size();
        FUZZ_CHECK(size <= m_all.size());
        FUZZ_CHECK(size <= m_arrivedInFrame);
        FUZZ_CHECK(m_decoder.state() == State::Header);
        FUZZ_CHECK(!m_decoder.inFrame());
        FUZZ_CHECK(m_decoder.payloadRemaining() == 0);
        if (!step.gathered) {
            // A view of this very input, ending where the decoder stopped reading.
            FUZZ_CHECK(size == 0 || (step.frame.data() >= begin &&
                                     step.frame.data() + size == begin + consumed));
        }
        const Model::Frame& expected = currentModelFrame();
        FUZZ_CHECK(m_outcome.frames.size() < m_model.complete);
        FUZZ_CHECK(size == expected.length);
        FUZZ_CHECK(m_arrivedInFrame == expected.headerSize + size);
        FUZZ_CHECK(size == 0 || std::memcmp(step.frame.data(),
                                            m_all.data() + expected.payloadOffset, size) == 0);
        m_outcome.frames.emplace_back(step.frame.data(), size);
        m_arrivedInFrame = 0;
        if (step.gathered && m_options.take) {
            QByteArray taken;
            {
                Metered metered(m_live);
                taken = m_decoder.takeGathered();
            }
            FUZZ_CHECK(static_cast<size_t>(taken.size()) == size);
            FUZZ_CHECK(size == 0 ||
                       std::memcmp(taken.constData(), m_outcome.frames.back().data(), size) == 0);
            Metered metered(m_live);
            taken = QByteArray();
        } else if (step.gathered) {
            m_heldFrame = size;
        }
        checkMemory();
    }

    void onFailed(std::span<const char> chunk)
    {
        FUZZ_CHECK(m_decoder.state() == State::Failed);
        FUZZ_CHECK(m_decoder.error().has_value());
        FUZZ_CHECK(!m_decoder.inFrame());
        m_outcome.failed = true;
        m_outcome.errorKind = m_decoder.error()->kind();
        m_outcome.errorMessage = m_decoder.error()->message();
        checkMemory();
        // A failed decoder stays failed and reads nothing more.
        std::span<const char> again = chunk;
        FrameDecoder::Step step;
        {
            Metered metered(m_live);
            step = m_decoder.next(again, m_options.maxLength);
        }
        FUZZ_CHECK(step.status == Status::Failed);
        FUZZ_CHECK(again.size() == chunk.size());
    }

    // After NeedMore: the decoder's position agrees with the reference parse.
    void checkUnfinished()
    {
        FUZZ_CHECK(m_decoder.inFrame() == (m_arrivedInFrame > 0));
        if (m_decoder.state() != State::Payload) {
            FUZZ_CHECK(m_decoder.payloadRemaining() == 0);
            return;
        }
        const Model::Frame& expected = currentModelFrame();
        FUZZ_CHECK(m_arrivedInFrame >= expected.headerSize);
        const quint64 filled = m_arrivedInFrame - expected.headerSize;
        FUZZ_CHECK(filled < expected.length);
        FUZZ_CHECK(m_decoder.payloadRemaining() == expected.length - filled);
    }

    void checkMemory() const
    {
        // Qt may round an allocation up to twice its size; errors own a short message.
        constexpr long long kSlack = 4096;
        const auto held = static_cast<long long>(std::max(m_arrivedInFrame, m_heldFrame));
        FUZZ_CHECK(m_live <= 2 * (held + FrameDecoder::kGrowthStep) + kSlack);
    }

    FrameDecoder& m_decoder;
    std::span<const char> m_all;
    const Model& m_model;
    Options m_options;
    Outcome m_outcome;
    long long m_live = 0;        // net heap bytes allocated by the decoder
    size_t m_arrivedInFrame = 0; // bytes of the unfinished frame the decoder has taken
    size_t m_heldFrame = 0;      // the last gathered frame, until the next call releases it
};

// ---- Splits ----------------------------------------------------------------------------------

class Random
{
public:
    explicit Random(quint64 seed)
        : m_state(seed * 0x9E3779B97F4A7C15ULL + 1)
    {}
    quint64 next()
    {
        m_state ^= m_state >> 12;
        m_state ^= m_state << 25;
        m_state ^= m_state >> 27;
        return m_state * 0x2545F4914F6CDD1DULL;
    }

private:
    quint64 m_state;
};

std::vector<size_t> chunkSizes(std::span<const char> data, quint8 split, quint8 other)
{
    constexpr size_t kFixed[8] = {1, 2, 3, 4, 5, 7, 12, 4097};
    constexpr unsigned char kMarkers[8] = {0x00, 0xff, 0x01, 0x7f, 0x80, 0x0c, 0x2e, 0x41};
    const unsigned param = (split >> 2) & 7;
    Random random((quint64(split) << 8 | other) ^ (quint64(data.size()) << 16));
    std::vector<size_t> sizes;
    size_t at = 0;
    while (at < data.size()) {
        const size_t left = data.size() - at;
        size_t size = 0;
        switch (split & 3) {
        case 0:
            size = kFixed[param];
            break;
        case 1:
            size = static_cast<size_t>(random.next() % 17);
            break;
        case 2:
            size = static_cast<size_t>(random.next() % ((size_t(1) << (random.next() % 17)) + 1));
            break;
        default: {
            const void* marker = std::memchr(data.data() + at, kMarkers[param], left);
            size =
                marker
                    ? static_cast<size_t>(static_cast<const char*>(marker) - (data.data() + at)) + 1
                    : left;
            break;
        }
        }
        size = std::min(size, left);
        sizes.push_back(size);
        at += size;
    }
    return sizes;
}

std::optional<quint64> maxLengthFor(quint8 byte)
{
    if (byte == 0)
        return std::nullopt;
    if (byte < 128)
        return byte - 1;
    const quint64 power = quint64(1) << (byte & 63);
    return (byte & 64) ? power - 1 : power;
}

Outcome feedWhole(FrameDecoder& decoder, std::span<const char> data, const Model& model,
                  Options options)
{
    Feeder feeder(decoder, data, model, {options.maxLength, false, false});
    feeder.feed(data);
    return feeder.finish();
}

void checkSame(const Outcome& a, const Outcome& b)
{
    FUZZ_CHECK(a.frames == b.frames);
    FUZZ_CHECK(a.failed == b.failed);
    FUZZ_CHECK(a.errorKind == b.errorKind);
    FUZZ_CHECK(a.errorMessage == b.errorMessage);
    FUZZ_CHECK(a.state == b.state);
    FUZZ_CHECK(a.inFrame == b.inFrame);
    FUZZ_CHECK(a.payloadRemaining == b.payloadRemaining);
}

void checkModel(const Outcome& outcome, const Model& model)
{
    FUZZ_CHECK(outcome.frames.size() == model.complete);
    FUZZ_CHECK(outcome.errorKind == model.failure);
    FUZZ_CHECK(outcome.inFrame == model.inFrame);
}

// endOfStream(): EofDuringMessage inside a frame, else Eof; a clean decoder after it.
ErrorKind endStream(FrameDecoder& decoder, bool inFrame)
{
    const Error error = decoder.endOfStream();
    FUZZ_CHECK(error.kind() == (inFrame ? ErrorKind::EofDuringMessage : ErrorKind::Eof));
    FUZZ_CHECK(decoder.state() == State::Header);
    FUZZ_CHECK(!decoder.inFrame());
    FUZZ_CHECK(!decoder.error().has_value());
    FUZZ_CHECK(decoder.payloadRemaining() == 0);
    return error.kind();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    __sanitizer_install_malloc_and_free_hooks(mallocHook, freeHook);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size)
{
    if (size < 2)
        return 0;
    const quint8 split = bytes[0];
    const quint8 lengthByte = bytes[1];
    const std::span<const char> data(reinterpret_cast<const char*>(bytes) + 2, size - 2);
    Options options;
    options.maxLength = maxLengthFor(lengthByte);
    options.direct = (split & 0x20) != 0;
    options.take = (split & 0x40) != 0;
    const Model model = parse(data, options.maxLength);

    FrameDecoder whole;
    const Outcome reference = feedWhole(whole, data, model, options);
    checkModel(reference, model);

    FrameDecoder decoder;
    Feeder feeder(decoder, data, model, options);
    size_t at = 0;
    for (const size_t chunk : chunkSizes(data, split, lengthByte)) {
        if (!feeder.feed(data.subspan(at, chunk)))
            break;
        at += chunk;
    }
    const Outcome outcome = feeder.finish();
    checkSame(outcome, reference);

    FUZZ_CHECK(endStream(whole, reference.inFrame) == endStream(decoder, outcome.inFrame));

    if (split & 0x80) {
        // A decoder that endOfStream() reset reads a new stream as a fresh one does.
        checkSame(feedWhole(decoder, data, model, options), reference);
    }
    return 0;
}
