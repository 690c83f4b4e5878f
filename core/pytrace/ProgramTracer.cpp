#include "pytrace/ProgramTracer.h"

#include "base/MonotonicClock.h"
#include "pytrace/TraceCollector.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <csignal>
#include <cstdlib>
#include <unistd.h>

namespace pipescope {

namespace {

constexpr int kStopGraceMs = 2000;
// A Python that ran this long without a hello was out of the hook's reach (a hello comes in the
// first tens of milliseconds of a process, while its site module runs).
constexpr qint64 kSilentPythonNs = 2'000'000'000;

// A fresh private directory (mkdtemp makes it 0700) where a socket path still fits in sun_path,
// in memory where there is a place for it: the segment files are written at every message, and on
// a disk-backed /tmp the kernel would write them back to the disk for nothing (they are read in
// place and removed). The user's $XDG_RUNTIME_DIR (a tmpfs on a desktop), else $TMPDIR when set,
// else /dev/shm, else /tmp.
Result<QString> makeTraceDirectory()
{
    QStringList bases;
    for (const char* variable : {"XDG_RUNTIME_DIR", "TMPDIR"}) {
        const QString base = qEnvironmentVariable(variable);
        if (!base.isEmpty())
            bases.append(base);
    }
    if (QFileInfo(QStringLiteral("/dev/shm")).isWritable())
        bases.append(QStringLiteral("/dev/shm"));
    bases.append(QStringLiteral("/tmp"));
    for (const QString& base : std::as_const(bases)) {
        QByteArray pattern = QFile::encodeName(base + QStringLiteral("/pipescope-trace-XXXXXX"));
        if (pattern.size() + 16 > 100 || !::mkdtemp(pattern.data()))
            continue;
        return QFile::decodeName(pattern);
    }
    return Error(ErrorKind::System, QStringLiteral("cannot make a private directory for the trace "
                                                   "in %1")
                                        .arg(bases.join(QStringLiteral(", "))));
}

// Python's own words for the flags that keep the hook out.
QString hookBlockers(const QStringList& argv)
{
    QStringList flags;
    for (const QString& arg : argv.mid(1)) {
        if (!arg.startsWith(QLatin1Char('-')) || arg.startsWith(QLatin1String("--")))
            break;
        for (const QChar c : arg.mid(1)) {
            if ((c == QLatin1Char('I') || c == QLatin1Char('E') || c == QLatin1Char('S')) &&
                !flags.contains(QStringLiteral("-") + c))
                flags.append(QStringLiteral("-") + c);
        }
        if (arg == QLatin1String("-c") || arg == QLatin1String("-m"))
            break;
    }
    return flags.isEmpty() ? QString() : flags.join(QStringLiteral(", "));
}

} // namespace

ProgramTracer::ProgramTracer(QObject* parent)
    : QObject(parent)
{
    m_sweep.setInterval(kSweepMs);
    connect(&m_sweep, &QTimer::timeout, this, [this] {
        if (!m_collector)
            return;
        m_collector->sweep(false);
        checkDone();
    });
    m_scan.setInterval(kScanMs);
    connect(&m_scan, &QTimer::timeout, this, [this] {
        if (!m_programEnded)
            m_descendants.scan(m_pid);
    });
    m_kill.setSingleShot(true);
    connect(&m_kill, &QTimer::timeout, this, [this] {
        if (m_pid > 0 && !m_programEnded)
            ::kill(m_request.output == TraceRequest::Output::Capture ? -pid_t(m_pid) : pid_t(m_pid),
                   SIGKILL);
    });
}

ProgramTracer::~ProgramTracer()
{
    // Going away mid-run (the window closes): the program goes too, and what was made for the
    // run. Nothing is emitted from a destructor.
    if (m_state != State::Running)
        return;
    m_sweep.stop();
    disconnect(&m_process, nullptr, this, nullptr);
    if (!m_programEnded) {
        forward(SIGKILL);
        m_process.waitForFinished(kStopGraceMs);
    }
    m_collector.reset();
    QDir(m_directory).removeRecursively();
}

QString ProgramTracer::defaultHookDirectory()
{
    const QString configured = qEnvironmentVariable("PIPESCOPE_PYHOOK");
    if (!configured.isEmpty())
        return configured;
    return QDir(QCoreApplication::applicationDirPath())
        .absoluteFilePath(QStringLiteral("../share/pipescope/pyhook"));
}

QString ProgramTracer::defaultRingModule()
{
    if (qEnvironmentVariableIsSet("PIPESCOPE_TRACE_RING"))
        return qEnvironmentVariable("PIPESCOPE_TRACE_RING");
    const QString installed =
        QCoreApplication::applicationDirPath() +
        QStringLiteral("/" PIPESCOPE_WORKER_RELATIVE_DIR "/_pipescope_ring.abi3.so");
    return QFileInfo::exists(installed) ? installed : QString();
}

QString ProgramTracer::resolveProgram(const QString& program)
{
    if (program.contains(QLatin1Char('/')))
        return QFileInfo::exists(program) ? program : QString();
    return QStandardPaths::findExecutable(program);
}

Status ProgramTracer::start(const TraceRequest& request)
{
    m_request = request;
    const QString program = resolveProgram(request.program);
    if (program.isEmpty()) {
        m_exitStatus = kNotFound;
        return Error(ErrorKind::System,
                     QStringLiteral("%1: command not found").arg(request.program));
    }
    const QFileInfo info(program);
    if (info.isDir() || !info.isExecutable()) {
        m_exitStatus = kCannotRun;
        return Error(ErrorKind::System,
                     QStringLiteral("%1: cannot run it (%2)")
                         .arg(request.program, info.isDir() ? QStringLiteral("a directory")
                                                            : QStringLiteral("not executable")));
    }
    const QString hook = defaultHookDirectory();
    if (!QFileInfo::exists(hook + QStringLiteral("/sitecustomize.py"))) {
        m_exitStatus = kCannotRun;
        return Error(ErrorKind::System,
                     QStringLiteral("PipeScope's Python hook is missing: %1").arg(hook));
    }
    Result<QString> directory = makeTraceDirectory();
    if (!directory) {
        m_exitStatus = kCannotRun;
        return directory.error();
    }
    m_directory = *directory;
    m_store.setInternalShown(request.showInternal);
    m_collector = std::make_unique<TraceCollector>(m_store);
    connect(m_collector.get(), &TraceCollector::problemFound, this, &ProgramTracer::problemFound);
    if (Status listening = m_collector->listen(m_directory); !listening) {
        m_collector.reset();
        QDir(m_directory).removeRecursively();
        m_exitStatus = kCannotRun;
        return listening;
    }

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString pythonPath = environment.value(QStringLiteral("PYTHONPATH"));
    environment.insert(QStringLiteral("PYTHONPATH"),
                       pythonPath.isEmpty() ? hook : hook + QLatin1Char(':') + pythonPath);
    environment.insert(QStringLiteral("PIPESCOPE_TRACE_DIR"), m_directory);
    environment.insert(QStringLiteral("PIPESCOPE_TRACE_RING"), defaultRingModule());
    m_process.setProcessEnvironment(environment);
    m_process.setProgram(program);
    m_process.setArguments(request.arguments);
    if (!request.workingDirectory.isEmpty())
        m_process.setWorkingDirectory(request.workingDirectory);
    // pipescope ignores SIGPIPE (a closed stdout is an error it reports); the program gets the
    // default, as from a shell.
    if (request.output == TraceRequest::Output::PassThrough) {
        m_process.setProcessChannelMode(QProcess::ForwardedChannels);
        m_process.setInputChannelMode(QProcess::ForwardedInputChannel);
        m_process.setChildProcessModifier([] { ::signal(SIGPIPE, SIG_DFL); });
    } else {
        m_process.setChildProcessModifier([] {
            ::signal(SIGPIPE, SIG_DFL);
            ::setpgid(0, 0);
        });
        m_process.setStandardInputFile(QProcess::nullDevice());
        connect(&m_process, &QProcess::readyReadStandardOutput, this,
                [this] { takeOutput(false, false); });
        connect(&m_process, &QProcess::readyReadStandardError, this,
                [this] { takeOutput(true, false); });
    }
    connect(&m_process, &QProcess::finished, this, &ProgramTracer::programFinished);

    m_startNs = monotonicNs();
    m_store.setOrigin(m_startNs);
    m_process.start();
    if (!m_process.waitForStarted()) {
        m_collector.reset();
        QDir(m_directory).removeRecursively();
        m_exitStatus = kCannotRun;
        return Error(ErrorKind::System,
                     QStringLiteral("%1: %2").arg(request.program, m_process.errorString()));
    }
    m_pid = m_process.processId();
    m_state = State::Running;
    m_sweep.start();
    m_scan.start();
    return {};
}

void ProgramTracer::stop()
{
    if (m_state != State::Running || m_programEnded)
        return;
    m_stopRequested = true;
    forward(SIGTERM);
    m_kill.start(kStopGraceMs);
}

void ProgramTracer::forward(int signal)
{
    if (m_pid <= 0 || m_programEnded)
        return;
    // In a process group of its own (the window's runs), the whole program is asked.
    ::kill(m_request.output == TraceRequest::Output::Capture ? -pid_t(m_pid) : pid_t(m_pid),
           signal);
}

qint64 ProgramTracer::elapsedNs() const
{
    if (m_startNs == 0)
        return 0;
    return (m_state == State::Finished ? m_endNs : monotonicNs()) - m_startNs;
}

void ProgramTracer::programFinished(int code, QProcess::ExitStatus how)
{
    m_programEnded = true;
    m_programEndNs = monotonicNs();
    m_kill.stop();
    const bool crashed = how == QProcess::CrashExit;
    m_exitStatus = crashed ? 128 + code : code;
    m_collector->setExitStatus(m_pid, crashed ? -code : code);
    if (m_request.output == TraceRequest::Output::Capture) {
        takeOutput(false, true);
        takeOutput(true, true);
    }
    checkDone();
}

void ProgramTracer::takeOutput(bool standardError, bool all)
{
    QByteArray& partial = m_partial[standardError ? 1 : 0];
    partial += standardError ? m_process.readAllStandardError() : m_process.readAllStandardOutput();
    qsizetype start = 0;
    for (;;) {
        qsizetype end = partial.indexOf('\n', start);
        if (end < 0 && !(all && start < partial.size()))
            break;
        if (end < 0)
            end = partial.size();
        TelemetryRecord record;
        record.kind = standardError ? EventKind::Stderr : EventKind::Stdout;
        record.tNs = record.startNs = monotonicNs();
        const QByteArrayView line = QByteArrayView(partial).sliced(start, end - start);
        (void)m_store.append(TraceStore::kRunner, record,
                             line.first(std::min<qsizetype>(line.size(), 0xffff)));
        start = end + 1;
    }
    partial.remove(0, std::min(start, partial.size()));
}

void ProgramTracer::checkDone()
{
    if (m_state != State::Running || !m_programEnded || !m_collector)
        return;
    const bool lingering = monotonicNs() - m_programEndNs < qint64(kLingerMs) * 1'000'000;
    if (m_collector->connectedCount() > 0 && lingering)
        return;
    finish();
}

void ProgramTracer::finish()
{
    m_sweep.stop();
    m_scan.stop();
    // What the control connections still hold (a last exit, a child's status) comes first.
    QCoreApplication::processEvents();
    m_collector->sweep(true);
    if (m_collector->connectedCount() > 0)
        m_problems.append(QStringLiteral("%1 traced processes were still running when the program "
                                         "ended; what they did after is not recorded")
                              .arg(m_collector->connectedCount()));
    m_problems += m_collector->problems();
    m_untraced = untracedNow();
    m_tracedCount = m_collector->tracedCount();
    m_endNs = monotonicNs();
    m_state = State::Finished;
    // The socket and the segments' mappings go with the collector; the directory after them.
    m_collector.reset();
    QDir(m_directory).removeRecursively();
    Q_EMIT finished();
}

QStringList ProgramTracer::problems() const
{
    return m_problems;
}

QStringList ProgramTracer::untracedNow() const
{
    QStringList lines;
    const QString why = QStringLiteral("Python started with -I, -E or -S does not load PipeScope's "
                                       "hook");
    if (m_collector->tracedCount() == 0) {
        const QString flags = hookBlockers(QStringList{m_request.program} + m_request.arguments);
        lines.append(flags.isEmpty()
                         ? QStringLiteral("no Python process of the program could be traced (is "
                                          "it Python? %1)")
                               .arg(why)
                         : QStringLiteral("the program could not be traced: it runs Python with "
                                          "%1, which keeps PipeScope's hook out")
                               .arg(flags));
    }
    // Each Python that said no hello, whether its traced parent said it started it
    // (multiprocessing, subprocess) or the process tree showed it (a shell, os.system()), is said
    // when it was out of the hook's reach: its flags keep the hook out, its environment lost
    // PipeScope's variables, or it ran to a normal exit or for a while (a hello comes in its
    // first tens of milliseconds) without one. One that was ended while it started (workers a
    // Pool.terminate() killed, a resource tracker the program's end cut short) was not.
    // The program's own process is said above when nothing at all could be traced.
    QMap<qint64, PythonDescendants::Python> silent;
    for (const PythonDescendants::Python& python :
         m_descendants.untraced([this](qint64 pid) { return m_collector->traced(pid); }))
        silent.insert(python.pid, python);
    for (const auto& [pid, argv] : m_collector->untracedChildren()) {
        if (argv.isEmpty() || !PythonDescendants::isPython(argv.front()))
            continue;
        PythonDescendants::Python& child = silent[pid];
        child.pid = pid;
        child.argv = argv;
    }
    if (m_collector->tracedCount() == 0)
        silent.remove(m_pid);
    for (const PythonDescendants::Python& python : std::as_const(silent)) {
        const QString flags = hookBlockers(python.argv);
        const std::optional<int> exitcode = m_collector->childExit(python.pid);
        QString why;
        if (!flags.isEmpty())
            why = QStringLiteral(": it runs Python with %1").arg(flags);
        else if (python.lostTraceEnvironment)
            why = QStringLiteral(": its environment lost PIPESCOPE_TRACE_DIR");
        else if (!(exitcode && *exitcode >= 0) && python.seenForNs < kSilentPythonNs)
            continue;
        lines.append(QStringLiteral("process %1 (%2) could not be traced%3")
                         .arg(python.pid)
                         .arg(python.argv.join(QLatin1Char(' ')).left(120))
                         .arg(why));
    }
    return lines;
}

int ProgramTracer::tracedProcessCount() const
{
    return m_collector ? m_collector->tracedCount() : m_tracedCount;
}

} // namespace pipescope
