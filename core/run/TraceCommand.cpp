#include "run/TraceCommand.h"

#include "findings/FindingsAnalyzer.h"
#include "findings/FindingsJson.h"
#include "pytrace/ProgramTracer.h"
#include "run/CommandLine.h"
#include "run/CommandLineSupport.h"
#include "run/RunFiles.h"

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
        if (RunFiles::takesValue(word) && !arguments.isEmpty())
            options.append(arguments.takeFirst());
    }
    if (arguments.isEmpty())
        return usageError(QStringLiteral("trace needs a program to run: pipescope trace [OPTIONS] "
                                         "-- PROGRAM [ARGS]..."));
    auto files = RunFiles::take(options);
    if (!files)
        return usageError(files.error().message());
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
    request.program = arguments.takeFirst();
    request.arguments = arguments;

    // Every output is opened before the program runs: a path that cannot be written costs no run.
    if (Status opened = files->open(); !opened) {
        if (opened.error().kind() == ErrorKind::InvalidArgument)
            return usageError(opened.error().message());
        std::fprintf(stderr, "pipescope: %s\n", qPrintable(opened.error().message()));
        return kExitFailed;
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
                     tracer.tracedProcessCount(), static_cast<long long>(store.messageCount()),
                     static_cast<long long>(store.undeliveredCount()),
                     double(tracer.elapsedNs()) / 1e9, exitCode,
                     interruptedBy != 0 ? ", interrupted" : "");
    }
    std::fflush(stderr);
    const std::vector<Finding> findings = FindingsAnalyzer::analyze(store, true);
    for (const Finding& finding : findings)
        std::fprintf(stderr, "pipescope: %s\n", qPrintable(findingLine(finding)));
    std::fflush(stderr);
    if (!files->write(store, findings) && exitCode == kExitOk)
        exitCode = kExitFailed;
    return finishStandardOutput(exitCode);
}

} // namespace pipescope
