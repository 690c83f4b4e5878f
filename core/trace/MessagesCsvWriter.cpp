#include "trace/MessagesCsvWriter.h"

#include "trace/ChunkedOutput.h"
#include "trace/OutputFile.h"
#include "trace/TraceStore.h"

#include <QIODevice>

namespace pipescope {

namespace {

void appendField(QByteArray& out, QByteArrayView text)
{
    const bool quoted =
        text.contains(',') || text.contains('"') || text.contains('\n') || text.contains('\r');
    if (!quoted) {
        out.append(text);
        return;
    }
    out.append('"');
    for (const char c : text) {
        if (c == '"')
            out.append('"');
        out.append(c);
    }
    out.append('"');
}

void appendRow(QByteArray& out, const TraceStore& store, const TraceStore::Message& message)
{
    const TraceStore::Channel& channel = store.channel(message.channel);
    const bool sent = message.sendEvent >= 0;
    const bool received = message.recvEvent >= 0;
    // A store still filling may hold a recv whose send has not arrived: it describes the message.
    const qint32 known = sent ? message.sendEvent : message.recvEvent;
    out.append(QByteArray::number(message.seq));
    out.append(',');
    appendField(out, channel.name.toUtf8());
    out.append(',');
    appendField(out, store.processName(store.senderOf(message)).toUtf8());
    out.append(',');
    appendField(out, store.processName(store.receiverOf(message)).toUtf8());
    out.append(',');
    appendField(out, store.text(known));
    out.append(',');
    out.append(QByteArray::number(store.messageBytes(known)));
    out.append(',');
    if (sent)
        out.append(QByteArray::number(store.startTime(message.sendEvent)));
    out.append(',');
    if (received)
        out.append(QByteArray::number(store.time(message.recvEvent)));
    out.append(',');
    if (sent && received)
        out.append(
            QByteArray::number(store.time(message.recvEvent) - store.startTime(message.sendEvent)));
    out.append(',');
    if (const qint32 error = store.errorOf(message); error >= 0)
        appendField(out, store.text(error));
    out.append("\r\n");
}

} // namespace

Status MessagesCsvWriter::write(const TraceStore& store, QIODevice& device)
{
    ChunkedOutput output(device);
    output.buffer().append(
        "seq,channel,from,to,value,bytes,sent_ns,received_ns,latency_ns,raised\r\n");
    for (const TraceStore::Message& message : store.messages()) {
        if (!store.channelShown(message.channel))
            continue;
        appendRow(output.buffer(), store, message);
        if (Status written = output.flushIfFull(); !written)
            return written;
    }
    return output.finish();
}

Status MessagesCsvWriter::writeFile(const TraceStore& store, const QString& path)
{
    return OutputFile::save(path, [&](QIODevice& device) { return write(store, device); });
}

} // namespace pipescope
