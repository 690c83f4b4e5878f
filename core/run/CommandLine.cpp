#include "run/CommandLine.h"

#include "base/Version.h"
#include "findings/FindingsAnalyzer.h"
#include "findings/FindingsJson.h"
#include "run/CheckCommand.h"
#include "run/CommandLineSupport.h"
#include "run/ConsolePrinter.h"
#include "run/RunFiles.h"
#include "run/ScenarioCatalog.h"
#include "run/ScenarioRunner.h"
#include "run/TraceCommand.h"
#include "wire/PyRepr.h"

#include <QEventLoop>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QTimer>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace pipescope {

using namespace cli;

namespace {

// The help, once: --help prints it as text and --help-man as the man page pipescope(1).
struct HelpItem
{
    const char* term;
    const char* text;
};

constexpr const char* kHelpName = "view the traffic of inter-process pipes";
constexpr const char* kHelpDescription =
    "PipeScope runs the scenarios people learn pipes from (the sender/receiver and duplex "
    "ping-pong of Python's multiprocessing.Pipe tutorials, and more) as real processes talking "
    "over real pipes, and records every message, poll and state change with nanosecond "
    "timestamps. It also traces unmodified Python programs that use multiprocessing: every Pipe, "
    "Queue, Pool and Listener message of every process they start. Without a command it opens its "
    "window; the commands list, run and trace work without a display.";

constexpr HelpItem kHelpCommands[] = {
    {"pipescope", "Open the window."},
    {"pipescope --run SCENARIO",
     "Open the window and run SCENARIO with the RUN OPTIONS. With --screenshot FILE.png, save a "
     "PNG of the whole window once the run has ended and exit; this works with "
     "QT_QPA_PLATFORM=offscreen and under Xvfb."},
    {"pipescope --watch -- PROGRAM [ARGS]",
     "Open the window and trace PROGRAM (see trace) in it, live; its output goes to the Console "
     "tab. With --screenshot FILE.png, save a PNG of the window once the program has ended and "
     "exit (0 when the program exited 0)."},
    {"pipescope EVENTS.jsonl",
     "Open the window with a saved run (an events file, as File > Open events... does). A file "
     "that is missing, or does not read as a run, is said on standard error (exit 1 with "
     "--screenshot FILE.png, which otherwise saves a PNG of the window and exits 0)."},
    {"pipescope list", "Print every scenario: its title, description, default time scale, seeds "
                       "and parameters (name, type, range, default)."},
    {"pipescope list --names", "Print the scenario names, one a line (for shell completion)."},
    {"pipescope list --params SCENARIO",
     "Print the parameter names of SCENARIO, one a line (for shell completion)."},
    {"pipescope run SCENARIO",
     "Run SCENARIO without a window: print the children's console lines as they happen and a "
     "summary line, and write the files asked for with --events and --trace."},
    {"pipescope trace [--events FILE] [--trace FILE] [--quiet] [--internal] -- PROGRAM [ARGS]",
     "Run PROGRAM (python3 script.py, a venv's python, a script with a shebang) and record every "
     "message of every Python process it starts, however deep: lanes named as multiprocessing "
     "names the processes, values as Python prints them. PROGRAM's input and output are its own; "
     "PipeScope's summary and warnings go to standard error. The exit status is PROGRAM's (128+N "
     "for a signal N), 127 when it is not found, 126 when it cannot be run. --internal keeps "
     "multiprocessing's own traffic (authentication, Pool's change notifier)."},
    {"pipescope check EVENTS.jsonl",
     "Read a saved run (an events file) and print its findings, one line each, severity first: "
     "deadlocks, crashes, calls that failed, messages never received, senders blocked by a full "
     "pipe, busy polling, large messages, shared Pipe ends, latency outliers. Exit 0 when none "
     "is above info, 1 otherwise (or when the file cannot be read): a CI job's check."},
    {"pipescope --help", "Print this help (also: -h, help)."},
    {"pipescope --help-man", "Print this help as the man page pipescope(1), in roff."},
    {"pipescope --version", "Print the version: pipescope VERSION."},
};

constexpr HelpItem kHelpOptions[] = {
    {"--seed N", "Seed the scenario's random choices with N, a non-negative integer, to replay a "
                 "run. Without it a seed is drawn and printed."},
    {"--time-scale X",
     "Multiply the scenario's sleeps by X (0: no sleeping). The tutorial scenarios default to 1, "
     "their real seconds; the others to their own value, shown by list."},
    {"--param NAME=VALUE", "Set the scenario parameter NAME (see list) to the number VALUE, within "
                           "its range. Repeatable, each NAME once."},
    {"--events FILE", "(run, trace) Write every event as JSON Lines to FILE."},
    {"--trace FILE", "(run, trace) Write a Chrome trace to FILE, for Perfetto (ui.perfetto.dev) or "
                     "chrome://tracing."},
    {"--findings FILE", "(run, trace, check) Write the run's findings as JSON to FILE: an array of "
                        "objects with severity, kind, title, explanation, processes, channels and "
                        "events (t_ns, process, kind; channel and seq for a message)."},
    {"--quiet", "(run) Do not print the children's console lines, only the summary."},
    {"--screenshot FILE.png",
     "(--run, --watch) Save a PNG of the window to FILE.png once the run has ended, then exit."},
};

constexpr const char* kHelpNotes =
    "Options take their value as the next argument or after '=' (--seed=7); a value that starts "
    "with -- only after '=' (--events=./--odd). An option given twice is an error. FILE - is "
    "standard output; the console lines and the summary then go to standard error. A device or "
    "FIFO is written in place, a regular file replaced once complete. The window also takes "
    "Qt's own options (-platform, -style, ...).";

constexpr HelpItem kHelpExitCodes[] = {
    {"0", "Success."},
    {"1", "A child failed, crashed or deadlocked, or a file or standard output could not be "
          "written (an output that cannot be opened fails before the run starts)."},
    {"2", "A bad command line: an unknown command, scenario, option or parameter, a value out of "
          "range, an option given twice."},
    {"129, 130, 143", "Interrupted by SIGHUP, SIGINT or SIGTERM: the children are stopped and "
                      "the files hold what was recorded, marked as interrupted."},
};

constexpr HelpItem kHelpEnvironment[] = {
    {"PIPESCOPE_WORKER",
     "The pipescope-worker executable to start for the children. By default the one next to "
     "pipescope, else the installed one in " PIPESCOPE_WORKER_RELATIVE_DIR
     " relative to pipescope's directory."},
    {"PIPESCOPE_PYHOOK",
     "trace: the directory of PipeScope's Python hook (sitecustomize.py). By default the "
     "installed one, share/pipescope/pyhook next to pipescope's bin/."},
    {"PIPESCOPE_TRACE_RING",
     "trace: the hook's native record writer (_pipescope_ring.abi3.so, Python 3.11 and later) "
     "given to every traced Python process. By default the one in " PIPESCOPE_WORKER_RELATIVE_DIR
     "; set but empty, the hook writes its records in Python (slower)."},
    {"QT_QPA_PLATFORM", "Qt's platform plugin for the window: offscreen needs no display."},
};

// `text` wrapped to 80 columns, every line indented by `indent` spaces.
QString wrapped(const QString& text, int indent)
{
    constexpr int kWidth = 80;
    QString out;
    QString line;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && indent + line.size() + 1 + word.size() > kWidth) {
            out += QString(indent, QLatin1Char(' ')) + line + QLatin1Char('\n');
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty())
        out += QString(indent, QLatin1Char(' ')) + line + QLatin1Char('\n');
    return out;
}

