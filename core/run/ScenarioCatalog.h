#pragma once

#include "run/RunRequest.h"

namespace pipescope {

// Every scenario PipeScope can run, in the order the gallery and `pipescope list` show them.
class ScenarioCatalog
{
public:
    static const QList<Scenario>& all();
    static const Scenario* find(const QString& name);
    // Checks a request against the catalog (the CLI, the window and `pipescope --run` all come
    // here): an unknown scenario, parameter or an out-of-range value is an InvalidArgument error
    // that says what is allowed.
    static Result<RunSettings> resolve(const RunRequest& request);
};

} // namespace pipescope
