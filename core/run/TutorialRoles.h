#pragma once

#include <QStringList>

namespace pipescope {

class RoleContext;

// The tutorial's functions, line for line, on PipeScope's Connection.
// sender(connection): `count` random values, each after sleeping that long, then None.
int senderRole(RoleContext& context);
// receiver(connection): prints every item until None.
int receiverRole(RoleContext& context);
// pingpong(connection, send_first): adds random values until a received one passes `threshold`.
int playerRole(RoleContext& context);

} // namespace pipescope