QString helpItemText(const HelpItem& item)
{
    return QStringLiteral("  ") + QLatin1String(item.term) + QLatin1Char('\n') +
           wrapped(QLatin1String(item.text), 6);
}

// Text for roff: backslashes and hyphens escaped, no line that starts with a control character.
QString roff(QString text)
{
    text.replace(QLatin1Char('\\'), QLatin1String("\\e"));
    text.replace(QLatin1Char('-'), QLatin1String("\\-"));
    if (text.startsWith(QLatin1Char('.')) || text.startsWith(QLatin1Char('\'')))
        text.prepend(QLatin1String("\\&"));
    return text;
}

} // namespace

bool CommandLine::isCommand(const QStringList& arguments)
{
    return !arguments.isEmpty() && (arguments.first() == QLatin1String("list") ||
                                    arguments.first() == QLatin1String("run") ||
                                    arguments.first() == QLatin1String("trace") ||
                                    arguments.first() == QLatin1String("check") ||
                                    arguments.first() == QLatin1String("help") ||
                                    arguments.first() == QLatin1String("--help") ||
                                    arguments.first() == QLatin1String("-h") ||
                                    arguments.first() == QLatin1String("--help-man") ||
                                    arguments.first() == QLatin1String("--version"));
}

QString CommandLine::usage()
{
    return QStringLiteral("usage: pipescope\n"
                          "       pipescope --run SCENARIO [RUN OPTIONS] [--screenshot FILE.png]\n"
                          "       pipescope --watch [--screenshot FILE.png] -- PROGRAM [ARGS]...\n"
                          "       pipescope EVENTS.jsonl [--screenshot FILE.png]\n"
                          "       pipescope list [--names | --params SCENARIO]\n"
                          "       pipescope run SCENARIO [RUN OPTIONS] [--events FILE] [--trace "
                          "FILE] [--findings FILE]"
                          " [--quiet]\n"
                          "       pipescope trace [--events FILE] [--trace FILE] [--findings FILE] "
                          "[--quiet] [--internal]"
                          " -- PROGRAM [ARGS]...\n"
                          "       pipescope check EVENTS.jsonl [--findings FILE]\n"
                          "       pipescope --help | --help-man | --version\n"
                          "RUN OPTIONS: [--seed N] [--time-scale X] [--param NAME=VALUE]...\n");
}

