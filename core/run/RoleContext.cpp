#include "run/RoleContext.h"

#include "run/EchoRoles.h"

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace pipescope {

namespace {

Error usageError(const QString& message)
{
    return Error(ErrorKind::InvalidArgument, message);
}

Result<quint16> channelNumber(const QString& text)
{
    if (text == QLatin1String("-"))
        return kNoChannel;
    bool ok = false;
    const uint value = text.toUInt(&ok);
    if (!ok || value >= kNoChannel)
        return usageError(QStringLiteral("bad channel '%1'").arg(text));
    return static_cast<quint16>(value);
}

// A blocking call on a non-blocking descriptor goes through poll(), which is where the tracer
// sees that the process waits.
void makeNonBlocking(int descriptor)
{
    const int flags = ::fcntl(descriptor, F_GETFL);
    if (flags >= 0)
        ::fcntl(descriptor, F_SETFL, flags | O_NONBLOCK);
}

} // namespace

RoleContext::RoleContext(const QString& role, Connection telemetry, TelemetryRing ring,
                         quint64 seed)
    : m_role(role)
    , m_tracer(std::move(telemetry), std::move(ring))
    , m_random(seed)
{}

RoleContext::~RoleContext()
{
    for (const auto& connection : m_connections)
        m_tracer.detach(*connection);
}

QString RoleContext::usage()
{
    return QStringLiteral("--conn FD:OUT:IN... [--telemetry-fd FD --telemetry-ring-fd FD] [--seed "
                          "N] [--time-scale X] "
                          "[--param NAME=VALUE]... [--first] [--name NAME] [--joins N]");
}

Result<std::unique_ptr<RoleContext>> RoleContext::parse(const QString& role, QStringList arguments)
{
    Connection telemetry;
    TelemetryRing ring;
    quint64 seed = 0;
    double timeScale = 1.0;
    bool first = false;
    int joins = -1;
    QString name = role;
    QMap<QString, double> parameters;
    struct End
    {
        int descriptor;
        quint16 out;
        quint16 in;
    };
    QList<End> ends;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString option = arguments[i];
        if (option == QLatin1String("--first")) {
            first = true;
            continue;
        }
        if (i + 1 >= arguments.size())
            return usageError(option + QStringLiteral(" needs a value"));
        const QString value = arguments[++i];
        bool ok = true;
        if (option == QLatin1String("--conn")) {
            const QStringList parts = value.split(QLatin1Char(':'));
            if (parts.size() != 3)
                return usageError(QStringLiteral("--conn takes FD:OUT:IN, not '%1'").arg(value));
            const int descriptor = parts[0].toInt(&ok);
            const auto out = channelNumber(parts[1]);
            const auto in = channelNumber(parts[2]);
            if (!ok || !out || !in)
                return usageError(QStringLiteral("--conn takes FD:OUT:IN, not '%1'").arg(value));
            ends.append({descriptor, *out, *in});
        } else if (option == QLatin1String("--telemetry-fd")) {
            auto connection = Connection::fromInheritedDescriptor(value.toInt(&ok));
            if (!ok || !connection)
                return usageError(
                    QStringLiteral("--telemetry-fd %1 is not a descriptor").arg(value));
            telemetry = std::move(*connection);
        } else if (option == QLatin1String("--telemetry-ring-fd")) {
            const int descriptor = value.toInt(&ok);
            if (ok) {
                auto attached = TelemetryRing::attach(descriptor);
                if (!attached)
                    return usageError(
                        QStringLiteral("--telemetry-ring-fd: %1").arg(attached.error().message()));
                ::close(descriptor); // mapped: the descriptor is not needed any more
                ring = std::move(*attached);
            }
        } else if (option == QLatin1String("--joins")) {
            joins = value.toInt(&ok);
            ok = ok && joins >= 0;
        } else if (option == QLatin1String("--name")) {
            name = value;
        } else if (option == QLatin1String("--seed")) {
            seed = value.toULongLong(&ok);
        } else if (option == QLatin1String("--time-scale")) {
            timeScale = value.toDouble(&ok);
            ok = ok && timeScale >= 0;
        } else if (option == QLatin1String("--param")) {
            const qsizetype equals = value.indexOf(QLatin1Char('='));
            const double number = value.mid(equals + 1).toDouble(&ok);
            if (equals <= 0)
                ok = false;
            parameters.insert(value.left(equals), number);
        } else {
            return usageError(QStringLiteral("unknown option '%1'").arg(option));
        }
        if (!ok)
            return usageError(QStringLiteral("bad value '%1' for %2").arg(value, option));
    }
    if (ends.isEmpty())
        return usageError(QStringLiteral("%1 needs at least one --conn").arg(role));
    if (telemetry.closed() != !ring.mapped())
        return usageError(QStringLiteral("--telemetry-fd and --telemetry-ring-fd go together"));

    std::unique_ptr<RoleContext> context(
        new RoleContext(role, std::move(telemetry), std::move(ring), seed));
    context->m_timeScale = timeScale;
    context->m_parameters = parameters;
    context->m_first = first;
    context->m_joins = joins;
    context->m_name = name;
    for (const End& end : std::as_const(ends)) {
        auto connection = Connection::fromInheritedDescriptor(end.descriptor);
        if (!connection)
            return connection.error();
        auto owned = std::make_unique<Connection>(std::move(*connection));
        if (context->m_tracer.enabled()) {
            makeNonBlocking(end.descriptor);
            context->m_tracer.attach(*owned, end.out, end.in);
        }
        context->m_connections.push_back(std::move(owned));
    }
    context->m_tracer.setState(ProcessState::Running);
    return context;
}

double RoleContext::parameter(const QString& name, double fallback) const
{
    return m_parameters.value(name, fallback);
}

int RoleContext::finish(int exitCode)
{
    m_tracer.finish(exitCode);
    return exitCode;
}

int RoleContext::fail(const Error& error)
{
    m_tracer.reportError(error);
    std::fprintf(stderr, "pipescope-worker %s: %s\n", qPrintable(m_role),
                 qPrintable(error.toString()));
    std::fflush(stderr);
    return finish(kExitFailure);
}

int runRole(const QString& role, const QStringList& arguments, int (*body)(RoleContext& context))
{
    auto context = RoleContext::parse(role, arguments);
    if (!context) {
        std::fprintf(stderr, "pipescope-worker %s: %s\n", qPrintable(role),
                     qPrintable(context.error().toString()));
        return context.error().kind() == ErrorKind::InvalidArgument ? kExitUsage : kExitFailure;
    }
    return body(**context);
}

} // namespace pipescope
