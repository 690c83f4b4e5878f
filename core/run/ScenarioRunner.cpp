#include "run/ScenarioRunner.h"

#include "base/MonotonicClock.h"
#include "findings/DeadlockDetector.h"
#include "findings/FindingsAnalyzer.h"
#include "pipe/ConnectionNotifier.h"
#include "pipe/Pipe.h"
#include "run/DescriptorHandover.h"
#include "run/PipeWiring.h"
#include "run/ScenarioCatalog.h"
#include "trace/TelemetryInbox.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <array>
#include <csignal>
#include <cstring>

namespace pipescope {

struct ScenarioRunner::Child
{
    int index = 0;
    QProcess process;
    TelemetryInbox telemetry;
    std::unique_ptr<ConnectionNotifier> notifier;
    QByteArray partialOutput[2]; // stdout, stderr: a line not yet ended
    bool exited = false;
};

ScenarioRunner::ScenarioRunner(QObject* parent)
    : QObject(parent)
    , m_workerPath(defaultWorkerPath())
{
    m_deadlockTimer.setSingleShot(true);
    connect(&m_deadlockTimer, &QTimer::timeout, this, &ScenarioRunner::checkDeadlock);
    m_recvOrderTimer.setInterval(int(SharedRecvOrder::kHoldBackNs / 2'000'000));
    connect(&m_recvOrderTimer, &QTimer::timeout, this, [this] { releaseSharedRecvs(false); });
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
    const QString directory = QCoreApplication::applicationDirPath();
    const QString beside = directory + QStringLiteral("/pipescope-worker");
    if (QFileInfo(beside).isExecutable())
        return beside;
    const QString installed = QDir::cleanPath(
        directory + QStringLiteral("/" PIPESCOPE_WORKER_RELATIVE_DIR "/pipescope-worker"));
    return QFileInfo(installed).isExecutable() ? installed : beside;
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
    for (const ChannelPlan& channel : channels) {
        const int added =
            m_store.addChannel(channel.name, channel.from,
                               channel.sharedReaders ? TraceStore::kAnyProcess : channel.to);
        if (channel.sharedReaders)
            m_recvOrder.addChannel(added,
                                   QList<int>{channel.to} + plan.pipes[channel.pipe].firstSharers);
    }

    // Every pipe exists before any child starts.
    const QList<EndWiring> wiring = wirePipes(plan);
    QList<QStringList> endArguments(plan.processes.size());
    QList<QList<int>> endFds(plan.processes.size());
    int madePipe = -1;
    std::array<int, 2> descriptors = {-1, -1};
    for (const EndWiring& end : wiring) {
        if (end.pipe != madePipe) {
            const PipePlan& pipe = plan.pipes[end.pipe];
            auto made = makePipe(pipe.kind == PipeKind::Duplex);
            if (!made)
                return made.error();
            madePipe = end.pipe;
            descriptors = {*made->first.fileno(), *made->second.fileno()};
            m_ends.push_back({std::move(made->first), pipe.firstProcess, end.pipe, 0});
            m_ends.push_back({std::move(made->second), pipe.secondProcess, end.pipe, 1});
        }
        endArguments[end.process] << QStringLiteral("--conn") << end.argument();
        endFds[end.process].append(descriptors[size_t(end.side)]);
    }
    m_state = State::Running;
    for (int i = 0; i < plan.processes.size(); ++i) {
        if (Status launched = launch(i, endArguments, endFds[i]); !launched) {
            report(QStringLiteral("cannot start %1: %2")
                       .arg(plan.processes[i].name, launched.error().toString()));
            stopChildren();
            return launched;
        }
    }
    // Every child has its descriptors now (QProcess forks in start()).
    if (plan.parentCopies == ParentCopies::ClosedAfterStart)
        m_ends.clear();
    // A sentinel's write end is its process's alone, whatever the runner keeps: its EOF is that
    // process's end.
    std::erase_if(m_ends, [&](const HeldEnd& end) {
        return plan.pipes[end.pipe].kind == PipeKind::Sentinel;
    });
    return {};
}

Status ScenarioRunner::launch(int index, const QList<QStringList>& endArguments,
                              const QList<int>& endFds)
{
    const ProcessPlan& plan = m_settings.plan.processes[index];
    auto telemetry = TelemetryInbox::create();
    if (!telemetry)
        return telemetry.error();
    auto child = std::make_unique<Child>();
    child->index = index;
    child->telemetry = std::move(telemetry->inbox);

    QStringList arguments{plan.role,
                          QStringLiteral("--name"),
                          plan.name,
                          QStringLiteral("--telemetry-fd"),
                          QString::number(DescriptorHandover::childDescriptor(0)),
                          QStringLiteral("--telemetry-ring-fd"),
                          QString::number(DescriptorHandover::childDescriptor(1))};
    arguments += endArguments[index];
    arguments << QStringLiteral("--seed")
              << QString::number(m_settings.seed + quint64(plan.seedOffset))
              << QStringLiteral("--time-scale") << QString::number(m_settings.timeScale, 'g', 17);
    for (auto it = m_settings.values.cbegin(); it != m_settings.values.cend(); ++it)
        arguments << QStringLiteral("--param")
                  << it.key() + QLatin1Char('=') + QString::number(it.value(), 'g', 17);
    arguments += plan.extraArguments;

    // As PipeWiring numbers them: the telemetry's two descriptors, then the pipe ends.
    static_assert(kTelemetryDescriptors == 2);
    QList<int> handed{*telemetry->workerWake.fileno(), child->telemetry.ringDescriptor()};
    handed += endFds;
    if (!DescriptorHandover::apply(child->process, handed))
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("too many pipe ends for one child"));

