#pragma once

#include "base/Result.h"
#include "pytrace/SegmentRecord.h"

#include <QByteArrayView>
#include <QString>

namespace pipescope {

// A segment file one traced Python thread writes its events into, read in place through a
// read-only mapping while the writer goes on (docs/tracing-protocol.md). The pages belong to the
// file, so what a process wrote before it died (os._exit(), SIGKILL) is all there.
//
// Records are read in the order they were written, each once it is committed (its length stored)
// and complete; a send still in progress stops the reading at itself (pending()) and is read
// again next time. A malformed record ends the segment (broken()): nothing after it can be
// trusted, and nothing before it is lost.
class TraceSegment
{
public:
    static constexpr qsizetype kHeaderSize = 64;
    static constexpr qsizetype kMaxFileSize = 64 * 1024 * 1024;

    // Maps `path` (a regular file, not a link) and checks its header; `pid` and `tid` must be
    // those it names.
    static Result<TraceSegment> open(const QString& path, qint64 pid, qint64 tid);
    TraceSegment(TraceSegment&& other) noexcept;
    TraceSegment& operator=(TraceSegment&& other) noexcept;
    TraceSegment(const TraceSegment&) = delete;
    TraceSegment& operator=(const TraceSegment&) = delete;
    ~TraceSegment();

    // Calls visit(const SegmentRecord&, QByteArrayView head) for every record completed since
    // the last call, in order.
    template <typename Visit> void readNew(Visit&& visit)
    {
        while (const SegmentRecord* record = next()) {
            visit(*record,
                  QByteArrayView(m_data + m_offset + sizeof(SegmentRecord), record->headLength));
            m_offset += record->length;
        }
    }
    // The committed record the reading stopped at because it is not complete (a send that has
    // not returned), or null.
    const SegmentRecord* pending() const;
    // The writer moved on to its next segment: everything here has been read.
    bool finished() const { return m_finished; }
    bool broken() const { return !m_problem.isEmpty(); }
    const QString& problem() const { return m_problem; }
    const QString& path() const { return m_path; }
    qint64 tid() const { return m_tid; }

private:
    TraceSegment() = default;
    // The next complete record, or null (nothing committed yet, a pending send, the end mark or
    // a malformed record; the last two are noted).
    const SegmentRecord* next();
    // The committed length at the read position (acquire: the record's fields are visible).
    quint32 committedLength() const;

    QString m_path;
    const char* m_data = nullptr;
    qsizetype m_size = 0;
    qsizetype m_offset = kHeaderSize;
    qint64 m_tid = 0;
    bool m_finished = false;
    QString m_problem;
};

} // namespace pipescope
