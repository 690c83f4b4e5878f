#pragma once

#include "run/ScenarioRunner.h"

#include <QStringList>

namespace pipescope {

// pipescope's headless commands, for scripts and CI (help() describes every one):
//   pipescope list [--names | --params SCENARIO]
//   pipescope run SCENARIO [--seed N] [--time-scale X] [--param NAME=VALUE]... [--events FILE]
//                 [--trace FILE] [--quiet]
// Every option that takes a value takes it as the next argument or after '=' (--seed=7); a
// value that starts with "--" only after '=' (--events=./--odd). An option given twice is an
// error (--param: the same NAME twice). FILE "-" is standard output; the console lines and the
// summary then go to standard error.
// Exit codes: 0 success; 1 a child failed, crashed or deadlocked, a file or standard output
// could not be written (an output path that cannot be opened fails before the run starts);
// 2 a bad command line (unknown scenario, option or parameter, a value out of range, an option
// twice); 128+N when signal N (SIGHUP 129, SIGINT 130, SIGTERM 143) interrupted the run: the
// children are stopped and the files written with what was recorded, marked as interrupted.
class CommandLine
{
public:
    // Whether `arguments` (without the program name) ask for a headless command.
    static bool isCommand(const QStringList& arguments);
    // Runs it inside an existing QCoreApplication; returns the exit code.
    static int run(const QStringList& arguments);
    // The synopsis (with a usage error), the whole help (--help) and the same help as the man
    // page pipescope(1) in roff (--help-man): one text, so that the three cannot disagree.
    static QString usage();
    static QString help();
    static QString manPage();
    // Takes --seed N, --time-scale X and --param NAME=VALUE (or --seed=N ...) out of `arguments`
    // (leaving the rest) into a request for `scenario`; a malformed, out-of-range or repeated
    // value is an InvalidArgument error whose message echoes what was typed.
    static Result<RunRequest> takeRunOptions(const QString& scenario, QStringList& arguments);
    // Takes the options named in `names` ("--name VALUE" or "--name=VALUE") out of `arguments`,
    // in order, leaving the rest. A missing value, or one given as the next argument that starts
    // with "--", is an InvalidArgument error.
    static Result<QList<std::pair<QString, QString>>> takeValuedOptions(QStringList& arguments,
                                                                        const QStringList& names);

private:
    static int list(const QStringList& arguments);
    static int runScenario(QStringList arguments);
};

} // namespace pipescope
