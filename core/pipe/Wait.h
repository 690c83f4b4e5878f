#pragma once

#include "pipe/Connection.h"

#include <span>
#include <vector>

namespace pipescope {

// multiprocessing.connection.wait(): the connections among `connections` that are ready to read
// (a message, buffered bytes, or a closed peer), waiting up to `timeoutSeconds`
// (Connection::kForever waits forever, zero or negative returns at once). An empty result means
// the timeout passed. A closed connection is an error, as in CPython.
Result<std::vector<Connection*>> wait(std::span<Connection* const> connections,
                                      double timeoutSeconds = Connection::kForever);

} // namespace pipescope
