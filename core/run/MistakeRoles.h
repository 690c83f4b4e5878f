#pragma once

namespace pipescope {

class RoleContext;

// The teaching scenarios' roles: each commits one classic mistake of the multiprocessing
// programming guidelines on purpose.

// busy-poll: `while not conn.poll(): pass` before every recv(), until None.
int busyPollerRole(RoleContext& context);
// full-pipe: `count` bytes objects of `size` bytes with send(), then None.
int bigSenderRole(RoleContext& context);
// full-pipe: `delay` seconds of other work before it reads anything, then recv() until None.
int lateReceiverRole(RoleContext& context);
// forgot-close: `count` random values, then it closes its end and ends: no sentinel.
int closingSenderRole(RoleContext& context);
// forgot-close: recv() until EOFError, while it holds (its last --conn) a copy of the pipe's
// write end that it forgot to close.
int eofReaderRole(RoleContext& context);
// two-readers: `count` random values at random intervals, then one None per reader (`readers`).
int sharedProducerRole(RoleContext& context);
// two-readers: recv() until None on a read end another consumer reads at the same time.
int sharedConsumerRole(RoleContext& context);
// join-before-get: sends one result of `size` bytes, then ends.
int resultWorkerRole(RoleContext& context);
// join-before-get: joins the worker (waits for EOF on its sentinel, the last --conn), and only
// then receives the worker's result.
int joinerRole(RoleContext& context);

} // namespace pipescope
