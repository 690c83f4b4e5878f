#pragma once

#include "base/Result.h"

class QIODevice;

namespace pipescope {

class TraceStore;

// Writes a run as Chrome Trace Event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing
// open: one process and thread per child (named by role and pid), a complete slice ("X") for every
// send and recv call and for every sleep, an arrow from each send to its recv's return (flow v2:
// the send slice has flow_out, and a zero-length "received" slice at the recv's return has
// flow_in, bound by a per-message id, so the arrow's end never comes before its start), a counter
// ("C") of the queue depth of every channel on a "pipes" track of its own, and an instant ("i")
// for every poll. Timestamps are in microseconds since the run's start. A thread's slices never
// overlap: they are the calls one process made, one after another. The top-level "metadata"
// object carries "pipescope-version".
class ChromeTraceWriter
{
public:
    // The pid of the track that carries the queue-depth counters: one no child has (children are
    // 1 up to 65535), and not 0, which Perfetto keeps for the idle process.
    static constexpr int kPipesPid = 0x10000;

    static Status write(const TraceStore& store, QIODevice& device);
    static Status writeFile(const TraceStore& store, const QString& path);
};

} // namespace pipescope
