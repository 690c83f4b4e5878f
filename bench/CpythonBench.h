#pragma once

#include "Samples.h"
#include "Transport.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace pipescope::bench {

// The CPython contender: bench/cpython_bench.py run by python3 for each measurement (see the
// script for what it does). Missing when python3 or the script cannot be found or the script
// fails; every measurement is then std::nullopt.
class CpythonBench
{
public:
    CpythonBench();
    // A script of the bench's: next to the bench (where the build copies it), else where it is
    // installed (with pipescope-worker), else in the source tree; empty when none is there.
    static QString findScript(const QString& name);

    bool available() const { return m_missing.isEmpty(); }
    // Why it is missing ("python3 not found", ...).
    const QString& missing() const { return m_missing; }
    QString version() const { return m_version; }
    const QString& script() const { return m_script; }

    std::optional<Samples> roundTrips(qsizetype size, int warmup, int iterations);
    // Over Pipe(), or Pipe(duplex=False) for Transport::Simplex.
    std::optional<double> oneWaySeconds(Transport transport, qsizetype size, qint64 count);
    std::optional<double> objectsSeconds(Transport transport, qint64 count);

private:
    std::optional<QJsonObject> run(const QStringList& arguments);
    // A one-way test's "seconds".
    std::optional<double> seconds(Transport transport, QStringList arguments);

    QString m_python;
    QString m_script;
    QString m_missing;
    QString m_version;
};

} // namespace pipescope::bench
