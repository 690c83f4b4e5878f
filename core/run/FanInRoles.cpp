#include "run/FanInRoles.h"

#include "pipe/Wait.h"
#include "run/RoleContext.h"
#include "run/TutorialRoles.h"

namespace pipescope {

int producerRole(RoleContext& context)
{
    const auto count = static_cast<qint64>(context.parameter(QStringLiteral("count"), 5));
    context.print(context.name() + QStringLiteral(": Running"));
    if (Status sent = sendRandomValuesThenNone(context, context.connection(0), count, 1.0); !sent)
        return context.fail(sent.error());
    context.print(context.name() + QStringLiteral(": Done"));
    return context.finish();
}

int consumerRole(RoleContext& context)
{
    std::vector<Connection*> open;
    for (qsizetype i = 0; i < context.connectionCount(); ++i)
        open.push_back(&context.connection(i));
    context.print(QStringLiteral("Consumer: Running, waiting on %1 pipes, one per producer")
                      .arg(open.size()));
    auto producerOf = [&](const Connection* connection) {
        for (qsizetype i = 0; i < context.connectionCount(); ++i) {
            if (&context.connection(i) == connection)
                return i + 1;
        }
        return qsizetype(0);
    };
    while (!open.empty()) {
        auto ready = wait(open, 0);
        if (ready && ready->empty()) {
            context.tracer().setState(ProcessState::BlockedRecv);
            ready = wait(open);
            context.tracer().setState(ProcessState::Running);
        }
        if (!ready)
            return context.fail(ready.error());
        for (Connection* connection : *ready) {
            Result<Value> item = connection->recv();
            if (!item)
                return context.fail(item.error());
            const qsizetype producer = producerOf(connection);
            if (item->isNone()) {
                context.print(QStringLiteral(">consumer got None from producer%1: its pipe is done")
                                  .arg(producer));
                std::erase(open, connection);
                continue;
            }
            context.print(
                QStringLiteral(">consumer got %1 from producer%2").arg(item->repr()).arg(producer));
        }
    }
    context.print(QStringLiteral("Consumer: Done"));
    return context.finish();
}

} // namespace pipescope
