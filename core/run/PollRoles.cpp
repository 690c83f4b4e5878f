#include "run/PollRoles.h"

#include "run/RoleContext.h"
#include "run/TutorialRoles.h"
#include "wire/PyRepr.h"

namespace pipescope {

int pollSenderRole(RoleContext& context)
{
    const auto count = static_cast<qint64>(context.parameter(QStringLiteral("count"), 5));
    const double interval = context.parameter(QStringLiteral("interval"), 0.5);
    context.print(QStringLiteral("Sender: Running"));
    if (Status sent = sendRandomValuesThenNone(context, context.connection(0), count, interval);
        !sent)
        return context.fail(sent.error());
    context.print(QStringLiteral("Sender: Done"));
    return context.finish();
}

int pollReceiverRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    const double timeout = context.parameter(QStringLiteral("timeout"), 0.1);
    context.print(QStringLiteral("Receiver: Running"));
    qint64 workDone = 0;
    for (;;) {
        Result<bool> ready = connection.poll(timeout);
        if (!ready)
            return context.fail(ready.error());
        if (!*ready) {
            // Other work while the pipe is empty: a unit of it, counted.
            ++workDone;
            context.print(QStringLiteral(">poll(%1) returned False: did unit %2 of other work")
                              .arg(reprFloat(timeout))
                              .arg(workDone));
            continue;
        }
        Result<Value> item = connection.recv();
        if (!item)
            return context.fail(item.error());
        context.print(QStringLiteral(">poll(%1) returned True: receiver got %2")
                          .arg(reprFloat(timeout), item->repr()));
        if (item->isNone())
            break;
    }
    context.print(QStringLiteral("Receiver: Done (%1 units of other work)").arg(workDone));
    return context.finish();
}

} // namespace pipescope
