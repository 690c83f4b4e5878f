#include "run/TraceCommand.h"

#include "pytrace/ProgramTracer.h"
#include "run/CommandLine.h"
#include "run/CommandLineSupport.h"
#include "trace/ChromeTraceWriter.h"
#include "trace/EventsJsonWriter.h"
#include "trace/OutputFile.h"

#include <QEventLoop>
#include <QSocketNotifier>
#include <csignal>
#include <cstdio>
#include <memory>

namespace pipescope {

using namespace cli;

int TraceCommand::run(QStringList arguments)
{
    // Options end at "--" or at the first word that is not one: PROGRAM and its own arguments.
    QStringList options;
    while (!arguments.isEmpty()) {
        const QString word = arguments.takeFirst();
        if (word == QLatin1String("--"))
            break;
        if (!word.startsWith(QLatin1Char('-'))) {
            arguments.prepend(word);
            break;
        }
        options.append(word);
        if ((word == QLatin1String("--events") || word == QLatin1String("--trace")) &&
            !arguments.isEmpty())
            options.append(arguments.takeFirst());
    }
    if (arguments.isEmpty())
        return usageError(QStringLiteral("trace needs a program to run: pipescope trace [OPTIONS] "
                                         "-- PROGRAM [ARGS]..."));
    auto files = CommandLine::takeValuedOptions(
        options, {QStringLiteral("--events"), QStringLiteral("--trace")});
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
    TraceRequest request;
    for (const QString& option : std::as_const(options)) {
        if (option == QLatin1String("--quiet"))
            quiet = true;
        else if (option == QLatin1String("--internal"))
            request.showInternal = true;
        else
            return usageError(
                QStringLiteral("unknown option '%1'\n%2").arg(option, CommandLine::usage()));
    }
    if (!eventsPath.isNull() && !tracePath.isNull() &&
        canonicalOutput(eventsPath) == canonicalOutput(tracePath))
        return usageError(QStringLiteral("--events and --trace name the same file (%1)")
                              .arg(canonicalOutput(eventsPath)));
    request.program = arguments.takeFirst();
    request.arguments = arguments;

    // Every output is opened before the program runs: a path that cannot be written costs no run.
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

    ProgramTracer tracer;
    QEventLoop loop;
    QObject::connect(&tracer, &ProgramTracer::finished, &loop, &QEventLoop::quit);
    if (!catchStopSignals()) {
        std::fprintf(stderr, "pipescope: cannot catch signals\n");
        return kExitFailed;
    }
    int interruptedBy = 0;
    QSocketNotifier stopSignals(stopSignalFd(), QSocketNotifier::Read);
    QObject::connect(&stopSignals, &QSocketNotifier::activated, [&] {
        const int signal = takeStopSignal();
        if (signal == 0)
            return;
        if (interruptedBy == 0) {
            interruptedBy = signal;
            tracer.markInterrupted(signal);
        }
        // Ctrl+C reached the program from the terminal already (one process group).
        if (signal != SIGINT)
            tracer.forward(signal);
    });
    if (Status started = tracer.start(request); !started) {
        std::fprintf(stderr, "pipescope: %s\n", qPrintable(started.error().message()));
        return tracer.exitStatus();
    }
    if (tracer.state() != ProgramTracer::State::Finished)
        loop.exec();

    int exitCode = tracer.exitStatus();
    for (const QString& problem : tracer.problems())
        std::fprintf(stderr, "pipescope: %s\n", qPrintable(problem));
    for (const QString& line : tracer.untraced())
        std::fprintf(stderr, "pipescope: warning: %s\n", qPrintable(line));
    const TraceStore& store = tracer.store();
    if (!quiet) {
        std::fprintf(stderr,
                     "pipescope: traced %d Python processes, %lld messages, %lld undelivered, "
                     "%.3f s; exit status %d%s\n",
                     tracer.tracedProcessCount(), static_cast<long long>(store.messages().size()),
                     static_cast<long long>(store.undeliveredCount()),
                     double(tracer.elapsedNs()) / 1e9, exitCode,
                     interruptedBy != 0 ? ", interrupted" : "");
    }
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
    return finishStandardOutput(exitCode);
}

} // namespace pipescope
