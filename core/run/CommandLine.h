#pragma once

#include "run/ScenarioRunner.h"

#include <QStringList>

namespace pipescope {

// pipescope's headless commands, for scripts and CI:
//   pipescope list
//   pipescope run SCENARIO [--seed N] [--time-scale X] [--param NAME=VALUE]... [--events FILE]
//                 [--trace FILE] [--quiet]
// Exit codes: 0 success; 1 a child failed, crashed or deadlocked, or a file could not be
// written; 2 a bad command line (unknown scenario, parameter, or value out of range).
class CommandLine
{
public:
    // Whether `arguments` (without the program name) ask for a headless command.
    static bool isCommand(const QStringList& arguments);
    // Runs it inside an existing QCoreApplication; returns the exit code.
    static int run(const QStringList& arguments);
    static QString usage();
    // Takes --seed N, --time-scale X and --param NAME=VALUE out of `arguments` (leaving the rest)
    // into a request for `scenario`; a malformed value is an InvalidArgument error.
    static Result<RunRequest> takeRunOptions(const QString& scenario, QStringList& arguments);

private:
    static int list();
    static int runScenario(QStringList arguments);
};

} // namespace pipescope
