// pipescope: the window; with a command (list, run) the headless CLI; with --run, the window
// running a scenario (and with --screenshot, saving a PNG of it once the run has ended).
#include "MainWindow.h"
#include "run/CommandLine.h"

#include <QApplication>
#include <cstdio>

namespace {

int usageError(const QString& message)
{
    std::fprintf(stderr, "pipescope: %s\n%s", qPrintable(message),
                 qPrintable(pipescope::CommandLine::usage()));
    return 2;
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

    QApplication application(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("PipeScope"));
    QApplication::setApplicationName(QStringLiteral("PipeScope"));
    QApplication::setDesktopFileName(QStringLiteral("pipescope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/pipescope/pipescope.png")));

    std::optional<pipescope::RunRequest> request;
    QString screenshot;
    if (!arguments.isEmpty()) {
        if (arguments.takeFirst() != QLatin1String("--run") || arguments.isEmpty())
            return usageError(QStringLiteral("unknown arguments"));
        const QString scenario = arguments.takeFirst();
        auto parsed = pipescope::CommandLine::takeRunOptions(scenario, arguments);
        if (!parsed)
            return usageError(parsed.error().message());
        if (arguments.size() == 2 && arguments[0] == QLatin1String("--screenshot"))
            screenshot = arguments[1];
        else if (!arguments.isEmpty())
            return usageError(QStringLiteral("unknown option '%1'").arg(arguments.first()));
        auto settings = pipescope::ScenarioRunner::resolve(*parsed);
        if (!settings)
            return usageError(settings.error().message());
        request = *parsed;
    }

    pipescope::MainWindow window;
    window.show();
    if (!request)
        return QApplication::exec();
    if (!window.startRun(*request))
        return 1;
    if (screenshot.isEmpty())
        return QApplication::exec();
    int exitCode = 1;
    QObject::connect(&window, &pipescope::MainWindow::captured, &application, [&](bool saved) {
        const pipescope::ScenarioRunner* runner = window.currentRunner();
        exitCode = saved && runner && runner->succeeded() ? 0 : 1;
        if (!saved)
            std::fprintf(stderr, "pipescope: cannot write %s\n", qPrintable(screenshot));
        QApplication::quit();
    });
    window.captureWhenFinished(screenshot);
    QApplication::exec();
    return exitCode;
}
