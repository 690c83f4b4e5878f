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
    QList<QByteArray> lines; // the script's stdout, a line each
    QString missing;         // set: python3 is missing and not required (skip)
    QString failed;          // set: a failure (required and missing, or the script failed)
};

inline PythonOutput runPythonScript(const char* script)
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
    output.lines = process.readAllStandardOutput().split('\n');
    return output;
}

} // namespace pipescope
