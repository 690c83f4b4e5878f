#pragma once

#include "base/Result.h"
#include "pipe/ConnectionObserver.h"
#include "wire/FrameDecoder.h"
#include "wire/Value.h"

#include <QByteArray>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>

namespace pipescope {

class Deadline;

// One end of a pipe, the C++ twin of CPython's multiprocessing.connection.Connection: the same
// framing, the same API, the same errors in the same order of checks (closed, then readable or
// writable, then arguments, then I/O).
//
// The calls block like CPython's (a worker needs no event loop). For an event loop, pair it with a
// ConnectionNotifier and use the try*/receiveAvailable calls, which never block.
//
// Reading goes through one reusable buffer: each read() takes as much as the kernel holds and every
// whole frame in it is parsed in place; a payload larger than the buffer is read straight into its
// destination. Each message goes out in one call with its header: a small one copied behind the
// header (a scalar is pickled there directly) into one send()/write(), a large one as a two-part
// sendmsg()/writev(); when a send returns, the message is in the kernel. SIGPIPE never fires:
// sockets are written with MSG_NOSIGNAL and the signal is ignored for pipes, giving BrokenPipe
// errors instead.
class Connection
{
public:
    // The value of poll()'s and wait()'s timeout that blocks until there is something to read.
    static constexpr double kForever = std::numeric_limits<double>::infinity();
    // The size of the reusable read buffer.
    static constexpr qsizetype kReadBufferSize = 256 * 1024;
    // Messages up to this size are copied behind their header and written with one plain call.
    static constexpr qsizetype kCoalesceLimit = 16 * 1024;

    // A closed connection.
    Connection();
    // Adopts `descriptor`, which it closes when closed or destroyed.
    Connection(int descriptor, bool readable, bool writable);
    // Adopts a descriptor handed down by a parent process, telling its direction from the
    // descriptor itself: a socket is duplex; a pipe is read-only or write-only.
    static Result<Connection> fromInheritedDescriptor(int descriptor);

    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    // --- CPython's API ---
    Status send(const Value& value);
    Status sendBytes(std::span<const char> data, qint64 offset = 0,
                     std::optional<qint64> size = std::nullopt);
    Status sendBytes(const QByteArray& data, qint64 offset = 0,
                     std::optional<qint64> size = std::nullopt);
    Result<Value> recv();
    Result<QByteArray> recvBytes(std::optional<qint64> maxLength = std::nullopt);
    // Copies the next message into `buffer` at byte `offset` and returns its size.
    Result<qint64> recvBytesInto(std::span<char> buffer, qint64 offset = 0);
    // Whether there is something to read (a message, or EOF). 0 and negative timeouts return at
    // once; kForever blocks.
    Result<bool> poll(double timeoutSeconds = 0.0);
    void close();
    bool closed() const { return m_descriptor < 0; }
    bool readable() const { return m_readable; }
    bool writable() const { return m_writable; }
    Result<int> fileno() const;

    // --- Event-driven use: never block ---
    // The next message if one is whole without waiting, std::nullopt if not yet.
    Result<std::optional<QByteArray>> tryRecvBytes(std::optional<qint64> maxLength = std::nullopt);
    Result<std::optional<Value>> tryRecv();
    // Reads what the kernel holds right now and hands every whole message to `handler` as a
    // view valid only during the call, up to a bound per call (so that a peer that never stops
    // writing cannot starve an event loop). Returns how many messages it handed over; at the
    // peer's EOF, the Eof (or EofDuringMessage) error. A message over `maxLength` fails as
    // recvBytes(maxLength) does.
    Result<qsizetype> receiveAvailable(const std::function<void(std::span<const char>)>& handler,
                                       std::optional<qint64> maxLength = std::nullopt);

    // Whether bytes already read from the kernel wait in this connection's buffer.
    bool hasBufferedData() const;
    // Off: reads only what the message being read still needs (its header, then its payload),
    // as CPython's Connection does, never a byte of the next one, at the cost of two reads per
    // message. For an end that other processes read too: what it leaves in the kernel is
    // theirs to read. On (the default): reads whatever is there, many messages at once.
    void setReadAhead(bool on) { m_readAhead = on; }
    // Whether the buffer holds bytes not yet parsed into frames (the start of a frame counts).
    bool hasUnparsedBytes() const { return m_readEnd > m_readBegin; }
    // Gives up the descriptor without closing it; the connection is closed afterwards.
    int releaseDescriptor();

