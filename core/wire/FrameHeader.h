#pragma once

#include <QtEndian>
#include <QtGlobal>
#include <optional>

namespace pipescope {

// The length prefix of multiprocessing.connection's framing: a 4-byte big-endian signed length, or
// for payloads over 0x7fffffff the escape -1 followed by an 8-byte big-endian unsigned length.
struct FrameHeader
{
    static constexpr qsizetype kShortSize = 4;
    static constexpr qsizetype kLongSize = 12;
    static constexpr quint64 kMaxShortLength = 0x7fffffff;
    static constexpr qint32 kLongEscape = -1;

    // Writes the header for a payload of `length` bytes to `out` (room for kLongSize bytes) and
    // returns how many bytes it wrote (inline: every message sent takes this step).
    static qsizetype encode(quint64 length, char* out)
    {
        if (length <= kMaxShortLength) {
            qToBigEndian(static_cast<qint32>(length), out);
            return kShortSize;
        }
        qToBigEndian(kLongEscape, out);
        qToBigEndian(length, out + kShortSize);
        return kLongSize;
    }

    // The size of the header that encode() writes for `length`.
    static constexpr qsizetype sizeFor(quint64 length)
    {
        return length > kMaxShortLength ? kLongSize : kShortSize;
    }

    // The signed value of the 4-byte prefix (inline: every message's first step).
    static qint32 decodeShort(const char* in) { return qFromBigEndian<qint32>(in); }
    // The unsigned value of the 8-byte extension that follows the escape.
    static quint64 decodeLong(const char* in);
};

} // namespace pipescope
