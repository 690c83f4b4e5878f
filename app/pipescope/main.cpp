// pipescope: the window; with a command (list, run) the headless CLI; with --run, the window
// running a scenario (and with --screenshot, saving a PNG of it once the run has ended).
#include "ColorScheme.h"
#include "MainWindow.h"
#include "run/CommandLine.h"
#include "run/ScenarioCatalog.h"

#include <QApplication>
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
    if (scenario.isNull()) {
        if (!screenshot.isNull())
            return usageError(QStringLiteral("--screenshot needs --run SCENARIO"));
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

    QApplication application(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PipeScope"));
    QApplication::setApplicationName(QStringLiteral("PipeScope"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.pipescope.PipeScope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/pipescope/pipescope.png")));
    pipescope::ColorScheme::restore(); // View > Colours, as the person left it

    pipescope::MainWindow mainWindow;
    mainWindow.show();
    if (!request)
        return QApplication::exec();
    if (!mainWindow.startRun(*request))
        return 1;
    if (screenshot.isEmpty())
        return QApplication::exec();
    int exitCode = 1;
    QObject::connect(&mainWindow, &pipescope::MainWindow::captured, &application, [&](bool saved) {
        const pipescope::ScenarioRunner* runner = mainWindow.currentRunner();
        exitCode = saved && runner && runner->succeeded() ? 0 : 1;
        if (!saved)
            std::fprintf(stderr, "pipescope: cannot write %s\n", qPrintable(screenshot));
        QApplication::quit();
    });
    mainWindow.captureWhenFinished(screenshot);
    QApplication::exec();
    return exitCode;
}
