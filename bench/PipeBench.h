#pragma once

#include "Samples.h"
#include "Transport.h"

#include <QtGlobal>

namespace pipescope::bench {

// The in-process contenders of the pipe benchmarks, each between this process and a child
// forked after the pipe was made (the child uses only the contender and raw syscalls, and
// _exits): PipeScope's Connection over makePipe(), and the raw C++ framing of RawConnection over
// the same kind of descriptor (a socketpair, or a pipe() for Transport::Simplex).
class PipeBench
{
public:
    enum class Contender
    {
        PipeScope,
        Raw
    };

    // The round-trip times (ns) of `iterations` ping-pongs of a `size`-byte message (sent with
    // send_bytes, echoed by the child, received with recv_bytes), after `warmup` unmeasured ones;
    // on a socketpair, the only transport both ways.
    static Samples roundTrips(Contender contender, qsizetype size, int warmup, int iterations);
    // One way: the seconds from the parent's "go" until it has received the `count` messages of
    // `size` bytes the child then sends with send_bytes.
    static double oneWaySeconds(Contender contender, Transport transport, qsizetype size,
                                qint64 count);
    // The same with objects: the child sends `count` floats with send() and the parent takes
    // them with recv(). The raw contender sends the same 21-byte protocol 4 pickle, encoded and
    // decoded by hand.
    static double objectsSeconds(Contender contender, Transport transport, qint64 count);
};

} // namespace pipescope::bench
