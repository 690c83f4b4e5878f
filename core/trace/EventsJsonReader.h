#pragma once

#include "base/Result.h"
#include "trace/EventsJsonParser.h"
#include "trace/ParsedEvents.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <memory>

class QIODevice;

namespace pipescope {

class TraceStore;

// Reads an events file (JSON Lines, as EventsJsonWriter writes it) back into a TraceStore, so a
// saved run can be viewed again. Processes are numbered in order of first appearance (a process
// named only as the end of a channel appears there), "runner" events go to TraceStore::kRunner,
// and channels are made from their "from->to" names on first use. Times come back as they were
// written: the store's origin is 0. Exit events also fill in the process's exit status and pid.
// What the file does not hold is lost: roles, processes and channels without events, the flag
// that marks a cut text and the exit code an "exited" or "crashed" state carries.
//
// A line that is not a JSON object, lacks a field its kind needs, names an unknown kind, state
// or signal, or holds an event the store refuses fails the whole read, with its line number.
// The mark of an interrupted run (a runner error with an `interrupted` field) sets
// TraceStore::interruptedBy() instead of becoming an event; files without one read as before.
// readFile()'s errors start with the path: "PATH: line 3: ...", "PATH: No such file or directory".
//
// Reading has two halves: EventsJsonParser makes lines into parsed events (and finds the bad
// lines of JSON and fields), this reader takes them into the store (and finds the bad names). A
// file can be read all at once (read(), readFile(), which parse on an EventsParseThread ahead of
// the store), piece by piece (feed(), then finish()), or as batches parsed elsewhere (apply()):
// the window opens a file so, showing the run while it grows. The store is usable between pieces.
class EventsJsonReader
{
public:
    EventsJsonReader();
    ~EventsJsonReader();
    EventsJsonReader(const EventsJsonReader&) = delete;
    EventsJsonReader& operator=(const EventsJsonReader&) = delete;

    // The next bytes of the file: every line they complete goes into the store. The first bad
    // line fails it ("line N: ..."), and every call after.
    Status feed(QByteArrayView bytes);
    // The end of the file: its last line, when it has no newline.
    Status finish();
    // Lines parsed elsewhere, in the file's order (each batch after the one before): their
    // events go into the store, then the batch's failure, if it has one, is the reader's.
    Status apply(const ParsedEvents& batch);
    const TraceStore& store() const;
    // For its view settings (internal traffic shown, lane order), not for events.
    TraceStore& store();
    std::unique_ptr<TraceStore> takeStore();
    // Lines fed so far (blank ones too).
    qint64 lines() const { return m_parser.lines(); }

    static Result<std::unique_ptr<TraceStore>> read(QIODevice& device);
    static Result<std::unique_ptr<TraceStore>> readFile(const QString& path);

private:
    class Builder;

    std::unique_ptr<Builder> m_builder;
    EventsJsonParser m_parser; // feed()'s
    ParsedEvents m_batch;      // feed()'s
    Status m_failed;
};

} // namespace pipescope