QString CommandLine::help()
{
    QString text = usage();
    auto section = [&](const char* title, const auto& items) {
        text += QLatin1Char('\n') + QLatin1String(title) + QStringLiteral(":\n");
        for (const HelpItem& item : items)
            text += helpItemText(item);
    };
    section("Commands", kHelpCommands);
    section("Options", kHelpOptions);
    text += QLatin1Char('\n') + wrapped(QLatin1String(kHelpNotes), 0);
    section("Exit codes of run and --run --screenshot", kHelpExitCodes);
    section("Environment", kHelpEnvironment);
    return text;
}

QString CommandLine::manPage()
{
    QString page = QStringLiteral(".TH PIPESCOPE 1 \"\" \"pipescope %1\" \"User Commands\"\n")
                       .arg(roff(version()));
    page += QStringLiteral(".SH NAME\npipescope \\- %1\n").arg(roff(QLatin1String(kHelpName)));
    page += QStringLiteral(".SH SYNOPSIS\n.nf\n");
    for (QString line : usage().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.startsWith(QLatin1String("usage: ")))
            line = line.mid(7);
        page += roff(line.trimmed()) + QLatin1Char('\n');
    }
    page += QStringLiteral(".fi\n.SH DESCRIPTION\n") + roff(QLatin1String(kHelpDescription)) +
            QLatin1Char('\n');
    auto section = [&](const char* title, const auto& items) {
        page += QStringLiteral(".SH %1\n").arg(QLatin1String(title));
        for (const HelpItem& item : items)
            page += QStringLiteral(".TP\n.B %1\n%2\n")
                        .arg(roff(QLatin1String(item.term)), roff(QLatin1String(item.text)));
    };
    section("COMMANDS", kHelpCommands);
    section("OPTIONS", kHelpOptions);
    page += QStringLiteral(".PP\n") + roff(QLatin1String(kHelpNotes)) + QLatin1Char('\n');
    section("EXIT STATUS", kHelpExitCodes);
    section("ENVIRONMENT", kHelpEnvironment);
    page += QStringLiteral(".SH SEE ALSO\nThe README of PipeScope, %1\n").arg(roff(homepage()));
    return page;
}

