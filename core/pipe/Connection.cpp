#include "pipe/Connection.h"

#include "pipe/ConnectionObserver.h"
#include "pipe/Deadline.h"
#include "wire/PickleReader.h"
#include "wire/PickleWriter.h"
#include "wire/PyRepr.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <utility>

namespace pipescope {

namespace {

// CPython ignores SIGPIPE; a writer to a closed pipe must get EPIPE, not die. Sockets use
// MSG_NOSIGNAL, but pipes have no such flag, so the signal is ignored once per process unless the
// application installed a handler of its own.
void ignoreSigpipe()
{
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction current
        {};
        if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
            ::signal(SIGPIPE, SIG_IGN);
    });
}

bool sigpipeIgnored()
{
    struct sigaction current
    {};
    return ::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_IGN;
}

// Where the application handles SIGPIPE itself (QtTest does, to report crashes), a write to a pipe
// whose reader is gone would still raise it: block it on this thread for the write, and consume
// the one the write raised.
class SigpipeBlocker
{
public:
    explicit SigpipeBlocker(bool active)
        : m_active(active)
    {
        if (!m_active)
            return;
        sigemptyset(&m_sigpipe);
        sigaddset(&m_sigpipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &m_sigpipe, &m_previous);
    }
    SigpipeBlocker(const SigpipeBlocker&) = delete;
    SigpipeBlocker& operator=(const SigpipeBlocker&) = delete;
    ~SigpipeBlocker()
    {
        if (!m_active)
            return;
        if (m_raised && sigismember(&m_previous, SIGPIPE) == 0) {
            const timespec zero{};
            while (sigtimedwait(&m_sigpipe, nullptr, &zero) == SIGPIPE) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
    }
    void raised() { m_raised = true; }

private:
    bool m_active;
    bool m_raised = false;
    // Set only when active: zeroing them for every write cost half of writeFrame()'s own time.
    sigset_t m_sigpipe;  // NOLINT(cppcoreguidelines-pro-type-member-init)
    sigset_t m_previous; // NOLINT(cppcoreguidelines-pro-type-member-init)
};

bool isSocket(int descriptor)
{
    struct stat info
    {};
    return ::fstat(descriptor, &info) == 0 && S_ISSOCK(info.st_mode);
}

Error handleClosed()
{
    return Error(ErrorKind::HandleClosed, QStringLiteral("handle is closed"));
}

Error invalidArgument(const char* message)
{
    return Error(ErrorKind::InvalidArgument, QString::fromLatin1(message));
}

} // namespace

Connection::Connection() = default;

Connection::Connection(int descriptor, bool readable, bool writable)
    : m_descriptor(descriptor)
    , m_readable(readable)
    , m_writable(writable)
    , m_isSocket(isSocket(descriptor))
{
    ignoreSigpipe();
    m_blockSigpipe = !m_isSocket && !sigpipeIgnored();
}

Result<Connection> Connection::fromInheritedDescriptor(int descriptor)
{
    const int flags = ::fcntl(descriptor, F_GETFL);
    if (flags < 0)
        return Error::fromErrno(errno);
    // What this process was handed is not for its own children.
    ::fcntl(descriptor, F_SETFD, FD_CLOEXEC);
    if (isSocket(descriptor))
        return Connection(descriptor, true, true);
    const int mode = flags & O_ACCMODE;
    return Connection(descriptor, mode != O_WRONLY, mode != O_RDONLY);
}

Connection::Connection(Connection&& other) noexcept
    : m_descriptor(std::exchange(other.m_descriptor, -1))
    , m_readable(other.m_readable)
    , m_writable(other.m_writable)
    , m_isSocket(other.m_isSocket)
    , m_blockSigpipe(other.m_blockSigpipe)
    , m_readAhead(other.m_readAhead)
    , m_readBuffer(std::move(other.m_readBuffer))
    , m_writeBuffer(std::move(other.m_writeBuffer))
    , m_readBegin(std::exchange(other.m_readBegin, 0))
    , m_readEnd(std::exchange(other.m_readEnd, 0))
    , m_decoder(std::move(other.m_decoder))
    , m_pickleScratch(std::move(other.m_pickleScratch))
    , m_observer(std::exchange(other.m_observer, nullptr))
{}

