#pragma once

#include "pipe/Connection.h"
#include "run/PyRandom.h"
#include "trace/Tracer.h"

#include <QMap>
#include <QStringList>
#include <memory>
#include <vector>

namespace pipescope {

// What a scenario role in pipescope-worker is given: its pipe ends, its tracer, its random
// generator, the time scale and the scenario's parameters. Parsed from the role's arguments:
//
//   --conn FD:OUT:IN        a pipe end handed down as descriptor FD; what it sends is traced on
//                           channel OUT, what it receives on channel IN ('-' for none); repeated
//   --telemetry-fd FD       the runner's telemetry wake connection (without it, lines go to
//                           stdout)
//   --telemetry-ring-fd FD  the shared memory the telemetry records go into (TelemetryRing)
//   --seed N                random.seed(N) (default 0)
//   --time-scale X          every sleep is multiplied by X (default 1)
//   --param NAME=VALUE      a scenario parameter; repeated
//   --first                 (pingpong) this player starts the game
//   --name NAME             the process's name in the scenario (default: the role)
//   --joins N               (join-before-get) the scenario's process N, whose sentinel is the
//                           last --conn, is the one this process joins
class RoleContext
{
public:
    static Result<std::unique_ptr<RoleContext>> parse(const QString& role, QStringList arguments);
    static QString usage();

    RoleContext(const RoleContext&) = delete;
    RoleContext& operator=(const RoleContext&) = delete;
    ~RoleContext();

    qsizetype connectionCount() const { return static_cast<qsizetype>(m_connections.size()); }
    Connection& connection(qsizetype index)
    {
        return *m_connections.at(static_cast<size_t>(index));
    }
    Tracer& tracer() { return m_tracer; }
    double random() { return m_random.random(); }
    double parameter(const QString& name, double fallback) const;
    bool first() const { return m_first; }
    int joins() const { return m_joins; }
    const QString& name() const { return m_name; }
    double timeScale() const { return m_timeScale; }

    // print(line, flush=True)
    void print(const QString& line) { m_tracer.print(line); }
    // time.sleep(seconds * time scale)
    void sleep(double seconds) { m_tracer.sleep(seconds * m_timeScale); }
    // The role is done: the exited state and event; returns `exitCode` for main().
    int finish(int exitCode = 0);
    // A call failed: the error goes to the trace and, as one line, to stderr; returns 1.
    int fail(const Error& error);

private:
    RoleContext(const QString& role, Connection telemetry, TelemetryRing ring, quint64 seed);

    QString m_role;
    QString m_name;
    Tracer m_tracer;
    PyRandom m_random;
    double m_timeScale = 1.0;
    QMap<QString, double> m_parameters;
    std::vector<std::unique_ptr<Connection>> m_connections;
    bool m_first = false;
    int m_joins = -1;
};

// Runs `body` with the context parsed from `arguments`, or reports a usage error (exit 2).
int runRole(const QString& role, const QStringList& arguments, int (*body)(RoleContext& context));

} // namespace pipescope
