#pragma once

// Tests that check PipeScope against what a real CPython writes at test time: the script's output,
// or why there is none (python3 missing: the test skips, unless PIPESCOPE_REQUIRE_PYTHON=1, as CI
// sets it, makes that a failure).

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QStandardPaths>
#include <QString>

namespace pipescope {

struct PythonOutput
{
    QList<QList<QByteArray>> rows; // the script's lines of `fields` tab-separated fields
    QString missing;               // set: python3 is missing and not required (skip)
    QString failed;                // set: a failure (required and missing, or the script failed)
};

// Runs `script` (python3 -c) and keeps the lines of its output that have `fields` fields.
inline PythonOutput runPythonScript(const char* script, qsizetype fields)
{
    PythonOutput output;
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty()) {
        if (qEnvironmentVariableIntValue("PIPESCOPE_REQUIRE_PYTHON") == 1)
            output.failed = QStringLiteral("python3 is missing, and PIPESCOPE_REQUIRE_PYTHON=1 "
                                           "requires it");
        else
            output.missing = QStringLiteral("python3 is missing: nothing from CPython");
        return output;
    }
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(python, {QStringLiteral("-c"), QString::fromUtf8(script)});
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        output.failed =
            QStringLiteral("the CPython script failed (exit code %1)").arg(process.exitCode());
        return output;
    }
    for (const QByteArray& line : process.readAllStandardOutput().split('\n')) {
        QList<QByteArray> row = line.split('\t');
        if (row.size() == fields)
            output.rows.append(std::move(row));
    }
    return output;
}

} // namespace pipescope
