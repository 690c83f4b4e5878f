#pragma once

#include "pipe/Connection.h"

namespace pipescope {

// The two ends of a pipe, as multiprocessing.Pipe() returns them.
struct PipeEnds
{
    Connection first;
    Connection second;
};

// Pipe(duplex=True): an AF_UNIX stream socketpair whose ends both read and write.
// Pipe(duplex=False): an os.pipe(), returned as (read end, write end) like CPython, the first end
// reading. Both descriptors are close-on-exec; a child is handed one explicitly.
Result<PipeEnds> makePipe(bool duplex = true);

} // namespace pipescope
