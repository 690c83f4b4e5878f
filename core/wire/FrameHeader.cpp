#include "wire/FrameHeader.h"

#include <QtEndian>

namespace pipescope {

qsizetype FrameHeader::encode(quint64 length, char* out)
{
    if (length <= kMaxShortLength) {
        qToBigEndian(static_cast<qint32>(length), out);
        return kShortSize;
    }
    qToBigEndian(kLongEscape, out);
    qToBigEndian(length, out + kShortSize);
    return kLongSize;
}

quint64 FrameHeader::decodeLong(const char* in)
{
    return qFromBigEndian<quint64>(in);
}

} // namespace pipescope
