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
    // A short write (a disk that fills up part way, a file size limit) is not an error to the
    // device, which says "Unknown error" then: writing the rest gets the real reason (ENOSPC).
    qsizetype done = 0;
    while (done < m_buffer.size()) {
        const qint64 written = m_device.write(m_buffer.constData() + done, m_buffer.size() - done);
        if (written <= 0)
            return Error(ErrorKind::System, written < 0 ? m_device.errorString()
                                                        : QStringLiteral("nothing was written"));
        done += written;
    }
    m_buffer.resize(0);
    return {};
}

} // namespace pipescope
