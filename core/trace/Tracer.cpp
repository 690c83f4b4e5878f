#include "trace/Tracer.h"

#include "wire/PyRepr.h"
#include "wire/Value.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <utility>

namespace pipescope {

Tracer::Tracer(Connection wake, TelemetryRing ring)
    : m_wake(std::move(wake))
    , m_ring(std::move(ring))
    , m_wakeBytes(std::min(kWakeBytes, m_ring.capacity() / 4))
    , m_lastWakeNs(m_clock.now())
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

namespace {

// Lays out `record` with its text (cut at kMaxRecordText, marked) and head (cut at
// kMaxPayloadHead) at `out`; returns the bytes written.
qsizetype layOut(char* out, const TelemetryRecord& record, QByteArrayView text, QByteArrayView head)
{
    TelemetryRecord stored = record;
    const bool truncated = text.size() > kMaxRecordText;
    const QByteArrayView cut = cutUtf8(text, kMaxRecordText);
    stored.textLength = static_cast<quint16>(cut.size());
    stored.headLength = static_cast<quint16>(std::min<qsizetype>(head.size(), kMaxPayloadHead));
    if (truncated)
        stored.detail |= kTextCut;
    std::memcpy(out, &stored, sizeof stored);
    // An empty view may have no data at all, and memcpy() must not be handed a null pointer.
    if (!cut.isEmpty())
        std::memcpy(out + sizeof stored, cut.data(), size_t(cut.size()));
    if (stored.headLength > 0)
        std::memcpy(out + sizeof stored + cut.size(), head.data(), stored.headLength);
    return qsizetype(sizeof stored) + cut.size() + stored.headLength;
}

} // namespace

char* Tracer::room()
{
    // The send in progress holds its record at the head: set aside for the records before it.
    if (m_ring.holding())
        m_ring.setPendingAside();
    for (;;) {
        if (!enabled())
            return nullptr;
        const quint32 drained = m_ring.drained();
        if (char* out = m_ring.writable(kMaxRecordBytes))
            return out;
        // Full: the runner is told, and makes room when it has read. A runner that is gone
        // fails the wake, which ends tracing.
        m_unwoken = std::max<qsizetype>(m_unwoken, 1);
        flush();
        ++m_ringWaits;
        m_ring.waitForRoom(drained, 100);
    }
}

void Tracer::commit(qsizetype bytes, qint64 tNs)
{
    m_ring.commit(bytes);
    committed(bytes, tNs);
}

void Tracer::committed(qsizetype bytes, qint64 tNs)
{
    if (!m_lastFailure.isEmpty())
        m_lastFailure.clear();
    m_unwoken += bytes;
    if (m_unwoken >= m_wakeBytes || tNs - m_lastWakeNs >= kWakeIntervalNs)
        flush();
}

void Tracer::append(const TelemetryRecord& record, QByteArrayView text, QByteArrayView head)
{
    if (char* out = room())
        commit(layOut(out, record, text, head), record.tNs);
}

void Tracer::flush()
{
    m_lastWakeNs = m_clock.now();
    if (m_unwoken == 0 || !enabled())
        return;
    if (!m_wake.sendBytes(std::span<const char>()))
        m_wake.close(); // the runner is gone; the role goes on untraced
    m_unwoken = 0;
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
    record.tNs = record.startNs = m_clock.now();
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
    record.tNs = record.startNs = m_clock.now();
    record.kind = EventKind::Stdout;
    append(record, text);
    flush();
}

void Tracer::reportError(const Error& error)
{
    const QByteArray text = error.toString().toUtf8();
    if (std::exchange(m_lastFailure, QByteArray()) == text)
        return; // the failed call is recorded, with its channel
    TelemetryRecord record;
    record.tNs = record.startNs = m_clock.now();
    record.kind = EventKind::Error;
    append(record, text);
    flush();
}

void Tracer::failed(const Connection& connection, Blocking call, const Error& error, About about)
{
    const Attached* attached = find(connection);
    if (!attached)
        return;
    TelemetryRecord record;
    record.tNs = record.startNs = m_clock.now();
    record.kind = EventKind::Error;
    const bool sending = call == Blocking::Send;
    record.channel = sending ? attached->outChannel : attached->inChannel;
    // The message the call was about: the next one of its direction, the one it took, or none.
    const qint64 next = sending ? attached->sent : attached->received;
    record.seq = about == About::Next ? next : about == About::Taken ? next - 1 : -1;
    const QByteArray text = error.toString().toUtf8();
    append(record, text);
    flush();
    // Until anything else is recorded: a reportError() of this error is this record.
    m_lastFailure = text;
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
    record.tNs = record.startNs = m_clock.now();
    record.kind = EventKind::State;
    record.detail = static_cast<quint8>(ProcessState::Exited);
    record.amount = exitCode;
    append(record, {});
    flush();
}

qsizetype Tracer::writeMessage(char* out, EventKind kind, const Attached& attached,
                               qint64 startedNs, qint64 tNs, std::span<const char> payload,
                               const Value* value) const
{
    TelemetryRecord record;
    record.tNs = tNs;
    record.startNs = startedNs;
    record.kind = kind;
    record.amount = static_cast<qint64>(payload.size());
    record.channel = kind == EventKind::Send ? attached.outChannel : attached.inChannel;
    record.seq = kind == EventKind::Send ? attached.sent : attached.received;
    const auto size = static_cast<qsizetype>(payload.size());
    const QByteArrayView head(payload.data(), std::min<qsizetype>(size, kMaxPayloadHead));
    if (value) {
        // Only as much of the repr as a record can carry: a huge value costs no more than a small.
        bool cut = false;
        // Bounded in UTF-8 bytes, as the record is: layOut() then never cuts it mid-escape.
        const QByteArray text = value->reprUtf8(kMaxRecordText, cut);
        if (cut)
            record.detail |= kTextCut;
        return layOut(out, record, text, head);
    }
    // Bytes: the preview is the repr of the head, which the record carries anyway; the store
    // writes it when asked (bytesPreview()), sparing the worker that work per message.
    record.detail = kBytesPreview;
    return layOut(out, record, {}, head);
}

void Tracer::sending(const Connection& connection, qint64 startedNs, std::span<const char> payload,
                     const Value* value)
{
    const Attached* attached = find(connection);
    if (!attached || !enabled())
        return;
    // Recorded before a byte goes out, held uncommitted where it will be committed: if the
    // process dies in the send, the runner has it, with no end time (0) while the send has not
    // returned.
    const qint64 ringWaits = m_ringWaits;
    char* out = room();
    if (!out)
        return;
    // The tracer's own wait for the runner to make room is not the send's time.
    if (m_ringWaits != ringWaits)
        startedNs = m_clock.now();
    m_pendingSize = writeMessage(out, EventKind::Send, *attached, startedNs, 0, payload, value);
    m_ring.holdPending(m_pendingSize);
}

void Tracer::sent(const Connection& connection, bool delivered)
{
    Attached* attached = find(connection);
    if (m_pendingSize == 0 || !attached)
        return;
    const qsizetype size = std::exchange(m_pendingSize, 0);
    if (!delivered) {
        m_ring.clearPending();
        return;
    }
    ++attached->sent;
    const qint64 now = m_clock.now();
    if (m_ring.holding()) {
        m_ring.commitHeld(now);
        committed(size, now);
        return;
    }
    // Set aside while the send waited: committed as a copy, then cleared (a death in between
    // leaves both, and the runner keeps the committed one).
    const std::span<const char> record = m_ring.completeAside(now);
    if (char* out = room()) {
        std::memcpy(out, record.data(), size_t(size));
        commit(size, now);
    }
    m_ring.clearPending();
}

void Tracer::received(const Connection& connection, qint64 startedNs, std::span<const char> payload,
                      const Value* value)
{
    Attached* attached = find(connection);
    if (!attached)
        return;
    // When it returned: before any wait of the tracer's own for room in the ring.
    const qint64 now = m_clock.now();
    if (char* out = room()) {
        const qsizetype size =
            writeMessage(out, EventKind::Recv, *attached, startedNs, now, payload, value);
        ++attached->received;
        commit(size, now);
    }
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
    record.tNs = m_clock.now();
    record.startNs = record.tNs - waitedNs;
    record.kind = EventKind::Poll;
    record.channel = attached ? attached->inChannel : kNoChannel;
    record.amount = waitedNs;
    record.number = timeoutSeconds;
    record.detail = result ? 1 : 0;
    append(record, {});
}

} // namespace pipescope
