#include "run/WorkerEndpoint.h"

#include "pipe/Listener.h"

#include <QFile>

namespace pipescope {

namespace {

Error usageError(const QString& message)
{
    return Error(ErrorKind::InvalidArgument, message);
}

} // namespace

QString WorkerEndpoint::usage()
{
    return QStringLiteral("(--fd N | --connect ADDRESS) [--authkey-file FILE]");
}

Result<WorkerEndpoint> WorkerEndpoint::parse(QStringList& arguments)
{
    WorkerEndpoint endpoint;
    QStringList rest;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& option = arguments[i];
        const bool known = option == QLatin1String("--fd") ||
                           option == QLatin1String("--connect") ||
                           option == QLatin1String("--authkey-file");
        if (!known) {
            rest.append(option);
            continue;
        }
        if (i + 1 >= arguments.size())
            return usageError(option + QStringLiteral(" needs a value"));
        const QString& value = arguments[++i];
        if (option == QLatin1String("--fd")) {
            bool ok = false;
            endpoint.m_descriptor = value.toInt(&ok);
            if (!ok || endpoint.m_descriptor < 0)
                return usageError(
                    QStringLiteral("--fd needs a descriptor number, not '%1'").arg(value));
        } else if (option == QLatin1String("--connect")) {
            endpoint.m_address = value;
        } else {
            endpoint.m_authkeyFile = value;
        }
    }
    if ((endpoint.m_descriptor >= 0) == !endpoint.m_address.isEmpty())
        return usageError(QStringLiteral("give exactly one of --fd N and --connect ADDRESS"));
    arguments = rest;
    return endpoint;
}

Result<Connection> WorkerEndpoint::open() const
{
    std::optional<QByteArray> authkey;
    if (!m_authkeyFile.isEmpty()) {
        QFile file(m_authkeyFile);
        if (!file.open(QIODevice::ReadOnly))
            return Error(ErrorKind::System, QStringLiteral("cannot read authkey file %1: %2")
                                                .arg(m_authkeyFile, file.errorString()));
        authkey = file.readAll();
    }
    if (m_descriptor >= 0) {
        if (authkey)
            return usageError(QStringLiteral("--authkey-file goes with --connect"));
        return Connection::fromInheritedDescriptor(m_descriptor);
    }
    return connectClient(m_address, authkey);
}

} // namespace pipescope