    // The observer is told of every message, poll and blocking wait (see ConnectionObserver).
    void setObserver(ConnectionObserver* observer) { m_observer = observer; }
    ConnectionObserver* observer() const { return m_observer; }

private:
    enum class Wait
    {
        Block,
        DontBlock
    };
    struct Frame
    {
        std::span<const char> bytes;
        bool gathered = false;
    };

    Result<std::optional<QByteArray>> receiveBytes(std::optional<qint64> maxLength, Wait wait);
    // The frame of the next value, after recv()'s checks; std::nullopt only with Wait::DontBlock
    // when none is whole yet.
    Result<std::optional<Frame>> valueFrame(Wait wait);
    // The value a frame holds, told to the observer (the receive began at `startedNs`).
    Result<Value> decodeValue(std::span<const char> bytes, qint64 startedNs);
    Status checkReadable() const;
    Status checkWritable() const;
    Status writeFrame(std::span<const char> payload);
    // Where a small payload sits behind its header in the write buffer, for writeFrame() to send
    // without a copy (a payload anywhere else up to kCoalesceLimit is copied there).
    char* smallPayloadSlot();
    // writeFrame(), with the observer told before and after (the call began at `startedNs`).
    // (Inline: every message sent passes through it.)
    Status writeObserved(qint64 startedNs, std::span<const char> payload, const Value* value)
    {
        m_about = ConnectionObserver::About::Next;
        if (!m_observer)
            return writeFrame(payload);
        m_observer->sending(*this, startedNs, payload, value);
        Status status = writeFrame(payload);
        m_observer->sent(*this, status.ok());
        return status;
    }
    // `result`, after telling the observer if it is an error of a `call`, about what m_about
    // says (see ConnectionObserver::failed()).
    // (Inline: every message sent and received passes through it.)
    template <typename T> T observeFailure(T result, ConnectionObserver::Blocking call) const
    {
        if (!result && m_observer) [[unlikely]]
            m_observer->failed(*this, call, result.error(), m_about);
        return result;
    }
    Result<qint64> receiveInto(std::span<char> buffer, qint64 offset);
    Status sendSlice(std::span<const char> data, qint64 offset, std::optional<qint64> size);
    // The next whole frame; std::nullopt only with Wait::DontBlock when none is whole yet.
    Result<std::optional<Frame>> nextFrame(std::optional<quint64> maxLength, Wait wait);
    QByteArray frameBytes(const Frame& frame);
    // Reads once into `out`: bytes read, 0 at EOF, -1 when nothing is there and `wait` forbids
    // waiting for it.
    Result<qsizetype> readSome(char* out, qsizetype capacity, Wait wait);
    Status waitFor(short events, ConnectionObserver::Blocking what);
    // ppoll() on this connection's descriptor until `deadline`, telling the observer (the one
    // place that does: see ConnectionObserver::kPatienceNs).
    Result<int> waitObserved(short events, const Deadline& deadline,
                             ConnectionObserver::Blocking what);
    // What a failed read does to the connection, as CPython does it.
    Error readFailed(Error error);
    void ensureReadBuffer();

    int m_descriptor = -1;
    bool m_readable = false;
    bool m_writable = false;
    bool m_isSocket = false;
    bool m_blockSigpipe = false; // a pipe, in a process that handles SIGPIPE itself
    bool m_readAhead = true;
    std::unique_ptr<char[]> m_readBuffer;
    std::unique_ptr<char[]> m_writeBuffer; // a small message framed: see smallPayloadSlot()
    qsizetype m_readBegin = 0;
    qsizetype m_readEnd = 0;
    FrameDecoder m_decoder;
    QByteArray m_pickleScratch;
    ConnectionObserver* m_observer = nullptr;
    // How far the blocking call under way got: what a failure of it is about (for
    // ConnectionObserver::failed()).
    ConnectionObserver::About m_about = ConnectionObserver::About::None;
};

} // namespace pipescope
