#include "run/WorkerRoles.h"

#include "run/BytesRoles.h"
#include "run/EchoRoles.h"
#include "run/FanInRoles.h"
#include "run/FloodRoles.h"
#include "run/MistakeRoles.h"
#include "run/PollRoles.h"
#include "run/RoleContext.h"
#include "run/TutorialRoles.h"
#include "run/WorkerEndpoint.h"

#include <array>
#include <cstdio>

namespace pipescope {

namespace {

// A role either parses its own arguments (the echo roles, which take an endpoint) or is a
// scenario role that runs on a RoleContext.
struct Role
{
    const char* name;
    int (*run)(QStringList arguments);
    int (*body)(RoleContext& context);
    const char* summary;
};

constexpr std::array kRoles = {
    Role{"echo", runEchoRole, nullptr, "send every message back (send_bytes) until an empty one"},
    Role{"echo-objects", runEchoObjectsRole, nullptr,
         "send every object back (recv/send through the pickle codec) until the peer closes"},
    Role{"sender", nullptr, senderRole, "sender-receiver: random values, then None"},
    Role{"receiver", nullptr, receiverRole, "sender-receiver: print every item until None"},
    Role{"player", nullptr, playerRole, "pingpong: add random values until one passes threshold"},
    Role{"bytes-sender", nullptr, bytesSenderRole, "bytes: send_bytes with offsets and sizes"},
    Role{"bytes-receiver", nullptr, bytesReceiverRole,
         "bytes: recv_bytes, recv_bytes_into, BufferTooShort, maxlength"},
    Role{"poll-sender", nullptr, pollSenderRole, "poll: values at random intervals"},
    Role{"poll-receiver", nullptr, pollReceiverRole, "poll: poll(timeout), other work between"},
    Role{"flood-sender", nullptr, floodSenderRole, "flood: count messages of size bytes, no pause"},
    Role{"flood-receiver", nullptr, floodReceiverRole, "flood: a slow, checking receiver"},
    Role{"producer", nullptr, producerRole, "fan-in: values on its own pipe, then None"},
    Role{"consumer", nullptr, consumerRole, "fan-in: wait() on one pipe per producer"},
    Role{"busy-poller", nullptr, busyPollerRole, "busy-poll: while not conn.poll(): pass"},
    Role{"big-sender", nullptr, bigSenderRole, "full-pipe: count bytes objects of size bytes"},
    Role{"late-receiver", nullptr, lateReceiverRole, "full-pipe: delay seconds, then recv()"},
    Role{"closing-sender", nullptr, closingSenderRole,
         "forgot-close: random values, then close(), no None"},
    Role{"eof-reader", nullptr, eofReaderRole,
         "forgot-close: recv() until EOFError, holding a copy of the write end"},
    Role{"shared-producer", nullptr, sharedProducerRole,
         "two-readers: random values, then one None per reader"},
    Role{"shared-consumer", nullptr, sharedConsumerRole,
         "two-readers: recv() until None on a shared read end"},
    Role{"result-worker", nullptr, resultWorkerRole, "join-before-get: one result of size bytes"},
    Role{"joiner", nullptr, joinerRole, "join-before-get: join() the worker, then recv()"},
};

} // namespace

int WorkerRoles::run(const QString& name, const QStringList& arguments)
{
    for (const Role& role : kRoles) {
        if (name == QLatin1String(role.name))
            return role.run ? role.run(arguments) : runRole(name, arguments, role.body);
    }
    std::fprintf(stderr, "pipescope-worker: unknown role '%s'\n%s", qPrintable(name),
                 qPrintable(usage()));
    return kExitUsage;
}

QString WorkerRoles::usage()
{
    QString text = QStringLiteral("usage: pipescope-worker echo|echo-objects %1\n"
                                  "       pipescope-worker SCENARIO-ROLE %2\nroles:\n")
                       .arg(WorkerEndpoint::usage(), RoleContext::usage());
    for (const Role& role : kRoles)
        text += QStringLiteral("  %1  %2\n")
                    .arg(QLatin1String(role.name), -14)
                    .arg(QLatin1String(role.summary));
    return text;
}

} // namespace pipescope
