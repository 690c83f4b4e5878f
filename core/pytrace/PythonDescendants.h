#pragma once

#include <QHash>
#include <QList>
#include <QStringList>
#include <functional>

namespace pipescope {

// The Python processes a traced program starts, seen from outside: however they were started
// (a shell script, os.system(), a C program), whether or not the hook reached them. A program's
// Python that PipeScope's hook did not reach (-I, -E, -S, a cleared environment, Python older
// than 3.8) is found here and said by ProgramTracer, instead of leaving an empty picture.
//
// scan() walks the program's process tree from its root through the kernel's lists of each
// thread's children (/proc/PID/task/TID/children); processes whose parent has gone before a scan
// reaches them (reparented to init) are not seen, nor are those that lived between two scans.
class PythonDescendants
{
public:
    struct Python
    {
        qint64 pid = 0;
        QStringList argv;
        qint64 seenForNs = 0; // from the first scan that saw it run this to the last
        // Its environment (as it was exec'd) has no PIPESCOPE_TRACE_DIR: the hook cannot run.
        bool lostTraceEnvironment = false;
    };

    // Reads the tree under `root` (the program's own process, included) as it is now.
    void scan(qint64 root);
    // Every Python process seen for which `traced(pid)` is false, by pid.
    QList<Python> untraced(const std::function<bool(qint64)>& traced) const;

    // Whether an executable path is a CPython interpreter's (python, python3, python3.11, ...).
    static bool isPython(const QString& executable);

private:
    struct Seen
    {
        QStringList argv;
        bool python = false;
        qint64 firstNs = 0;
        qint64 lastNs = 0;
        bool lostTraceEnvironment = false;
        quint64 scan = 0; // the last scan that saw it
    };
    void visit(qint64 pid, const QStringList& parentArgv, int depth, qint64 now);

    // Every Python seen (kept to the end, said or not), and what the last scan found besides.
    QHash<qint64, Seen> m_seen;
    quint64 m_scans = 0;
};

} // namespace pipescope
