#include "run/ScenarioRunner.h"

#include "base/MonotonicClock.h"
#include "pipe/ConnectionNotifier.h"
#include "pipe/Pipe.h"
#include "run/DescriptorHandover.h"
#include "run/ScenarioCatalog.h"
#include "trace/TelemetryDecoder.h"

#include <QCoreApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <csignal>
#include <cstring>

namespace pipescope {

struct ScenarioRunner::Child
{
    int index = 0;
    QProcess process;
    Connection telemetry;
    std::unique_ptr<ConnectionNotifier> notifier;
    QByteArray partialOutput[2]; // stdout, stderr: a line not yet ended
    bool exited = false;
};

namespace {

QString channelArgument(int channel)
{
    return channel < 0 ? QStringLiteral("-") : QString::number(channel);
}

} // namespace

ScenarioRunner::ScenarioRunner(QObject* parent)
    : QObject(parent)
    , m_workerPath(defaultWorkerPath())
{
    m_deadlockTimer.setSingleShot(true);
    connect(&m_deadlockTimer, &QTimer::timeout, this, &ScenarioRunner::checkDeadlock);
}

ScenarioRunner::~ScenarioRunner()
{
    // No child outlives its runner, and none is left a zombie.
    for (const auto& child : m_children) {
        child->process.disconnect(this);
        if (child->process.state() != QProcess::NotRunning) {
            child->process.kill();
            child->process.waitForFinished(5000);
        }
    }
}

QString ScenarioRunner::defaultWorkerPath()
{
    const QString overridden = qEnvironmentVariable("PIPESCOPE_WORKER");
    if (!overridden.isEmpty())
        return overridden;
    return QCoreApplication::applicationDirPath() + QStringLiteral("/pipescope-worker");
}

Result<RunSettings> ScenarioRunner::resolve(const RunRequest& request)
{
    RunSettings settings;
    settings.scenario = ScenarioCatalog::find(request.scenario);
    if (!settings.scenario) {
        QStringList names;
        for (const Scenario& scenario : ScenarioCatalog::all())
            names.append(scenario.name);
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("unknown scenario '%1'; the scenarios are: %2")
                         .arg(request.scenario, names.join(u", ")));
    }
    auto values = settings.scenario->resolve(request.parameters);
    if (!values)
        return values.error();
    settings.values = *values;
    if (request.timeScale && !(*request.timeScale >= 0 && *request.timeScale <= 1000))
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("--time-scale must be from 0 to 1000 (0: no sleeping)"));
    settings.timeScale = request.timeScale.value_or(settings.scenario->defaultTimeScale);
    settings.seedDrawn = !request.seed;
    settings.seed = request.seed ? *request.seed : QRandomGenerator::system()->generate();
    settings.plan = settings.scenario->plan(settings.values);
    return settings;
}

Status ScenarioRunner::start(const RunSettings& settings)
{
    if (m_state != State::Ready)
        return Error(ErrorKind::InvalidArgument, QStringLiteral("a runner runs one scenario once"));
    m_settings = settings;
    const ScenarioPlan& plan = m_settings.plan;
    const QList<ChannelPlan> channels = plan.channels();
    m_store.setOrigin(monotonicNs());
    for (const ProcessPlan& process : plan.processes)
        m_store.addProcess(process.name, process.role);
    for (const ChannelPlan& channel : channels)
        m_store.addChannel(channel.name, channel.from, channel.to);

    // Every pipe exists before any child starts.
    QList<QStringList> endArguments(plan.processes.size());
    QList<QList<int>> endFds(plan.processes.size());
    for (int pipe = 0; pipe < plan.pipes.size(); ++pipe) {
        auto ends = makePipe(plan.pipes[pipe].duplex);
        if (!ends)
            return ends.error();
        const int holders[2] = {plan.pipes[pipe].firstProcess, plan.pipes[pipe].secondProcess};
        Connection* connections[2] = {&ends->first, &ends->second};
        for (int side = 0; side < 2; ++side) {
            const int process = holders[side];
            int out = -1;
            int in = -1;
            for (int c = 0; c < channels.size(); ++c) {
                if (channels[c].pipe != pipe)
                    continue;
                if (channels[c].from == process)
                    out = c;
                if (channels[c].to == process)
                    in = c;
            }
            // The child's descriptor number: after the telemetry one, in the order handed down.
            const int childFd = DescriptorHandover::childDescriptor(1 + endFds[process].size());
            endArguments[process] << QStringLiteral("--conn")
                                  << QStringLiteral("%1:%2:%3")
                                         .arg(childFd)
                                         .arg(channelArgument(out), channelArgument(in));
            endFds[process].append(*connections[side]->fileno());
            m_ends.push_back({std::move(*connections[side]), process});
        }
    }
    m_state = State::Running;
    for (int i = 0; i < plan.processes.size(); ++i) {
        if (Status launched = launch(i, endArguments, endFds[i]); !launched) {
            report(QStringLiteral("cannot start %1: %2")
                       .arg(plan.processes[i].name, launched.error().toString()));
            stop();
            return launched;
        }
    }
    // Every child has its descriptors now (QProcess forks in start()).
    if (plan.parentCopies == ParentCopies::ClosedAfterStart)
        m_ends.clear();
    return {};
}

