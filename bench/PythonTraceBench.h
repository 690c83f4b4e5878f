#pragma once

#include <QString>
#include <optional>

namespace pipescope::bench {

// What tracing costs a real Python program (python_trace_bench.py): its loop time untraced, traced
// by PipeScope (ProgramTracer: the hook in every process and the collector in this one, as
// `pipescope trace` runs them) and under strace, when strace is installed.
class PythonTraceBench
{
public:
    enum class Mode
    {
        Untraced,
        PipeScope,
        Strace,
    };

    PythonTraceBench();
    bool available() const { return m_missing.isEmpty(); }
    const QString& missing() const { return m_missing; }
    bool straceAvailable() const { return !m_strace.isEmpty(); }
    const QString& python() const { return m_python; }
    const QString& script() const { return m_script; }

    // The loop's seconds of `test` ("pingpong", "queue") with `count`, as the program measured
    // them; nullopt when it could not run (said on stderr).
    std::optional<double> seconds(Mode mode, const QString& test, qint64 count) const;

private:
    QString m_python;
    QString m_script;
    QString m_strace;
    QString m_missing;
};

} // namespace pipescope::bench
