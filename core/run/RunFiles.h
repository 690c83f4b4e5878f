#pragma once

#include "base/Result.h"
#include "findings/Finding.h"
#include "trace/OutputFile.h"

#include <QStringList>
#include <memory>
#include <vector>

namespace pipescope {

class TraceStore;

// The --events, --trace and --findings files of `pipescope run`, `trace` and `check`: taken
// from the command line, opened before the run (a path that cannot be written costs no run) and
// written after it.
class RunFiles
{
public:
    // Takes --events FILE, --trace FILE and --findings FILE (or --events=FILE ...) out of
    // `arguments` (only --findings for `check`: `findingsOnly`). A missing or empty name, an
    // option given twice, or two naming the same file is an InvalidArgument error (a usage
    // error).
    static Result<RunFiles> take(QStringList& arguments, bool findingsOnly = false);
    // Whether `word` is one of those options written without its value ("--events", not
    // "--events=FILE"): the next word is its value.
    static bool takesValue(const QString& word);
    // Opens them: an InvalidArgument error when two are standard output, else the path's error.
    Status open();
    // Standard output carries a file: everything else that would go there goes to stderr.
    bool standardOutputTaken() const;
    // Writes them; a line on stderr for each that cannot be written. False when one failed.
    bool write(const TraceStore& store, const std::vector<Finding>& findings);

private:
    enum File
    {
        Events,
        Trace,
        Findings,
        kFiles
    };
    static constexpr const char* kOptions[kFiles] = {"--events", "--trace", "--findings"};

    QString m_paths[kFiles];
    std::unique_ptr<OutputFile> m_files[kFiles];
};

} // namespace pipescope
