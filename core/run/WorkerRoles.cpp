#include "run/WorkerRoles.h"

#include "run/EchoRoles.h"
#include "run/WorkerEndpoint.h"

#include <array>
#include <cstdio>

namespace pipescope {

namespace {

struct Role
{
    const char* name;
    int (*run)(QStringList arguments);
    const char* summary;
};

constexpr std::array kRoles = {
    Role{"echo", runEchoRole, "send every message back (send_bytes) until an empty one"},
    Role{"echo-objects", runEchoObjectsRole,
         "send every object back (recv/send through the pickle codec) until the peer closes"},
};

} // namespace

int WorkerRoles::run(const QString& name, const QStringList& arguments)
{
    for (const Role& role : kRoles) {
        if (name == QLatin1String(role.name))
            return role.run(arguments);
    }
    std::fprintf(stderr, "pipescope-worker: unknown role '%s'\n%s", qPrintable(name),
                 qPrintable(usage()));
    return kExitUsage;
}

QString WorkerRoles::usage()
{
    QString text =
        QStringLiteral("usage: pipescope-worker ROLE %1\nroles:\n").arg(WorkerEndpoint::usage());
    for (const Role& role : kRoles)
        text += QStringLiteral("  %1  %2\n")
                    .arg(QLatin1String(role.name), -14)
                    .arg(QLatin1String(role.summary));
    return text;
}

} // namespace pipescope
