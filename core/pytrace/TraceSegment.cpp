#include "pytrace/TraceSegment.h"

#include <QFile>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pipescope {

namespace {

constexpr char kMagic[8] = {'P', 'S', 'R', 'I', 'N', 'G', '0', '1'};
constexpr quint32 kVersion = 1;

struct SegmentHeader
{
    char magic[8];
    quint32 version;
    quint32 pid;
    quint32 tid;
    quint32 number;
};

Error segmentError(const QString& path, const QString& why)
{
    return Error(ErrorKind::Protocol, QStringLiteral("segment %1: %2").arg(path, why));
}

} // namespace

Result<TraceSegment> TraceSegment::open(const QString& path, qint64 pid, qint64 tid)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return segmentError(path, QString::fromLocal8Bit(std::strerror(errno)));
    struct stat status = {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) || status.st_size < kHeaderSize ||
        status.st_size > kMaxFileSize) {
        ::close(fd);
        return segmentError(path, QStringLiteral("not a segment file of a possible size"));
    }
    void* mapped = ::mmap(nullptr, size_t(status.st_size), PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (mapped == MAP_FAILED)
        return segmentError(path, QString::fromLocal8Bit(std::strerror(errno)));

    TraceSegment segment;
    segment.m_path = path;
    segment.m_data = static_cast<const char*>(mapped);
    segment.m_size = status.st_size;
    segment.m_tid = tid;
    SegmentHeader header = {};
    std::memcpy(&header, segment.m_data, sizeof header);
    if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0 || header.version != kVersion)
        return segmentError(path, QStringLiteral("no PSRING01 version 1 header"));
    if (header.pid != quint64(pid) || header.tid != quint64(tid))
        return segmentError(path, QStringLiteral("written by pid %1 thread %2, announced as %3/%4")
                                      .arg(header.pid)
                                      .arg(header.tid)
                                      .arg(pid)
                                      .arg(tid));
    return segment;
}

TraceSegment::TraceSegment(TraceSegment&& other) noexcept
{
    *this = std::move(other);
}

TraceSegment& TraceSegment::operator=(TraceSegment&& other) noexcept
{
    if (this != &other) {
        if (m_data)
            ::munmap(const_cast<char*>(m_data), size_t(m_size));
        m_path = std::move(other.m_path);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_offset = other.m_offset;
        m_tid = other.m_tid;
        m_finished = other.m_finished;
        m_problem = std::move(other.m_problem);
    }
    return *this;
}

TraceSegment::~TraceSegment()
{
    if (m_data)
        ::munmap(const_cast<char*>(m_data), size_t(m_size));
}

quint32 TraceSegment::committedLength() const
{
    if (m_finished || broken() || m_size - m_offset < qsizetype(sizeof(quint32)))
        return 0;
    return __atomic_load_n(reinterpret_cast<const quint32*>(m_data + m_offset), __ATOMIC_ACQUIRE);
}

const SegmentRecord* TraceSegment::next()
{
    const quint32 length = committedLength();
    if (length == 0)
        return nullptr;
    if (length == SegmentRecord::kEndOfSegment) {
        m_finished = true;
        return nullptr;
    }
    const auto* record = reinterpret_cast<const SegmentRecord*>(m_data + m_offset);
    if (length < sizeof(SegmentRecord) || length % 8 != 0 ||
        qsizetype(length) > m_size - m_offset ||
        record->headLength > length - sizeof(SegmentRecord) ||
        record->headLength > SegmentRecord::kMaxHead) {
        m_problem = QStringLiteral("malformed record at offset %1").arg(m_offset);
        return nullptr;
    }
    const quint8 flags = __atomic_load_n(&record->flags, __ATOMIC_ACQUIRE);
    return (flags & SegmentRecord::Complete) ? record : nullptr;
}

const SegmentRecord* TraceSegment::pending() const
{
    const quint32 length = committedLength();
    if (length == 0 || length == SegmentRecord::kEndOfSegment || broken())
        return nullptr;
    return reinterpret_cast<const SegmentRecord*>(m_data + m_offset);
}

} // namespace pipescope
