#include "PythonTraceBench.h"

#include "CpythonBench.h"
#include "pytrace/ProgramTracer.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <cstdio>

namespace pipescope::bench {

namespace {

std::optional<double> secondsIn(const QByteArray& output)
{
    const QJsonDocument document = QJsonDocument::fromJson(output.trimmed());
    const QJsonValue seconds = document.object().value(QLatin1String("seconds"));
    return seconds.isDouble() ? std::optional<double>(seconds.toDouble()) : std::nullopt;
}

} // namespace

PythonTraceBench::PythonTraceBench()
{
    m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    m_script = CpythonBench::findScript(QStringLiteral("python_trace_bench.py"));
    m_strace = QStandardPaths::findExecutable(QStringLiteral("strace"));
    if (m_python.isEmpty())
        m_missing = QStringLiteral("python3 not found");
    else if (m_script.isEmpty())
        m_missing = QStringLiteral("python_trace_bench.py not found");
}

std::optional<double> PythonTraceBench::seconds(Mode mode, const QString& test, qint64 count) const
{
    if (!available() || (mode == Mode::Strace && !straceAvailable()))
        return std::nullopt;
    const QStringList arguments = {m_script, test, QString::number(count)};
    std::optional<double> seconds;
    if (mode == Mode::PipeScope) {
        ProgramTracer tracer;
        TraceRequest request;
        request.program = m_python;
        request.arguments = arguments;
        request.output = TraceRequest::Output::Capture;
        QEventLoop loop;
        QObject::connect(&tracer, &ProgramTracer::finished, &loop, &QEventLoop::quit);
        if (!tracer.start(request))
            return std::nullopt;
        loop.exec();
        const TraceStore& store = tracer.store();
        for (const quint32 e : store.runnerEvents()) {
            if (store.kind(e) == EventKind::Stdout)
                seconds = secondsIn(store.text(e));
        }
        if (tracer.exitStatus() != 0 || !tracer.problems().isEmpty())
            seconds.reset();
    } else {
        QProcess process;
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        if (mode == Mode::Strace)
            process.start(m_strace,
                          QStringList{QStringLiteral("-f"), QStringLiteral("-e"),
                                      QStringLiteral("trace=read,write"), QStringLiteral("-o"),
                                      QStringLiteral("/dev/null"), m_python} +
                              arguments);
        else
            process.start(m_python, arguments);
        if (process.waitForFinished(600'000) && process.exitStatus() == QProcess::NormalExit &&
            process.exitCode() == 0)
            seconds = secondsIn(process.readAllStandardOutput());
    }
    if (!seconds)
        std::fprintf(stderr, "pipescope-bench: python_trace_bench.py %s %lld failed (mode %d)\n",
                     qPrintable(test), static_cast<long long>(count), int(mode));
    return seconds;
}

} // namespace pipescope::bench
