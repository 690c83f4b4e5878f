#pragma once

#include <QStringList>

namespace pipescope {

// Exit codes shared by every pipescope-worker role.
enum WorkerExit : int
{
    kExitOk = 0,
    kExitFailure = 1,    // cannot connect, authentication refused, I/O or protocol error
    kExitUsage = 2,      // bad command line
    kExitUndecodable = 3 // a payload that is not a pickle PipeScope accepts
};

// `echo`: receives messages with recv_bytes and sends each back with send_bytes, until an empty
// message (or the peer's EOF); then closes.
int runEchoRole(QStringList arguments);
// `echo-objects`: the same with recv/send, so that every object is decoded into a Value and
// encoded again, until the peer closes.
int runEchoObjectsRole(QStringList arguments);

} // namespace pipescope
