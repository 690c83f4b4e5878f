#pragma once

#include "findings/Finding.h"
#include "findings/FindingTallies.h"

#include <vector>

namespace pipescope {

class TraceStore;

// The detectors FindingsAnalyzer runs, each appending what it finds (FindingsAnalyzer.h says
// what each looks for).
namespace detectors {

// The most events a finding lists as its proof (a flood may leave millions).
constexpr size_t kMaxProofEvents = 1000;

// Processes: how they ended, the calls that failed, polling, deadlocks.
// What a crashed process left in flight is counted once the run has `ended`.
void crashes(const TraceStore& store, bool ended, std::vector<Finding>& out);
void failedCalls(const TraceStore& store, std::vector<Finding>& out);
void busyPolling(const TraceStore& store, const FindingTallies& tallies, std::vector<Finding>& out);
void deadlocks(const TraceStore& store, bool ended, qint64 now, std::vector<Finding>& out);
// A join of a process that was still blocked sending (a Queue's feeder, say) for a second or
// more; skipped when `out` already has the runner's join-pending verdict.
void joinsOfSenders(const TraceStore& store, const FindingTallies& tallies, qint64 now,
                    std::vector<Finding>& out);
// Once a run has ended: a process that waited in recv for a second or more after its channel's
// writer had ended or closed its end, until its own end (no EOF came); skipped when `out` has
// a no-eof already (the runner's verdict).
void eofsThatNeverCame(const TraceStore& store, std::vector<Finding>& out);

// Messages and channels.
void undelivered(const TraceStore& store, std::vector<Finding>& out);
void blockedSends(const TraceStore& store, std::vector<Finding>& out);
void largeMessages(const TraceStore& store, std::vector<Finding>& out);
// Live (`ended` false), from the tallies alone; at the end, with each process's first message.
void sharedEnds(const TraceStore& store, const FindingTallies& tallies, bool ended, qint64 now,
                std::vector<Finding>& out);
void latencyOutliers(const TraceStore& store, std::vector<Finding>& out);
void slowConsumers(const TraceStore& store, std::vector<Finding>& out);

// "1.5 ms", "2.00 s": a duration as a person reads it.
QString duration(qint64 ns);
// "12,345": a count with thousands separators.
QString count(qint64 n);

} // namespace detectors

} // namespace pipescope
