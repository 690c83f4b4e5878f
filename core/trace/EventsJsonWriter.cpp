#include "trace/EventsJsonWriter.h"

#include "trace/ChunkedOutput.h"
#include "trace/JsonText.h"
#include "trace/OutputFile.h"
#include "trace/TraceStore.h"
#include "wire/PyRepr.h"

#include <QIODevice>
#include <cmath>

namespace pipescope {

namespace {

void appendField(QByteArray& out, const char* name)
{
    out.append(",\"");
    out.append(name);
    out.append("\":");
}

void appendNumber(QByteArray& out, const char* name, qint64 value)
{
    appendField(out, name);
    out.append(QByteArray::number(value));
}

void appendTrue(QByteArray& out, const char* name)
{
    appendField(out, name);
    out.append("true");
}

void appendText(QByteArray& out, const char* name, QByteArrayView text)
{
    appendField(out, name);
    appendJsonString(out, text);
}

// `named`: the channels an event written before named.
void appendEvent(QByteArray& out, const TraceStore& store, qsizetype e, std::vector<bool>& named)
{
    const EventKind kind = store.kind(e);
    out.append("{\"t_ns\":");
    out.append(QByteArray::number(store.time(e)));
    appendText(out, "process", store.processName(store.processOf(e)).toUtf8());
    appendText(out, "kind", QByteArray(eventKindName(kind).data(), eventKindName(kind).size()));
    if (const int process = store.processOf(e); process != TraceStore::kRunner) {
        const TraceStore::Process& p = store.process(process);
        if (p.pid != 0)
            appendNumber(out, "pid", p.pid);
        if (!p.thread.isEmpty())
            appendText(out, "thread", p.thread.toUtf8());
        if (p.internal)
            appendTrue(out, "internal");
    }
    const quint16 channel = store.channelOf(e);
    if (channel != kNoChannel && store.channel(channel).internal)
        appendTrue(out, "channel_internal");
    // A channel's first event says its place among the run's channels (its colour), as the
    // reader meets channels in another order than the run made them.
    if (channel != kNoChannel && !named[channel]) {
        named[channel] = true;
        appendNumber(out, "channel_ordinal", store.channel(channel).ordinal);
    }
    switch (kind) {
    case EventKind::Send:
    case EventKind::Recv:
        appendText(out, "channel", store.channel(channel).name.toUtf8());
        appendNumber(out, "seq", store.seq(e));
        appendNumber(out, "bytes", store.messageBytes(e));
        appendText(out, "value", store.text(e));
        appendNumber(out, "start_ns", store.startTime(e));
        appendText(out, "head", store.payloadHead(e).toHex());
        break;
    case EventKind::Poll:
        if (channel != kNoChannel)
            appendText(out, "channel", store.channel(channel).name.toUtf8());
        appendField(out, "timeout_s");
        out.append(std::isinf(store.pollTimeoutSeconds(e))
                       ? QByteArray("null")
                       : reprFloat(store.pollTimeoutSeconds(e)).toUtf8());
        appendField(out, "result");
        out.append(store.detail(e) ? "true" : "false");
        appendNumber(out, "waited_ns", store.pollWaitNs(e));
        appendNumber(out, "start_ns", store.startTime(e));
        if (!store.text(e).isEmpty()) // a traced connection.wait(): what it was called with
            appendText(out, "call", store.text(e));
        break;
    case EventKind::State: {
        const QLatin1String state = processStateName(static_cast<ProcessState>(store.detail(e)));
        appendText(out, "state", QByteArrayView(state.data(), state.size()));
        if (ProcessState(store.detail(e)) == ProcessState::Joining)
            appendText(out, "joins", store.processName(store.joinedProcess(e)).toUtf8());
        if (channel != kNoChannel)
            appendText(out, "channel", store.channel(channel).name.toUtf8());
        break;
    }
    case EventKind::Stdout:
    case EventKind::Stderr:
        appendText(out, "text", store.text(e));
        break;
    case EventKind::Exit:
        if (store.detail(e)) {
            appendText(out, "signal", signalName(store.exitStatus(e)).toUtf8());
        } else {
            appendNumber(out, "exit_code", store.exitStatus(e));
        }
        appendText(out, "text", store.text(e));
        break;
    case EventKind::Error:
        appendText(out, "message", store.text(e));
        // A failed call: its channel, and the message it was about when that is known.
        if (channel != kNoChannel)
            appendText(out, "channel", store.channel(channel).name.toUtf8());
        if (channel != kNoChannel && store.seq(e) >= 0)
            appendNumber(out, "seq", store.seq(e));
        break;
    case EventKind::Close:
        appendText(out, "channel", store.channel(channel).name.toUtf8());
        break;
    case EventKind::Put:
        appendText(out, "channel", store.channel(channel).name.toUtf8());
        appendNumber(out, "buffered", store.bufferedAfter(e));
        appendNumber(out, "start_ns", store.startTime(e));
        break;
    }
    out.append("}\n");
}

} // namespace

Status EventsJsonWriter::write(const TraceStore& store, QIODevice& device)
{
    ChunkedOutput output(device);
    qint64 last = 0;
    std::vector<bool> named(size_t(store.channelCount()), false);
    for (const quint32 e : store.eventsByTime()) {
        if (!store.eventShown(e))
            continue;
        appendEvent(output.buffer(), store, e, named);
        last = store.time(e);
        if (Status written = output.flushIfFull(); !written)
            return written;
    }
    if (store.interruptedBy() != 0) {
        // An error event to readers that do not know the mark; last, so that time order holds.
        const QByteArray signal = signalName(store.interruptedBy()).toUtf8();
        QByteArray& out = output.buffer();
        out.append("{\"t_ns\":");
        out.append(QByteArray::number(last));
        appendText(out, "process", "runner");
        appendText(out, "kind", "error");
        appendText(out, "message", QByteArray("the run was interrupted by " + signal));
        appendText(out, "interrupted", signal);
        out.append("}\n");
    }
    return output.finish();
}

Status EventsJsonWriter::writeFile(const TraceStore& store, const QString& path)
{
    return OutputFile::save(path, [&](QIODevice& device) { return write(store, device); });
}

} // namespace pipescope
