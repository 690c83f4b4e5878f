#pragma once

#include "pipe/Connection.h"
#include "trace/TelemetryDecoder.h"
#include "trace/TelemetryRing.h"

namespace pipescope {

// The runner's end of one worker's telemetry: the ring the worker's Tracer writes its records
// into, and the connection on which it wakes the runner (empty messages) when the runner should
// look, or when it waits for room. The records never depend on the connection: what the worker
// committed is read from the ring, also after the worker died.
class TelemetryInbox
{
public:
    struct Made;
    // A new inbox with a ring of `capacity` bytes, and the worker's end of its wake connection
    // (the worker also needs ringDescriptor()).
    static Result<Made> create(qsizetype capacity = TelemetryRing::kDefaultCapacity);

    TelemetryInbox() = default;

    Connection& wake() { return m_wake; }
    // The ring's descriptor, to hand to the worker; -1 once closeRingDescriptor() was called.
    int ringDescriptor() const { return m_ring.descriptor(); }
    void closeRingDescriptor() { m_ring.closeDescriptor(); }

    // Takes the wake messages that came (without blocking), then hands every record committed
    // since the last read to `sink`, in order. Returns how many wake messages there were; Eof
    // once the worker has closed its end (the ring is still read); a Protocol error for a wake
    // message that is not empty, a bad ring or a bad record (records before it were delivered).
    Result<qsizetype> read(const TelemetryDecoder::Sink& sink);
    // The record of the call the worker was in when it died (a send that may have reached its
    // peer), handed to `sink` if there is one. Only meaningful once the worker is gone.
    Status readPending(const TelemetryDecoder::Sink& sink) const;
    // Stops reading: closes the wake connection and unmaps the ring; read() and readPending()
    // read nothing from then on.
    void close()
    {
        m_wake.close();
        m_ring = TelemetryRing();
    }

private:
    TelemetryInbox(Connection wake, TelemetryRing ring)
        : m_wake(std::move(wake))
        , m_ring(std::move(ring))
    {}

    Connection m_wake;
    TelemetryRing m_ring;
};

struct TelemetryInbox::Made
{
    TelemetryInbox inbox;
    Connection workerWake;
};

} // namespace pipescope
