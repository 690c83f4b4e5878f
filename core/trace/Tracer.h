#pragma once

#include "base/TscClock.h"
#include "pipe/Connection.h"
#include "pipe/ConnectionObserver.h"
#include "trace/TelemetryRing.h"
#include "trace/TraceEvent.h"

#include <QByteArray>
#include <QString>
#include <vector>

namespace pipescope {

// The worker's side of tracing: observes the role's Connections and turns every send, recv, poll,
// state change, printed line and error into a TelemetryRecord with a CLOCK_MONOTONIC timestamp.
// A byte message's record carries the payload's first bytes but no preview: the runner writes
// that from them.
//
// Records go straight into the TelemetryRing the runner shares with the worker, committed one by
// one, so a kill takes none of them. A send is recorded before its bytes go into the pipe, held
// uncommitted at the ring's head as its pending record (set aside in the ring's slot if the send
// waits, for the state records that come before it), and committed when the send returns: a
// worker killed in the middle of a send leaves its record for the runner, which keeps it when the
// message is not otherwise known.
//
// The runner is woken (an empty message on the wake connection) when kWakeBytes have been
// committed since the last wake (a quarter of a ring smaller than 4 * kWakeBytes: a wake finds
// room left behind it), when kWakeIntervalNs have passed, when a wait in a traced
// Connection has lasted ConnectionObserver::kPatienceNs (1 ms) and before the process sleeps (so
// the runner sees, within about a millisecond, what the process is waiting for while it waits),
// for every printed line, and at the end. A full ring waits for the runner to make room.
//
// Without telemetry (no wake connection or no ring), printed lines go to stdout and events
// nowhere.
class Tracer final : public ConnectionObserver
{
public:
    // A wake costs a switch to the runner and back, on two cores shared by three busy processes:
    // a flood's worker (40 MB/s of records) wakes it about 300 times a second at this size
    // (tracing on / off 0.85-0.90 at 32 KiB, 0.91-0.93 at 128 KiB).
    static constexpr qsizetype kWakeBytes = 128 * 1024;
    static constexpr qint64 kWakeIntervalNs = 5'000'000;
    // The most a record takes in the ring: a record is written only where this much is free.
    static constexpr qsizetype kMaxRecordBytes =
        qsizetype(sizeof(TelemetryRecord)) + kMaxRecordText + kMaxPayloadHead;
    static_assert(kMaxRecordBytes <= TelemetryRing::kPendingCapacity);

    Tracer(Connection wake, TelemetryRing ring);
    Tracer(const Tracer&) = delete;
    Tracer& operator=(const Tracer&) = delete;
    ~Tracer() override;

    bool enabled() const { return !m_wake.closed() && m_ring.mapped(); }

    // Traces `connection`: what it sends counts on channel `outChannel`, what it receives on
    // `inChannel` (kNoChannel for a direction it does not have).
    void attach(Connection& connection, quint16 outChannel, quint16 inChannel);
    void detach(const Connection& connection);

    void setState(ProcessState state, quint16 channel = kNoChannel);
    // Process.join() of the scenario's process number `process` begins (Running: it returned).
    void setJoining(int process);
    // A line as the tutorial prints it (print(..., flush=True)).
    void print(const QString& line);
    // An error the role ran into; one that a traced call has just recorded (failed()) is not
    // recorded twice.
    void reportError(const Error& error);
    // time.sleep(seconds), shown as the sleeping state.
    void sleep(double seconds);
    // The role returns `exitCode`: the exited state, flushed.
    void finish(int exitCode);
    // Wakes the runner if anything was committed since it was last woken.
    void flush();

    // ConnectionObserver
    qint64 now() override { return m_clock.now(); }
    void sending(const Connection& connection, qint64 startedNs, std::span<const char> payload,
                 const Value* value) override;
    void sent(const Connection& connection, bool delivered) override;
    void failed(const Connection& connection, Blocking call, const Error& error,
                About about) override;
    void received(const Connection& connection, qint64 startedNs, std::span<const char> payload,
                  const Value* value) override;
    void blocked(const Connection& connection, Blocking what) override;
    void stillBlocked(const Connection& connection, Blocking what) override;
    void unblocked(const Connection& connection, Blocking what) override;
    void polled(const Connection& connection, double timeoutSeconds, bool result,
                qint64 waitedNs) override;

private:
    struct Attached
    {
        const Connection* connection;
        quint16 outChannel;
        quint16 inChannel;
        qint64 sent = 0;
        qint64 received = 0;
    };

    Attached* find(const Connection& connection);
    // Records the state without waking the runner (setState() wakes it for a waiting state).
    void recordState(ProcessState state, quint16 channel, qint64 amount = 0);
    // Lays out a send's or recv's record (text: the value's repr, cut) at `out`; returns its size.
    qsizetype writeMessage(char* out, EventKind kind, const Attached& attached, qint64 startedNs,
                           qint64 tNs, std::span<const char> payload, const Value* value) const;
    void append(const TelemetryRecord& record, QByteArrayView text, QByteArrayView head = {});
    // Commits `bytes` laid out at room() and wakes the runner when due.
    void commit(qsizetype bytes, qint64 tNs);
    // `bytes` were committed: wakes the runner when due.
    void committed(qsizetype bytes, qint64 tNs);
    // Room for a record of up to kMaxRecordBytes in the ring, waiting for the runner if it is
    // full; null when tracing has stopped (the runner is gone). A send's record held at the head
    // is set aside first.
    char* room();

    // Every record's times: the counter-read CLOCK_MONOTONIC, cheaper than clock_gettime().
    TscClock m_clock;
    Connection m_wake;
    TelemetryRing m_ring;
    qsizetype m_wakeBytes;   // kWakeBytes, or a quarter of a smaller ring
    qsizetype m_unwoken = 0; // bytes committed since the runner was last woken
    qint64 m_lastWakeNs = 0;
    // The size of the send in progress's record (its tNs is set when it returns), 0 for none;
    // held at the ring's head (m_ring.holding()), or set aside in the ring's slot (while the send
    // waits).
    qsizetype m_pendingSize = 0;
    qint64 m_ringWaits = 0; // how many times room() waited for the runner
    std::vector<Attached> m_attached;
    ProcessState m_state = ProcessState::Running;
    // The text of the failed call recorded last, while nothing else has been recorded since.
    QByteArray m_lastFailure;
};

} // namespace pipescope
