#include "run/EchoRoles.h"

#include "run/WorkerEndpoint.h"

#include <cstdio>

namespace pipescope {

namespace {

int fail(const char* role, const Error& error, int code = kExitFailure)
{
    std::fprintf(stderr, "pipescope-worker %s: %s\n", role, qPrintable(error.toString()));
    return code;
}

Result<Connection> openEndpoint(QStringList& arguments)
{
    auto endpoint = WorkerEndpoint::parse(arguments);
    if (!endpoint)
        return endpoint.error();
    if (!arguments.isEmpty())
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("unexpected argument '%1'").arg(arguments.first()));
    return endpoint->open();
}

int exitCodeFor(const Error& error)
{
    return error.kind() == ErrorKind::InvalidArgument ? kExitUsage : kExitFailure;
}

} // namespace

int runEchoRole(QStringList arguments)
{
    auto connection = openEndpoint(arguments);
    if (!connection)
        return fail("echo", connection.error(), exitCodeFor(connection.error()));
    for (;;) {
        Result<QByteArray> message = connection->recvBytes();
        if (!message) {
            if (message.error().kind() == ErrorKind::Eof)
                return kExitOk;
            return fail("echo", message.error());
        }
        if (message->isEmpty())
            return kExitOk;
        if (Status sent = connection->sendBytes(*message); !sent)
            return fail("echo", sent.error());
    }
}

int runEchoObjectsRole(QStringList arguments)
{
    auto connection = openEndpoint(arguments);
    if (!connection)
        return fail("echo-objects", connection.error(), exitCodeFor(connection.error()));
    for (;;) {
        Result<Value> value = connection->recv();
        if (!value) {
            const ErrorKind kind = value.error().kind();
            // An empty payload also reads as EOFError('Ran out of input'): that one is bad input.
            if (kind == ErrorKind::Eof && value.error().message().isEmpty())
                return kExitOk;
            const bool undecodable = kind == ErrorKind::Unpickling || kind == ErrorKind::Eof;
            return fail("echo-objects", value.error(),
                        undecodable ? kExitUndecodable : kExitFailure);
        }
        if (Status sent = connection->send(*value); !sent)
            return fail("echo-objects", sent.error());
    }
}

} // namespace pipescope
