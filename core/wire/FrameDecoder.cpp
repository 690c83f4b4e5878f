#include "wire/FrameDecoder.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

namespace pipescope {

namespace {

constexpr quint64 kMaxPayload = static_cast<quint64>(std::numeric_limits<qsizetype>::max());

// Copies up to `wanted` bytes from the front of `input` to `out` and consumes them.
qsizetype take(std::span<const char>& input, char* out, qsizetype wanted)
{
    const auto count = std::min<qsizetype>(wanted, static_cast<qsizetype>(input.size()));
    std::memcpy(out, input.data(), static_cast<size_t>(count));
    input = input.subspan(static_cast<size_t>(count));
    return count;
}

} // namespace

FrameDecoder::Step FrameDecoder::nextStep(std::span<const char>& input,
                                          std::optional<quint64> maxLength)
{
    if (m_state == State::Header && !m_gather.isNull())
        takeGathered(); // the previous gathered frame's view has expired
    for (;;) {
        switch (m_state) {
        case State::Failed:
            return {Status::Failed, {}, false};
        case State::Header: {
            if (m_headerFill == 0 && input.size() >= FrameHeader::kShortSize) {
                // Fast path: the whole prefix is in the input.
                const qint32 length = FrameHeader::decodeShort(input.data());
                input = input.subspan(FrameHeader::kShortSize);
                if (length == FrameHeader::kLongEscape) {
                    m_state = State::LongHeader;
                    continue;
                }
                if (length < 0)
                    return fail(Error(
                        ErrorKind::Protocol,
                        QStringLiteral("invalid frame header: negative length %1").arg(length)));
                return beginPayload(static_cast<quint64>(length), input, maxLength);
            }
            m_headerFill +=
                take(input, m_header + m_headerFill, FrameHeader::kShortSize - m_headerFill);
            if (m_headerFill < FrameHeader::kShortSize)
                return {};
            const qint32 length = FrameHeader::decodeShort(m_header);
            m_headerFill = 0;
            if (length == FrameHeader::kLongEscape) {
                m_state = State::LongHeader;
                continue;
            }
            if (length < 0)
                return fail(
                    Error(ErrorKind::Protocol,
                          QStringLiteral("invalid frame header: negative length %1").arg(length)));
            return beginPayload(static_cast<quint64>(length), input, maxLength);
        }
        case State::LongHeader: {
            constexpr qsizetype extension = FrameHeader::kLongSize - FrameHeader::kShortSize;
            m_headerFill += take(input, m_header + m_headerFill, extension - m_headerFill);
            if (m_headerFill < extension)
                return {};
            m_headerFill = 0;
            m_state = State::Header;
            return beginPayload(FrameHeader::decodeLong(m_header), input, maxLength);
        }
        case State::Payload: {
            while (!input.empty() && m_gatherFill < static_cast<qsizetype>(m_payloadLength)) {
                const std::span<char> room = payloadSpace();
                const qsizetype count =
                    take(input, room.data(), static_cast<qsizetype>(room.size()));
                m_gatherFill += count;
            }
            if (payloadRemaining() > 0)
                return {};
            m_state = State::Header;
            m_gather.truncate(m_gatherFill);
            return {Status::Frame, std::span<const char>(m_gather.constData(), m_gather.size()),
                    true};
        }
        }
    }
}

FrameDecoder::Step FrameDecoder::beginPayload(quint64 length, std::span<const char>& input,
                                              std::optional<quint64> maxLength)
{
    if (maxLength && length > *maxLength)
        return fail(Error(ErrorKind::BadMessageLength, QStringLiteral("bad message length")));
    if (length > kMaxPayload)
        return fail(Error(ErrorKind::Protocol,
                          QStringLiteral("invalid frame header: length %1 exceeds what this "
                                         "machine can address")
                              .arg(length)));
    if (input.size() >= length) {
        const std::span<const char> frame = input.first(static_cast<size_t>(length));
        input = input.subspan(static_cast<size_t>(length));
        return {Status::Frame, frame, false};
    }
    m_state = State::Payload;
    m_payloadLength = length;
    m_gather.clear();
    m_gatherFill = 0;
    return next(input, maxLength);
}

QByteArray FrameDecoder::takeGathered()
{
    m_gatherFill = 0;
    return std::exchange(m_gather, QByteArray());
}

std::span<char> FrameDecoder::payloadSpace()
{
    if (m_state != State::Payload)
        return {};
    const auto length = static_cast<qsizetype>(m_payloadLength);
    if (m_gather.size() <= m_gatherFill) {
        // Grow with what has arrived: at most doubling, at most kGrowthStep beyond it.
        const qsizetype grown =
            m_gatherFill + std::min(std::max<qsizetype>(m_gatherFill, 4096), kGrowthStep);
        m_gather.resize(std::min(length, grown));
    }
    return {m_gather.data() + m_gatherFill, static_cast<size_t>(m_gather.size() - m_gatherFill)};
}

void FrameDecoder::commitPayload(qsizetype count)
{
    m_gatherFill += count;
}

quint64 FrameDecoder::bytesToFinishPart() const
{
    switch (m_state) {
    case State::Header:
        return quint64(FrameHeader::kShortSize - m_headerFill);
    case State::LongHeader:
        return quint64(FrameHeader::kLongSize - FrameHeader::kShortSize - m_headerFill);
    case State::Payload:
        return payloadRemaining();
    case State::Failed:
        break;
    }
    return 0;
}

quint64 FrameDecoder::payloadRemaining() const
{
    if (m_state != State::Payload)
        return 0;
    return m_payloadLength - static_cast<quint64>(m_gatherFill);
}

bool FrameDecoder::inFrame() const
{
    return m_state == State::LongHeader || m_state == State::Payload ||
           (m_state == State::Header && m_headerFill > 0);
}

Error FrameDecoder::endOfStream()
{
    const bool midFrame = inFrame();
    reset();
    if (midFrame)
        return Error(ErrorKind::EofDuringMessage, QStringLiteral("got end of file during message"));
    return Error(ErrorKind::Eof, QString());
}

void FrameDecoder::reset()
{
    m_state = State::Header;
    m_headerFill = 0;
    m_gather = QByteArray();
    m_gatherFill = 0;
    m_payloadLength = 0;
    m_error.reset();
}

FrameDecoder::Step FrameDecoder::fail(Error error)
{
    m_state = State::Failed;
    m_error = std::move(error);
    return {Status::Failed, {}, false};
}

} // namespace pipescope