Connection& Connection::operator=(Connection&& other) noexcept
{
    if (this != &other) {
        close();
        m_descriptor = std::exchange(other.m_descriptor, -1);
        m_readable = other.m_readable;
        m_writable = other.m_writable;
        m_isSocket = other.m_isSocket;
        m_blockSigpipe = other.m_blockSigpipe;
        m_readAhead = other.m_readAhead;
        m_readBuffer = std::move(other.m_readBuffer);
        m_writeBuffer = std::move(other.m_writeBuffer);
        m_readBegin = std::exchange(other.m_readBegin, 0);
        m_readEnd = std::exchange(other.m_readEnd, 0);
        m_decoder = std::move(other.m_decoder);
        m_pickleScratch = std::move(other.m_pickleScratch);
        m_observer = std::exchange(other.m_observer, nullptr);
    }
    return *this;
}

Connection::~Connection()
{
    close();
}

void Connection::close()
{
    if (m_descriptor >= 0) {
        ::close(m_descriptor);
        m_descriptor = -1;
    }
    m_readBuffer.reset();
    m_readBegin = m_readEnd = 0;
    m_decoder.reset();
}

int Connection::releaseDescriptor()
{
    const int descriptor = std::exchange(m_descriptor, -1);
    close();
    return descriptor;
}

Result<int> Connection::fileno() const
{
    if (closed())
        return handleClosed();
    return m_descriptor;
}

Status Connection::checkReadable() const
{
    if (closed())
        return handleClosed();
    if (!m_readable)
        return Error(ErrorKind::WriteOnly, QStringLiteral("connection is write-only"));
    return {};
}

Status Connection::checkWritable() const
{
    if (closed())
        return handleClosed();
    if (!m_writable)
        return Error(ErrorKind::ReadOnly, QStringLiteral("connection is read-only"));
    return {};
}

Status Connection::send(const Value& value)
{
    const qint64 started = m_observer ? m_observer->now() : 0;
    m_about = ConnectionObserver::About::None;
    if (closed() || !m_writable) [[unlikely]]
        return observeFailure(checkWritable(), ConnectionObserver::Blocking::Send);
    // A scalar is pickled straight behind its header, where writeFrame() sends it from.
    char* const slot = smallPayloadSlot();
    std::span<const char> payload;
    if (const qsizetype size = writeScalarPickle(value, slot); size > 0) {
        payload = {slot, size_t(size)};
    } else {
        m_pickleScratch.resize(0);
        appendPickle(m_pickleScratch, value);
        payload = {m_pickleScratch.constData(), size_t(m_pickleScratch.size())};
    }
    return observeFailure(writeObserved(started, payload, &value),
                          ConnectionObserver::Blocking::Send);
}

char* Connection::smallPayloadSlot()
{
    if (!m_writeBuffer)
        m_writeBuffer.reset(new char[FrameHeader::kShortSize + kCoalesceLimit]); // NOLINT
    return m_writeBuffer.get() + FrameHeader::kShortSize;
}

Status Connection::sendBytes(const QByteArray& data, qint64 offset, std::optional<qint64> size)
{
    return sendBytes(std::span<const char>(data.constData(), static_cast<size_t>(data.size())),
                     offset, size);
}

Status Connection::sendBytes(std::span<const char> data, qint64 offset, std::optional<qint64> size)
{
    m_about = ConnectionObserver::About::None;
    return observeFailure(sendSlice(data, offset, size), ConnectionObserver::Blocking::Send);
}

Status Connection::sendSlice(std::span<const char> data, qint64 offset, std::optional<qint64> size)
{
    const qint64 started = m_observer ? m_observer->now() : 0;
    if (Status status = checkWritable(); !status)
        return status;
    const auto length = static_cast<qint64>(data.size());
    if (offset < 0)
        return invalidArgument("offset is negative");
    if (length < offset)
        return invalidArgument("buffer length < offset");
    if (!size)
        size = length - offset;
    else if (*size < 0)
        return invalidArgument("size is negative");
    else if (offset + *size > length)
        return invalidArgument("buffer length < offset + size");
    const std::span<const char> payload =
        data.subspan(static_cast<size_t>(offset), static_cast<size_t>(*size));
    return writeObserved(started, payload, nullptr);
}

