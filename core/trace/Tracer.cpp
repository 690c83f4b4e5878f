#include "trace/Tracer.h"

#include "base/MonotonicClock.h"
#include "wire/PyRepr.h"
#include "wire/Value.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace pipescope {

Tracer::Tracer(Connection telemetry)
    : m_telemetry(std::move(telemetry))
    , m_batch(new char[kBatchCapacity]) // NOLINT: uninitialised on purpose
    , m_lastFlushNs(monotonicNs())
{}

Tracer::~Tracer()
{
    flush();
}

void Tracer::attach(Connection& connection, quint16 outChannel, quint16 inChannel)
{
    m_attached.push_back({&connection, outChannel, inChannel});
    connection.setObserver(this);
}

void Tracer::detach(const Connection& connection)
{
    std::erase_if(m_attached, [&](const Attached& a) { return a.connection == &connection; });
}

Tracer::Attached* Tracer::find(const Connection& connection)
{
    for (Attached& attached : m_attached) {
        if (attached.connection == &connection)
            return &attached;
    }
    return nullptr;
}

void Tracer::append(const TelemetryRecord& record, QByteArrayView text, QByteArrayView head)
{
    if (!enabled())
        return;
    TelemetryRecord stored = record;
    const bool truncated = text.size() > kMaxRecordText;
    const QByteArrayView cut = cutUtf8(text, kMaxRecordText);
    stored.textLength = static_cast<quint16>(cut.size());
    stored.headLength = static_cast<quint16>(std::min<qsizetype>(head.size(), kMaxPayloadHead));
    if (truncated)
        stored.detail |= kTextCut;
    // Below kFlushBytes before, so the largest record fits (see kBatchCapacity).
    char* out = m_batch.get() + m_batchSize;
    std::memcpy(out, &stored, sizeof stored);
    // An empty view may have no data at all, and memcpy() must not be handed a null pointer.
    if (!cut.isEmpty())
        std::memcpy(out + sizeof stored, cut.data(), size_t(cut.size()));
    if (stored.headLength > 0)
        std::memcpy(out + sizeof stored + cut.size(), head.data(), stored.headLength);
    m_batchSize += qsizetype(sizeof stored) + cut.size() + stored.headLength;
    if (m_batchSize >= kFlushBytes || record.tNs - m_lastFlushNs >= kFlushIntervalNs)
        flush();
}

void Tracer::flush()
{
    m_lastFlushNs = monotonicNs();
    if (m_batchSize == 0 || !enabled())
        return;
    if (!m_telemetry.sendBytes(std::span<const char>(m_batch.get(), size_t(m_batchSize))))
        m_telemetry.close(); // the runner is gone; the role goes on untraced
    m_batchSize = 0;
}

void Tracer::setState(ProcessState state, quint16 channel)
{
    recordState(state, channel);
    // A process about to wait shows that it waits before it does.
    if (state != ProcessState::Running)
        flush();
}

void Tracer::setJoining(int process)
{
    recordState(ProcessState::Joining, kNoChannel, process);
    flush();
}

void Tracer::recordState(ProcessState state, quint16 channel, qint64 amount)
{
    m_state = state;
    TelemetryRecord record;
    record.tNs = record.startNs = monotonicNs();
    record.kind = EventKind::State;
    record.detail = static_cast<quint8>(state);
    record.channel = channel;
    record.amount = amount;
    append(record, {});
}

