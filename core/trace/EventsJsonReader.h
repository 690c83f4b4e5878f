#pragma once

#include "base/Result.h"

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
// A file can be read all at once (read(), readFile()) or piece by piece (feed(), then finish()):
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
    const TraceStore& store() const;
    // For its view settings (internal traffic shown, lane order), not for events.
    TraceStore& store();
    std::unique_ptr<TraceStore> takeStore();
    // Lines read so far (blank ones too).
    qint64 lines() const { return m_lineNumber; }

    static Result<std::unique_ptr<TraceStore>> read(QIODevice& device);
    static Result<std::unique_ptr<TraceStore>> readFile(const QString& path);

private:
    class Builder;
    Status addLine(QByteArrayView line);
    Error tooLong() const;

    std::unique_ptr<Builder> m_builder;
    QByteArray m_partial; // the start of a line whose newline has not come yet
    qint64 m_lineNumber = 0;
    bool m_started = false; // past the place of a byte order mark
    Status m_failed;
};

} // namespace pipescope
