#pragma once

namespace pipescope::bench {

// What a one-way pipe benchmark runs over. Duplex is multiprocessing.Pipe(): an AF_UNIX
// socketpair, on which the targets are set. Simplex is Pipe(duplex=False): a pipe(), where a
// small write() costs well under half what it does on a socket; measured beside it to show where
// the ceiling of one syscall per message lies on each.
enum class Transport
{
    Duplex,
    Simplex
};

} // namespace pipescope::bench
