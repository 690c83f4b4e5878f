#include "pipe/Pipe.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pipescope {

Result<PipeEnds> makePipe(bool duplex)
{
    int descriptors[2] = {-1, -1};
    if (duplex) {
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, descriptors) != 0)
            return Error::fromErrno(errno);
        return PipeEnds{Connection(descriptors[0], true, true),
                        Connection(descriptors[1], true, true)};
    }
    if (::pipe2(descriptors, O_CLOEXEC) != 0)
        return Error::fromErrno(errno);
    return PipeEnds{Connection(descriptors[0], true, false),
                    Connection(descriptors[1], false, true)};
}

} // namespace pipescope
