#include "findings/Detectors.h"
#include "trace/TraceStore.h"

#include <QHash>
#include <QRegularExpression>
#include <algorithm>

namespace pipescope::detectors {

namespace {

// The last event of `kind` in a process's events, or -1.
qint32 lastOf(const TraceStore& store, int process, EventKind kind)
{
    const TraceStore::EventList& events = store.process(process).events;
    for (size_t i = events.size(); i-- > 0;) {
        if (store.kind(events[i]) == kind)
            return qint32(events[i]);
    }
    return -1;
}

// The state in which `process` was blocked in a send when it ended, or -1 if it was not.
qint32 blockedSendAtEnd(const TraceStore& store, int process)
{
    const TraceStore::EventList& states = store.process(process).stateEvents;
    for (size_t i = states.size(); i-- > 0;) {
        const auto state = ProcessState(store.detail(states[i]));
        if (state == ProcessState::Exited || state == ProcessState::Crashed ||
            state == ProcessState::Stopped)
            continue;
        return state == ProcessState::BlockedSend && store.channelOf(states[i]) != kNoChannel
                   ? qint32(states[i])
                   : -1;
    }
    return -1;
}

// Messages still in flight that `process` sent, or that were on their way to it, when it ended.
qint64 leftInFlight(const TraceStore& store, int process)
{
    qint64 left = 0;
    for (size_t m = 0; m < store.messages().size(); ++m) {
        const TraceStore::Message& message = store.messages()[m];
        if (message.recvEvent < 0 && message.sendEvent >= 0 &&
            (store.senderOf(message) == process || store.receiverOf(message) == process))
            ++left;
    }
    return left;
}

} // namespace

void crashes(const TraceStore& store, bool ended, std::vector<Finding>& out)
{
    for (int p = 0; p < store.processCount(); ++p) {
        const TraceStore::Process& process = store.process(p);
        if (!process.ended || process.stopped || (!process.crashed && process.exitCode == 0))
            continue;
        Finding finding;
        finding.severity = Severity::Error;
        finding.kind = QStringLiteral("crash");
        finding.processes = {process.name};
        const qint32 exit = lastOf(store, p, EventKind::Exit);
        if (exit >= 0)
            finding.events.push_back(exit);
        const QString how = process.crashed
                                ? QStringLiteral("was killed by %1").arg(signalName(process.signal))
                                : QStringLiteral("exited with code %1").arg(process.exitCode);
        finding.title = QStringLiteral("%1 %2").arg(process.name, how);
        // Counted once the run is over: it reads every message.
        const qint64 left = ended ? leftInFlight(store, p) : 0;
        finding.explanation =
            QStringLiteral("%1 %2%3. %4")
                .arg(process.name, how,
                     exit >= 0 ? QStringLiteral(" at %1").arg(duration(store.time(exit)))
                               : QString(),
                     left > 0 ? QStringLiteral("It left %1 message(s) it sent or was to receive "
                                               "in its pipes: its peers will not get them, or "
                                               "get EOF or BrokenPipeError instead.")
                                    .arg(count(left))
                              : QStringLiteral("Its peers see EOF on the pipes it held."));
        if (!process.crashed)
            finding.explanation += QStringLiteral(
                " A non-zero exit code usually means an exception ended it: its traceback is in "
                "the console.");
        const qint32 sending = process.crashed ? blockedSendAtEnd(store, p) : -1;
        if (sending >= 0) {
            // Killed in the middle of a send: worse than a crash, its pipe may be torn.
            const QString channel = store.channel(store.channelOf(sending)).name;
            finding.kind = QStringLiteral("terminated-while-sending");
            finding.title = QStringLiteral("%1 was killed by %2 while sending on %3")
                                .arg(process.name, signalName(process.signal), channel);
            finding.channels = {channel};
            finding.events.insert(finding.events.begin(), sending);
            finding.explanation =
                QStringLiteral(
                    "%1 was killed by %2 while its send() on %3 waited for room in the pipe: "
                    "part of that message may already be in the pipe, and its reader then gets "
                    "a torn message (EOF in the middle of it, or a corrupt frame) instead of the "
                    "next one. The multiprocessing guidelines warn against terminate() on a "
                    "process that uses a pipe or a queue: it may become unusable for the others. "
                    "Ask the process to stop instead (a sentinel such as None), and join it.")
                    .arg(process.name, signalName(process.signal), channel);
        }
        out.push_back(std::move(finding));
    }
}

void failedCalls(const TraceStore& store, std::vector<Finding>& out)
{
    // One finding per process and exception type: "BrokenPipeError", "EOFError", ...
    struct Group
    {
        int process;
        QString type;
        std::vector<qint32> events;
        QString first;
    };
    std::vector<Group> groups;
    for (int p = 0; p < store.processCount(); ++p) {
        for (const quint32 e : store.process(p).errorEvents) {
            const QString text = QString::fromUtf8(store.text(e));
            const QString type = text.section(QLatin1Char(':'), 0, 0).trimmed();
            // A call's failure is its exception ("OSError: ..."); the runner's own words about
            // the process ("sender (pid 12) exited with code 1") are the crash finding's.
            static const QRegularExpression exception(QStringLiteral("^[A-Za-z_][\\w.]*$"));
            if (!exception.match(type).hasMatch())
                continue;
            auto group = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
                return g.process == p && g.type == type;
            });
            if (group == groups.end())
                group = groups.insert(groups.end(), Group{p, type, {}, text});
            group->events.push_back(qint32(e));
        }
    }
    for (Group& group : groups) {
        const QString name = store.process(group.process).name;
        Finding finding;
        finding.severity = Severity::Warning;
        finding.processes = {name};
        finding.events = std::move(group.events);
        const QString times =
            finding.events.size() > 1
                ? QStringLiteral(" (%1 times)").arg(count(qint64(finding.events.size())))
                : QString();
        if (group.type.contains(QLatin1String("BrokenPipe"))) {
            finding.kind = QStringLiteral("broken-pipe");
            finding.title =
                QStringLiteral("%1 wrote to a pipe nobody reads any more%2").arg(name, times);
            finding.explanation =
                QStringLiteral(
                    "%1 got %2: every copy of the pipe's other end was closed (its reader ended) "
                    "before this send. Make the reader stay until it has read everything (a "
                    "sentinel "
                    "such as None tells it when), or have the writer stop first.")
                    .arg(name, group.first);
        } else if (group.type.contains(QLatin1String("EOFError"))) {
            finding.kind = QStringLiteral("eof");
            finding.title = QStringLiteral("%1 got EOF%2").arg(name, times);
            finding.explanation =
                QStringLiteral(
                    "%1's recv() raised EOFError: every writer of the pipe had closed its end, "
                    "with "
                    "nothing left to read. If that is how the reader learns the end, fine; if not, "
                    "the writer ended early.")
                    .arg(name);
            finding.severity = Severity::Info;
        } else if (group.first.contains(QLatin1String("BufferTooShort")) ||
                   group.first.contains(QLatin1String("bad message length"))) {
            finding.kind = QStringLiteral("buffer-too-short");
            // Two calls raise it, each its own way: say which.
            finding.title = group.type == QLatin1String("BufferTooShort")
                                ? QStringLiteral("%1 received a message too long for its buffer%2")
                                      .arg(name, times)
                                : QStringLiteral("%1 refused a message longer than its maxlength%2")
                                      .arg(name, times);
            finding.explanation =
                QStringLiteral(
                    "%1: %2. recv_bytes(maxlength) refuses a longer message (and the connection "
                    "cannot "
                    "be read on), recv_bytes_into() raises BufferTooShort with the message in "
                    "e.args[0]. Use a larger maxlength or buffer, or send smaller messages.")
                    .arg(name, group.first);
        } else {
            finding.kind = QStringLiteral("failed-call");
            finding.title = QStringLiteral("%1: %2%3").arg(name, group.first.left(120), times);
            finding.explanation =
                QStringLiteral("A call on a connection failed in %1: %2.").arg(name, group.first);
        }
        out.push_back(std::move(finding));
    }
}

