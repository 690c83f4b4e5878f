#pragma once

#include "base/Result.h"

#include <QByteArray>

class QIODevice;

namespace pipescope {

// Text for a device, collected in a buffer and written a megabyte at a time, so that an export of
// millions of events neither writes per line nor holds the whole file in memory.
class ChunkedOutput
{
public:
    static constexpr qsizetype kChunkBytes = 1 << 20;

    explicit ChunkedOutput(QIODevice& device);

    QByteArray& buffer() { return m_buffer; }
    // Writes the buffer out once it holds a chunk.
    Status flushIfFull();
    // Writes what is left.
    Status finish();

private:
    QIODevice& m_device;
    QByteArray m_buffer;
};

} // namespace pipescope
