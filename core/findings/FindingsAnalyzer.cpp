#include "findings/FindingsAnalyzer.h"

#include "findings/Detectors.h"
#include "trace/TraceStore.h"

#include <QSet>
#include <algorithm>

namespace pipescope {

namespace {

// Whether a finding is only about multiprocessing's own traffic: every event it points at is
// internal (a state waiting in a handshake included), or, pointing at none, every channel it
// names, or, naming none, every process.
bool aboutInternalOnly(const TraceStore& store, const Finding& finding,
                       const QSet<QString>& internalNames)
{
    const auto internalEvent = [&](qint32 e) {
        const quint16 channel = store.channelOf(e);
        return store.isInternal(e) || (channel != kNoChannel && store.channel(channel).internal);
    };
    const auto internalName = [&](const QString& name) { return internalNames.contains(name); };
    if (!finding.events.empty())
        return std::all_of(finding.events.begin(), finding.events.end(), internalEvent);
    const QStringList& names = finding.channels.isEmpty() ? finding.processes : finding.channels;
    return !names.isEmpty() && std::all_of(names.begin(), names.end(), internalName);
}

} // namespace

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
    QSet<QString> internalNames;
    for (int c = 0; c < store.channelCount(); ++c) {
        if (store.channel(c).internal)
            internalNames.insert(store.channel(c).name);
    }
    for (int p = 0; p < store.processCount(); ++p) {
        if (store.process(p).internal)
            internalNames.insert(store.process(p).name);
    }
    if (!internalNames.isEmpty()) {
        std::erase_if(findings, [&](const Finding& finding) {
            return aboutInternalOnly(store, finding, internalNames);
        });
    }
    for (Finding& finding : findings) {
        std::sort(finding.events.begin(), finding.events.end(),
                  [&](qint32 a, qint32 b) { return store.time(a) < store.time(b); });
    }
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
    return findings;
}

} // namespace pipescope
