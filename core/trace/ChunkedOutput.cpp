#include "trace/ChunkedOutput.h"

#include <QIODevice>

namespace pipescope {

ChunkedOutput::ChunkedOutput(QIODevice& device)
    : m_device(device)
{
    m_buffer.reserve(kChunkBytes + 4096);
}

Status ChunkedOutput::flushIfFull()
{
    return m_buffer.size() >= kChunkBytes ? finish() : Status();
}

Status ChunkedOutput::finish()
{
    if (m_device.write(m_buffer) != m_buffer.size())
        return Error(ErrorKind::System, m_device.errorString());
    m_buffer.resize(0);
    return {};
}

} // namespace pipescope
