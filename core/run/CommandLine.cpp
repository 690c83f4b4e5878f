#include "run/CommandLine.h"

#include "run/ConsolePrinter.h"
#include "run/ScenarioCatalog.h"
#include "run/ScenarioRunner.h"
#include "trace/ChromeTraceWriter.h"
#include "trace/EventsJsonWriter.h"
#include "wire/PyRepr.h"

#include <QEventLoop>
#include <QTimer>
#include <cstdio>

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
        "                     [--events FILE] [--trace FILE] [--quiet]\n");
}

int CommandLine::run(const QStringList& arguments)
{
    const QString& command = arguments.first();
    if (command == QLatin1String("list"))
        return arguments.size() == 1 ? list()
                                     : usageError(QStringLiteral("list takes no arguments"));
    if (command == QLatin1String("run"))
        return runScenario(arguments.mid(1));
    std::fputs(qPrintable(usage()), stdout);
    return kExitOk;
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

Result<RunRequest> CommandLine::takeRunOptions(const QString& scenario, QStringList& arguments)
{
    RunRequest request;
    request.scenario = scenario;
    QStringList rest;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString option = arguments[i];
        const bool ours = option == QLatin1String("--seed") ||
                          option == QLatin1String("--time-scale") ||
                          option == QLatin1String("--param");
        if (!ours) {
            rest.append(option);
            continue;
        }
        if (i + 1 >= arguments.size())
            return Error(ErrorKind::InvalidArgument,
                         QStringLiteral("%1 needs a value").arg(option));
        const QString value = arguments[++i];
        bool ok = true;
        if (option == QLatin1String("--seed")) {
            request.seed = value.toULongLong(&ok);
            if (!ok)
                return Error(
                    ErrorKind::InvalidArgument,
                    QStringLiteral("--seed takes a non-negative integer, not '%1'").arg(value));
        } else if (option == QLatin1String("--time-scale")) {
            request.timeScale = value.toDouble(&ok);
            if (!ok)
                return Error(ErrorKind::InvalidArgument,
                             QStringLiteral("--time-scale takes a number, not '%1'").arg(value));
        } else {
            const qsizetype equals = value.indexOf(QLatin1Char('='));
            const double number = value.mid(equals + 1).toDouble(&ok);
            if (equals <= 0 || !ok)
                return Error(
                    ErrorKind::InvalidArgument,
                    QStringLiteral("--param takes NAME=VALUE with a number, not '%1'").arg(value));
            request.parameters.insert(value.left(equals), number);
        }
    }
    arguments = rest;
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
    QString eventsPath;
    QString tracePath;
    bool quiet = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString option = arguments[i];
        if (option == QLatin1String("--quiet")) {
            quiet = true;
            continue;
        }
        if (option != QLatin1String("--events") && option != QLatin1String("--trace"))
            return usageError(QStringLiteral("unknown option '%1'\n%2").arg(option, usage()));
        if (i + 1 >= arguments.size())
            return usageError(QStringLiteral("%1 needs a value").arg(option));
        (option == QLatin1String("--events") ? eventsPath : tracePath) = arguments[++i];
    }
    auto settings = ScenarioRunner::resolve(request);
    if (!settings)
        return usageError(settings.error().message());
    if (settings->seedDrawn && settings->scenario->random)
        std::printf("Seed: %llu (replay this run with --seed %llu)\n",
                    static_cast<unsigned long long>(settings->seed),
                    static_cast<unsigned long long>(settings->seed));

    ScenarioRunner runner;
    ConsolePrinter printer(runner.store(), quiet);
    QEventLoop loop;
    QTimer pump;
    QObject::connect(&pump, &QTimer::timeout, [&] { printer.print(false); });
    QObject::connect(&runner, &ScenarioRunner::finished, &loop, &QEventLoop::quit);
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

    int exitCode = runner.succeeded() ? kExitOk : kExitFailed;
    for (const QString& problem : runner.problems())
        std::fprintf(stderr, "pipescope: %s\n", qPrintable(problem));
    const TraceStore& store = runner.store();
    const qsizetype messages = static_cast<qsizetype>(store.messages().size());
    std::printf("Summary: %s, %lld messages, %lld undelivered, %.3f s\n",
                qPrintable(settings->scenario->name), static_cast<long long>(messages),
                static_cast<long long>(store.undeliveredCount()),
                static_cast<double>(runner.elapsedNs()) / 1e9);
    std::fflush(stdout);
    if (!eventsPath.isEmpty()) {
        if (Status written = EventsJsonWriter::writeFile(store, eventsPath); !written) {
            std::fprintf(stderr, "pipescope: %s\n", qPrintable(written.error().message()));
            exitCode = kExitFailed;
        }
    }
    if (!tracePath.isEmpty()) {
        if (Status written = ChromeTraceWriter::writeFile(store, tracePath); !written) {
            std::fprintf(stderr, "pipescope: %s\n", qPrintable(written.error().message()));
            exitCode = kExitFailed;
        }
    }
    return exitCode;
}

} // namespace pipescope
