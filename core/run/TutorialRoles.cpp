#include "run/TutorialRoles.h"

#include "run/RoleContext.h"
#include "wire/PyRepr.h"

namespace pipescope {

Status sendRandomValues(RoleContext& context, Connection& connection, qint64 count,
                        double sleepFactor)
{
    for (qint64 i = 0; i < count; ++i) {
        const double value = context.random();
        context.sleep(value * sleepFactor);
        if (Status sent = connection.send(Value::fromFloat(value)); !sent)
            return sent;
    }
    return {};
}

Status sendRandomValuesThenNone(RoleContext& context, Connection& connection, qint64 count,
                                double sleepFactor)
{
    if (Status sent = sendRandomValues(context, connection, count, sleepFactor); !sent)
        return sent;
    return connection.send(Value::none());
}

int senderRole(RoleContext& context)
{
    context.print(QStringLiteral("Sender: Running"));
    const auto count = static_cast<qint64>(context.parameter(QStringLiteral("count"), 10));
    if (Status sent = sendRandomValuesThenNone(context, context.connection(0), count, 1.0); !sent)
        return context.fail(sent.error());
    context.print(QStringLiteral("Sender: Done"));
    return context.finish();
}

int receiverRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    context.print(QStringLiteral("Receiver: Running"));
    for (;;) {
        Result<Value> item = connection.recv();
        if (!item)
            return context.fail(item.error());
        context.print(QStringLiteral(">receiver got ") + item->repr());
        if (item->isNone())
            break;
    }
    context.print(QStringLiteral("Receiver: Done"));
    return context.finish();
}

int playerRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    const double threshold = context.parameter(QStringLiteral("threshold"), 10);
    // generate_send(connection, value)
    auto generateSend = [&](double value) {
        const double newValue = context.random();
        context.sleep(newValue);
        value = value + newValue;
        context.print(QStringLiteral(">sending ") + reprFloat(value));
        return connection.send(Value::fromFloat(value));
    };
    context.print(QStringLiteral("Process Running"));
    if (context.first()) {
        if (Status sent = generateSend(0); !sent)
            return context.fail(sent.error());
    }
    for (;;) {
        Result<Value> value = connection.recv();
        if (!value)
            return context.fail(value.error());
        if (value->type() != Value::Type::Float)
            return context.fail(
                Error(ErrorKind::InvalidArgument,
                      QStringLiteral("expected a float, received %1").arg(value->repr())));
        context.print(QStringLiteral(">received ") + value->repr());
        if (Status sent = generateSend(value->toFloat()); !sent)
            return context.fail(sent.error());
        if (value->toFloat() > threshold)
            break;
    }
    context.print(QStringLiteral("Process Done"));
    return context.finish();
}

} // namespace pipescope
