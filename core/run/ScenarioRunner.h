#pragma once

#include "pipe/Connection.h"
#include "run/Scenario.h"
#include "trace/TraceStore.h"

#include <QObject>
#include <QStringList>
#include <QTimer>
#include <memory>
#include <optional>
#include <vector>

class QProcess;

namespace pipescope {

class ConnectionNotifier;

// What a person asks to run: a scenario by name, with optional seed, time scale and parameters.
struct RunRequest
{
    QString scenario;
    std::optional<quint64> seed;
    std::optional<double> timeScale;
    ParameterValues parameters;
};

// A request checked and completed: the scenario, the seed (drawn fresh when none was given), the
// time scale and every parameter's value.
struct RunSettings
{
    const Scenario* scenario = nullptr;
    quint64 seed = 0;
    bool seedDrawn = false;
    double timeScale = 1.0;
    ParameterValues values;
    ScenarioPlan plan;
};

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

    // Checks a request against the catalog: an unknown scenario, parameter or an out-of-range
    // value is an InvalidArgument error that says what is allowed.
    static Result<RunSettings> resolve(const RunRequest& request);
    // $PIPESCOPE_WORKER if set, else pipescope-worker next to the running executable.
    static QString defaultWorkerPath();

    void setWorkerPath(const QString& path) { m_workerPath = path; }
    // How long stop() waits after asking politely before it kills.
    void setStopGrace(int milliseconds) { m_stopGraceMs = milliseconds; }
    // How long every live child must have been waiting before a deadlock is declared.
    void setDeadlockDelay(int milliseconds) { m_deadlockDelayMs = milliseconds; }

    Status start(const RunSettings& settings);
    // Asks every child to stop (SIGTERM), and kills those still there after the grace period.
    void stop();
    // Records in the store that `signal` interrupted the run (the CLI's SIGINT, SIGTERM, SIGHUP).
    void markInterrupted(int signal) { m_store.setInterruptedBy(signal); }

    State state() const { return m_state; }
    const RunSettings& settings() const { return m_settings; }
    const TraceStore& store() const { return m_store; }
    // Every child exited with 0 and nothing went wrong.
    bool succeeded() const;
    bool stopped() const { return m_stopRequested; }
    // What went wrong, one line each: crashed children, non-zero exits, deadlocks, bad telemetry.
    const QStringList& problems() const { return m_problems; }
    // From start to the last child's exit (or until now while running).
    qint64 elapsedNs() const;

Q_SIGNALS:
    void problemFound(const QString& description);
    void finished();

private:
    struct Child;
    struct HeldEnd
    {
        Connection connection;
        int process; // the child that holds the other copy of this end
    };

    Status launch(int index, const QList<QStringList>& endArguments, const QList<int>& endFds);
    void ingestTelemetry(Child& child);
    void drainOutput(Child& child, bool standardError, bool flushPartial);
    void childFinished(Child& child, int exitCode, bool crashed);
    void closeEndsOf(int process);
    void report(const QString& description, int process = TraceStore::kRunner);
    void appendRunnerEvent(int process, EventKind kind, quint8 detail, qint64 amount,
                           const QString& text);
    void scheduleDeadlockCheck();
    void checkDeadlock();
    std::optional<QString> deadlockDescription() const;
    void finishIfDone();

    TraceStore m_store;
    RunSettings m_settings;
    QString m_workerPath;
    State m_state = State::Ready;
    std::vector<std::unique_ptr<Child>> m_children;
    std::vector<HeldEnd> m_ends;
    QStringList m_problems;
    bool m_stopRequested = false;
    bool m_deadlocked = false;
    int m_stopGraceMs = 2000;
    int m_deadlockDelayMs = 250;
    qint64 m_endNs = 0;
    QTimer m_deadlockTimer;
    quint64 m_deadlockGeneration = 0;
    bool m_deadlockSuspected = false;
};

} // namespace pipescope
