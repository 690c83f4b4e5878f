#pragma once

#include <QtGlobal>
#include <span>

namespace pipescope {

class Connection;
class Error;
class Value;

// Told of what a Connection does, as it does it: the hook through which a worker's tracer sees
// every message, poll and blocking wait. Called on the connection's thread, on the hot path:
// implementations must be cheap and must not call back into the connection.
class ConnectionObserver
{
public:
    enum class Blocking
    {
        Recv,
        Send,
        Poll
    };

    virtual ~ConnectionObserver() = default;

    // The clock the observer's times are read from (CLOCK_MONOTONIC nanoseconds): the connection
    // reads a call's start from it.
    virtual qint64 now() = 0;

    // A message is about to go into the kernel; the call began at `startedNs` (now()).
    // `value` is the object for send(), null for send_bytes(). sent() follows, whatever happens.
    virtual void sending(const Connection& connection, qint64 startedNs,
                         std::span<const char> payload, const Value* value) = 0;
    // The message of the last sending() is in the kernel (`delivered`), or the send failed
    // (failed() tells why).
    virtual void sent(const Connection& connection, bool delivered) = 0;
    // Which message a failed call was about.
    enum class About
    {
        None,  // none: it failed before a byte went or came (a closed handle, a bad argument)
        Next,  // the next one of its direction: the send's, or the one the recv could not take
               // (EOF, a length over maxlength)
        Taken, // the one it read off the pipe first (BufferTooShort, a payload that does not
               // unpickle): received() was told of it
    };
    // A blocking send or receive call raised `error` (as CPython would: BrokenPipeError,
    // EOFError, BufferTooShort, OSError...).
    virtual void failed(const Connection& connection, Blocking call, const Error& error,
                        About about) = 0;
    // A message was taken off the pipe by a call that began at `startedNs`. `value` is the
    // object for recv() (null when the payload did not decode, or for the byte API).
    virtual void received(const Connection& connection, qint64 startedNs,
                          std::span<const char> payload, const Value* value) = 0;
    // How long a wait lasts before stillBlocked(): long enough that the microsecond waits of a
    // busy exchange end before it, short enough for a tracer's runner to see promptly what a
    // process waits for.
    static constexpr qint64 kPatienceNs = 1'000'000;

    // The connection is about to wait in the kernel, and has stopped waiting. In between, once,
    // stillBlocked() if the wait has lasted kPatienceNs and goes on: the time for what an observer
    // does for waits that are not brief (a tracer's flush), rather than for every wait.
    virtual void blocked(const Connection& connection, Blocking what) = 0;
    virtual void stillBlocked(const Connection& connection, Blocking what) = 0;
    virtual void unblocked(const Connection& connection, Blocking what) = 0;
    // A poll() returned `result` after waiting `waitedNs` (timeout in seconds, kForever possible).
    virtual void polled(const Connection& connection, double timeoutSeconds, bool result,
                        qint64 waitedNs) = 0;
};

} // namespace pipescope
