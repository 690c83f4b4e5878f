#pragma once

#include "base/Result.h"

class QIODevice;

namespace pipescope {

class TraceStore;

// Writes a run's events as JSON Lines, one event per line in time order. Every line has `t_ns`
// (since the run's start), `process` and `kind`, and a process's events its `pid` (when known)
// and `thread` (a traced program's thread with a lane of its own); the other fields depend on the
// kind and are documented in the README:
//   send, recv   channel, seq, bytes, value (the repr; "..." ends a cut one), start_ns, head
//                (the payload's first bytes in hex)
//   poll         channel, timeout_s (null: no timeout), result, waited_ns, start_ns
//   state        state, channel (what a blocked process waits on, when known)
//   stdout, stderr  text
//   exit         exit_code or signal, text
//   error        message, channel and seq (a failed call's)
// The first event that names a channel also has `channel_ordinal`: its place among the run's
// channels (the order its views colour them by), which the reader restores.
// Multiprocessing's own traffic is written only when the store shows it (TraceStore: internal),
// its events marked: `internal` on every event of an internal process, `channel_internal` on
// every event on an internal channel.
// A run that a signal interrupted ends with a runner error whose `interrupted` field names the
// signal ("SIGINT"): the mark, which EventsJsonReader reads back as TraceStore::interruptedBy().
class EventsJsonWriter
{
public:
    static Status write(const TraceStore& store, QIODevice& device);
    static Status writeFile(const TraceStore& store, const QString& path);
};

} // namespace pipescope
