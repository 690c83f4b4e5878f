#include "findings/DeadlockDetector.h"
#include "findings/Detectors.h"
#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope::detectors {

namespace {

// "main joins worker before receiving what worker sends it"
QString joinPendingTitle(const QString& joiner, const QString& sender)
{
    return QStringLiteral("%1 joins %2 before receiving what %2 sends it").arg(joiner, sender);
}

// Whether `findings` has one of `kind` already (a runner's verdict, say).
bool hasKind(const std::vector<Finding>& findings, QLatin1String kind)
{
    return std::any_of(findings.begin(), findings.end(),
                       [&](const Finding& f) { return f.kind == kind; });
}

// A finding for the processes stuck as `verdict` (DeadlockDetector's words) says, at `at`:
// the processes and channels it names, and the states they were stuck in.
Finding stuckFinding(const QString& verdict, const TraceStore& store, qint64 at)
{
    Finding finding;
    finding.severity = Severity::Error;
    // What the runner did about it is its own business: the explanation is about the program.
    const QString description =
        verdict.section(QLatin1String("; closing the runner's copies"), 0, 0);
    const qsizetype colon = description.indexOf(QLatin1String(": "));
    const QStringList waits = description.mid(colon + 2)
                                  .section(QLatin1String(", and no live process"), 0, 0)
                                  .section(QLatin1String(": recv() raises"), 0, 0)
                                  .split(QLatin1String("; "));
    for (const QString& wait : waits) {
        const QString name = wait.section(QLatin1String(" is "), 0, 0);
        for (int p = 0; p < store.processCount(); ++p) {
            const TraceStore::Process& process = store.process(p);
            if (process.name != name || finding.processes.contains(name))
                continue;
            finding.processes.append(name);
            const TraceStore::EventList& states = process.stateEvents;
            const size_t after =
                size_t(std::upper_bound(states.begin(), states.end(), at,
                                        [&](qint64 t, quint32 e) { return t < store.time(e); }) -
                       states.begin());
            if (after > 0)
                finding.events.push_back(qint32(states[after - 1]));
        }
        // "... on CHANNEL", then the end or ", whose writer ...": a name may hold commas itself.
        const QString on = wait.section(QLatin1String(" on "), 1);
        for (int c = 0; c < store.channelCount(); ++c) {
            const QString& name = store.channel(c).name;
            const bool named = on == name || on.startsWith(name + QLatin1String(", "));
            if (named && !finding.channels.contains(name))
                finding.channels.append(name);
        }
    }
    const QString first = waits.front();
    switch (DeadlockDetector::kindOf(description)) {
    case DeadlockDetector::Kind::NoEof: {
        finding.kind = QStringLiteral("no-eof");
        // Named by the wait for an EOF (others may wait on that one: a join of it).
        const auto eof = std::find_if(waits.begin(), waits.end(), [](const QString& wait) {
            return wait.contains(QLatin1String(", whose writer"));
        });
        finding.title = (eof == waits.end() ? first : *eof).section(QLatin1String(", but"), 0, 0);
        finding.explanation =
            description +
            QStringLiteral(". The writer is gone, yet the pipe stays open while any process "
                           "holds a copy of its write end, so recv() neither gets a message nor "
                           "raises EOFError: it waits for ever. Close every copy of the write end "
                           "that will not be written: in the reader as soon as it starts (a child "
                           "inherits both ends; call close() on the writing one before reading), "
                           "and in the parent once it has started the children. Or send a "
                           "sentinel such as None last and stop at it.");
        break;
    }
    case DeadlockDetector::Kind::JoinPending: {
        finding.kind = QStringLiteral("join-pending");
        const QLatin1String joining(" is joining ");
        const auto join = std::find_if(waits.begin(), waits.end(),
                                       [&](const QString& wait) { return wait.contains(joining); });
        finding.title =
            join == waits.end()
                ? description.section(QLatin1String(", and no live process"), 0, 0)
                : joinPendingTitle(join->section(joining, 0, 0), join->section(joining, 1));
        finding.explanation =
            description +
            QStringLiteral(". join() waits for the process to end, but it cannot end: it is "
                           "still in send(), waiting for room in a pipe that only the joining "
                           "process would make by receiving. The multiprocessing programming "
                           "guidelines say it for queues too (a process that has put items on a "
                           "queue does not end until they are all in the pipe): receive "
                           "everything a process sends before you join it, recv() first, then "
                           "join().");
        break;
    }
    case DeadlockDetector::Kind::Deadlock:
        finding.kind = QStringLiteral("deadlock");
        finding.title = QStringLiteral("%1 wait for each other").arg(finding.processes.join(u", "));
        finding.explanation =
            description + QStringLiteral(". Each waits for a message only another waiting "
                                         "process could send. Break the cycle: one side must "
                                         "send first, or close its end so the other gets EOF.");
        break;
    }
    return finding;
}

// `join` (a Joining state, until `to`) of a process one of whose lanes was blocked in `send`.
Finding joinPendingFinding(const TraceStore& store, qint32 join, qint64 to, qint32 send)
{
    const int joinerProcess = store.processOf(join);
    const QString joiner = store.process(joinerProcess).name;
    const QString sender = store.process(store.joinedProcess(join)).name;
    const QString channel = store.channel(store.channelOf(send)).name;
    const bool returned = store.process(joinerProcess).stateEvents.back() != quint32(join);
    Finding finding;
    finding.severity = returned ? Severity::Warning : Severity::Error;
    finding.kind = QStringLiteral("join-pending");
    finding.processes = {joiner, sender};
    finding.channels = {channel};
    finding.events = {join, send};
    finding.title = joinPendingTitle(joiner, sender);
    finding.explanation =
        QStringLiteral(
            "%1 joined %2 for %3 while %4 was blocked sending on %5. A process that has put "
            "items on a queue does not end until its feeder thread has got them all into the "
            "pipe, and the pipe empties only when someone receives: %1, which waits in join(). "
            "%6 The multiprocessing programming guidelines: receive everything a process sends "
            "before you join it (get() first, then join()).")
            .arg(joiner, sender, duration(to - store.time(join)),
                 store.process(store.processOf(send)).name, channel,
                 returned ? QStringLiteral("The join gave up (a timeout), so it ended this time; "
                                           "without one it would wait for ever.")
                          : QStringLiteral("It never returned: a deadlock."));
    return finding;
}

} // namespace

