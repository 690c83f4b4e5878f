#include "run/CommandLine.h"

#include "run/ConsolePrinter.h"
#include "run/ScenarioCatalog.h"
#include "run/ScenarioRunner.h"
#include "trace/ChromeTraceWriter.h"
#include "trace/EventsJsonWriter.h"
#include "trace/OutputFile.h"
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

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int usageError(const QString& message)
{
    std::fprintf(stderr, "pipescope: %s\n", qPrintable(message));
    return kExitUsage;
}

// Standard output's first failure (errno), seen by every flush: a failed write exits 1.
int g_stdoutError = 0;

void flushStandardOutput()
{
    if (std::fflush(stdout) != 0 && g_stdoutError == 0)
        g_stdoutError = errno != 0 ? errno : EIO;
}

// The exit code once nothing more will be printed: a failed write to stdout is a failure.
int finishStandardOutput(int exitCode)
{
    flushStandardOutput();
    if (g_stdoutError == 0 && std::ferror(stdout))
        g_stdoutError = EIO;
    if (g_stdoutError == 0)
        return exitCode;
    std::fprintf(stderr, "pipescope: cannot write to standard output: %s\n",
                 std::strerror(g_stdoutError));
    return exitCode == kExitOk ? kExitFailed : exitCode;
}

// Options whose value is a file name: a name that starts with "--" goes after '='.
bool takesFileName(const QString& option)
{
    return option == QLatin1String("--events") || option == QLatin1String("--trace") ||
           option == QLatin1String("--screenshot");
}

// SIGINT, SIGTERM and SIGHUP become a byte on this pipe, read by the event loop.
int g_signalPipe[2] = {-1, -1};

extern "C" void onStopSignal(int signal)
{
    const int saved = errno;
    const char byte = static_cast<char>(signal);
    (void)!::write(g_signalPipe[1], &byte, 1);
    errno = saved;
}

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

bool catchStopSignals()
{
    if (g_signalPipe[0] < 0 && ::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    struct sigaction action = {};
    action.sa_handler = onStopSignal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (const int signal : kStopSignals) {
        // A signal ignored from the start stays ignored: nohup's SIGHUP, a background job's SIGINT.
        struct sigaction current = {};
        if (::sigaction(signal, nullptr, &current) != 0)
            return false;
        if (current.sa_handler == SIG_IGN)
            continue;
        if (::sigaction(signal, &action, nullptr) != 0)
            return false;
    }
    return true;
}

// The signal that arrived (the first one), or 0.
int takeStopSignal()
{
    int first = 0;
    char byte = 0;
    while (::read(g_signalPipe[0], &byte, 1) == 1) {
        if (first == 0)
            first = byte;
    }
    return first;
}

// Where a path leads, for telling whether two outputs are one file.
QString canonicalOutput(const QString& path)
{
    if (path == QLatin1String("-"))
        return QStringLiteral("/dev/stdout");
    const QFileInfo info(path);
    if (info.exists())
        return info.canonicalFilePath();
    const QString directory = QFileInfo(info.absolutePath()).canonicalFilePath();
    return (directory.isEmpty() ? info.absolutePath() : directory) + QLatin1Char('/') +
           info.fileName();
}

} // namespace

bool CommandLine::isCommand(const QStringList& arguments)
{
    return !arguments.isEmpty() && (arguments.first() == QLatin1String("list") ||
                                    arguments.first() == QLatin1String("run") ||
                                    arguments.first() == QLatin1String("help") ||
                                    arguments.first() == QLatin1String("--help") ||
                                    arguments.first() == QLatin1String("-h"));
}

