#pragma once

#include "findings/DeadlockDetector.h"
#include "pipe/Connection.h"
#include "run/RunRequest.h"
#include "run/SharedRecvOrder.h"
#include "trace/TraceStore.h"

#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <optional>
#include <vector>

namespace pipescope {

class ConnectionNotifier;

// Runs one scenario as real processes: creates its pipes, starts one pipescope-worker per role
// with QProcess and hands each its pipe ends and a private telemetry connection; the children
// talk to each other directly. Telemetry and the children's output go into the TraceStore as they
// arrive, with no signal: a view looks at the store on a clock of its own (its generation()
// tells what changed), which a live run needs anyway since its time advances without events.
//
// Like the tutorial's parent, the runner keeps its copies of every pipe end while the run goes
// on, so a message to a process that has finished stays in the pipe, undelivered, instead of
// failing with a broken pipe. A child that crashes or exits non-zero is reported, and the runner
// closes its copies of that child's ends so that its peers see EOF. When every live child waits
// for a message that no live process can send, the runner reports the deadlock by name and closes
// all its copies so the children get EOF. The run ends when every child has exited.
//
// One runner runs one scenario, once; runs side by side need a runner each.
class ScenarioRunner : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Ready,
        Running,
        Stopping,
        Finished
    };

    explicit ScenarioRunner(QObject* parent = nullptr);
    ~ScenarioRunner() override;

    // $PIPESCOPE_WORKER if set, else pipescope-worker next to the running executable (the build
    // tree), else the installed one: PIPESCOPE_WORKER_RELATIVE_DIR (lib/pipescope from bin/)
    // relative to the executable's directory, so that a moved install tree still finds it. When
    // neither exists, the first, for the error to name.
    static QString defaultWorkerPath();

    void setWorkerPath(const QString& path) { m_workerPath = path; }
    // How long stop() waits after asking politely before it kills.
    void setStopGrace(int milliseconds) { m_stopGraceMs = milliseconds; }
    // How long every live child must have been waiting before a deadlock is declared.
    void setDeadlockDelay(int milliseconds) { m_deadlockDelayMs = milliseconds; }

    Status start(const RunSettings& settings);
    // The user's stop: asks every child to stop (SIGTERM), and kills those still there after the
    // grace period.
    void stop();
    // Records in the store that `signal` interrupted the run (the CLI's SIGINT, SIGTERM, SIGHUP).
    void markInterrupted(int signal) { m_store.setInterruptedBy(signal); }

    State state() const { return m_state; }
    const RunSettings& settings() const { return m_settings; }
    const TraceStore& store() const { return m_store; }
    // For its view settings (lane order), not for events.
    TraceStore& store() { return m_store; }
    // Every child exited with 0 and nothing went wrong; for a teaching scenario (one that
    // demonstrates a mistake), the finding it is meant to produce was made. Never after stop().
    bool succeeded() const;
    // The title of the finding a teaching scenario is meant to produce, once made.
    const QString& demonstration() const { return m_demonstration; }
    // The user stopped the run.
    bool stopped() const { return m_stoppedByUser; }
    // What went wrong, one line each: crashed children, non-zero exits, deadlocks, bad telemetry.
    const QStringList& problems() const { return m_problems; }
    // From start to the last child's exit (or until now while running).
    qint64 elapsedNs() const;

Q_SIGNALS:
    void problemFound(const QString& description);
    void finished();

private:
    struct Child;
    struct InterruptedSend
    {
        int process;
        TelemetryRecord record;
        QByteArray text;
        QByteArray head;
    };
    struct HeldEnd
    {
        Connection connection;
        int process; // the child that uses the other copy of this end
        int pipe;
        int side; // 0: the pipe's first end, 1: its second
    };

    Status launch(int index, const QList<QStringList>& endArguments, const QList<int>& endFds);
    void ingestTelemetry(Child& child);
    Status ingestRecord(const Child& child, const TelemetryRecord& record, QByteArrayView text,
                        QByteArrayView head);
    // The send a child was in when it ended, if it is not recorded otherwise: at once if the send
    // returned, at the end of the run if its message was received (appendReceivedInterruptedSends).
    void ingestPendingSend(Child& child);
    void appendReceivedInterruptedSends();
    void telemetryFailed(Child& child, const Error& error);
    // Appends the held recvs of shared ends that may go now (all of them: `everything`).
    void releaseSharedRecvs(bool everything);
    // Which of a child's output streams, and whether a line it has not ended yet is taken too
    // (once the child has gone) or waits for its end.
    enum class Stream
    {
        Stdout,
        Stderr,
    };
    enum class UnendedLine
    {
        Wait,
        Take,
    };
    void drainOutput(Child& child, Stream stream, UnendedLine unended);
    // `status` is exitCode() for a normal exit, the signal for a crash.
    void childFinished(Child& child, int status, QProcess::ExitStatus how);
    void closeEndsOf(int process);
    void report(const QString& description, int process = TraceStore::kRunner);
    void appendRunnerEvent(int process, EventKind kind, quint8 detail, qint64 amount,
                           const QString& text);
    // Stops every child (the user's stop, a deadlock, a child that could not start).
    void stopChildren();
    void signalLiveChildren(int signal) const;
    // Who still holds a copy of the end that writes `channel`: live children, "the runner".
    QStringList writeEndHolders(int channel) const;
    void scheduleDeadlockCheck();
    void checkDeadlock();
    void finishIfDone();

    TraceStore m_store;
    RunSettings m_settings;
    QString m_workerPath;
    State m_state = State::Ready;
    std::vector<std::unique_ptr<Child>> m_children;
    std::vector<HeldEnd> m_ends;
    std::vector<InterruptedSend> m_interruptedSends;
    QStringList m_problems;
    bool m_stopRequested = false; // by the user or the runner itself
    bool m_stoppedByUser = false;
    QString m_demonstration;
    bool m_deadlocked = false;
    int m_stopGraceMs = 2000;
    int m_deadlockDelayMs = 250;
    qint64 m_endNs = 0;
    QTimer m_deadlockTimer;
    SharedRecvOrder m_recvOrder;
    QTimer m_recvOrderTimer;
    DeadlockDetector m_deadlockDetector;
};

} // namespace pipescope
