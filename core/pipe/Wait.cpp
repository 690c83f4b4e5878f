#include "pipe/Wait.h"

#include "pipe/Deadline.h"

#include <poll.h>

namespace pipescope {

Result<std::vector<Connection*>> wait(std::span<Connection* const> connections,
                                      double timeoutSeconds)
{
    auto deadline = Deadline::after(timeoutSeconds);
    if (!deadline)
        return deadline.error();
    std::vector<pollfd> descriptors;
    descriptors.reserve(connections.size());
    bool anyBuffered = false;
    for (Connection* connection : connections) {
        Result<int> descriptor = connection->fileno();
        if (!descriptor)
            return descriptor.error();
        descriptors.push_back({*descriptor, POLLIN, 0});
        anyBuffered = anyBuffered || connection->hasBufferedData();
    }
    // Bytes already in a connection's buffer are invisible to the kernel: do not wait for them.
    const Result<int> ready = pollUntil(descriptors, anyBuffered ? Deadline::now() : *deadline);
    if (!ready)
        return ready.error();
    std::vector<Connection*> result;
    for (size_t i = 0; i < connections.size(); ++i) {
        if (connections[i]->hasBufferedData() || descriptors[i].revents != 0)
            result.push_back(connections[i]);
    }
    return result;
}

} // namespace pipescope