Status Connection::writeFrame(std::span<const char> payload)
{
    char header[FrameHeader::kLongSize];
    iovec parts[2];
    iovec* pending = parts;
    int count = 1;
    if (payload.size() <= size_t(kCoalesceLimit)) {
        // A small message is copied behind its header (unless it was written there) and goes out
        // with a plain send()/write(): cheaper in the kernel than a two-part sendmsg()/writev(),
        // measured at ~0.2 µs each.
        char* const slot = smallPayloadSlot();
        if (payload.data() != slot && !payload.empty())
            std::memcpy(slot, payload.data(), payload.size());
        char* const frame = slot - FrameHeader::kShortSize;
        FrameHeader::encode(payload.size(), frame);
        parts[0] = {frame, FrameHeader::kShortSize + payload.size()};
    } else {
        parts[0] = {header, static_cast<size_t>(FrameHeader::encode(payload.size(), header))};
        parts[1] = {const_cast<char*>(payload.data()), payload.size()}; // NOLINT: iovec
        count = 2;
    }
    SigpipeBlocker sigpipe(m_blockSigpipe);
    while (count > 0) {
        ssize_t written = 0;
        if (count == 1 && m_isSocket) {
            written = ::send(m_descriptor, pending->iov_base, pending->iov_len, MSG_NOSIGNAL);
        } else if (count == 1) {
            written = ::write(m_descriptor, pending->iov_base, pending->iov_len);
        } else if (m_isSocket) {
            msghdr message{};
            message.msg_iov = pending;
            message.msg_iovlen = static_cast<size_t>(count);
            written = ::sendmsg(m_descriptor, &message, MSG_NOSIGNAL);
        } else {
            written = ::writev(m_descriptor, pending, count);
        }
        if (written < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (Status waited = waitFor(POLLOUT, ConnectionObserver::Blocking::Send); !waited)
                    return waited;
                continue;
            }
            if (errno == EPIPE)
                sigpipe.raised();
            return Error::fromErrno(errno);
        }
        auto done = static_cast<size_t>(written);
        while (count > 0 && done >= pending->iov_len) {
            done -= pending->iov_len;
            ++pending;
            --count;
        }
        if (count > 0) {
            pending->iov_base = static_cast<char*>(pending->iov_base) + done;
            pending->iov_len -= done;
        }
    }
    return {};
}

Result<QByteArray> Connection::recvBytes(std::optional<qint64> maxLength)
{
    // A message over maxlength is refused before it is taken (and the connection closed).
    m_about = ConnectionObserver::About::None;
    auto bytes =
        observeFailure(receiveBytes(maxLength, Wait::Block), ConnectionObserver::Blocking::Recv);
    if (!bytes)
        return bytes.error();
    return std::move(**bytes); // a blocking receive always has a message
}

Result<std::optional<QByteArray>> Connection::tryRecvBytes(std::optional<qint64> maxLength)
{
    return receiveBytes(maxLength, Wait::DontBlock);
}

Result<std::optional<QByteArray>> Connection::receiveBytes(std::optional<qint64> maxLength,
                                                           Wait wait)
{
    const qint64 started = m_observer ? m_observer->now() : 0;
    if (Status status = checkReadable(); !status)
        return status.error();
    if (maxLength && *maxLength < 0)
        return invalidArgument("negative maxlength");
    m_about = ConnectionObserver::About::Next;
    auto frame = nextFrame(maxLength ? std::optional<quint64>(*maxLength) : std::nullopt, wait);
    if (!frame)
        return frame.error();
    if (!*frame)
        return std::optional<QByteArray>();
    QByteArray bytes = frameBytes(**frame);
    if (m_observer)
        m_observer->received(*this, started, {bytes.constData(), static_cast<size_t>(bytes.size())},
                             nullptr);
    return std::optional<QByteArray>(std::move(bytes));
}

Result<qint64> Connection::recvBytesInto(std::span<char> buffer, qint64 offset)
{
    m_about = ConnectionObserver::About::None;
    return observeFailure(receiveInto(buffer, offset), ConnectionObserver::Blocking::Recv);
}

Result<qint64> Connection::receiveInto(std::span<char> buffer, qint64 offset)
{
    const qint64 started = m_observer ? m_observer->now() : 0;
    if (Status status = checkReadable(); !status)
        return status.error();
    const auto capacity = static_cast<qint64>(buffer.size());
    if (offset < 0)
        return invalidArgument("negative offset");
    if (offset > capacity)
        return invalidArgument("offset too large");
    m_about = ConnectionObserver::About::Next;
    auto frame = nextFrame(std::nullopt, Wait::Block);
    if (!frame)
        return frame.error();
    const std::span<const char> bytes = (*frame)->bytes;
    const auto size = static_cast<qint64>(bytes.size());
    if (m_observer)
        m_observer->received(*this, started, bytes, nullptr);
    m_about = ConnectionObserver::About::Taken;
    if (capacity - offset < size) {
        // As CPython prints it: the message, its only argument, as its repr.
        QByteArray payload = frameBytes(**frame);
        const QString repr = reprBytes(payload);
        return Error(ErrorKind::BufferTooShort, repr, std::move(payload));
    }
    std::memcpy(buffer.data() + offset, bytes.data(), bytes.size());
    return size;
}

