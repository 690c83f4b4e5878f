#pragma once

// Runs scenarios in tests with real pipescope-worker processes, and checks what they recorded.
#include "run/ScenarioCatalog.h"
#include "run/ScenarioRunner.h"
#include "trace/TraceStore.h"

#include <QSignalSpy>
#include <QTest>
#include <algorithm>
#include <limits>
#include <map>

namespace pipescope::testing {

inline std::unique_ptr<ScenarioRunner> makeRunner()
{
    auto runner = std::make_unique<ScenarioRunner>();
    runner->setWorkerPath(QStringLiteral(PIPESCOPE_WORKER_PATH));
    return runner;
}

inline RunSettings settingsFor(const QString& scenario, quint64 seed, double timeScale,
                               const ParameterValues& parameters = {})
{
    RunRequest request;
    request.scenario = scenario;
    request.seed = seed;
    request.timeScale = timeScale;
    request.parameters = parameters;
    auto settings = ScenarioCatalog::resolve(request);
    if (!settings)
        qFatal("%s", qPrintable(settings.error().toString()));
    return *settings;
}

// Waits (generously) for the run to end.
inline bool waitForEnd(ScenarioRunner& runner, int timeoutMs = 120000)
{
    if (runner.state() == ScenarioRunner::State::Finished)
        return true;
    QSignalSpy finished(&runner, &ScenarioRunner::finished);
    return finished.wait(timeoutMs) || runner.state() == ScenarioRunner::State::Finished;
}

// Every recv matches exactly one send of the same channel, seq, size and value; messages are
// FIFO per channel; no recv is earlier than its send; the queue depth is never negative and ends
// at the number of undelivered messages. Returns an empty string, or what was wrong.
inline QString checkInvariants(const TraceStore& store)
{
    // Each process's states, polls, failed calls and puts come in time order: views binary-search
    // them. (Its lines need not: the runner timestamps a line when it reads it.)
    for (int p = 0; p < store.processCount(); ++p) {
        const TraceStore::Process& process = store.process(p);
        for (const TraceStore::EventList* list : {&process.stateEvents, &process.pollEvents,
                                                  &process.errorEvents, &process.putEvents}) {
            const TraceStore::EventList& events = *list;
            for (size_t i = 1; i < events.size(); ++i) {
                if (store.time(events[i]) < store.time(events[i - 1]))
                    return QStringLiteral(
                               "%1: event %2 (%3 %4 at %5 ns) before the one ahead of it "
                               "(%6 %7 at %8 ns)")
                        .arg(store.process(p).name)
                        .arg(i)
                        .arg(eventKindName(store.kind(events[i])))
                        .arg(store.detail(events[i]))
                        .arg(store.time(events[i]))
                        .arg(eventKindName(store.kind(events[i - 1])))
                        .arg(store.detail(events[i - 1]))
                        .arg(store.time(events[i - 1]));
            }
        }
    }
    for (int c = 0; c < store.channelCount(); ++c) {
        const TraceStore::Channel& channel = store.channel(c);
        // Every send is recorded, a killed sender's too (its telemetry ring outlives it).
        if (channel.recvTimes.size() > channel.sendTimes.size())
            return QStringLiteral("%1: more recvs than sends").arg(channel.name);
        for (size_t seq = 0; seq < channel.messageBySeq.size(); ++seq) {
            const TraceStore::Message& m = store.messages()[size_t(channel.messageBySeq[seq])];
            if (m.seq != qint64(seq) || m.channel != c)
                return QStringLiteral("%1: message %2 is misfiled").arg(channel.name).arg(seq);
            if (m.sendEvent < 0)
                return QStringLiteral("%1: seq %2 received, never sent").arg(channel.name).arg(seq);
            if (m.sendEvent < 0)
                continue;
            if (m.recvEvent < 0)
                continue;
            if (store.messageBytes(m.sendEvent) != store.messageBytes(m.recvEvent) ||
                store.text(m.sendEvent) != store.text(m.recvEvent))
                return QStringLiteral("%1: seq %2 sent %3 (%4 bytes), received %5 (%6 bytes)")
                    .arg(channel.name)
                    .arg(seq)
                    .arg(QString::fromUtf8(store.text(m.sendEvent)))
                    .arg(store.messageBytes(m.sendEvent))
                    .arg(QString::fromUtf8(store.text(m.recvEvent)))
                    .arg(store.messageBytes(m.recvEvent));
            if (store.time(m.recvEvent) < store.startTime(m.sendEvent))
                return QStringLiteral("%1: seq %2 received before it was sent")
                    .arg(channel.name)
                    .arg(seq);
        }
        for (size_t i = 1; i < channel.sendTimes.size(); ++i) {
            if (channel.sendTimes[i] < channel.sendTimes[i - 1])
                return QStringLiteral("%1: sends out of order").arg(channel.name);
        }
        for (size_t i = 1; i < channel.recvTimes.size(); ++i) {
            if (channel.recvTimes[i] < channel.recvTimes[i - 1])
                return QStringLiteral("%1: recvs out of order").arg(channel.name);
        }
        // The queue never runs dry below zero: by each recv's time, at least as many sends.
        for (size_t i = 0; i < channel.recvTimes.size() && i < channel.sendTimes.size(); ++i) {
            const auto sent = std::upper_bound(channel.sendTimes.begin(), channel.sendTimes.end(),
                                               channel.recvTimes[i]) -
                              channel.sendTimes.begin();
            if (size_t(sent) < i + 1)
                return QStringLiteral("%1: negative depth at recv %2").arg(channel.name).arg(i);
        }
        const qint64 end = std::numeric_limits<qint64>::max() / 2;
        const auto undelivered = std::max<qint64>(0, qint64(channel.sendTimes.size()) -
                                                         qint64(channel.recvTimes.size()));
        if (store.depthAt(c, end) != undelivered)
            return QStringLiteral("%1: final depth %2, undelivered %3")
                .arg(channel.name)
                .arg(store.depthAt(c, end))
                .arg(undelivered);
    }
    return {};
}

// The lines a process printed, in order.
inline QStringList linesOf(const TraceStore& store, const QString& process)
{
    QStringList lines;
    for (int p = 0; p < store.processCount(); ++p) {
        if (store.process(p).name != process)
            continue;
        for (const quint32 e : store.process(p).events) {
            if (store.kind(e) == EventKind::Stdout)
                lines.append(QString::fromUtf8(store.text(e)));
        }
    }
    return lines;
}

} // namespace pipescope::testing
