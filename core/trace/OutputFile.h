#pragma once

#include "base/Result.h"

#include <QString>
#include <functional>
#include <memory>

class QIODevice;
class QFileDevice;

namespace pipescope {

// Where a writer's output goes, chosen by what is at the path when it is opened:
//   "-"                       standard output;
//   a descriptor's name       (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N, or a link to
//                             one) that descriptor, written where it stands, like the shell's >>;
//   a regular file or nothing the file is replaced all at once (QSaveFile): it appears complete
//                             or not at all;
//   anything else             (a character device, a FIFO) opened and written in place, streamed,
//                             never replaced: /dev/null stays a device and a FIFO's reader reads.
// Every error names the path and says why: "cannot write PATH: REASON".
class OutputFile
{
public:
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    // Opens the output now (a file's temporary beside it, a device itself), so that a path that
    // cannot be written is found before the work that would fill it.
    static Result<std::unique_ptr<OutputFile>> open(const QString& path);
    // open(), `write`, commit().
    static Status save(const QString& path, const std::function<Status(QIODevice&)>& write);

    // Fills the output with `write` and commits it; the output is done with afterwards.
    Status fill(const std::function<Status(QIODevice&)>& write);

    const QString& path() const { return m_path; }
    // Whether this is the process's standard output, where nothing else should be printed then.
    bool isStandardOutput() const { return m_descriptor == 1; }

private:
    explicit OutputFile(QString path);
    Error failure(const QString& reason) const;

    QString m_path;
    int m_descriptor = -1; // the descriptor written to when it is one of the process's own
    std::unique_ptr<QFileDevice> m_device;
    bool m_atomic = false;
};

} // namespace pipescope