int CommandLine::run(const QStringList& arguments)
{
    // A closed pipe on stdout is a write error (EPIPE) that is reported, not a silent death.
    std::signal(SIGPIPE, SIG_IGN);
    const QString& command = arguments.first();
    if (command == QLatin1String("list"))
        return finishStandardOutput(list(arguments.mid(1)));
    if (command == QLatin1String("run"))
        return finishStandardOutput(runScenario(arguments.mid(1)));
    if (command == QLatin1String("trace"))
        return TraceCommand::run(arguments.mid(1));
    if (command == QLatin1String("check"))
        return CheckCommand::run(arguments.mid(1));
    if (arguments.size() > 1)
        return usageError(QStringLiteral("%1 takes no arguments").arg(command));
    if (command == QLatin1String("--version"))
        std::printf("pipescope %s\n", qPrintable(version()));
    else
        printStandardOutput(command == QLatin1String("--help-man") ? manPage() : help());
    return finishStandardOutput(kExitOk);
}

int CommandLine::list(const QStringList& arguments)
{
    if (arguments == QStringList{QStringLiteral("--names")}) {
        for (const Scenario& scenario : ScenarioCatalog::all())
            std::printf("%s\n", qPrintable(scenario.name));
        return kExitOk;
    }
    if (arguments.size() == 2 && arguments.first() == QLatin1String("--params")) {
        const Scenario* scenario = ScenarioCatalog::find(arguments[1]);
        if (!scenario)
            return usageError(
                QStringLiteral("unknown scenario '%1' (see 'pipescope list')").arg(arguments[1]));
        for (const ScenarioParameter& parameter : scenario->parameters)
            std::printf("%s\n", qPrintable(parameter.name));
        return kExitOk;
    }
    if (!arguments.isEmpty())
        return usageError(
            QStringLiteral("list takes nothing, --names or --params SCENARIO\n%1").arg(usage()));
    for (const Scenario& scenario : ScenarioCatalog::all()) {
        std::printf("%s\n  %s: %s\n", qPrintable(scenario.name), qPrintable(scenario.title),
                    qPrintable(scenario.description));
        std::printf("  time scale: default %s; seeds: %s\n",
                    qPrintable(reprFloat(scenario.defaultTimeScale)), qPrintable(scenario.seeds));
        if (!scenario.parameters.isEmpty())
            std::printf("  parameters:\n%s", qPrintable(scenario.describeParameters()));
        std::printf("\n");
    }
    return kExitOk;
}

Result<QList<std::pair<QString, QString>>> CommandLine::takeValuedOptions(QStringList& arguments,
                                                                          const QStringList& names)
{
    QList<std::pair<QString, QString>> taken;
    QStringList rest;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& argument = arguments[i];
        const qsizetype equals = argument.startsWith(QLatin1String("--"))
                                     ? argument.indexOf(QLatin1Char('='))
                                     : qsizetype(-1);
        const QString name = equals < 0 ? argument : argument.left(equals);
        if (!names.contains(name)) {
            rest.append(argument);
            continue;
        }
        if (equals >= 0) {
            taken.append({name, argument.mid(equals + 1)});
            continue;
        }
        if (i + 1 >= arguments.size())
            return Error(ErrorKind::InvalidArgument, QStringLiteral("%1 needs a value").arg(name));
        const QString& value = arguments[i + 1];
        if (value.startsWith(QLatin1String("--"))) {
            return Error(
                ErrorKind::InvalidArgument,
                takesFileName(name)
                    ? QStringLiteral("%1 needs a value (for a name that starts with --, "
                                     "write %1=./%2)")
                          .arg(name, value)
                    : QStringLiteral("%1 needs a value, not the option '%2'").arg(name, value));
        }
        taken.append({name, value});
        ++i;
    }
    arguments = rest;
    return taken;
}