    Child* raw = child.get();
    connect(&child->process, &QProcess::readyReadStandardOutput, this,
            [this, raw] { drainOutput(*raw, Stream::Stdout, UnendedLine::Wait); });
    connect(&child->process, &QProcess::readyReadStandardError, this,
            [this, raw] { drainOutput(*raw, Stream::Stderr, UnendedLine::Wait); });
    connect(&child->process, &QProcess::finished, this,
            [this, raw](int exitCode, QProcess::ExitStatus status) {
                childFinished(*raw, exitCode, status);
            });
    child->notifier = std::make_unique<ConnectionNotifier>(child->telemetry.wake());
    connect(child->notifier.get(), &ConnectionNotifier::readyRead, this,
            [this, raw] { ingestTelemetry(*raw); });

    child->process.start(m_workerPath, arguments);
    // The child has its copies of the telemetry descriptors now (or failed to start): close
    // ours, so that the child's exit reads as EOF (the ring stays mapped).
    telemetry->workerWake.close();
    child->telemetry.closeRingDescriptor();
    if (!child->process.waitForStarted(10000))
        return Error(ErrorKind::System, child->process.errorString());
    m_store.setPid(index, child->process.processId());
    m_children.push_back(std::move(child));
    return {};
}

void ScenarioRunner::ingestTelemetry(Child& child)
{
    // (A closed inbox, bad telemetry's or an ended child's, reads nothing.)
    const quint64 before = m_store.generation();
    const auto read = child.telemetry.read(
        [&](const TelemetryRecord& record, QByteArrayView text, QByteArrayView head) {
            return ingestRecord(child, record, text, head);
        });
    if (!read && read.error().kind() != ErrorKind::Eof)
        telemetryFailed(child, read.error());
    else if (!read)
        child.notifier->setEnabled(false); // EOF: the child has gone (its ring is read at its end)
    releaseSharedRecvs(false);
    if (m_store.generation() != before)
        scheduleDeadlockCheck();
}

Status ScenarioRunner::ingestRecord(const Child& child, const TelemetryRecord& record,
                                    QByteArrayView text, QByteArrayView head)
{
    m_recvOrder.reported(child.index, record.tNs);
    if (record.kind == EventKind::Recv && m_recvOrder.isShared(record.channel)) {
        m_recvOrder.hold(child.index, record, text, head);
        return {};
    }
    // A reader of a shared channel numbers only its own recvs: which of the channel's messages
    // its failed call was about is not known.
    TelemetryRecord numbered = record;
    if (record.kind == EventKind::Error && m_recvOrder.isShared(record.channel))
        numbered.seq = -1;
    auto appended = m_store.append(child.index, numbered, text, head);
    if (!appended)
        return appended.error();
    return {};
}

