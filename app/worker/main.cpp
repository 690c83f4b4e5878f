// pipescope-worker: the child process that plays one role of a scenario over a real pipe.
#include "run/EchoRoles.h"
#include "run/WorkerRoles.h"

#include <QStringList>
#include <cstdio>

int main(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 1; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    if (arguments.isEmpty() || arguments.first() == QLatin1String("--help") ||
        arguments.first() == QLatin1String("-h")) {
        std::fputs(qPrintable(pipescope::WorkerRoles::usage()),
                   arguments.isEmpty() ? stderr : stdout);
        return arguments.isEmpty() ? pipescope::kExitUsage : pipescope::kExitOk;
    }
    const QString role = arguments.takeFirst();
    return pipescope::WorkerRoles::run(role, arguments);
}