void busyPolling(const TraceStore& store, const FindingTallies& tallies, std::vector<Finding>& out)
{
    constexpr qint64 kMinPolls = 100;
    constexpr double kMinRate = 1000; // calls a second
    for (int p = 0; p < store.processCount(); ++p) {
        const FindingTallies::Polls& zero = tallies.polls(p);
        if (zero.zero < kMinPolls)
            continue;
        const qint64 span = store.time(zero.last) - store.startTime(zero.first);
        const double rate = span > 0 ? double(zero.zero) / (double(span) / 1e9) : 0;
        if (rate < kMinRate)
            continue;
        const QString name = store.process(p).name;
        Finding finding;
        finding.severity = Severity::Warning;
        finding.kind = QStringLiteral("busy-poll");
        finding.processes = {name};
        finding.title = QStringLiteral("%1 polled %2 times with timeout 0 (%3 a second)")
                            .arg(name, count(zero.zero), count(qint64(rate)));
        finding.explanation =
            QStringLiteral("%1 called poll(0) %2 times in %3, %4 of it inside poll: a busy loop "
                           "that burns a CPU while it waits. Block in recv(), or poll with a "
                           "timeout (poll(0.1)) so the process sleeps until data comes.")
                .arg(name, count(zero.zero), duration(span), duration(zero.waited));
        // The first and the last prove the rate; the rest are in the timeline.
        finding.events = {zero.first, zero.last};
        out.push_back(std::move(finding));
    }
}

} // namespace pipescope::detectors
