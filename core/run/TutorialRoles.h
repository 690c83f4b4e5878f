#pragma once

#include "base/Result.h"

namespace pipescope {

class RoleContext;

class Connection;

// The tutorial's sender loop, shared by the roles that send random values: `count` values drawn
// with random(), each sent after sleeping value * sleepFactor seconds.
Status sendRandomValues(RoleContext& context, Connection& connection, qint64 count,
                        double sleepFactor);
// The same, then None.
Status sendRandomValuesThenNone(RoleContext& context, Connection& connection, qint64 count,
                                double sleepFactor);

// The tutorial's functions, line for line, on PipeScope's Connection.
// sender(connection): `count` random values, each after sleeping that long, then None.
int senderRole(RoleContext& context);
// receiver(connection): prints every item until None.
int receiverRole(RoleContext& context);
// pingpong(connection, send_first): adds random values until a received one passes `threshold`.
int playerRole(RoleContext& context);

} // namespace pipescope
