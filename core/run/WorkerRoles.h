#pragma once

#include <QString>
#include <QStringList>

namespace pipescope {

// The roles pipescope-worker can play, by name.
class WorkerRoles
{
public:
    // Runs role `name` with its arguments and returns the process's exit code.
    static int run(const QString& name, const QStringList& arguments);
    // The command-line help listing every role.
    static QString usage();
};

} // namespace pipescope
