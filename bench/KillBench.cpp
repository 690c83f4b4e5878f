#include "KillBench.h"

#include "BenchError.h"
#include "run/ScenarioCatalog.h"
#include "run/ScenarioRunner.h"

#include <QEventLoop>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTimer>
#include <algorithm>
#include <csignal>
#include <string>

namespace pipescope::bench {

namespace {

RunSettings settings(bool flood, quint64 seed)
{
    RunRequest request;
    request.seed = seed;
    if (flood) {
        request.scenario = QStringLiteral("flood");
        request.parameters = {{QStringLiteral("count"), 2'000'000.0},
                              {QStringLiteral("size"), 64.0},
                              {QStringLiteral("delay"), 0.0}};
    } else {
        request.scenario = QStringLiteral("fan-in");
        request.timeScale = 0.02;
        request.parameters = {{QStringLiteral("producers"), 3.0}};
    }
    auto resolved = ScenarioCatalog::resolve(request);
    if (!resolved)
        fail("kill rounds", resolved.error());
    return *resolved;
}

} // namespace

KillBench::Outcome KillBench::run(int rounds)
{
    const QString worker = ScenarioRunner::defaultWorkerPath();
    if (!QFileInfo(worker).isExecutable()) {
        const std::string message = "kill rounds: no worker at " + worker.toStdString();
        fail(message.c_str());
    }
    Outcome outcome;
    QRandomGenerator random(15);
    for (int round = 0; round < rounds; ++round) {
        const bool flood = round % 2 == 0;
        ScenarioRunner runner;
        runner.setWorkerPath(worker);
        if (Status started = runner.start(settings(flood, quint64(round))); !started)
            fail("kill rounds", started.error());
        const TraceStore& store = runner.store();
        // The flood's sender is process 0; a fan-in's producers come after its consumer.
        const int victim = flood ? 0 : 1 + int(random.bounded(store.processCount() - 1));
        const int delayMs = int(random.bounded(5, 300));
        QEventLoop loop;
        QObject::connect(&runner, &ScenarioRunner::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(delayMs, &loop, [&] {
            // An ended child's pid may be another process's by now.
            if (store.process(victim).ended)
                return;
            ++outcome.killedWhileRunning;
            ::kill(pid_t(store.process(victim).pid), SIGKILL);
        });
        QTimer::singleShot(120'000, &loop, [&] { runner.stop(); });
        if (runner.state() != ScenarioRunner::State::Finished)
            loop.exec();
        if (runner.state() != ScenarioRunner::State::Finished)
            fail("kill rounds: a run did not end");
        for (int c = 0; c < store.channelCount(); ++c) {
            const TraceStore::Channel& channel = store.channel(c);
            outcome.received += qint64(channel.recvTimes.size());
            outcome.lostSends += std::max<qint64>(0, qint64(channel.recvTimes.size()) -
                                                         qint64(channel.sendTimes.size()));
        }
        ++outcome.rounds;
    }
    return outcome;
}

} // namespace pipescope::bench
