#pragma once

#include <QtGlobal>
#include <cstdio>
#include <vector>

namespace pipescope {

class TraceStore;

// Prints the lines a run's children print (stdout to stdout, stderr to stderr with the child's
// name), merged in time order across processes: a line is held until it is older than a short
// reorder window, so that lines from different children that arrive out of order still come out
// in the order they were printed. Children's stdout lines go to `out` (stdout unless that carries
// a file); the caller flushes it, and so sees a failed write.
class ConsolePrinter
{
public:
    static constexpr int kReorderWindowMs = 100;

    ConsolePrinter(const TraceStore& store, bool quiet, std::FILE* out = stdout);

    // Prints what is old enough; with `everything`, all that is left.
    void print(bool everything);

private:
    const TraceStore& m_store;
    bool m_quiet;
    std::FILE* m_out;
    std::vector<size_t> m_cursors; // per process: events already looked at
    std::vector<quint32> m_pending;
};

} // namespace pipescope
