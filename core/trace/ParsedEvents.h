#pragma once

#include "base/Result.h"
#include "trace/TraceEvent.h"

#include <QByteArray>
#include <QByteArrayView>
#include <memory>
#include <vector>

namespace pipescope {

// One line of an events file as EventsJsonParser read it: its fields checked and converted, its
// process, channel and thread still names, for EventsJsonReader to take into a store.
struct ParsedEvent
{
    TelemetryRecord record; // all but the channel, which is still a name
    qint64 line = 0;        // its line number, for an error the store finds
    qint64 pid = 0;
    // UTF-8, in the batch's source or room (below).
    QByteArrayView process;
    QByteArrayView channel;
    QByteArrayView text;
    QByteArrayView head; // the payload's first bytes, decoded from hex
    QByteArrayView thread;
    QByteArrayView joins;  // the process a "joining" state waits for
    int ordinal = -1;      // channel_ordinal, -1 for none (or one no store can hold)
    int interruptedBy = 0; // not an event: the signal that interrupted the run (a runner error)
    bool hasChannel = false;
    bool hasPid = false;
    bool internal = false;
    bool channelInternal = false;
};

// A batch of parsed lines: what EventsJsonParser made of a piece of a file, in order, and the
// bad line that stopped it, if one did. The names and texts point into `source` (when the batch
// holds the bytes it was parsed from; else into the caller's bytes) and into the batch's room,
// which holds lines cut by a piece's end and strings decoded from escapes. Reused: clear() keeps
// its allocations, so a reader that recycles batches allocates nothing per line once warm.
class ParsedEvents
{
public:
    std::vector<ParsedEvent> events;
    Status failed;     // a bad line after `events` ("line N: ..."), or a failed read
    bool end = false;  // the file's end has been parsed: no batch follows
    qint64 offset = 0; // how far into the file the batch's bytes reach
    QByteArray source; // the bytes parsed, for a batch that owns them (EventsParseThread)

    // Empties the batch (but its source) for a new piece.
    void clear()
    {
        events.clear();
        failed = {};
        end = false;
        m_roomUsed = 0;
    }
    // Room for `bytes` bytes, asked for right after clear(), before any view points into it.
    void reserveRoom(qsizetype bytes)
    {
        Q_ASSERT(m_roomUsed == 0);
        if (bytes > m_roomSize) {
            m_room = std::make_unique_for_overwrite<char[]>(std::size_t(bytes));
            m_roomSize = bytes;
        }
    }
    // The unused rest of the room, and taking `bytes` of it.
    char* room() { return m_room.get() + m_roomUsed; }
    void use(qsizetype bytes) { m_roomUsed += bytes; }

private:
    std::unique_ptr<char[]> m_room;
    qsizetype m_roomSize = 0;
    qsizetype m_roomUsed = 0;
};

} // namespace pipescope