Result<Value> Connection::recv()
{
    const qint64 started = m_observer ? m_observer->now() : 0;
    m_about = ConnectionObserver::About::None;
    auto frame = valueFrame(Wait::Block);
    if (!frame)
        return observeFailure(Result<Value>(frame.error()), ConnectionObserver::Blocking::Recv);
    // A blocking receive always has a frame.
    return observeFailure(decodeValue((*frame)->bytes, started),
                          ConnectionObserver::Blocking::Recv);
}

Result<std::optional<Value>> Connection::tryRecv()
{
    const qint64 started = m_observer ? m_observer->now() : 0;
    auto frame = valueFrame(Wait::DontBlock);
    if (!frame)
        return frame.error();
    if (!*frame)
        return std::optional<Value>();
    Result<Value> value = decodeValue((*frame)->bytes, started);
    if (!value)
        return value.error();
    return std::optional<Value>(std::move(value).value());
}

Result<std::optional<Connection::Frame>> Connection::valueFrame(Wait wait)
{
    if (closed() || !m_readable) [[unlikely]]
        return checkReadable().error();
    m_about = ConnectionObserver::About::Next;
    return nextFrame(std::nullopt, wait);
}

Result<Value> Connection::decodeValue(std::span<const char> bytes, qint64 startedNs)
{
    // Decoded straight from the read buffer: no copy of the payload.
    Result<Value> value = decodePickle(bytes.data(), static_cast<qsizetype>(bytes.size()));
    if (m_observer)
        m_observer->received(*this, startedNs, bytes, value ? &value.value() : nullptr);
    m_about = ConnectionObserver::About::Taken;
    return value;
}

Result<qsizetype>
Connection::receiveAvailable(const std::function<void(std::span<const char>)>& handler,
                             std::optional<qint64> maxLength)
{
    if (Status status = checkReadable(); !status)
        return status.error();
    if (maxLength && *maxLength < 0)
        return invalidArgument("negative maxlength");
    constexpr qsizetype kMaxFramesPerCall = 16384;
    constexpr qsizetype kMaxBytesPerCall = 4 * 1024 * 1024;
    qsizetype count = 0;
    qsizetype bytes = 0;
    while (count < kMaxFramesPerCall && bytes < kMaxBytesPerCall) {
        auto frame = nextFrame(maxLength ? std::optional<quint64>(*maxLength) : std::nullopt,
                               Wait::DontBlock);
        if (!frame)
            return frame.error();
        if (!*frame)
            break;
        const std::span<const char> payload = (*frame)->bytes;
        if (m_observer)
            m_observer->received(*this, m_observer->now(), payload, nullptr);
        handler(payload);
        ++count;
        bytes += static_cast<qsizetype>(payload.size()) + FrameHeader::kShortSize;
    }
    return count;
}

Result<bool> Connection::poll(double timeoutSeconds)
{
    if (Status status = checkReadable(); !status)
        return status.error();
    auto deadline = Deadline::after(timeoutSeconds);
    if (!deadline)
        return deadline.error();
    // The wait measured by the observer's clock, which its other records' times come from.
    const qint64 started = m_observer ? m_observer->now() : 0;
    bool ready = hasBufferedData();
    if (!ready) {
        // poll(0) looks without waiting: no blocked state for it.
        pollfd descriptor{m_descriptor, POLLIN, 0};
        const Result<int> polled =
            deadline->expired()
                ? pollUntil({&descriptor, 1}, *deadline)
                : waitObserved(POLLIN, *deadline, ConnectionObserver::Blocking::Poll);
        if (!polled)
            return polled.error();
        ready = *polled > 0;
    }
    if (m_observer)
        m_observer->polled(*this, timeoutSeconds, ready, m_observer->now() - started);
    return ready;
}

bool Connection::hasBufferedData() const
{
    return m_readEnd > m_readBegin || m_decoder.inFrame();
}

void Connection::ensureReadBuffer()
{
    if (!m_readBuffer)
        m_readBuffer.reset(new char[kReadBufferSize]); // NOLINT: uninitialised on purpose
}

