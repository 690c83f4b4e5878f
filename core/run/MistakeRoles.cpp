#include "run/MistakeRoles.h"

#include "run/RoleContext.h"
#include "run/TutorialRoles.h"

#include <cerrno>
#include <poll.h>

namespace pipescope {

namespace {

// recv() until None, printing each item as `label` got it; the items are counted.
Status receiveUntilNone(RoleContext& context, const QString& label, qint64& received)
{
    for (;;) {
        Result<Value> item = context.connection(0).recv();
        if (!item)
            return item.error();
        if (item->isNone())
            return {};
        ++received;
        context.print(QStringLiteral("%1 got %2")
                          .arg(label, item->type() == Value::Type::Bytes
                                          ? QStringLiteral("%1 bytes").arg(item->bytes().size())
                                          : item->repr()));
    }
}

} // namespace

int busyPollerRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    context.print(QStringLiteral("Receiver: Running (while not conn.poll(): pass)"));
    qint64 polls = 0;
    for (;;) {
        for (;;) {
            Result<bool> ready = connection.poll(0);
            if (!ready)
                return context.fail(ready.error());
            ++polls;
            if (*ready)
                break;
        }
        Result<Value> item = connection.recv();
        if (!item)
            return context.fail(item.error());
        context.print(
            QStringLiteral(">receiver got %1 after %2 polls").arg(item->repr()).arg(polls));
        if (item->isNone())
            break;
    }
    context.print(QStringLiteral("Receiver: Done, %1 calls of poll(0)").arg(polls));
    return context.finish();
}

int bigSenderRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    const auto count = static_cast<qint64>(context.parameter(QStringLiteral("count"), 3));
    const auto size = static_cast<qsizetype>(context.parameter(QStringLiteral("size"), 262144));
    context.print(QStringLiteral("Sender: Running"));
    for (qint64 i = 0; i < count; ++i) {
        context.print(QStringLiteral("Sender: sending %1 bytes").arg(size));
        if (Status sent = connection.send(Value::fromBytes(QByteArray(size, char('a' + i % 26))));
            !sent)
            return context.fail(sent.error());
    }
    if (Status sent = connection.send(Value::none()); !sent)
        return context.fail(sent.error());
    context.print(QStringLiteral("Sender: Done"));
    return context.finish();
}

int lateReceiverRole(RoleContext& context)
{
    const double delay = context.parameter(QStringLiteral("delay"), 1.0);
    context.print(QStringLiteral("Receiver: Running, busy with other work first"));
    context.sleep(delay);
    qint64 received = 0;
    if (Status done = receiveUntilNone(context, QStringLiteral(">receiver"), received); !done)
        return context.fail(done.error());
    context.print(QStringLiteral("Receiver: Done, %1 items").arg(received));
    return context.finish();
}

int closingSenderRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    const auto count = static_cast<qint64>(context.parameter(QStringLiteral("count"), 5));
    context.print(QStringLiteral("Sender: Running"));
    if (Status sent = sendRandomValues(context, connection, count, 0.2); !sent)
        return context.fail(sent.error());
    connection.close();
    context.print(QStringLiteral("Sender: Done, closed my end (no None: the receiver reads until "
                                 "EOFError)"));
    return context.finish();
}

int eofReaderRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    // Its last connection is the copy of the write end it inherited and never closes: the
    // mistake.
    context.print(QStringLiteral("Receiver: Running, reading until EOFError"));
    qint64 received = 0;
    for (;;) {
        Result<Value> item = connection.recv();
        if (!item) {
            if (item.error().kind() != ErrorKind::Eof)
                return context.fail(item.error());
            break;
        }
        ++received;
        context.print(QStringLiteral(">receiver got %1").arg(item->repr()));
    }
    context.print(QStringLiteral("Receiver: EOFError after %1 items: Done").arg(received));
    return context.finish();
}

int sharedProducerRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    const auto count = static_cast<qint64>(context.parameter(QStringLiteral("count"), 10));
    const auto readers = static_cast<qint64>(context.parameter(QStringLiteral("readers"), 2));
    context.print(QStringLiteral("Producer: Running"));
    if (Status sent = sendRandomValues(context, connection, count, 0.1); !sent)
        return context.fail(sent.error());
    for (qint64 r = 0; r < readers; ++r) {
        if (Status sent = connection.send(Value::none()); !sent)
            return context.fail(sent.error());
    }
    context.print(QStringLiteral("Producer: Done, then one None per reader"));
    return context.finish();
}

int sharedConsumerRole(RoleContext& context)
{
    // Read as CPython reads, a header and then its payload: the other reader gets the rest.
    context.connection(0).setReadAhead(false);
    context.print(QStringLiteral("%1: Running").arg(context.name()));
    qint64 received = 0;
    if (Status done = receiveUntilNone(context, QLatin1Char('>') + context.name(), received); !done)
        return context.fail(done.error());
    context.print(QStringLiteral("%1: Done, %2 items").arg(context.name()).arg(received));
    return context.finish();
}

int resultWorkerRole(RoleContext& context)
{
    const auto size = static_cast<qsizetype>(context.parameter(QStringLiteral("size"), 1048576));
    context.print(QStringLiteral("worker: sending a result of %1 bytes").arg(size));
    if (Status sent = context.connection(0).send(Value::fromBytes(QByteArray(size, 'r'))); !sent)
        return context.fail(sent.error());
    context.print(QStringLiteral("worker: Done"));
    return context.finish();
}

int joinerRole(RoleContext& context)
{
    if (context.joins() < 0 || context.connectionCount() < 2)
        return context.fail(Error(ErrorKind::InvalidArgument,
                                  QStringLiteral("joiner needs --joins and a sentinel --conn")));
    const Result<int> sentinel = context.connection(context.connectionCount() - 1).fileno();
    if (!sentinel)
        return context.fail(sentinel.error());
    context.print(QStringLiteral("main: joining the worker before receiving its result"));
    // Process.join(): the sentinel reports EOF once the worker has ended.
    context.tracer().setJoining(context.joins());
    pollfd ended{*sentinel, POLLIN, 0};
    while (::poll(&ended, 1, -1) < 0 && errno == EINTR) {
    }
    context.tracer().setState(ProcessState::Running);
    context.print(QStringLiteral("main: the worker has ended"));
    Result<Value> result = context.connection(0).recv();
    if (!result)
        return context.fail(result.error());
    context.print(QStringLiteral("main got a result of %1 bytes").arg(result->bytes().size()));
    return context.finish();
}

} // namespace pipescope
