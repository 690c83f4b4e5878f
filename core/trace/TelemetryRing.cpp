#include "trace/TelemetryRing.h"

#include "trace/TraceEvent.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utility>

namespace pipescope {

namespace {

template <typename T> std::atomic_ref<T> field(char* header, qsizetype offset)
{
    return std::atomic_ref<T>(*reinterpret_cast<T*>(header + offset));
}

Error systemError(const char* what)
{
    return Error(ErrorKind::System,
                 QStringLiteral("telemetry ring: %1: %2")
                     .arg(QLatin1String(what), QString::fromLocal8Bit(std::strerror(errno))));
}

Error protocolError(const QString& message)
{
    return Error(ErrorKind::Protocol, QStringLiteral("telemetry ring: ") + message);
}

bool validCapacity(qsizetype capacity)
{
    return capacity > 0 && capacity <= TelemetryRing::kMaxCapacity &&
           capacity % TelemetryRing::headerSize() == 0;
}

// The largest ring of at most `capacity` bytes whose file the file size limit allows.
qsizetype allowedCapacity(qsizetype capacity)
{
    rlimit limit = {};
    if (::getrlimit(RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
        limit.rlim_cur >= rlim_t(TelemetryRing::headerSize() + capacity))
        return capacity;
    const qsizetype page = TelemetryRing::headerSize();
    return std::max<qsizetype>(0, (qsizetype(limit.rlim_cur) - page) / page * page);
}

} // namespace

qsizetype TelemetryRing::headerSize()
{
    static const qsizetype size = std::max<qsizetype>(4096, ::sysconf(_SC_PAGESIZE));
    return size;
}

Result<TelemetryRing> TelemetryRing::create(qsizetype capacity)
{
    if (!validCapacity(capacity))
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("telemetry ring: bad capacity %1").arg(capacity));
    // Growing a file past the limit would raise SIGXFSZ, which kills: the limit is asked first.
    const qsizetype allowed = allowedCapacity(capacity);
    if (allowed < std::min(capacity, kMinCapacity))
        return Error(ErrorKind::System,
                     QStringLiteral("telemetry ring: the file size limit (ulimit -f) leaves %1 "
                                    "bytes, and a ring needs %2")
                         .arg(allowed + headerSize())
                         .arg(kMinCapacity + headerSize()));
    capacity = std::min(capacity, allowed);
    const int descriptor = ::memfd_create("pipescope-telemetry", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (descriptor < 0)
        return systemError("memfd_create");
    // Sealed at its size: a writer that shrank it would make the reader's mapping fault.
    const bool sized = ::ftruncate(descriptor, headerSize() + capacity) == 0;
    if (!sized ||
        ::fcntl(descriptor, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        const Error error = systemError(sized ? "sealing" : "ftruncate");
        ::close(descriptor);
        return error;
    }
    auto ring = map(descriptor, capacity);
    if (!ring) {
        ::close(descriptor);
        return ring.error();
    }
    ring->m_descriptor = descriptor;
    // The pages are zero: head, tail, drained and the pending length start at 0.
    field<quint64>(ring->header(), kCapacityOffset).store(quint64(capacity));
    field<quint64>(ring->header(), kMagicOffset).store(kMagic, std::memory_order_release);
    return ring;
}

Result<TelemetryRing> TelemetryRing::attach(int descriptor)
{
    struct stat status = {};
    if (::fstat(descriptor, &status) != 0)
        return systemError("fstat");
    const qsizetype capacity = qsizetype(status.st_size) - headerSize();
    if (!S_ISREG(status.st_mode) || !validCapacity(capacity))
        return protocolError(QStringLiteral("descriptor %1 is not a ring (%2 bytes)")
                                 .arg(descriptor)
                                 .arg(status.st_size));
    auto ring = map(descriptor, capacity);
    if (!ring)
        return ring.error();
    if (field<quint64>(ring->header(), kMagicOffset).load(std::memory_order_acquire) != kMagic ||
        field<quint64>(ring->header(), kCapacityOffset).load() != quint64(capacity))
        return protocolError(QStringLiteral("descriptor %1 has no ring header").arg(descriptor));
    // A writer attaches to a fresh ring, or goes on where the head is.
    ring->m_position = field<quint64>(ring->header(), kHeadOffset).load(std::memory_order_acquire);
    ring->m_offset = ring->m_position % quint64(capacity);
    return ring;
}

Result<TelemetryRing> TelemetryRing::map(int descriptor, qsizetype capacity)
{
    // One reservation for the header, the records and their mirror, then the file's pages over it.
    const qsizetype header = headerSize();
    const size_t whole = size_t(header + 2 * capacity);
    void* base = ::mmap(nullptr, whole, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED)
        return systemError("mmap");
    char* at = static_cast<char*>(base);
    if (::mmap(at, size_t(header + capacity), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
               descriptor, 0) == MAP_FAILED ||
        ::mmap(at + header + capacity, size_t(capacity), PROT_READ | PROT_WRITE,
               MAP_SHARED | MAP_FIXED, descriptor, header) == MAP_FAILED) {
        const Error error = systemError("mmap");
        ::munmap(base, whole);
        return error;
    }
    TelemetryRing ring;
    ring.m_base = base;
    ring.m_records = at + header;
    ring.m_capacity = capacity;
    return ring;
}

TelemetryRing::TelemetryRing(TelemetryRing&& other) noexcept
    : m_base(std::exchange(other.m_base, nullptr))
    , m_records(std::exchange(other.m_records, nullptr))
    , m_capacity(std::exchange(other.m_capacity, 0))
    , m_descriptor(std::exchange(other.m_descriptor, -1))
    , m_position(std::exchange(other.m_position, 0))
    , m_offset(std::exchange(other.m_offset, 0))
    , m_knownTail(std::exchange(other.m_knownTail, 0))
    , m_held(std::exchange(other.m_held, 0))
{}

TelemetryRing& TelemetryRing::operator=(TelemetryRing&& other) noexcept
{
    if (this != &other) {
        this->~TelemetryRing();
        new (this) TelemetryRing(std::move(other));
    }
    return *this;
}

TelemetryRing::~TelemetryRing()
{
    if (m_base)
        ::munmap(m_base, size_t(headerSize() + 2 * m_capacity));
    closeDescriptor();
}

void TelemetryRing::closeDescriptor()
{
    if (m_descriptor >= 0)
        ::close(m_descriptor);
    m_descriptor = -1;
}

char* TelemetryRing::writable(qsizetype bytes)
{
    const quint64 end = m_position + quint64(bytes);
    if (end - m_knownTail > quint64(m_capacity)) {
        const quint64 tail = field<quint64>(header(), kTailOffset).load(std::memory_order_acquire);
        // A reader that consumed past the head is as wrong as one that consumed nothing: no room.
        if (tail > m_position || end - tail > quint64(m_capacity))
            return nullptr;
        m_knownTail = tail;
    }
    return records() + m_offset;
}

void TelemetryRing::commit(qsizetype bytes)
{
    m_position += quint64(bytes);
    m_offset += quint64(bytes);
    if (m_offset >= quint64(m_capacity))
        m_offset -= quint64(m_capacity);
    field<quint64>(header(), kHeadOffset).store(m_position, std::memory_order_release);
}

quint32 TelemetryRing::drained() const
{
    return field<quint32>(header(), kDrainedOffset).load(std::memory_order_acquire);
}

void TelemetryRing::waitForRoom(quint32 drained, int timeoutMs) const
{
    field<quint32>(header(), kWriterWaitingOffset).store(1, std::memory_order_seq_cst);
    // The reader bumps `drained` before it looks at the flag: a consume after `drained` was
    // read makes the futex return at once.
    const timespec timeout{timeoutMs / 1000, long(timeoutMs % 1000) * 1'000'000};
    ::syscall(SYS_futex, header() + kDrainedOffset, FUTEX_WAIT, drained, &timeout, nullptr, 0);
}

void TelemetryRing::holdPending(qsizetype bytes)
{
    Q_ASSERT(bytes <= kPendingCapacity);
    m_held = quint32(bytes);
    field<quint64>(header(), kPendingPositionOffset).store(m_position, std::memory_order_relaxed);
    field<quint32>(header(), kPendingLengthOffset)
        .store(m_held | kPendingHeld, std::memory_order_release);
}

void TelemetryRing::setPendingAside()
{
    std::memcpy(header() + kPendingOffset, records() + m_offset, m_held);
    // Other records go over the held one's bytes next: only once the word no longer says held,
    // which an exchange orders before them (a release store would not; a fence is not
    // supported by ThreadSanitizer). Only when a send waits.
    field<quint32>(header(), kPendingLengthOffset).exchange(m_held, std::memory_order_acq_rel);
    m_held = 0;
}

void TelemetryRing::commitHeld(qint64 tNs)
{
    // Records are packed, so this one's time may not be aligned for an atomic store: the head's
    // release publishes it.
    std::memcpy(records() + m_offset + offsetof(TelemetryRecord, tNs), &tNs, sizeof tNs);
    commit(std::exchange(m_held, 0));
    // Committed first: a death in between leaves a held record behind the head, which the reader
    // knows for committed (and what comes next goes after the head, not over the record).
    field<quint32>(header(), kPendingLengthOffset).store(0, std::memory_order_release);
}

std::span<const char> TelemetryRing::completeAside(qint64 tNs)
{
    field<qint64>(header(), kPendingOffset + qsizetype(offsetof(TelemetryRecord, tNs)))
        .store(tNs, std::memory_order_release);
    const quint32 length =
        field<quint32>(header(), kPendingLengthOffset).load(std::memory_order_relaxed);
    return {header() + kPendingOffset, length};
}

void TelemetryRing::clearPending()
{
    m_held = 0;
    // A record withdrawn from the head is written over next: only once the word is clear, which
    // an exchange orders before that (as in setPendingAside()).
    field<quint32>(header(), kPendingLengthOffset).exchange(0, std::memory_order_acq_rel);
}

Result<std::span<const char>> TelemetryRing::unread() const
{
    const quint64 head = field<quint64>(header(), kHeadOffset).load(std::memory_order_acquire);
    if (head < m_position || head - m_position > quint64(m_capacity))
        return protocolError(QStringLiteral("the head at byte %1 is not within %2 bytes after the "
                                            "%3 bytes consumed")
                                 .arg(head)
                                 .arg(m_capacity)
                                 .arg(m_position));
    return std::span<const char>(records() + m_position % quint64(m_capacity),
                                 size_t(head - m_position));
}

void TelemetryRing::consume(qsizetype bytes)
{
    m_position += quint64(bytes);
    field<quint64>(header(), kTailOffset).store(m_position, std::memory_order_release);
    field<quint32>(header(), kDrainedOffset).fetch_add(1, std::memory_order_seq_cst);
    if (field<quint32>(header(), kWriterWaitingOffset).exchange(0, std::memory_order_seq_cst))
        ::syscall(SYS_futex, header() + kDrainedOffset, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

Result<std::span<const char>> TelemetryRing::pending() const
{
    const quint32 word =
        field<quint32>(header(), kPendingLengthOffset).load(std::memory_order_acquire);
    const quint32 length = word & ~kPendingHeld;
    if (length > quint32(kPendingCapacity))
        return protocolError(QStringLiteral("a pending record of %1 bytes").arg(length));
    if ((word & kPendingHeld) == 0)
        return std::span<const char>(header() + kPendingOffset, length);
    const quint64 position =
        field<quint64>(header(), kPendingPositionOffset).load(std::memory_order_relaxed);
    const quint64 head = field<quint64>(header(), kHeadOffset).load(std::memory_order_acquire);
    if (position < head)
        return std::span<const char>(); // committed after all: among the records
    // Held at the head, within the room the reader left: anything else was never written there.
    if (position > head || head < m_position || head - m_position > quint64(m_capacity) - length)
        return protocolError(QStringLiteral("a pending record at byte %1, where the head is at %2 "
                                            "and %3 bytes are consumed")
                                 .arg(position)
                                 .arg(head)
                                 .arg(m_position));
    return std::span<const char>(records() + position % quint64(m_capacity), length);
}

} // namespace pipescope
