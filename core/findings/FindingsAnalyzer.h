#pragma once

#include "findings/Finding.h"
#include "findings/FindingTallies.h"

#include <vector>

namespace pipescope {

class TraceStore;

// Reads a run's TraceStore and says what went wrong in it, pointing at the events that prove it.
// Every finding is one the events show; nothing is guessed:
//   undelivered     messages sent and never received once the run has ended (info when the
//                   receiver ended on its own after at most one such message: the way the
//                   tutorial's ping-pong ends; a warning otherwise)
//   crash           a process killed by a signal or exited with a non-zero code (not a user's stop)
//   broken-pipe, eof, buffer-too-short, failed-call
//                   calls that raised: BrokenPipeError, EOFError, BufferTooShort or a refused
//                   maxlength, anything else
//   deadlock        the runner found every live process waiting for a message no live process
//                   could send (its deadlock report), or, while a run goes on, every live process
//                   has been blocked in recv on empty channels for a second
//   blocked-send    a send blocked 10 ms or more because the pipe was full (its reader not
//                   reading), with the bytes in the pipe then
//   busy-poll       a process polling with timeout 0 at 1,000 or more calls a second, 100 or more
//   large-message   messages larger than a pipe's buffer (64 KiB), very large ones (32 MiB)
//   shared-end      a Pipe end written or read by more than one process
//   latency-outliers  100 or more deliveries whose p99 latency is 20 times the median and 1 ms
//   (and no-eof, join-pending, terminated-while-sending, slow-consumer: see Detectors.h)
// `ended` says whether the run is over (what is still in a pipe then is undelivered, not in
// flight); `now` (ns since the run's start) is where a live run is. While a run goes on only the
// detectors that read processes, failed calls, polls and states run, and incrementally: an
// analyzer that follows one store reads only the events appended since its last update (its
// FindingTallies), so that a run of millions of messages costs each update what came in since.
// undelivered, blocked-send, large-message, latency-outliers and slow-consumer read every message
// and wait for the end. Findings come by severity, errors first.
class FindingsAnalyzer
{
public:
    // The findings of `store` now, reading only what it appended since the last update (the
    // whole store the first time, or when it is another store).
    std::vector<Finding> update(const TraceStore& store, bool ended, qint64 now = 0);
    // Once, over a whole store.
    static std::vector<Finding> analyze(const TraceStore& store, bool ended, qint64 now = 0);

private:
    FindingTallies m_tallies;
};

} // namespace pipescope
