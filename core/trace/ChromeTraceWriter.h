#pragma once

#include "pipe/Result.h"

class QIODevice;

namespace pipescope {

class TraceStore;

// Writes a run as Chrome Trace Event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing
// open: one process and thread per child (named by role and pid), a complete slice ("X") for every
// send and recv call and for every sleep, an arrow from each send to its recv (flow v2: the send
// slice has flow_out and the recv slice flow_in, bound by a per-message id), a counter ("C") of
// the queue depth of every channel on a "pipes" track, and an instant ("i") for every poll.
// Timestamps are in microseconds since the run's start. A thread's slices never overlap: they are
// the calls one process made, one after another.
class ChromeTraceWriter
{
public:
    // The pid of the track that carries the queue-depth counters.
    static constexpr int kPipesPid = 0;

    static Status write(const TraceStore& store, QIODevice& device);
    static Status writeFile(const TraceStore& store, const QString& path);
};

} // namespace pipescope