void deadlocks(const TraceStore& store, bool ended, qint64 now, std::vector<Finding>& out)
{
    // The runner's own verdict, recorded while the run went on.
    for (const quint32 e : store.runnerEvents()) {
        const QString text = QString::fromUtf8(store.text(e));
        if (store.kind(e) != EventKind::Error || !(text.startsWith(QLatin1String("deadlock")) ||
                                                   text.startsWith(QLatin1String("no EOF"))))
            continue;
        Finding finding = stuckFinding(text, store, store.time(e));
        finding.events.push_back(qint32(e));
        out.push_back(std::move(finding));
        return;
    }
    if (ended)
        return;
    // While the run goes on: every live process blocked, for a second, on what nobody can send
    // (multiprocessing's helpers wait for work as long as the program runs: not counted).
    std::vector<int> live;
    for (int p = 0; p < store.processCount(); ++p) {
        const TraceStore::Process& process = store.process(p);
        // A handshake is served by whoever is on its other end (a forkserver still starting).
        if (!process.ended && process.stateChannel != kNoChannel &&
            store.channel(process.stateChannel).internal)
            return;
        if (!process.ended && !process.internal)
            live.push_back(p);
    }
    if (live.empty())
        return;
    if (now - store.activityEnd() < 1'000'000'000)
        return;
    const std::optional<QString> found = DeadlockDetector::find(store, live, now);
    if (!found)
        return;
    out.push_back(stuckFinding(*found, store, now));
}

void joinsOfSenders(const TraceStore& store, const FindingTallies& tallies, qint64 now,
                    std::vector<Finding>& out)
{
    constexpr qint64 kLongJoin = 1'000'000'000;
    if (hasKind(out, QLatin1String("join-pending")))
        return;
    // A state's end: the process's next state, or `now` for its last.
    const auto endOf = [&](qint32 e) {
        const TraceStore::EventList& states = store.process(store.processOf(e)).stateEvents;
        const auto next = std::upper_bound(states.begin(), states.end(), quint32(e));
        return next == states.end() ? now : store.time(*next);
    };
    const auto lastState = [&](int p, ProcessState state) {
        const TraceStore::EventList& states = store.process(p).stateEvents;
        return !states.empty() && ProcessState(store.detail(states.back())) == state
                   ? qint32(states.back())
                   : qint32(-1);
    };
    // Closed joins, then joins going on now.
    std::vector<qint32> joins = tallies.joins();
    for (int p = 0; p < store.processCount(); ++p) {
        if (const qint32 open = lastState(p, ProcessState::Joining); open >= 0)
            joins.push_back(open);
    }
    for (const qint32 join : joins) {
        const qint64 from = store.time(join);
        const qint64 to = endOf(join);
        if (to - from < kLongJoin)
            continue;
        // The joined process, and its threads' lanes (a Queue's feeder sends for it).
        const int joiner = store.processOf(join);
        const int joined = store.joinedProcess(join);
        const qint64 pid = store.process(joined).pid;
        for (int l = 0; l < store.processCount(); ++l) {
            if (l != joined && (pid == 0 || store.process(l).pid != pid))
                continue;
            std::vector<qint32> sends = tallies.blockedSends(l);
            if (const qint32 open = lastState(l, ProcessState::BlockedSend); open >= 0)
                sends.push_back(open);
            // A send the joiner itself would have received: it reads that channel, or nobody
            // has read it yet (the joiner was to, after the join).
            const auto stuck = std::find_if(sends.begin(), sends.end(), [&](qint32 send) {
                const quint16 c = store.channelOf(send);
                return c != kNoChannel && store.time(send) < to && endOf(send) > from &&
                       (store.channel(c).to == joiner ||
                        store.channel(c).to == TraceStore::kAnyProcess);
            });
            if (stuck == sends.end())
                continue;
            out.push_back(joinPendingFinding(store, join, to, *stuck));
            return;
        }
    }
}

void eofsThatNeverCame(const TraceStore& store, std::vector<Finding>& out)
{
    constexpr qint64 kLongWait = 1'000'000'000;
    if (hasKind(out, QLatin1String("no-eof")))
        return;
    // When each channel's only writer was gone: ended, or closed its end.
    std::vector<qint64> goneAt(size_t(store.channelCount()), -1);
    std::vector<qint32> goneEvent(size_t(store.channelCount()), -1);
    for (int c = 0; c < store.channelCount(); ++c) {
        const TraceStore::Channel& channel = store.channel(c);
        if (channel.from < 0 || channel.manyWriters || !channel.isPipe())
            continue;
        for (const quint32 e : store.process(channel.from).events) {
            const bool closed = store.kind(e) == EventKind::Close && store.channelOf(e) == c;
            if (closed || store.kind(e) == EventKind::Exit) {
                goneAt[size_t(c)] = store.time(e);
                goneEvent[size_t(c)] = qint32(e);
                break;
            }
        }
    }
    for (int p = 0; p < store.processCount(); ++p) {
        const TraceStore::EventList& states = store.process(p).stateEvents;
        for (size_t i = 0; i < states.size(); ++i) {
            const quint16 c = store.channelOf(states[i]);
            if (ProcessState(store.detail(states[i])) != ProcessState::BlockedRecv ||
                c == kNoChannel || goneAt[c] < 0 || store.channel(c).from == p)
                continue;
            // A wait that the process's end cut short (or that never ended), lasting a second
            // after its writer was gone: no EOF came.
            const bool last = i + 1 == states.size() ||
                              ProcessState(store.detail(states[i + 1])) == ProcessState::Crashed ||
                              ProcessState(store.detail(states[i + 1])) == ProcessState::Stopped;
            const qint64 end =
                i + 1 < states.size() ? store.time(states[i + 1]) : store.activityEnd();
            if (!last || end - std::max(goneAt[c], store.time(states[i])) < kLongWait)
                continue;
            const TraceStore::Channel& channel = store.channel(c);
            const QString reader = store.process(p).name;
            const QString writer = store.process(channel.from).name;
            const QString gone = store.kind(goneEvent[c]) == EventKind::Close
                                     ? QStringLiteral("closed its end")
                                     : QStringLiteral("ended");
            Finding finding;
            finding.severity = Severity::Error;
            finding.kind = QStringLiteral("no-eof");
            finding.processes = {reader, writer};
            finding.channels = {channel.name};
            finding.events = {goneEvent[c], qint32(states[i])};
            finding.title =
                QStringLiteral("%1 waited in recv on %2 after %3 had %4, and no EOF came")
                    .arg(reader, channel.name, writer, gone);
            finding.explanation =
                QStringLiteral(
                    "%1 was still waiting in recv() on %2 %3 after its writer %4 had %5. recv() "
                    "raises EOFError only once every copy of the write end is closed, so a copy "
                    "was still open somewhere: most often in the reader itself (a child started "
                    "with fork inherits both ends, and one passed to the child is a copy too). "
                    "Close the write end in every process that will not write (in the reader as "
                    "soon as it starts), or send a sentinel such as None last and stop at it.")
                    .arg(reader, channel.name, duration(end - goneAt[c]), writer, gone);
            out.push_back(std::move(finding));
            return;
        }
    }
}

} // namespace pipescope::detectors