void ScenarioRunner::ingestPendingSend(Child& child)
{
    const Status read = child.telemetry.readPending([&](const TelemetryRecord& record,
                                                        QByteArrayView text,
                                                        QByteArrayView head) -> Status {
        if (record.kind != EventKind::Send || record.channel >= m_store.channelCount())
            return Error(ErrorKind::Protocol,
                         QStringLiteral("telemetry: a pending record that is no send"));
        // Committed after all: the child died between the two.
        if (record.seq < qint64(m_store.channel(record.channel).sendTimes.size()))
            return {};
        // The send returned: its message went out whole.
        if (record.tNs != 0)
            return ingestRecord(child, record, text, head);
        // The child died in the send: whether all of its message went out is known at the
        // end, if it was received.
        m_interruptedSends.push_back({child.index, record, text.toByteArray(), head.toByteArray()});
        return {};
    });
    if (!read)
        telemetryFailed(child, read.error());
}

void ScenarioRunner::appendReceivedInterruptedSends()
{
    for (const InterruptedSend& send : m_interruptedSends) {
        if (send.record.seq >= qint64(m_store.channel(send.record.channel).recvTimes.size()))
            continue; // never received: a message cut short, not a message
        // Sent from its start (what the arrow and the depth use). When the call ended is
        // unknown: said to be no earlier than the lane's last event, so that the lane's events
        // stay in time order.
        TelemetryRecord record = send.record;
        const TraceStore::EventList& events = m_store.process(send.process).events;
        record.tNs = events.empty()
                         ? record.startNs
                         : std::max(record.startNs, m_store.origin() + m_store.time(events.back()));
        if (auto appended = m_store.append(send.process, record, send.text, send.head); !appended)
            report(QStringLiteral("bad telemetry from %1: %2")
                       .arg(m_store.process(send.process).name, appended.error().toString()),
                   send.process);
    }
    m_interruptedSends.clear();
}

void ScenarioRunner::telemetryFailed(Child& child, const Error& error)
{
    report(QStringLiteral("bad telemetry from %1: %2; its telemetry is ignored from here on")
               .arg(m_store.process(child.index).name, error.toString()),
           child.index);
    child.notifier->setEnabled(false);
    child.telemetry.close();
}

void ScenarioRunner::releaseSharedRecvs(bool everything)
{
    m_recvOrder.release(
        monotonicNs(), everything,
        [this](int process, const TelemetryRecord& record, QByteArrayView text,
               QByteArrayView head) {
            // Each reader numbered its own recvs: on the channel, this one is the next of all.
            TelemetryRecord numbered = record;
            numbered.seq = qint64(m_store.channel(record.channel).recvTimes.size());
            if (auto appended = m_store.append(process, numbered, text, head); !appended)
                report(QStringLiteral("bad telemetry from %1: %2")
                           .arg(m_store.process(process).name, appended.error().toString()),
                       process);
        });
    if (m_recvOrder.empty())
        m_recvOrderTimer.stop();
    else if (!m_recvOrderTimer.isActive())
        m_recvOrderTimer.start();
}

void ScenarioRunner::drainOutput(Child& child, Stream stream, UnendedLine unended)
{
    const bool standardError = stream == Stream::Stderr;
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
    if (unended == UnendedLine::Take && !partial.isEmpty()) {
        appendRunnerEvent(child.index, standardError ? EventKind::Stderr : EventKind::Stdout, 0, 0,
                          QString::fromUtf8(partial));
        partial.clear();
    }
}