void Tracer::print(const QString& line)
{
    const QByteArray text = line.toUtf8();
    if (!enabled()) {
        std::fwrite(text.constData(), 1, static_cast<size_t>(text.size()), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        return;
    }
    TelemetryRecord record;
    record.tNs = record.startNs = monotonicNs();
    record.kind = EventKind::Stdout;
    append(record, text);
    flush();
}

void Tracer::reportError(const Error& error)
{
    TelemetryRecord record;
    record.tNs = record.startNs = monotonicNs();
    record.kind = EventKind::Error;
    append(record, error.toString().toUtf8());
    flush();
}

void Tracer::sleep(double seconds)
{
    if (!(seconds > 0) || std::isinf(seconds))
        return;
    setState(ProcessState::Sleeping);
    timespec remaining{static_cast<time_t>(seconds),
                       static_cast<long>((seconds - std::floor(seconds)) * 1e9)};
    while (::nanosleep(&remaining, &remaining) != 0 && errno == EINTR) {
    }
    setState(ProcessState::Running);
}

void Tracer::finish(int exitCode)
{
    // The exit event itself is the runner's to record: it learns the real status from wait().
    TelemetryRecord record;
    record.tNs = record.startNs = monotonicNs();
    record.kind = EventKind::State;
    record.detail = static_cast<quint8>(ProcessState::Exited);
    record.amount = exitCode;
    append(record, {});
    flush();
}

void Tracer::message(EventKind kind, const Connection& connection, qint64 startedNs,
                     std::span<const char> payload, const Value* value)
{
    Attached* attached = find(connection);
    if (!attached || !enabled())
        return;
    TelemetryRecord record;
    record.tNs = monotonicNs();
    record.startNs = startedNs;
    record.kind = kind;
    record.amount = static_cast<qint64>(payload.size());
    if (kind == EventKind::Send) {
        record.channel = attached->outChannel;
        record.seq = attached->sent++;
    } else {
        record.channel = attached->inChannel;
        record.seq = attached->received++;
    }
    const auto size = static_cast<qsizetype>(payload.size());
    const QByteArrayView head(payload.data(), std::min<qsizetype>(size, kMaxPayloadHead));
    if (value) {
        // Only as much of the repr as a record can carry: a huge value costs no more than a small.
        bool cut = false;
        // Bounded in UTF-8 bytes, as the record is: append() then never cuts it mid-escape.
        const QByteArray text = value->reprUtf8(kMaxRecordText, cut);
        if (cut)
            record.detail |= kTextCut;
        append(record, text, head);
        return;
    }
    // Bytes: the preview is the repr of the head, which the record carries anyway; the store
    // writes it when asked (bytesPreview()), sparing the worker that work per message.
    record.detail = kBytesPreview;
    append(record, {}, head);
}

void Tracer::sent(const Connection& connection, qint64 startedNs, std::span<const char> payload,
                  const Value* value)
{
    message(EventKind::Send, connection, startedNs, payload, value);
}

void Tracer::received(const Connection& connection, qint64 startedNs, std::span<const char> payload,
                      const Value* value)
{
    message(EventKind::Recv, connection, startedNs, payload, value);
}

void Tracer::blocked(const Connection& connection, Blocking what)
{
    const Attached* attached = find(connection);
    // Recorded now; stillBlocked() flushes it if the wait is not brief.
    switch (what) {
    case Blocking::Recv:
        recordState(ProcessState::BlockedRecv, attached ? attached->inChannel : kNoChannel);
        break;
    case Blocking::Send:
        recordState(ProcessState::BlockedSend, attached ? attached->outChannel : kNoChannel);
        break;
    case Blocking::Poll:
        recordState(ProcessState::Polling, attached ? attached->inChannel : kNoChannel);
        break;
    }
}

void Tracer::stillBlocked(const Connection&, Blocking)
{
    flush();
}

void Tracer::unblocked(const Connection&, Blocking)
{
    recordState(ProcessState::Running, kNoChannel);
}

void Tracer::polled(const Connection& connection, double timeoutSeconds, bool result,
                    qint64 waitedNs)
{
    const Attached* attached = find(connection);
    TelemetryRecord record;
    record.tNs = monotonicNs();
    record.startNs = record.tNs - waitedNs;
    record.kind = EventKind::Poll;
    record.channel = attached ? attached->inChannel : kNoChannel;
    record.amount = waitedNs;
    record.number = timeoutSeconds;
    record.detail = result ? 1 : 0;
    append(record, {});
}

} // namespace pipescope