Result<std::optional<Connection::Frame>> Connection::nextFrame(std::optional<quint64> maxLength,
                                                               Wait wait)
{
    ensureReadBuffer();
    for (;;) {
        std::span<const char> input(m_readBuffer.get() + m_readBegin,
                                    static_cast<size_t>(m_readEnd - m_readBegin));
        const FrameDecoder::Step step = m_decoder.next(input, maxLength);
        m_readBegin = m_readEnd - static_cast<qsizetype>(input.size());
        if (step.status == FrameDecoder::Status::Frame)
            return std::optional<Frame>(Frame{step.frame, step.gathered});
        if (step.status == FrameDecoder::Status::Failed)
            return readFailed(*m_decoder.error());

        // The decoder took every buffered byte: read more.
        m_readBegin = m_readEnd = 0;
        Result<qsizetype> count = 0;
        if (m_decoder.payloadRemaining() >= static_cast<quint64>(kReadBufferSize)) {
            // A large payload goes straight into the message, not through the buffer.
            const std::span<char> room = m_decoder.payloadSpace();
            count = readSome(room.data(), static_cast<qsizetype>(room.size()), wait);
            if (count && *count > 0)
                m_decoder.commitPayload(*count);
        } else {
            const qsizetype wanted =
                m_readAhead ? kReadBufferSize
                            : qsizetype(std::min<quint64>(m_decoder.bytesToFinishPart(),
                                                          quint64(kReadBufferSize)));
            count = readSome(m_readBuffer.get(), wanted, wait);
            if (count && *count > 0)
                m_readEnd = *count;
        }
        if (!count)
            return count.error();
        if (*count < 0)
            return std::optional<Frame>();
        if (*count == 0)
            return m_decoder.endOfStream();
    }
}

QByteArray Connection::frameBytes(const Frame& frame)
{
    if (frame.gathered)
        return m_decoder.takeGathered();
    return {frame.bytes.data(), static_cast<qsizetype>(frame.bytes.size())};
}

Error Connection::readFailed(Error error)
{
    if (error.kind() == ErrorKind::BadMessageLength) {
        // The payload stays in the stream, so this end can never be read again.
        if (m_writable)
            m_readable = false;
        else
            close();
    } else if (error.kind() == ErrorKind::Protocol) {
        close();
    }
    return error;
}

Result<qsizetype> Connection::readSome(char* out, qsizetype capacity, Wait wait)
{
    for (;;) {
        ssize_t count = 0;
        if (wait == Wait::DontBlock && m_isSocket) {
            count = ::recv(m_descriptor, out, static_cast<size_t>(capacity), MSG_DONTWAIT);
        } else if (wait == Wait::DontBlock) {
            pollfd descriptor{m_descriptor, POLLIN, 0};
            const int ready = ::poll(&descriptor, 1, 0);
            if (ready == 0)
                return qsizetype(-1);
            count = ready < 0 ? -1 : ::read(m_descriptor, out, static_cast<size_t>(capacity));
        } else {
            count = ::read(m_descriptor, out, static_cast<size_t>(capacity));
        }
        if (count >= 0)
            return static_cast<qsizetype>(count);
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return Error::fromErrno(errno);
        if (wait == Wait::DontBlock)
            return qsizetype(-1);
        if (Status waited = waitFor(POLLIN, ConnectionObserver::Blocking::Recv); !waited)
            return waited.error();
    }
}

Status Connection::waitFor(short events, ConnectionObserver::Blocking what)
{
    const Result<int> ready = waitObserved(events, Deadline::never(), what);
    if (!ready)
        return ready.error();
    return {};
}

Result<int> Connection::waitObserved(short events, const Deadline& deadline,
                                     ConnectionObserver::Blocking what)
{
    pollfd descriptor{m_descriptor, events, 0};
    if (!m_observer)
        return pollUntil({&descriptor, 1}, deadline);
    // The first kPatienceNs are a ppoll() of their own, so that the observer learns when a wait
    // outlasts them: most waits in a busy exchange take microseconds.
    m_observer->blocked(*this, what);
    Result<int> ready =
        pollUntil({&descriptor, 1}, deadline.cappedAfterNs(ConnectionObserver::kPatienceNs));
    if (ready && *ready == 0 && !deadline.expired()) {
        m_observer->stillBlocked(*this, what);
        ready = pollUntil({&descriptor, 1}, deadline);
    }
    m_observer->unblocked(*this, what);
    return ready;
}

} // namespace pipescope
