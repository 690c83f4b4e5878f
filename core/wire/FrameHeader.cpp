#include "wire/FrameHeader.h"

#include <QtEndian>

namespace pipescope {

quint64 FrameHeader::decodeLong(const char* in)
{
    return qFromBigEndian<quint64>(in);
}

} // namespace pipescope
