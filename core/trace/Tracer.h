#pragma once

#include "pipe/Connection.h"
#include "pipe/ConnectionObserver.h"
#include "trace/TraceEvent.h"

#include <QByteArray>
#include <QString>
#include <memory>
#include <vector>

namespace pipescope {

// The worker's side of tracing: observes the role's Connections and turns every send, recv, poll,
// state change, printed line and error into a TelemetryRecord with a CLOCK_MONOTONIC timestamp.
// A byte message's record carries the payload's first bytes but no preview: the runner writes
// that from them.
//
// Records are batched in one reusable buffer and go to the runner as one telemetry message when
// the buffer fills, when a few milliseconds have passed, when a wait in a traced Connection has
// lasted ConnectionObserver::kPatienceNs (1 ms) and before the process sleeps (so the runner sees,
// within about a millisecond, what the process is waiting for while it waits), for every printed
// line, and at the end. A wait's blocked state is recorded when the wait begins, as always; only
// the flush waits for the patience to run out, which spares the many microsecond waits of a busy
// exchange a telemetry write each.
//
// Without a telemetry connection, printed lines go to stdout and events nowhere.
class Tracer final : public ConnectionObserver
{
public:
    static constexpr qsizetype kFlushBytes = 32 * 1024;
    static constexpr qint64 kFlushIntervalNs = 5'000'000;

    explicit Tracer(Connection telemetry);
    Tracer(const Tracer&) = delete;
    Tracer& operator=(const Tracer&) = delete;
    ~Tracer() override;

    bool enabled() const { return !m_telemetry.closed(); }

    // Traces `connection`: what it sends counts on channel `outChannel`, what it receives on
    // `inChannel` (kNoChannel for a direction it does not have).
    void attach(Connection& connection, quint16 outChannel, quint16 inChannel);
    void detach(const Connection& connection);

    void setState(ProcessState state, quint16 channel = kNoChannel);
    // Process.join() of the scenario's process number `process` begins (Running: it returned).
    void setJoining(int process);
    // A line as the tutorial prints it (print(..., flush=True)).
    void print(const QString& line);
    void reportError(const Error& error);
    // time.sleep(seconds), shown as the sleeping state.
    void sleep(double seconds);
    // The role returns `exitCode`: the exited state, flushed.
    void finish(int exitCode);
    void flush();

    // ConnectionObserver
    void sent(const Connection& connection, qint64 startedNs, std::span<const char> payload,
              const Value* value) override;
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
    // Records the state without flushing (setState() flushes for a waiting state).
    void recordState(ProcessState state, quint16 channel, qint64 amount = 0);
    void message(EventKind kind, const Connection& connection, qint64 startedNs,
                 std::span<const char> payload, const Value* value);
    void append(const TelemetryRecord& record, QByteArrayView text, QByteArrayView head = {});

    // A batch below kFlushBytes takes one more record of any size.
    static constexpr qsizetype kBatchCapacity =
        kFlushBytes + qsizetype(sizeof(TelemetryRecord)) + kMaxRecordText + kMaxPayloadHead;

    Connection m_telemetry;
    // Written with memcpy() (QByteArray::append() cost more than the rest of a record).
    std::unique_ptr<char[]> m_batch;
    qsizetype m_batchSize = 0;
    qint64 m_lastFlushNs = 0;
    std::vector<Attached> m_attached;
    ProcessState m_state = ProcessState::Running;
};

} // namespace pipescope