Status ScenarioRunner::launch(int index, const QList<QStringList>& endArguments,
                              const QList<int>& endFds)
{
    const ProcessPlan& plan = m_settings.plan.processes[index];
    auto telemetry = makePipe(true);
    if (!telemetry)
        return telemetry.error();
    auto child = std::make_unique<Child>();
    child->index = index;
    child->telemetry = std::move(telemetry->first);

    QStringList arguments{plan.role, QStringLiteral("--name"), plan.name,
                          QStringLiteral("--telemetry-fd"),
                          QString::number(DescriptorHandover::childDescriptor(0))};
    arguments += endArguments[index];
    arguments << QStringLiteral("--seed")
              << QString::number(m_settings.seed + quint64(plan.seedOffset))
              << QStringLiteral("--time-scale") << QString::number(m_settings.timeScale, 'g', 17);
    for (auto it = m_settings.values.cbegin(); it != m_settings.values.cend(); ++it)
        arguments << QStringLiteral("--param")
                  << it.key() + QLatin1Char('=') + QString::number(it.value(), 'g', 17);
    arguments += plan.extraArguments;

    QList<int> handed{*telemetry->second.fileno()};
    handed += endFds;
    if (!DescriptorHandover::apply(child->process, handed))
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("too many pipe ends for one child"));

    Child* raw = child.get();
    connect(&child->process, &QProcess::readyReadStandardOutput, this,
            [this, raw] { drainOutput(*raw, false, false); });
    connect(&child->process, &QProcess::readyReadStandardError, this,
            [this, raw] { drainOutput(*raw, true, false); });
    connect(&child->process, &QProcess::finished, this,
            [this, raw](int exitCode, QProcess::ExitStatus status) {
                childFinished(*raw, exitCode, status == QProcess::CrashExit);
            });
    child->notifier = std::make_unique<ConnectionNotifier>(child->telemetry);
    connect(child->notifier.get(), &ConnectionNotifier::readyRead, this,
            [this, raw] { ingestTelemetry(*raw); });

    child->process.start(m_workerPath, arguments);
    // The child has its copy of the telemetry end now (or failed to start): close ours, so that
    // the child's exit reads as EOF.
    telemetry->second.close();
    if (!child->process.waitForStarted(10000))
        return Error(ErrorKind::System, child->process.errorString());
    m_store.process(index).pid = child->process.processId();
    m_children.push_back(std::move(child));
    return {};
}

void ScenarioRunner::ingestTelemetry(Child& child)
{
    if (child.telemetry.closed())
        return;
    Status decoded;
    const quint64 before = m_store.generation();
    const auto received = child.telemetry.receiveAvailable(
        [&](std::span<const char> batch) {
            if (!decoded)
                return;
            decoded =
                TelemetryDecoder::decode(batch,
                                         [&](const TelemetryRecord& record, QByteArrayView text,
                                             QByteArrayView head) -> Status {
                                             auto appended =
                                                 m_store.append(child.index, record, text, head);
                                             if (!appended)
                                                 return appended.error();
                                             return {};
                                         });
        },
        TelemetryDecoder::kMaxBatchBytes);
    if (!decoded || (!received && received.error().kind() != ErrorKind::Eof)) {
        const Error& error = decoded ? received.error() : decoded.error();
        report(QStringLiteral("bad telemetry from %1: %2; its telemetry is ignored from here on")
                   .arg(m_store.process(child.index).name, error.toString()),
               child.index);
        child.notifier->setEnabled(false);
        child.telemetry.close();
    } else if (!received) {
        child.notifier->setEnabled(false); // EOF: the child has gone
    }
    if (m_store.generation() != before)
        scheduleDeadlockCheck();
}

