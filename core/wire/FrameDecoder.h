#pragma once

#include "base/Error.h"
#include "wire/FrameHeader.h"

#include <QByteArray>
#include <optional>
#include <span>

namespace pipescope {

// Incremental decoder for multiprocessing.connection frames: an explicit state machine that can be
// fed any split of the byte stream. A frame that lies whole in the input is returned as a view of
// that input (no copy); one that spans several inputs is gathered in a buffer that grows with the
// bytes that actually arrive, never with the length a header claims.
class FrameDecoder
{
public:
    enum class State
    {
        Header,     // reading the 4-byte prefix
        LongHeader, // reading the 8-byte extension after the -1 escape
        Payload,    // gathering a payload that did not arrive whole
        Failed,     // a protocol error or an over-long message: the stream cannot be read on
    };

    enum class Status
    {
        NeedMore,
        Frame,
        Failed
    };

    struct Step
    {
        Status status = Status::NeedMore;
        // The payload when status is Frame: valid until the next call on the decoder or until the
        // input it points into changes.
        std::span<const char> frame;
        // Whether the frame lies in the decoder's own buffer (takeGathered() moves it out).
        bool gathered = false;
    };

    // The largest step by which the gathering buffer grows beyond the bytes received so far.
    static constexpr qsizetype kGrowthStep = 64 * 1024;

    FrameDecoder() = default;

    // Consumes bytes from the front of `input` until a frame is whole or the input is used up.
    // A header announcing more than `maxLength` bytes fails with BadMessageLength before any of
    // the payload is read; a negative length other than the escape fails with Protocol.
    // Inline for the common case, a whole short frame at a frame boundary; the state machine
    // (nextStep()) for everything else.
    Step next(std::span<const char>& input, std::optional<quint64> maxLength = std::nullopt)
    {
        if (m_state == State::Header && m_headerFill == 0 && m_gather.isNull() &&
            input.size() >= size_t(FrameHeader::kShortSize)) {
            const qint32 length = FrameHeader::decodeShort(input.data());
            const size_t whole = size_t(FrameHeader::kShortSize) + size_t(length);
            if (length >= 0 && input.size() >= whole &&
                (!maxLength || quint64(length) <= *maxLength)) {
                const std::span<const char> frame =
                    input.subspan(FrameHeader::kShortSize, size_t(length));
                input = input.subspan(whole);
                return {Status::Frame, frame, false};
            }
        }
        return nextStep(input, maxLength);
    }

    // After next() returned a gathered frame: the frame's bytes, moved out without a copy.
    QByteArray takeGathered();

    // While in State::Payload: room to read the next payload bytes into directly, bounded by
    // what is still missing and by kGrowthStep beyond what has arrived; then commit what was read.
    std::span<char> payloadSpace();
    void commitPayload(qsizetype count);
    // Payload bytes still missing in State::Payload, else 0.
    quint64 payloadRemaining() const;
    // The fewest bytes that finish the part being read (the prefix, its extension or the
    // payload): all a reader that must never read past its message asks the kernel for.
    quint64 bytesToFinishPart() const;

    State state() const { return m_state; }
    // Whether some bytes of an unfinished frame have been consumed.
    bool inFrame() const;
    // The error that put the decoder in State::Failed.
    const std::optional<Error>& error() const { return m_error; }

    // The error for the stream ending now: Eof at a frame boundary, EofDuringMessage inside a
    // header or payload. The decoder is reset to a frame boundary.
    Error endOfStream();

    // Back to a frame boundary, dropping any partial frame and error.
    void reset();

private:
    Step nextStep(std::span<const char>& input, std::optional<quint64> maxLength);
    Step fail(Error error);
    Step beginPayload(quint64 length, std::span<const char>& input,
                      std::optional<quint64> maxLength);

    State m_state = State::Header;
    char m_header[FrameHeader::kLongSize] = {};
    qsizetype m_headerFill = 0;
    QByteArray m_gather;
    qsizetype m_gatherFill = 0;
    quint64 m_payloadLength = 0;
    std::optional<Error> m_error;
};

} // namespace pipescope