void ScenarioRunner::childFinished(Child& child, int status, QProcess::ExitStatus how)
{
    const bool crashed = how == QProcess::CrashExit;
    const int exitCode = status;
    if (child.exited)
        return;
    child.exited = true;
    // Everything the child committed before it ended is read before its end is recorded: the
    // ring outlives it, and so does the send it may have been in when it died. (A descendant
    // that kept the wake descriptor is not the child: it is not waited for.)
    ingestTelemetry(child);
    ingestPendingSend(child);
    child.notifier->setEnabled(false);
    child.telemetry.close();
    m_recvOrder.ended(child.index);
    releaseSharedRecvs(false);
    drainOutput(child, Stream::Stdout, UnendedLine::Take);
    drainOutput(child, Stream::Stderr, UnendedLine::Take);

    const TraceStore::Process& process = m_store.process(child.index);
    const bool stopped = m_stopRequested && crashed;
    const QString ending = stopped   ? QStringLiteral("was stopped (%1)").arg(signalName(exitCode))
                           : crashed ? QStringLiteral("was killed by %1").arg(signalName(exitCode))
                                     : QStringLiteral("exited with code %1").arg(exitCode);
    appendRunnerEvent(child.index, EventKind::Exit, crashed ? 1 : 0, exitCode, ending);
    if (stopped) {
        // Ended by the stop it was asked to make: stopped, not crashed.
        appendRunnerEvent(child.index, EventKind::State, quint8(ProcessState::Stopped), exitCode,
                          {});
        closeEndsOf(child.index);
    } else if (crashed || exitCode != 0) {
        appendRunnerEvent(child.index, EventKind::State, quint8(ProcessState::Crashed), exitCode,
                          {});
        report(QStringLiteral("%1 (pid %2) %3").arg(process.name).arg(process.pid).arg(ending),
               child.index);
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
    m_stoppedByUser = true;
    stopChildren();
}

void ScenarioRunner::stopChildren()
{
    if (m_state != State::Running)
        return;
    m_state = State::Stopping;
    m_stopRequested = true;
    appendRunnerEvent(TraceStore::kRunner, EventKind::Stdout, 0, 0,
                      QStringLiteral("the run was stopped: its processes are asked to end "
                                     "(SIGTERM), and killed if still there after %1 s")
                          .arg(double(m_stopGraceMs) / 1000));
    // All at once: a child that saw a peer die first (EOF, a broken pipe) would end on its own,
    // with an error of its own making, before its SIGTERM came. Each is held (SIGSTOP) until
    // every one has its SIGTERM pending, so none runs another instruction of its own.
    signalLiveChildren(SIGSTOP);
    for (const auto& child : m_children) {
        if (!child->exited)
            child->process.terminate();
    }
    signalLiveChildren(SIGCONT); // for a child that handles SIGTERM rather than dying of it
    QTimer::singleShot(m_stopGraceMs, this, [this] {
        for (const auto& child : m_children) {
            if (!child->exited && child->process.state() != QProcess::NotRunning)
                child->process.kill();
        }
    });
    finishIfDone();
}

QStringList ScenarioRunner::writeEndHolders(int channel) const
{
    const ScenarioPlan& plan = m_settings.plan;
    const QList<ChannelPlan> channels = plan.channels();
    QStringList names;
    if (channel < 0 || channel >= channels.size())
        return names;
    const ChannelPlan& written = channels[channel];
    const PipePlan& pipe = plan.pipes[written.pipe];
    const int side = pipe.kind == PipeKind::Duplex && written.from == pipe.firstProcess ? 0 : 1;
    // m_children holds the children in process order.
    for (const EndWiring& end : wirePipes(plan)) {
        const QString& name = m_store.process(end.process).name;
        if (end.pipe == written.pipe && end.side == side &&
            size_t(end.process) < m_children.size() && !m_children[size_t(end.process)]->exited &&
            !names.contains(name))
            names.append(name);
    }
    for (const HeldEnd& held : m_ends) {
        if (held.pipe == written.pipe && held.side == side) {
            names.append(QStringLiteral("the runner"));
            break;
        }
    }
    return names;
}

void ScenarioRunner::signalLiveChildren(int signal) const
{
    for (const auto& child : m_children) {
        if (!child->exited && child->process.state() != QProcess::NotRunning)
            ::kill(pid_t(child->process.processId()), signal);
    }
}

void ScenarioRunner::scheduleDeadlockCheck()
{
    if (m_state == State::Running && !m_deadlocked && !m_deadlockTimer.isActive())
        m_deadlockTimer.start(m_deadlockDelayMs);
}

void ScenarioRunner::checkDeadlock()
{
    if (m_state != State::Running || m_deadlocked)
        return;
    std::vector<int> live;
    for (const auto& child : m_children) {
        if (!child->exited)
            live.push_back(child->index);
    }
    const DeadlockDetector::Verdict verdict =
        m_deadlockDetector.check(m_store, live, monotonicNs() - m_store.origin(),
                                 [this](int channel) { return writeEndHolders(channel); });
    if (verdict == DeadlockDetector::Verdict::Suspected)
        m_deadlockTimer.start(m_deadlockDelayMs); // look again once a whole delay has passed
    if (verdict != DeadlockDetector::Verdict::Declared)
        return;
    m_deadlocked = true;
    const bool closingCopies = !m_ends.empty();
    report(m_deadlockDetector.description() +
           (closingCopies ? QStringLiteral("; closing the runner's copies of the pipe ends so "
                                           "the children see EOF")
                          : QString()));
    m_ends.clear();
    // A reader whose writers are all gone now gets EOF, as in CPython. Processes that hold the
    // very ends the others read cannot be freed by that (CPython would hang there for ever): say
    // so and stop them after the grace period.
    QTimer::singleShot(m_stopGraceMs, this, [this, closingCopies] {
        if (m_state != State::Running)
            return;
        QStringList stillWaiting;
        for (const auto& child : m_children) {
            if (!child->exited)
                stillWaiting.append(m_store.process(child->index).name);
        }
        report(QStringLiteral("%1 still wait%2: nothing can come to free them (CPython would "
                              "wait for ever); stopping them")
                   .arg(stillWaiting.join(QLatin1String(", ")),
                        closingCopies ? QStringLiteral(" after the runner closed its copies")
                                      : QString()));
        stopChildren();
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
    releaseSharedRecvs(true);
    appendReceivedInterruptedSends();
    // Everything every child reported is in. A received message whose send is not recorded
    // cannot be drawn (when it was sent is unknown), and should not happen since every send is
    // recorded before it begins: say so if it does.
    for (int c = 0; c < m_store.channelCount(); ++c) {
        const TraceStore::Channel& channel = m_store.channel(c);
        const auto unreported = qint64(channel.recvTimes.size()) - qint64(channel.sendTimes.size());
        if (unreported > 0 && !m_stopRequested) { // a stopped run ends its children unasked
            report(QStringLiteral("%1 received %2 message(s) on %3 that %4 never reported sending "
                                  "(its telemetry is incomplete)")
                       .arg(m_store.processName(channel.to))
                       .arg(unreported)
                       .arg(channel.name, m_store.processName(channel.from)),
                   channel.from);
        }
    }
    m_state = State::Finished;
    m_endNs = monotonicNs();
    if (!m_settings.scenario->demonstrates.isEmpty()) {
        for (const Finding& finding : FindingsAnalyzer::analyze(m_store, true)) {
            if (finding.kind == m_settings.scenario->demonstrates) {
                m_demonstration = finding.title;
                break;
            }
        }
        if (m_demonstration.isEmpty() && !m_stoppedByUser)
            report(QStringLiteral("the mistake %1 is meant to show did not play out: no %2 "
                                  "finding (with these parameters it may not happen)")
                       .arg(m_settings.scenario->name, m_settings.scenario->demonstrates));
    }
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
    if (m_state != State::Finished || m_stoppedByUser || m_store.interruptedBy() != 0)
        return false;
    // A teaching scenario's mistake is its point: it succeeds by showing it.
    if (!m_settings.scenario->demonstrates.isEmpty())
        return !m_demonstration.isEmpty();
    if (!m_problems.isEmpty() || m_stopRequested)
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