void ScenarioRunner::drainOutput(Child& child, bool standardError, bool flushPartial)
{
    QByteArray& partial = child.partialOutput[standardError ? 1 : 0];
    partial += standardError ? child.process.readAllStandardError()
                             : child.process.readAllStandardOutput();
    qsizetype start = 0;
    for (;;) {
        const qsizetype end = partial.indexOf('\n', start);
        if (end < 0)
            break;
        appendRunnerEvent(child.index, standardError ? EventKind::Stderr : EventKind::Stdout, 0, 0,
                          QString::fromUtf8(partial.mid(start, end - start)));
        start = end + 1;
    }
    partial.remove(0, start);
    if (flushPartial && !partial.isEmpty()) {
        appendRunnerEvent(child.index, standardError ? EventKind::Stderr : EventKind::Stdout, 0, 0,
                          QString::fromUtf8(partial));
        partial.clear();
    }
}

void ScenarioRunner::childFinished(Child& child, int exitCode, bool crashed)
{
    if (child.exited)
        return;
    child.exited = true;
    // Everything the child said before it ended is read before its end is recorded: until EOF,
    // or until nothing more is there (a descendant that kept the descriptor is not the child:
    // what it holds back is not waited for).
    for (quint64 before = ~0ULL; !child.telemetry.closed() && child.notifier->isEnabled() &&
                                 before != m_store.generation();) {
        before = m_store.generation();
        ingestTelemetry(child);
    }
    child.notifier->setEnabled(false);
    child.telemetry.close();
    drainOutput(child, false, true);
    drainOutput(child, true, true);

    TraceStore::Process& process = m_store.process(child.index);
    process.ended = true;
    process.crashed = crashed;
    process.exitCode = crashed ? 0 : exitCode;
    process.signal = crashed ? exitCode : 0;
    QString how;
    if (crashed)
        how = QStringLiteral("was killed by %1").arg(signalName(exitCode));
    else
        how = QStringLiteral("exited with code %1").arg(exitCode);
    appendRunnerEvent(child.index, EventKind::Exit, crashed ? 1 : 0, exitCode, how);
    if (crashed || exitCode != 0) {
        appendRunnerEvent(child.index, EventKind::State, quint8(ProcessState::Crashed), exitCode,
                          {});
        if (!(m_stopRequested && crashed)) {
            report(QStringLiteral("%1 (pid %2) %3").arg(process.name).arg(process.pid).arg(how),
                   child.index);
        }
        // Its peers must see EOF, as they would in CPython once every copy is closed.
        closeEndsOf(child.index);
    } else if (process.state != ProcessState::Exited) {
        appendRunnerEvent(child.index, EventKind::State, quint8(ProcessState::Exited), 0, {});
    }
    finishIfDone();
    if (m_state == State::Running)
        scheduleDeadlockCheck();
}

void ScenarioRunner::closeEndsOf(int process)
{
    std::erase_if(m_ends, [process](const HeldEnd& end) { return end.process == process; });
}

void ScenarioRunner::appendRunnerEvent(int process, EventKind kind, quint8 detail, qint64 amount,
                                       const QString& text)
{
    TelemetryRecord record;
    record.tNs = record.startNs = monotonicNs();
    record.kind = kind;
    record.detail = detail;
    record.amount = amount;
    const QByteArray utf8 = text.toUtf8();
    (void)m_store.append(process, record,
                         QByteArrayView(utf8).first(std::min<qsizetype>(utf8.size(), 0xffff)));
}

void ScenarioRunner::report(const QString& description, int process)
{
    m_problems.append(description);
    appendRunnerEvent(process, EventKind::Error, 0, 0, description);
    Q_EMIT problemFound(description);
}

void ScenarioRunner::stop()
{
    if (m_state != State::Running)
        return;
    m_state = State::Stopping;
    m_stopRequested = true;
    for (const auto& child : m_children) {
        if (!child->exited)
            child->process.terminate();
    }
    QTimer::singleShot(m_stopGraceMs, this, [this] {
        for (const auto& child : m_children) {
            if (!child->exited && child->process.state() != QProcess::NotRunning)
                child->process.kill();
        }
    });
    finishIfDone();
}

void ScenarioRunner::scheduleDeadlockCheck()
{
    if (m_state == State::Running && !m_deadlocked && !m_deadlockTimer.isActive())
        m_deadlockTimer.start(m_deadlockDelayMs);
}

