#pragma once

#include "base/Result.h"

#include <QtGlobal>
#include <span>

namespace pipescope {

// The shared memory a worker's telemetry records go into, where a kill cannot take them: the
// runner creates it (a memfd), the worker maps it from an inherited descriptor, and whatever the
// worker committed is in the runner's mapping too, also after the worker died (SIGKILL included).
//
// One writer (the worker's Tracer) and one reader (the runner). Layout: a header page
// (headerSize(): the page size, 4096 bytes at least), then `capacity` bytes of records used as a
// ring. The memfd is sealed against shrinking and growing, so that no writer can make the
// runner's mapping fault. The records region is mapped
// twice, back to back, so a record that wraps around the end is still contiguous in memory and
// every run of unread records is one span.
//   - head: bytes ever committed (writer; stored with release after the records)
//   - tail: bytes ever consumed (reader)
//   - drained: a count the reader bumps after it consumed, which a writer waiting for room
//     sleeps on (a futex) when the ring is full
//   - the pending record: one record that is not committed because its call has not returned (a
//     send in progress, with no end time, given one when the call returns and until the record is
//     committed); read only once the writer is dead, for a message it may have sent. It is held
//     where it will be committed, at the head (its length and position in the header, so that a
//     send costs one copy of its record), or set aside in the header's slot when other records
//     must go into the ring before it (the send waits, and says so).
//
// Every number the reader takes from the shared header is checked: a lying writer gets a Protocol
// error, never a read outside the mapping.
class TelemetryRing
{
public:
    static constexpr qsizetype kDefaultCapacity = 1024 * 1024;
    // Under a file size limit (ulimit -f, which memfds count against too) a ring may be smaller,
    // down to this.
    static constexpr qsizetype kMinCapacity = 64 * 1024;
    static constexpr qsizetype kMaxCapacity = 64 * 1024 * 1024;
    static constexpr qsizetype kPendingCapacity = 512;
    // Where the fields are in the header (the layout is shared by two processes of one build;
    // tests that play a lying writer use it).
    static constexpr qsizetype kMagicOffset = 0;
    static constexpr qsizetype kCapacityOffset = 8;
    static constexpr qsizetype kHeadOffset = 64;
    static constexpr qsizetype kTailOffset = 128;
    static constexpr qsizetype kDrainedOffset = 136;
    static constexpr qsizetype kWriterWaitingOffset = 140;
    static constexpr qsizetype kPendingLengthOffset = 192;
    static constexpr qsizetype kPendingPositionOffset = 200;
    static constexpr qsizetype kPendingOffset = 256;
    // In the pending length: the record is held in the ring at the pending position (a head that
    // was), not in the slot at kPendingOffset.
    static constexpr quint32 kPendingHeld = 0x8000'0000;
    static constexpr quint64 kMagic = 0x31474e4952535050; // "PPSRING1"

    TelemetryRing() = default;
    // The header's size, where the records start in the file: the page size.
    static qsizetype headerSize();
    // A new ring of `capacity` bytes (a multiple of the page size; less under a file size limit,
    // but at least kMinCapacity), with its descriptor open (close-on-exec: hand it to a child
    // explicitly).
    static Result<TelemetryRing> create(qsizetype capacity = kDefaultCapacity);
    // Maps the ring behind `descriptor` (which stays the caller's), checking its size and header.
    static Result<TelemetryRing> attach(int descriptor);
    TelemetryRing(TelemetryRing&& other) noexcept;
    TelemetryRing& operator=(TelemetryRing&& other) noexcept;
    TelemetryRing(const TelemetryRing&) = delete;
    TelemetryRing& operator=(const TelemetryRing&) = delete;
    ~TelemetryRing();

    bool mapped() const { return m_base != nullptr; }
    qsizetype capacity() const { return m_capacity; }
    // The descriptor create() made, -1 once closed (or for an attached ring).
    int descriptor() const { return m_descriptor; }
    void closeDescriptor();

    // Writer. Where to write `bytes` (at most capacity()) at the head, or null while the reader
    // has not consumed enough to make room.
    char* writable(qsizetype bytes);
    // Makes `bytes` written at writable() visible to the reader.
    void commit(qsizetype bytes);
    // Sleeps until the reader has consumed something since `drained` (a drained() taken before
    // writable() failed) or `timeoutMs` have passed.
    void waitForRoom(quint32 drained, int timeoutMs) const;
    quint32 drained() const;
    // The record of a call in progress (at most kPendingCapacity bytes, its tNs 0), laid out at
    // writable() and held there uncommitted: nothing else may be written until it is committed
    // (commitHeld()), set aside (setPendingAside()) or withdrawn (clearPending()).
    void holdPending(qsizetype bytes);
    // Whether a record is held at the head.
    bool holding() const { return m_held != 0; }
    // Copies the held record into the header's slot, leaving the head to other records.
    void setPendingAside();
    // The call returned at `tNs`: the held record gets its end time and is committed.
    void commitHeld(qint64 tNs);
    // The call returned at `tNs`: the record set aside gets its end time (and stays there until
    // the writer has committed a copy and cleared it). Returns the record.
    std::span<const char> completeAside(qint64 tNs);
    void clearPending();

    // Reader. The records committed and not consumed yet, or a Protocol error when the head the
    // writer stored is impossible.
    Result<std::span<const char>> unread() const;
    // Hands `bytes` of unread() back to the writer, and wakes it if it waits for room.
    void consume(qsizetype bytes);
    // The pending record (empty when there is none, or when the record held at the head was
    // committed after all), or a Protocol error for a bad length or position.
    Result<std::span<const char>> pending() const;

private:
    char* header() const { return static_cast<char*>(m_base); }
    char* records() const { return m_records; }
    static Result<TelemetryRing> map(int descriptor, qsizetype capacity);

    void* m_base = nullptr;
    char* m_records = nullptr; // m_base + headerSize()
    qsizetype m_capacity = 0;
    int m_descriptor = -1;
    // This side's own copy of its position: the writer's head or the reader's tail.
    quint64 m_position = 0;
    // The writer's: where m_position is in the records (m_position % capacity), and the tail it
    // last read (room up to there needs no look at the reader's line).
    quint64 m_offset = 0;
    quint64 m_knownTail = 0;
    quint32 m_held = 0; // the writer's: the length of the record held at the head
};

} // namespace pipescope
