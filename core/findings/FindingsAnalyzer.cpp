#include "findings/FindingsAnalyzer.h"

#include "findings/Detectors.h"
#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

std::vector<Finding> FindingsAnalyzer::analyze(const TraceStore& store, bool ended, qint64 now)
{
    return FindingsAnalyzer().update(store, ended, now);
}

std::vector<Finding> FindingsAnalyzer::update(const TraceStore& store, bool ended, qint64 now)
{
    m_tallies.advance(store);
    const qint64 until = ended ? store.activityEnd() : now;
    std::vector<Finding> findings;
    detectors::deadlocks(store, ended, now, findings);
    detectors::joinsOfSenders(store, m_tallies, until, findings);
    if (ended)
        detectors::eofsThatNeverCame(store, findings);
    detectors::crashes(store, ended, findings);
    detectors::failedCalls(store, findings);
    if (ended)
        detectors::undelivered(store, findings);
    detectors::busyPolling(store, m_tallies, findings);
    detectors::sharedEnds(store, m_tallies, ended, until, findings);
    // Those that read every message or state wait for the end: a live run is analyzed again and
    // again.
    if (ended) {
        detectors::blockedSends(store, findings);
        detectors::largeMessages(store, findings);
        detectors::latencyOutliers(store, findings);
        detectors::slowConsumers(store, findings);
    }
    // multiprocessing's own traffic is not the program's doing: a finding only about it goes.
    std::erase_if(findings, [&](const Finding& finding) {
        return !finding.events.empty() &&
               std::all_of(finding.events.begin(), finding.events.end(),
                           [&](qint32 e) { return store.isInternal(e); });
    });
    for (Finding& finding : findings) {
        std::sort(finding.events.begin(), finding.events.end(),
                  [&](qint32 a, qint32 b) { return store.time(a) < store.time(b); });
    }
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
    return findings;
}

} // namespace pipescope
