#include "CpythonBench.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <cstdio>

namespace pipescope::bench {

CpythonBench::CpythonBench()
{
    m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    m_script = findScript(QStringLiteral("cpython_bench.py"));
    if (m_python.isEmpty())
        m_missing = QStringLiteral("python3 not found");
    else if (m_script.isEmpty())
        m_missing = QStringLiteral("cpython_bench.py not found");
}

QString CpythonBench::findScript(const QString& name)
{
    const QString directory = QCoreApplication::applicationDirPath();
    const QStringList candidates = {
        directory + QLatin1Char('/') + name,
        directory + QStringLiteral("/" PIPESCOPE_WORKER_RELATIVE_DIR "/") + name,
        QStringLiteral(PIPESCOPE_BENCH_SOURCE_DIR "/") + name};
    for (const QString& candidate : candidates) {
        if (QFileInfo::exists(candidate))
            return candidate;
    }
    return {};
}

std::optional<QJsonObject> CpythonBench::run(const QStringList& arguments)
{
    if (!available())
        return std::nullopt;
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(m_python, QStringList{m_script} + arguments);
    const bool finished = process.waitForFinished(600'000);
    if (!finished || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QString how = !finished ? process.errorString()
                            : process.exitStatus() != QProcess::NormalExit
                                ? QStringLiteral("it crashed")
                                : QStringLiteral("exit status %1").arg(process.exitCode());
        m_missing = QStringLiteral("cpython_bench.py %1 failed: %2")
                        .arg(arguments.join(QLatin1Char(' ')), how);
        process.kill();
        process.waitForFinished();
        std::fprintf(stderr, "pipescope-bench: %s; CPython is reported as missing\n",
                     qPrintable(m_missing));
        return std::nullopt;
    }
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(process.readAllStandardOutput(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        m_missing = QStringLiteral("cpython_bench.py printed no JSON object");
        return std::nullopt;
    }
    m_version = document.object().value(QStringLiteral("python")).toString();
    return document.object();
}

std::optional<Samples> CpythonBench::roundTrips(qsizetype size, int warmup, int iterations)
{
    const auto result = run({QStringLiteral("rtt"), QString::number(size), QString::number(warmup),
                             QString::number(iterations)});
    if (!result)
        return std::nullopt;
    Samples samples;
    const QJsonArray values = result->value(QStringLiteral("samples_ns")).toArray();
    for (const QJsonValue& value : values)
        samples.add(value.toDouble());
    return samples;
}

std::optional<double> CpythonBench::oneWaySeconds(Transport transport, qsizetype size, qint64 count)
{
    return seconds(transport,
                   {QStringLiteral("throughput"), QString::number(size), QString::number(count)});
}

std::optional<double> CpythonBench::objectsSeconds(Transport transport, qint64 count)
{
    return seconds(transport, {QStringLiteral("objects"), QString::number(count)});
}

std::optional<double> CpythonBench::seconds(Transport transport, QStringList arguments)
{
    if (transport == Transport::Simplex)
        arguments.append(QStringLiteral("simplex"));
    const auto result = run(arguments);
    if (!result)
        return std::nullopt;
    return result->value(QStringLiteral("seconds")).toDouble();
}

} // namespace pipescope::bench
