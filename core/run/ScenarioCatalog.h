#pragma once

#include "run/Scenario.h"

namespace pipescope {

// Every scenario PipeScope can run, in the order the gallery and `pipescope list` show them.
class ScenarioCatalog
{
public:
    static const QList<Scenario>& all();
    static const Scenario* find(const QString& name);
};

} // namespace pipescope
