#pragma once

#include <QStringList>

namespace pipescope {

// pipescope check EVENTS.jsonl [--findings FILE]: reads a saved run, prints its findings (one
// line each, severity first) and exits 0 when none is above info, 1 otherwise or when the file
// cannot be read, 2 for a bad command line: a CI job's verdict on a recorded run.
class CheckCommand
{
public:
    // `arguments` without "check".
    static int run(QStringList arguments);
};

} // namespace pipescope
