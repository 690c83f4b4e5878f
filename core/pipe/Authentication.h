#pragma once

#include "pipe/Connection.h"
#include "pipe/Deadline.h"

#include <QByteArray>

namespace pipescope {

// multiprocessing.connection's mutual HMAC handshake, as CPython 3.12 runs it: the challenge is
// "{sha256}" and 40 random bytes and the answer is "{sha256}" + HMAC-SHA256 over the whole
// challenge. A 3.11 peer answers with a raw 16-byte HMAC-MD5 over the same bytes, and is recognised
// by that length; a 3.11 challenge (20 bytes, no prefix) is answered the 3.11 way. Each read waits
// no longer than `deadline`, so a peer that stays silent (say, one without an authkey) fails the
// handshake instead of hanging it.
class Authentication
{
public:
    // The server's half: send a challenge and check the answer.
    static Status deliverChallenge(Connection& connection, const QByteArray& authkey,
                                   const Deadline& deadline);
    // The client's half: answer the peer's challenge.
    static Status answerChallenge(Connection& connection, const QByteArray& authkey,
                                  const Deadline& deadline);

    // The HMAC answer to `challenge` (the bytes after "#CHALLENGE#"), prefixed with its digest's
    // name unless the challenge is a legacy one.
    static Result<QByteArray> createResponse(const QByteArray& authkey,
                                             const QByteArray& challenge);
    static Status verifyResponse(const QByteArray& authkey, const QByteArray& challenge,
                                 const QByteArray& response);
};

} // namespace pipescope
