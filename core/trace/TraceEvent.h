#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1String>
#include <QString>
#include <QtGlobal>

namespace pipescope {

// What a traced event is. The names are those of the events JSON Lines export.
enum class EventKind : quint8
{
    Send,   // a message went into the pipe
    Recv,   // a message was taken off the pipe
    Poll,   // a poll() returned
    State,  // the process changed state
    Stdout, // a line the process printed
    Stderr, // a line the process wrote to stderr
    Exit,   // the process ended
    Error,  // a call failed (the text says how)
    Put,    // Queue.put() took an item into the process's buffer (its amount: items there now)
    Close,  // the process closed its end that writes the channel (a traced program's close())
};
constexpr int kEventKindCount = 10;

// What a process is doing, as its lane in the timeline shows it.
enum class ProcessState : quint8
{
    Running,
    Sleeping,
    BlockedRecv,
    BlockedSend,
    Polling,
    Exited,
    Crashed,
    Stopped, // ended by the user's stop (or an interrupted run), not by a fault of its own
    Joining, // Process.join(): waits for another process (the event's amount: its number) to end
};
constexpr int kProcessStateCount = 9;

QLatin1String eventKindName(EventKind kind);
QLatin1String processStateName(ProcessState state);
// "SIGKILL" for 9.
QString signalName(int signal);
// The text of a byte message of `size` bytes whose payload starts with `head`: repr(head), with
// "..." before its closing quote when the message is longer or the repr does not fit in
// kMaxRecordText (which it never exceeds; the cut falls between escapes).
QByteArray bytesPreview(QByteArrayView head, qint64 size);

// A channel id meaning "none".
constexpr quint16 kNoChannel = 0xffff;

// One event as a worker sends it on its telemetry connection: a fixed-size binary record,
// followed by `textLength` bytes of text (a value's repr, a printed line, an error message) and,
// for messages, `headLength` bytes: the start of the payload. A byte message (send_bytes,
// recv_bytes) carries no text but kBytesPreview: its preview, the repr of the head, is written by
// the store when a view or an export asks (TraceStore::text()), off every hot path.
// A telemetry message is a batch of such records back to back. Both ends run on one machine, so
// the fields are in the machine's byte order.
struct TelemetryRecord
{
    qint64 tNs = 0;     // CLOCK_MONOTONIC when the event happened (a call's return)
    qint64 startNs = 0; // when the call began (send, recv, poll), else tNs
    qint64 seq = -1;    // the message's number on its channel (send, recv)
    qint64 amount = 0;  // bytes (send, recv); time waited in ns (poll); exit code (exit)
    double number = 0;  // the poll's timeout in seconds (infinity: none)
    quint16 channel = kNoChannel;
    EventKind kind = EventKind::State;
    quint8 detail = 0; // ProcessState (state); result 0/1 (poll); kTextCut (send, recv)
    quint16 textLength = 0;
    quint16 headLength = 0; // the payload's first bytes follow the text (send, recv)
};
static_assert(sizeof(TelemetryRecord) == 48, "the telemetry record is part of the wire format");

// TelemetryRecord::detail of a send or recv: the value's text was cut (at kMaxRecordText).
constexpr quint8 kTextCut = 1;
// The record carries no text: the event's text is the repr of the payload head (bytesPreview()),
// written by the store when asked for, so neither the worker nor the runner spends time or memory
// on it per message.
constexpr quint8 kBytesPreview = 2;

// The longest text a record carries; longer previews are cut (and marked) by the worker.
constexpr int kMaxRecordText = 256;
// How many of a message's first bytes a record carries, for the frame's hex view.
constexpr int kMaxPayloadHead = 64;

} // namespace pipescope
