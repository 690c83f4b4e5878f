#pragma once

#include "base/Result.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <functional>

namespace pipescope {

// A typed, bounded parameter of a scenario.
struct ScenarioParameter
{
    QString name;
    QString description;
    bool integer = true;
    double defaultValue = 0;
    double minimum = 0;
    double maximum = 0;

    // The value as Python would print it (10, 0.1).
    static QString format(double value, bool integer);
    // The value `text` gives, as a person typed it: an integer parameter takes only a plain
    // decimal integer, a float one a finite decimal number; within the range. The errors
    // (InvalidArgument) echo the text: "count=1e3 is not allowed: count is an integer from 1
    // to 1000000".
    Result<double> parse(const QString& text) const;
    // "an integer from 1 to 1000000", "a number from 0.0 to 10.0".
    QString allowed() const;
};

using ParameterValues = QMap<QString, double>;

// One process of a scenario: its name (the lane's), the pipescope-worker role it plays, the
// offset of its random seed from the run's, and extra role arguments.
struct ProcessPlan
{
    QString name;
    QString role;
    int seedOffset = 0;
    QStringList extraArguments;
};

// Which multiprocessing.Pipe: Pipe() (duplex: a socketpair, both ends read and write) or
// Pipe(duplex=False) (one way: a pipe(), the first end reads and the second writes).
enum class PipeKind
{
    Duplex,
    OneWay,
    // A process's sentinel, as CPython makes one for every Process: a pipe() whose write end only
    // that process holds (and never writes), so that its read end reports EOF once the process
    // has ended. The joined process gets the second end, the joining one the first. No channel.
    Sentinel,
};

// One multiprocessing.Pipe of a scenario. Duplex: `firstProcess` gets the first end and
// `secondProcess` the second. One way: the first end reads, so `firstProcess` is the reader and
// `secondProcess` the writer.
struct PipePlan
{
    PipeKind kind = PipeKind::Duplex;
    int firstProcess = 0;
    int secondProcess = 1;
    // Processes that also hold a copy of the first (second) end and never use it: a copy a
    // child inherited and forgot to close.
    QList<int> firstCopies = {};
    QList<int> secondCopies = {};
    // Processes that also hold the first end and read from it as firstProcess does: one end
    // shared by several readers (a one-way pipe's read end).
    QList<int> firstSharers = {};
};

// A direction of a pipe: messages from one process to another.
struct ChannelPlan
{
    QString name; // "sender->receiver"; "Pipe#1 producer->consumer1,consumer2" when shared
    int from = 0;
    int to = 0; // the reader; for a shared end, its first reader
    int pipe = 0;
    bool sharedReaders = false; // read by `to` and the pipe's firstSharers
};

// What the runner (the scenario's parent process) does with its copies of the pipe ends.
enum class ParentCopies
{
    // Kept while the run goes on, as the tutorial's parent keeps them: a message to a process that
    // has finished stays in the pipe instead of failing with a broken pipe.
    Kept,
    // Closed once every child has started, as the multiprocessing guidelines advise: a process
    // writing to a reader that closed its end gets BrokenPipeError instead of blocking forever.
    ClosedAfterStart,
};

struct ScenarioPlan
{
    QList<ProcessPlan> processes;
    QList<PipePlan> pipes;
    ParentCopies parentCopies = ParentCopies::Kept;

    // The channels of the pipes, in pipe order (a duplex pipe's first-to-second direction first).
    QList<ChannelPlan> channels() const;
};

// A runnable scenario: what it shows, its parameters, and the processes and pipes it needs.
struct Scenario
{
    QString name;        // the command-line name, e.g. "sender-receiver"
    QString title;       // "Sender -> Receiver"
    QString description; // one line
    QString seeds;       // how the run's seed is used
    bool random = true;  // whether the seed matters at all
    double defaultTimeScale = 1.0;
    // A teaching scenario commits a classic mistake on purpose: the kind of finding it is meant
    // to produce ("deadlock", "no-eof", ...). Its run succeeds when that finding is made.
    QString demonstrates;
    QList<ScenarioParameter> parameters;
    std::function<ScenarioPlan(const ParameterValues&)> plan;

    // Defaults overridden by `given`; an unknown name, a non-integer for an integer, or a value
    // out of range is an InvalidArgument error saying what is allowed.
    Result<ParameterValues> resolve(const ParameterValues& given) const;
    // "count (int, 1..1000000, default 10): ..." lines.
    QString describeParameters() const;
};

} // namespace pipescope