Result<RunRequest> CommandLine::takeRunOptions(const QString& scenario, QStringList& arguments)
{
    auto options =
        takeValuedOptions(arguments, {QStringLiteral("--seed"), QStringLiteral("--time-scale"),
                                      QStringLiteral("--param")});
    if (!options)
        return options.error();
    RunRequest request;
    request.scenario = scenario;
    const Scenario* known = ScenarioCatalog::find(scenario);
    static const QRegularExpression plainInteger(QStringLiteral("^[0-9]+$"));
    static const QRegularExpression decimal(
        QStringLiteral("^-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$"));
    auto twice = [](const QString& what) {
        return Error(ErrorKind::InvalidArgument, QStringLiteral("%1 is given twice").arg(what));
    };
    for (const auto& [option, value] : *options) {
        if (option == QLatin1String("--seed")) {
            if (request.seed)
                return twice(option);
            bool ok = plainInteger.match(value).hasMatch();
            const quint64 seed = ok ? value.toULongLong(&ok) : 0;
            if (!ok)
                return Error(ErrorKind::InvalidArgument,
                             plainInteger.match(value).hasMatch()
                                 ? QStringLiteral("--seed '%1' is out of range: at most %2")
                                       .arg(value)
                                       .arg(std::numeric_limits<quint64>::max())
                                 : QStringLiteral("--seed takes a non-negative integer, not '%1'")
                                       .arg(value));
            request.seed = seed;
        } else if (option == QLatin1String("--time-scale")) {
            if (request.timeScale)
                return twice(option);
            if (!decimal.match(value).hasMatch())
                return Error(ErrorKind::InvalidArgument,
                             QStringLiteral("--time-scale takes a number, not '%1'").arg(value));
            // Too large for a double: infinite, which the range check refuses.
            const double number = value.toDouble();
            request.timeScale = std::isfinite(number) ? number : HUGE_VAL;
        } else {
            const qsizetype equals = value.indexOf(QLatin1Char('='));
            if (equals <= 0)
                return Error(
                    ErrorKind::InvalidArgument,
                    QStringLiteral("--param takes NAME=VALUE with a number, not '%1'").arg(value));
            const QString name = value.left(equals);
            if (request.parameters.contains(name))
                return twice(QStringLiteral("--param %1").arg(name));
            const ScenarioParameter* parameter = nullptr;
            if (known) {
                for (const ScenarioParameter& candidate : known->parameters) {
                    if (candidate.name == name)
                        parameter = &candidate;
                }
            }
            // An unknown scenario or parameter is ScenarioCatalog::resolve()'s to report.
            double number = std::numeric_limits<double>::quiet_NaN();
            if (parameter) {
                auto parsed = parameter->parse(value.mid(equals + 1));
                if (!parsed)
                    return parsed.error();
                number = *parsed;
            }
            request.parameters.insert(name, number);
        }
    }
    return request;
}

