// pipescope: the window; with a command (list, run, trace, check) the headless CLI; with --run,
// the window running a scenario, with --watch -- PROGRAM..., the window tracing a program, with
// an events file, the window showing that saved run (and with --screenshot, saving a PNG of it
// once the run has ended).
#include "ColorScheme.h"
#include "CurrentRun.h"
#include "MainWindow.h"
#include "Run.h"
#include "run/CommandLine.h"
#include "run/ScenarioCatalog.h"

#include <QApplication>
#include <QFileInfo>
#include <QLabel>
#include <algorithm>
#include <cstdio>

namespace {

int usageError(const QString& message)
{
    std::fprintf(stderr, "pipescope: %s\n%s", qPrintable(message),
                 qPrintable(pipescope::CommandLine::usage()));
    return 2;
}

// Qt's own options (QGuiApplication, QApplication): left to QApplication. Those in the first
// list take a value.
bool isQtOption(const QString& argument, bool& takesValue)
{
    static const char* const valued[] = {
        "-platform",    "-platformpluginpath", "-platformtheme", "-plugin",     "-qwindowgeometry",
        "-qwindowicon", "-qwindowtitle",       "-style",         "-stylesheet", "-session",
        "-display",     "-geometry",           "-title",         "-name",       "-fontengine"};
    static const char* const flags[] = {"-reverse",     "-nograb", "-dograb", "-sync",
                                        "-widgetcount", "-visual", "-cmap"};
    auto among = [&](const auto& list) {
        return std::any_of(std::begin(list), std::end(list),
                           [&](const char* option) { return argument == QLatin1String(option); });
    };
    takesValue = among(valued);
    return takesValue || among(flags) || argument.startsWith(QLatin1String("-qmljsdebugger=")) ||
           argument.startsWith(QLatin1String("-style=")) ||
           argument.startsWith(QLatin1String("-stylesheet="));
}

} // namespace

int main(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    if (pipescope::CommandLine::isCommand(arguments)) {
        QCoreApplication application(argc, argv);
        return pipescope::CommandLine::run(arguments);
    }

    // --watch [--screenshot FILE.png] -- PROGRAM [ARGS]...: what follows "--" is the program's,
    // kept from Qt's option parsing too.
    std::optional<pipescope::TraceRequest> watch;
    int qtArgc = argc;
    if (const qsizetype end = arguments.indexOf(QStringLiteral("--"));
        end >= 0 && arguments.indexOf(QStringLiteral("--watch")) >= 0 &&
        arguments.indexOf(QStringLiteral("--watch")) < end) {
        if (end + 1 >= arguments.size())
            return usageError(QStringLiteral("--watch needs a program after --"));
        watch.emplace();
        watch->program = arguments[end + 1];
        watch->arguments = arguments.mid(end + 2);
        watch->output = pipescope::TraceRequest::Output::Capture;
        arguments = arguments.first(end);
        arguments.removeOne(QStringLiteral("--watch"));
        qtArgc = int(end) + 1;
    } else if (arguments.contains(QStringLiteral("--watch"))) {
        return usageError(QStringLiteral("--watch needs a program: --watch -- PROGRAM [ARGS]..."));
    }

    // Every argument is checked before the application object exists: without a display, that
    // aborts, and a typo deserves a usage message, not SIGABRT.
    QStringList ours;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        bool takesValue = false;
        if (isQtOption(arguments[i], takesValue)) {
            i += takesValue ? 1 : 0;
            continue;
        }
        ours.append(arguments[i]);
    }
    std::optional<pipescope::RunRequest> request;
    QString screenshot;
    auto window = pipescope::CommandLine::takeValuedOptions(
        ours, {QStringLiteral("--run"), QStringLiteral("--screenshot")});
    if (!window)
        return usageError(window.error().message());
    QString scenario;
    for (const auto& [option, value] : *window) {
        QString& target = option == QLatin1String("--run") ? scenario : screenshot;
        if (!target.isNull())
            return usageError(QStringLiteral("%1 is given twice").arg(option));
        if (value.isEmpty())
            return usageError(QStringLiteral("%1 needs a value").arg(option));
        target = value;
    }
    if (watch && !scenario.isNull())
        return usageError(QStringLiteral("--watch and --run cannot go together"));
    // pipescope FILE.jsonl: a saved run, opened in the window. A word that is neither a file
    // nor named like one is a misspelt command.
    QString eventsFile;
    if (scenario.isNull() && !watch && ours.size() == 1 &&
        !ours.first().startsWith(QLatin1Char('-')) &&
        (QFileInfo::exists(ours.first()) || ours.first().endsWith(QLatin1String(".jsonl")))) {
        eventsFile = ours.takeFirst();
        const QFileInfo file(eventsFile);
        if (!file.isFile() || !file.isReadable()) {
            std::fprintf(stderr, "pipescope: cannot open %s: %s\n", qPrintable(eventsFile),
                         file.exists() ? "not a readable file" : "no such file");
            return 1;
        }
    }
    if (scenario.isNull()) {
        if (!screenshot.isNull() && !watch && eventsFile.isNull())
            return usageError(
                QStringLiteral("--screenshot needs --run SCENARIO, --watch or an events file"));
        if (!ours.isEmpty())
            return usageError(QStringLiteral("unknown argument '%1'").arg(ours.first()));
    } else {
        auto parsed = pipescope::CommandLine::takeRunOptions(scenario, ours);
        if (!parsed)
            return usageError(parsed.error().message());
        if (!ours.isEmpty())
            return usageError(QStringLiteral("unknown argument '%1'").arg(ours.first()));
        auto settings = pipescope::ScenarioCatalog::resolve(*parsed);
        if (!settings)
            return usageError(settings.error().message());
        request = *parsed;
    }

    QApplication application(qtArgc, argv);
    QApplication::setOrganizationName(QStringLiteral("PipeScope"));
    QApplication::setApplicationName(QStringLiteral("PipeScope"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.pipescope.PipeScope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/pipescope/pipescope.png")));
    pipescope::ColorScheme::restore(); // View > Colours, as the person left it

    pipescope::MainWindow mainWindow;
    mainWindow.show();
    if (!eventsFile.isNull()) {
        // A file that does not read as a run says why in the window, and on stderr.
        if (!mainWindow.openEvents(eventsFile)) {
            std::fprintf(stderr, "pipescope: %s\n", qPrintable(mainWindow.stateLabel()->text()));
            if (!screenshot.isEmpty())
                return 1;
        }
    } else if (!request && !watch) {
        return QApplication::exec();
    } else if (request ? !mainWindow.startRun(*request) : !mainWindow.startTrace(*watch)) {
        return 1;
    }
    if (screenshot.isEmpty())
        return QApplication::exec();
    int exitCode = 1;
    QObject::connect(&mainWindow, &pipescope::MainWindow::captured, &application, [&](bool saved) {
        const pipescope::Run* run = mainWindow.currentRun()->run();
        exitCode = saved && run && run->succeeded() ? 0 : 1;
        if (!saved)
            std::fprintf(stderr, "pipescope: cannot write %s\n", qPrintable(screenshot));
        else if (run && !run->succeeded() && !eventsFile.isNull())
            std::fprintf(stderr, "pipescope: %s\n", qPrintable(run->stateText()));
        QApplication::quit();
    });
    mainWindow.captureWhenFinished(screenshot);
    QApplication::exec();
    return exitCode;
}