std::optional<QString> ScenarioRunner::deadlockDescription() const
{
    QStringList waits;
    const qint64 now = monotonicNs() - m_store.origin();
    bool anyAlive = false;
    for (const auto& child : m_children) {
        if (child->exited)
            continue;
        anyAlive = true;
        const TraceStore::Process& process = m_store.process(child->index);
        if (process.state == ProcessState::BlockedRecv) {
            // Waiting for a message: stuck unless one is on its way in.
            for (int c = 0; c < m_store.channelCount(); ++c) {
                const bool inbound = process.stateChannel == kNoChannel
                                         ? m_store.channel(c).to == child->index
                                         : process.stateChannel == c;
                if (inbound && m_store.depthAt(c, now) > 0)
                    return std::nullopt;
            }
            waits.append(process.stateChannel == kNoChannel
                             ? QStringLiteral("%1 is blocked in recv").arg(process.name)
                             : QStringLiteral("%1 is blocked in recv on %2")
                                   .arg(process.name, m_store.channel(process.stateChannel).name));
        } else if (process.state == ProcessState::BlockedSend &&
                   process.stateChannel != kNoChannel) {
            // A full pipe: stuck if its reader has gone or is itself blocked.
            const int reader = m_store.channel(process.stateChannel).to;
            const TraceStore::Process& readerProcess = m_store.process(reader);
            const bool readerStuck = readerProcess.ended ||
                                     readerProcess.state == ProcessState::BlockedSend ||
                                     (readerProcess.state == ProcessState::BlockedRecv &&
                                      readerProcess.stateChannel != process.stateChannel);
            if (!readerStuck)
                return std::nullopt;
            waits.append(QStringLiteral("%1 is blocked in send on %2")
                             .arg(process.name, m_store.channel(process.stateChannel).name));
        } else {
            return std::nullopt;
        }
    }
    if (!anyAlive)
        return std::nullopt;
    return QStringLiteral("deadlock: %1, and no live process can send what they wait for")
        .arg(waits.join(u"; "));
}

void ScenarioRunner::checkDeadlock()
{
    if (m_state != State::Running || m_deadlocked)
        return;
    const std::optional<QString> description = deadlockDescription();
    if (!description) {
        m_deadlockSuspected = false;
        return;
    }
    // Declared only when nothing at all happened for a whole delay after it was first seen.
    if (!m_deadlockSuspected || m_deadlockGeneration != m_store.generation()) {
        m_deadlockSuspected = true;
        m_deadlockGeneration = m_store.generation();
        m_deadlockTimer.start(m_deadlockDelayMs);
        return;
    }
    m_deadlocked = true;
    report(*description + QStringLiteral("; closing the runner's copies of the pipe ends so the "
                                         "children see EOF"));
    m_ends.clear();
    // A reader whose writers are all gone now gets EOF, as in CPython. Processes that hold the
    // very ends the others read cannot be freed by that (CPython would hang there for ever): say
    // so and stop them after the grace period.
    QTimer::singleShot(m_stopGraceMs, this, [this] {
        if (m_state != State::Running)
            return;
        QStringList stillWaiting;
        for (const auto& child : m_children) {
            if (!child->exited)
                stillWaiting.append(m_store.process(child->index).name);
        }
        report(QStringLiteral("%1 still wait after the runner closed its copies: they hold the "
                              "ends they wait on themselves, so no EOF can come; stopping them")
                   .arg(stillWaiting.join(QLatin1String(", "))));
        stop();
    });
}

void ScenarioRunner::finishIfDone()
{
    if (m_state == State::Finished)
        return;
    for (const auto& child : m_children) {
        if (!child->exited)
            return;
    }
    // Everything every child reported is in. A sender killed before its telemetry went out
    // leaves messages that were received but never reported sent: say so, since their arrows
    // cannot be drawn (when they were sent is unknown).
    for (int c = 0; c < m_store.channelCount(); ++c) {
        const TraceStore::Channel& channel = m_store.channel(c);
        const auto unreported = qint64(channel.recvTimes.size()) - qint64(channel.sendTimes.size());
        if (unreported > 0 && !m_stopRequested) { // a stopped run ends its children unasked
            report(QStringLiteral("%1 received %2 message(s) on %3 that %4 never reported sending "
                                  "(it ended before its telemetry went out)")
                       .arg(m_store.processName(channel.to))
                       .arg(unreported)
                       .arg(channel.name, m_store.processName(channel.from)),
                   channel.from);
        }
    }
    m_state = State::Finished;
    m_endNs = monotonicNs();
    m_deadlockTimer.stop();
    m_ends.clear();
    for (const auto& child : m_children) {
        child->notifier.reset();
        child->telemetry.close();
    }
    Q_EMIT finished();
}

bool ScenarioRunner::succeeded() const
{
    if (m_state != State::Finished || !m_problems.isEmpty() || m_stopRequested)
        return false;
    for (int i = 0; i < m_store.processCount(); ++i) {
        const TraceStore::Process& process = m_store.process(i);
        if (!process.ended || process.crashed || process.exitCode != 0)
            return false;
    }
    return true;
}

qint64 ScenarioRunner::elapsedNs() const
{
    if (m_state == State::Ready)
        return 0;
    return (m_state == State::Finished ? m_endNs : monotonicNs()) - m_store.origin();
}

} // namespace pipescope