int CommandLine::runScenario(QStringList arguments)
{
    if (arguments.isEmpty() || arguments.first().startsWith(QLatin1Char('-')))
        return usageError(QStringLiteral("run needs a scenario name (see 'pipescope list')"));
    const QString scenario = arguments.takeFirst();
    auto parsed = takeRunOptions(scenario, arguments);
    if (!parsed)
        return usageError(parsed.error().message());
    const RunRequest& request = *parsed;
    auto files = RunFiles::take(arguments);
    if (!files)
        return usageError(files.error().message());
    bool quiet = false;
    for (const QString& option : std::as_const(arguments)) {
        if (option != QLatin1String("--quiet"))
            return usageError(QStringLiteral("unknown option '%1'\n%2").arg(option, usage()));
        quiet = true;
    }
    auto settings = ScenarioCatalog::resolve(request);
    if (!settings)
        return usageError(settings.error().message());

    // Every output is opened before the run: a path that cannot be written costs no run.
    if (Status opened = files->open(); !opened) {
        if (opened.error().kind() == ErrorKind::InvalidArgument)
            return usageError(opened.error().message());
        std::fprintf(stderr, "pipescope: %s\n", qPrintable(opened.error().message()));
        return kExitFailed;
    }
    std::FILE* console = files->standardOutputTaken() ? stderr : stdout;

    if (settings->seedDrawn && settings->scenario->random)
        std::fprintf(console, "Seed: %llu (replay this run with --seed %llu)\n",
                     static_cast<unsigned long long>(settings->seed),
                     static_cast<unsigned long long>(settings->seed));

    ScenarioRunner runner;
    ConsolePrinter printer(runner.store(), quiet, console);
    QEventLoop loop;
    QTimer pump;
    QObject::connect(&pump, &QTimer::timeout, [&] {
        printer.print(false);
        flushStandardOutput();
    });
    QObject::connect(&runner, &ScenarioRunner::finished, &loop, &QEventLoop::quit);
    if (!catchStopSignals()) {
        std::fprintf(stderr, "pipescope: cannot catch signals: %s\n", std::strerror(errno));
        return kExitFailed;
    }
    int interruptedBy = 0;
    QSocketNotifier stopSignals(stopSignalFd(), QSocketNotifier::Read);
    QObject::connect(&stopSignals, &QSocketNotifier::activated, [&] {
        const int signal = takeStopSignal();
        if (signal != 0 && interruptedBy == 0) {
            interruptedBy = signal;
            runner.markInterrupted(signal);
            runner.stop();
        }
    });
    if (Status started = runner.start(*settings); !started) {
        std::fprintf(stderr, "pipescope: cannot run %s: %s\n", qPrintable(request.scenario),
                     qPrintable(started.error().toString()));
        return kExitFailed;
    }
    pump.start(ConsolePrinter::kReorderWindowMs);
    if (runner.state() != ScenarioRunner::State::Finished)
        loop.exec();
    pump.stop();
    printer.print(true);
    flushStandardOutput();
    if (const int late = takeStopSignal(); late != 0 && interruptedBy == 0) {
        // Arrived as the run ended (a Ctrl-C reaches the children too, which may end first).
        interruptedBy = late;
        runner.markInterrupted(late);
    }

    int exitCode = runner.succeeded() ? kExitOk : kExitFailed;
    for (const QString& problem : runner.problems())
        std::fprintf(stderr, "pipescope: %s\n", qPrintable(problem));
    if (interruptedBy != 0) {
        exitCode = 128 + interruptedBy;
        std::fprintf(stderr, "pipescope: interrupted by %s; the children were stopped\n",
                     qPrintable(signalName(interruptedBy)));
    }
    const TraceStore& store = runner.store();
    const qsizetype messages = static_cast<qsizetype>(store.messages().size());
    std::fprintf(console, "Summary: %s, %lld messages, %lld undelivered, %.3f s%s\n",
                 qPrintable(settings->scenario->name), static_cast<long long>(messages),
                 static_cast<long long>(store.undeliveredCount()),
                 static_cast<double>(runner.elapsedNs()) / 1e9,
                 interruptedBy != 0 ? ", interrupted" : "");
    flushStandardOutput();
    std::fflush(stderr);
    const std::vector<Finding> findings = FindingsAnalyzer::analyze(store, true);
    for (const Finding& finding : findings)
        std::fprintf(console, "%s\n", qPrintable(findingLine(finding)));
    if (!runner.demonstration().isEmpty())
        std::fprintf(console, "%s: the mistake played out as designed (%s)\n",
                     qPrintable(settings->scenario->name),
                     qPrintable(settings->scenario->demonstrates));
    flushStandardOutput();
    if (!files->write(store, findings) && exitCode == kExitOk)
        exitCode = kExitFailed;
    return exitCode;
}

} // namespace pipescope
