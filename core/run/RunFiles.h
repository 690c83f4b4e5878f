#pragma once

#include "base/Result.h"
#include "trace/OutputFile.h"

#include <QStringList>
#include <memory>

namespace pipescope {

class TraceStore;

// The --events and --trace files of `pipescope run` and `pipescope trace`: taken from the
// command line, opened before the run (a path that cannot be written costs no run) and written
// after it.
class RunFiles
{
public:
    // Takes --events FILE and --trace FILE (or --events=FILE ...) out of `arguments`. A missing
    // or empty name, an option given twice, or both naming the same file is an InvalidArgument
    // error (a usage error).
    static Result<RunFiles> take(QStringList& arguments);
    // Opens both: an InvalidArgument error when both are standard output, else the path's error.
    Status open();
    // Standard output carries a file: everything else that would go there goes to stderr.
    bool standardOutputTaken() const;
    // Writes both; a line on stderr for each that cannot be written. False when one failed.
    bool write(const TraceStore& store);

private:
    QString m_eventsPath;
    QString m_tracePath;
    std::unique_ptr<OutputFile> m_events;
    std::unique_ptr<OutputFile> m_trace;
};

} // namespace pipescope
