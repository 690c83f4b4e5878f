#pragma once

#include <QtGlobal>
#include <bit>

namespace pipescope {

// One event as a traced Python thread writes it into its segment file (docs/tracing-protocol.md):
// 48 bytes, little endian, followed by `headLength` bytes (a payload's first bytes, or a failed
// call's exception). `length` is the commit word, stored last by the writer.
struct SegmentRecord
{
    quint32 length = 0;
    quint8 kind = 0;
    quint8 flags = 0;
    quint16 headLength = 0;
    quint64 key = 0;
    qint64 startNs = 0;
    qint64 tNs = 0;
    qint64 amount = 0;
    double number = 0;

    enum Kind : quint8
    {
        Send = 1,
        Recv = 2,
        Poll = 3,
        Put = 4,       // Queue.put() into the process's buffer
        RecvBegin = 5, // a recv call began
        Failed = 6,    // the call raised: the head is "Type: message"
        Join = 7,      // Process.join(): the key is the pid of the process joined
        Wait = 8,      // connection.wait(): amount ready, head the count waited on (decimal)
        Close = 9,     // Connection.close() of an end that writes: the key is its send key
    };
    enum Flag : quint8
    {
        Complete = 1, // tNs is valid
        HeadCut = 2,  // the payload is longer than its head
        Internal = 4, // multiprocessing's own traffic
    };

    static constexpr quint32 kEndOfSegment = 0xffffffff;
    static constexpr int kMaxHead = 256;
    // The channel key's type (bits 63-62) and the mark of a socket end whose peer was not found.
    static constexpr quint64 kKeyTypeShift = 62;
    static constexpr quint64 kUnresolvedBit = quint64(1) << 61;
    enum KeyType : quint8
    {
        PipeKey = 0,
        UnixSocketKey = 1,
        TcpKey = 2,
    };
    static KeyType keyType(quint64 key) { return KeyType(key >> kKeyTypeShift); }
};
static_assert(sizeof(SegmentRecord) == 48, "the segment record is part of the file format");
static_assert(std::endian::native == std::endian::little,
              "segment files are little endian, read in place");

} // namespace pipescope
