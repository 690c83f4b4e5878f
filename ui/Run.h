#pragma once

#include "base/Result.h"
#include "findings/Finding.h"

#include <QObject>
#include <QString>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace pipescope {

class EventsFileLoader;
class ProgramTracer;
class ScenarioRunner;
class TraceStore;
struct RunSettings;
struct TraceRequest;

// One entry of the run history: something that fills a TraceStore and owns it: a scenario run
// (its ScenarioRunner, which holds the store), a traced program (its ProgramTracer, likewise) or
// a run read back from an events file. While its source goes on (a file: while it is read) the
// run is live; finished() is emitted once when it ends (never for a file read whole at once).
class Run : public QObject
{
    Q_OBJECT
public:
    // Starts a scenario; the runner's error when it cannot. `number` is its place in the history.
    static Result<std::unique_ptr<Run>> start(const RunSettings& settings, int number);
    // Traces a program (File > Trace a program..., pipescope --watch); the tracer's error when
    // it cannot start it.
    static Result<std::unique_ptr<Run>> trace(const TraceRequest& request, int number);
    // Reads an events file (JSON Lines); the reader's error, which names the path, when it cannot
    // open it or its beginning is no events file. A big file goes on reading while the run is
    // shown: the run is live until the end of the file (stop() stops reading).
    static Result<std::unique_ptr<Run>> open(const QString& path, int number);
    ~Run() override;

    const TraceStore& store() const;
    // The scenario's runner; null for a run from a file.
    const ScenarioRunner* runner() const { return m_runner.get(); }
    // The traced program's tracer; null for other runs.
    const ProgramTracer* tracer() const { return m_tracer.get(); }
    bool live() const;
    // It ended as it should: a scenario whose children all exited 0, a traced program that
    // exited 0, a file read to its end.
    bool succeeded() const;
    // The finding kind a teaching scenario's run is meant to show; empty for any other run.
    QString demonstrates() const;
    // From the start to the end (or until now while live).
    qint64 elapsedNs() const;
    // Where the views' data ends: now while the run is live; once it has ended, where what its
    // processes did ends (not the runner's tear-down after it).
    qint64 dataEndNs() const;
    const QString& title() const { return m_title; }
    // The history's line: the title, and once a scenario has ended, how and after how long.
    QString historyText() const;
    QString toolTip() const { return m_toolTip; }
    // The status bar's words for what the run is doing or how it ended, and a colour for
    // those that need attention (empty: none).
    QString stateText() const;
    QString stateColor() const;

    // Once the run has ended, what went wrong in it (FindingsAnalyzer over the whole store); null
    // until findingsReady(). Analyzed on a thread of its own when the run ends, so that the window
    // never waits for it (ten million messages take half a second): nothing the analysis reads
    // is written any more then (a view setting such as TraceStore::setInternalShown changes
    // rows it does not read), and the run, which owns the store, waits for the thread before it
    // goes.
    const std::vector<Finding>* findings() const;

    // Asks a live run to end.
    void stop();
    // Whether its store shows multiprocessing's own traffic (a traced program's, or a file's
    // that kept it): View > Show Internal Traffic.
    void setInternalShown(bool shown);
    // Moves a lane up or down (TraceStore::moveLane): the user's order, which every view follows.
    void moveLane(int process, int steps);

Q_SIGNALS:
    void problemFound(const QString& description);
    void finished();
    void findingsReady();

private:
    Run(QString title, QString toolTip);
    QString tracerStateText() const;
    QString fileStateText() const;
    // The store, for the settings of how it is viewed (never its events: its source appends them).
    TraceStore& viewedStore();
    void analyze();

    std::unique_ptr<ScenarioRunner> m_runner;
    std::unique_ptr<ProgramTracer> m_tracer;
    std::unique_ptr<EventsFileLoader> m_loader;
    QString m_title;
    QString m_toolTip;
    std::optional<std::vector<Finding>> m_findings;
    std::thread m_analysis; // joined by ~Run, before the store goes
};

} // namespace pipescope
