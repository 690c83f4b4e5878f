#pragma once

#include "base/Result.h"
#include "pytrace/PythonDescendants.h"
#include "trace/TraceStore.h"

#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>
#include <memory>

namespace pipescope {

class TraceCollector;

// What `pipescope trace` and the window's File > Trace a program... run.
struct TraceRequest
{
    QString program; // a path, or a name looked up in PATH
    QStringList arguments;
    QString workingDirectory; // empty: the current one
    // Shows multiprocessing's own traffic, which is recorded either way (TraceStore: internal).
    bool showInternal = false;
    // The program's stdin, stdout and stderr are PipeScope's own (the CLI: byte for byte, and
    // Ctrl+C reaches it as it would), or its output is captured into the store as the console's
    // lines (the window), in a process group of its own that stop() ends.
    enum class Output
    {
        PassThrough,
        Capture,
    } output = Output::PassThrough;
};

// Runs an unmodified program with tracing: every Python process it starts, however deep, loads
// PipeScope's hook (pyhook/, through PYTHONPATH and sitecustomize) and reports to a
// TraceCollector listening in a private directory (mode 0700) made for the run and removed after
// it. The run ends when the program's own process has exited and every traced process has gone
// (or kLingerMs after that: a daemon the program left running is not waited for).
class ProgramTracer : public QObject
{
    Q_OBJECT

public:
    enum class State
    {
        Ready,
        Running,
        Finished
    };
    // Exit statuses as a shell gives them.
    static constexpr int kNotFound = 127;
    static constexpr int kCannotRun = 126;
    static constexpr int kLingerMs = 3000;
    // How often the segments are read, in the window's thread: often, so that each sweep is
    // short (measured with a 1M-message flood: the longest UI stall was 49 ms at 15 ms, 61 ms at
    // 50 ms, where each sweep takes in more at once).
    static constexpr int kSweepMs = 15;
    static constexpr int kScanMs = 50;

    explicit ProgramTracer(QObject* parent = nullptr);
    ~ProgramTracer() override;

    // $PIPESCOPE_PYHOOK if set, else share/pipescope/pyhook next to the running executable's
    // folder (the build tree and an install tree alike).
    static QString defaultHookDirectory();
    // The hook's native record writer: $PIPESCOPE_TRACE_RING if set (empty: none, the hook
    // writes in Python), else _pipescope_ring.abi3.so where the worker is installed (lib/pipescope
    // from bin/, in the build tree too); empty when it was not built.
    static QString defaultRingModule();
    // Where a program name leads (PATH for a bare name): empty when not found.
    static QString resolveProgram(const QString& program);

    // Starts the program; an error when it cannot (exitStatus() then says 127 or 126).
    Status start(const TraceRequest& request);
    // Asks the program to end (SIGTERM; SIGKILL after a grace period).
    void stop();
    // Passes a signal on to the program's own process (the CLI's SIGTERM, SIGHUP).
    void forward(int signal);
    void markInterrupted(int signal) { m_store.setInterruptedBy(signal); }

    State state() const { return m_state; }
    const TraceStore& store() const { return m_store; }
    // For its view settings (internal traffic shown, lane order), not for events.
    TraceStore& store() { return m_store; }
    const TraceRequest& request() const { return m_request; }
    qint64 pid() const { return m_pid; }
    // The program's exit status as a shell gives it: its code, 128+N for a signal N.
    int exitStatus() const { return m_exitStatus; }
    bool stopped() const { return m_stopRequested; }
    qint64 elapsedNs() const;
    // What went wrong in tracing (not in the program): lines for stderr and the window.
    QStringList problems() const;
    // Processes that could not be traced, and why, one line each (once the run has finished).
    const QStringList& untraced() const { return m_untraced; }
    int tracedProcessCount() const;

Q_SIGNALS:
    void problemFound(const QString& description);
    void finished();

private:
    void programFinished(int code, QProcess::ExitStatus how);
    void takeOutput(bool standardError, bool all);
    void checkDone();
    void finish();
    QStringList untracedNow() const;

    TraceStore m_store;
    TraceRequest m_request;
    std::unique_ptr<TraceCollector> m_collector;
    QProcess m_process;
    QString m_directory;
    State m_state = State::Ready;
    qint64 m_pid = 0;
    int m_exitStatus = 0;
    bool m_programEnded = false;
    bool m_stopRequested = false;
    qint64 m_startNs = 0;
    qint64 m_endNs = 0;
    qint64 m_programEndNs = 0;
    QByteArray m_partial[2];
    QStringList m_problems;
    QStringList m_untraced;
    int m_tracedCount = 0;
    QTimer m_sweep;
    QTimer m_kill;
    // The program's Python processes, looked for every kScanMs whatever started them: those the
    // hook did not reach are said at the end (untraced()).
    PythonDescendants m_descendants;
    QTimer m_scan;
};

} // namespace pipescope
