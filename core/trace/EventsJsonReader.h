#pragma once

#include "base/Result.h"

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
class EventsJsonReader
{
public:
    static Result<std::unique_ptr<TraceStore>> read(QIODevice& device);
    static Result<std::unique_ptr<TraceStore>> readFile(const QString& path);
};

} // namespace pipescope
