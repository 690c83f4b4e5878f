#pragma once

// Starts pipescope-worker in tests, handing it descriptors the way the runner does.
#include "run/DescriptorHandover.h"

#include <QProcess>
#include <QTest>
#include <memory>

namespace pipescope::testing {

inline QString workerPath()
{
    return QStringLiteral(PIPESCOPE_WORKER_PATH);
}

// Starts `pipescope-worker ROLE ARGS...` with `descriptors` handed down as 3, 4, ...
inline std::unique_ptr<QProcess> startWorker(const QStringList& arguments,
                                             const QList<int>& descriptors = {})
{
    auto process = std::make_unique<QProcess>();
    if (!DescriptorHandover::apply(*process, descriptors))
        qFatal("too many descriptors");
    process->start(workerPath(), arguments);
    if (!process->waitForStarted(10000))
        qFatal("cannot start %s", qPrintable(workerPath()));
    return process;
}

// Waits (generously: the machines are shared) for the process to end.
inline bool finishes(QProcess& process)
{
    return process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit;
}

} // namespace pipescope::testing