QString CommandLine::usage()
{
    return QStringLiteral(
        "usage: pipescope                      open the window\n"
        "       pipescope --run SCENARIO [--seed N] [--time-scale X] [--param NAME=VALUE]...\n"
        "                     [--screenshot FILE.png]\n"
        "                                      open the window and run SCENARIO; with\n"
        "                                      --screenshot, save the window once it has ended\n"
        "       pipescope list                 the scenarios and their parameters\n"
        "       pipescope run SCENARIO [--seed N] [--time-scale X] [--param NAME=VALUE]...\n"
        "                     [--events FILE] [--trace FILE] [--quiet]\n"
        "Options take their value as the next argument or after '=' (--seed=7); a value that\n"
        "starts with -- only after '=' (--events=./--odd). FILE - is standard output; the\n"
        "console lines and the summary then go to standard error. A device or FIFO is written\n"
        "in place, a regular file replaced once complete.\n"
        "Exit codes of run: 0 success; 1 a child failed or a file could not be written;\n"
        "2 a bad command line; 129, 130, 143 interrupted by SIGHUP, SIGINT, SIGTERM (the files\n"
        "hold what was recorded, marked as interrupted).\n");
}

int CommandLine::run(const QStringList& arguments)
{
    // A closed pipe on stdout is a write error (EPIPE) that is reported, not a silent death.
    std::signal(SIGPIPE, SIG_IGN);
    const QString& command = arguments.first();
    if (command == QLatin1String("list"))
        return finishStandardOutput(
            arguments.size() == 1 ? list() : usageError(QStringLiteral("list takes no arguments")));
    if (command == QLatin1String("run"))
        return finishStandardOutput(runScenario(arguments.mid(1)));
    std::fputs(qPrintable(usage()), stdout);
    return finishStandardOutput(kExitOk);
}

int CommandLine::list()
{
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
    auto files =
        takeValuedOptions(arguments, {QStringLiteral("--events"), QStringLiteral("--trace")});
    if (!files)
        return usageError(files.error().message());
    QString eventsPath;
    QString tracePath;
    for (const auto& [option, value] : *files) {
        QString& path = option == QLatin1String("--events") ? eventsPath : tracePath;
        if (!path.isNull())
            return usageError(QStringLiteral("%1 is given twice").arg(option));
        if (value.isEmpty())
            return usageError(QStringLiteral("%1 needs a file name").arg(option));
        path = value;
    }
    bool quiet = false;
    for (const QString& option : std::as_const(arguments)) {
        if (option != QLatin1String("--quiet"))
            return usageError(QStringLiteral("unknown option '%1'\n%2").arg(option, usage()));
        quiet = true;
    }
    if (!eventsPath.isNull() && !tracePath.isNull() &&
        canonicalOutput(eventsPath) == canonicalOutput(tracePath))
        return usageError(QStringLiteral("--events and --trace name the same file (%1)")
                              .arg(canonicalOutput(eventsPath)));
    auto settings = ScenarioCatalog::resolve(request);
    if (!settings)
        return usageError(settings.error().message());

    // Every output is opened before the run: a path that cannot be written costs no run.
    std::unique_ptr<OutputFile> events;
    std::unique_ptr<OutputFile> trace;
    for (auto [path, output] : {std::pair{&eventsPath, &events}, std::pair{&tracePath, &trace}}) {
        if (path->isNull())
            continue;
        auto opened = OutputFile::open(*path);
        if (!opened) {
            std::fprintf(stderr, "pipescope: %s\n", qPrintable(opened.error().message()));
            return kExitFailed;
        }
        *output = std::move(*opened);
    }
    if (events && trace && events->isStandardOutput() && trace->isStandardOutput())
        return usageError(QStringLiteral("--events and --trace name the same file (stdout)"));
    // Standard output carries a file: everything else that would go there goes to stderr.
    std::FILE* console =
        (events && events->isStandardOutput()) || (trace && trace->isStandardOutput()) ? stderr
                                                                                       : stdout;

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
    QSocketNotifier stopSignals(g_signalPipe[0], QSocketNotifier::Read);
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
    auto fail = [&](const Status& written) {
        std::fprintf(stderr, "pipescope: %s\n", qPrintable(written.error().message()));
        if (exitCode == kExitOk)
            exitCode = kExitFailed;
    };
    if (events) {
        if (Status written = events->fill(
                [&](QIODevice& device) { return EventsJsonWriter::write(store, device); });
            !written)
            fail(written);
    }
    if (trace) {
        if (Status written = trace->fill(
                [&](QIODevice& device) { return ChromeTraceWriter::write(store, device); });
            !written)
            fail(written);
    }
    return exitCode;
}

} // namespace pipescope
