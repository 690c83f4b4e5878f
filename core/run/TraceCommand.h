#pragma once

#include <QStringList>

namespace pipescope {

// pipescope trace [--events FILE] [--trace FILE] [--quiet] [--internal] -- PROGRAM [ARGS]...
// Runs PROGRAM with every Python process it starts traced (ProgramTracer). PROGRAM's stdin,
// stdout and stderr are its own, untouched; PipeScope's lines (the summary, what could not be
// traced, the tracer's own problems) go to stderr. The exit status is PROGRAM's (128+N for a
// signal N), 127 when it is not found, 126 when it cannot be run, 2 for a bad command line, 1
// when a file could not be written after a program that succeeded. A SIGTERM or SIGHUP to
// pipescope is passed on to PROGRAM; a terminal's Ctrl+C reaches PROGRAM by itself, and
// pipescope waits for it to end as it does.
class TraceCommand
{
public:
    // `arguments` without "trace"; inside an existing QCoreApplication.
    static int run(QStringList arguments);
};

} // namespace pipescope
