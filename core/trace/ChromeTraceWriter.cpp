#include "trace/ChromeTraceWriter.h"

#include "base/Version.h"
#include "trace/ChunkedOutput.h"
#include "trace/JsonText.h"
#include "trace/OutputFile.h"
#include "trace/TraceStore.h"
#include "wire/PyRepr.h"

#include <QIODevice>
#include <cmath>

namespace pipescope {

namespace {

// Each child is its own process and thread in the trace; kPipesPid carries the counters.
int tracePid(int process)
{
    return process + 1;
}

// The track of a process's states, beside its calls' (whose tid is its pid): tids above any pid.
int statesTid(int process)
{
    return 0x20000 + process;
}

quint64 flowId(int channel, qint64 seq)
{
    return (static_cast<quint64>(channel) << 40) | static_cast<quint64>(seq);
}

class Writer
{
public:
    explicit Writer(ChunkedOutput& output)
        : m_output(output)
        , m_out(output.buffer())
    {}

    // The first write error, if any.
    const Status& status() const { return m_status; }

    // On the process's own track (`tid` -1), or another of its tracks.
    void begin(const char* phase, int pid, const QByteArray& name, qint64 tNs, int tid = -1)
    {
        // Between events, a full chunk goes out.
        if (m_status)
            m_status = m_output.flushIfFull();
        m_out.append(m_first ? "\n" : ",\n");
        m_first = false;
        m_out.append("{\"ph\":\"");
        m_out.append(phase);
        m_out.append("\",\"pid\":");
        m_out.append(QByteArray::number(pid));
        m_out.append(",\"tid\":");
        m_out.append(QByteArray::number(tid < 0 ? pid : tid));
        m_out.append(",\"name\":");
        appendJsonString(m_out, name);
        m_out.append(",\"ts\":");
        appendMicroseconds(m_out, tNs);
    }
    void raw(const char* text) { m_out.append(text); }
    void number(const char* key, qint64 value)
    {
        field(key);
        m_out.append(QByteArray::number(value));
    }
    void string(const char* key, QByteArrayView value)
    {
        field(key);
        appendJsonString(m_out, value);
    }
    void duration(qint64 ns)
    {
        field("dur");
        appendMicroseconds(m_out, std::max<qint64>(ns, 0));
    }
    void end() { m_out.append('}'); }

private:
    void field(const char* key)
    {
        m_out.append(",\"");
        m_out.append(key);
        m_out.append("\":");
    }

    ChunkedOutput& m_output;
    QByteArray& m_out;
    Status m_status;
    bool m_first = true;
};

void writeNames(Writer& w, const TraceStore& store)
{
    w.begin("M", ChromeTraceWriter::kPipesPid, "process_name", 0);
    w.raw(",\"args\":{\"name\":\"pipes (queue depth)\"}");
    w.end();
    w.begin("M", ChromeTraceWriter::kPipesPid, "process_sort_index", 0);
    w.raw(",\"args\":{\"sort_index\":0}");
    w.end();
    for (int p = 0; p < store.processCount(); ++p) {
        if (!store.processShown(p))
            continue;
        const TraceStore::Process& process = store.process(p);
        const QByteArray label =
            QStringLiteral("%1 (pid %2)").arg(process.name).arg(process.pid).toUtf8();
        for (const char* kind : {"process_name", "thread_name"}) {
            w.begin("M", tracePid(p), kind, 0);
            w.raw(",\"args\":{\"name\":");
            QByteArray quoted;
            appendJsonString(quoted, label);
            w.raw(quoted.constData());
            w.raw("}");
            w.end();
        }
        // Its states on a track of their own: a wait overlaps the calls it waits in.
        w.begin("M", tracePid(p), "thread_name", 0, statesTid(p));
        w.raw(",\"args\":{\"name\":\"states\"}");
        w.end();
        w.begin("M", tracePid(p), "process_sort_index", 0);
        w.raw(",\"args\":{\"sort_index\":");
        w.raw(QByteArray::number(p + 1).constData());
        w.raw("}");
        w.end();
    }
}

void writeMessage(Writer& w, const TraceStore& store, qsizetype e, bool delivered)
{
    const bool send = store.kind(e) == EventKind::Send;
    const int channel = store.channelOf(e);
    QByteArray name = send ? "send " : "recv ";
    name += store.text(e);
    w.begin("X", tracePid(store.processOf(e)), name, store.startTime(e));
    w.duration(store.time(e) - store.startTime(e));
    w.string("cat", "message");
    if (delivered && send) { // the arrow's start; writeArrowEnd() writes its end
        w.number("bind_id", qint64(flowId(channel, store.seq(e))));
        w.raw(",\"flow_out\":true");
    }
    w.raw(",\"args\":{");
    w.raw("\"channel\":");
    QByteArray text;
    appendJsonString(text, store.channel(channel).name.toUtf8());
    text += ",\"seq\":" + QByteArray::number(store.seq(e));
    text += ",\"bytes\":" + QByteArray::number(store.messageBytes(e));
    text += ",\"value\":";
    appendJsonString(text, store.text(e));
    w.raw(text.constData());
    w.raw("}");
    w.end();
}

// The arrow's end, where the message came out of the pipe: the recv's return. A receiver usually
// waits before the message is even sent, so a flow bound to the recv slice itself (which begins at
// the call) would end before it starts, and Perfetto's importer, which takes events in time order,
// drops such a flow. A zero-length slice at the return carries the end instead. These are written
// after every send, so that a return at the very nanosecond of its send's start (ties keep the
// file's order) still comes after it.
void writeArrowEnd(Writer& w, const TraceStore& store, qsizetype recv)
{
    w.begin("X", tracePid(store.processOf(recv)), "received", store.time(recv));
    w.duration(0);
    w.string("cat", "message");
    w.number("bind_id", qint64(flowId(store.channelOf(recv), store.seq(recv))));
    w.raw(",\"flow_in\":true,\"args\":{\"seq\":");
    w.raw(QByteArray::number(store.seq(recv)).constData());
    w.raw("}");
    w.end();
}

// A waiting state (sleeping, blocked, polling, joining) as a slice from its start to the
// process's next state (or its last event), named as the window's tooltip says it.
void writeStateSlice(Writer& w, const TraceStore& store, int process, qsizetype e)
{
    const auto state = ProcessState(store.detail(e));
    if (state == ProcessState::Running || state == ProcessState::Exited ||
        state == ProcessState::Crashed || state == ProcessState::Stopped)
        return;
    const TraceStore::Process& p = store.process(process);
    const auto next = std::upper_bound(p.stateEvents.begin(), p.stateEvents.end(), quint32(e));
    const qint64 end =
        next != p.stateEvents.end() ? store.time(*next) : store.time(p.events.back());
    QByteArray name = state == ProcessState::Sleeping ? QByteArray("sleep")
                                                      : QByteArray(processStateName(state).data(),
                                                                   processStateName(state).size());
    if (state == ProcessState::Joining)
        name += ' ' + store.processName(store.joinedProcess(e)).toUtf8();
    else if (store.channelOf(e) != kNoChannel)
        name += " on " + store.channel(store.channelOf(e)).name.toUtf8();
    w.begin("X", tracePid(process), name, store.time(e), statesTid(process));
    w.duration(std::max<qint64>(0, end - store.time(e)));
    w.string("cat", "state");
    w.end();
}

} // namespace

Status ChromeTraceWriter::write(const TraceStore& store, QIODevice& device)
{
    ChunkedOutput output(device);
    // Trace viewers (Perfetto, chrome://tracing) ignore top-level keys they do not know.
    output.buffer().append("{\"displayTimeUnit\":\"ms\",\"metadata\":{\"pipescope-version\":");
    appendJsonString(output.buffer(), version().toUtf8());
    output.buffer().append("},\"traceEvents\":[");
    Writer w(output);
    writeNames(w, store);

    // Which sends were received (only those get an arrow).
    std::vector<bool> delivered(static_cast<size_t>(store.eventCount()), false);
    for (const TraceStore::Message& message : store.messages()) {
        if (message.sendEvent >= 0 && message.recvEvent >= 0)
            delivered[size_t(message.sendEvent)] = true;
    }

    for (int p = 0; p < store.processCount(); ++p) {
        const TraceStore::EventList& events = store.process(p).events;
        for (size_t i = 0; i < events.size(); ++i) {
            const qsizetype e = events[i];
            if (!store.eventShown(e))
                continue;
            switch (store.kind(e)) {
            case EventKind::Send:
            case EventKind::Recv:
                writeMessage(w, store, e, delivered[size_t(e)]);
                break;
            case EventKind::Poll: {
                w.begin("i", tracePid(p),
                        store.detail(e) ? QByteArray("poll -> True") : QByteArray("poll -> False"),
                        store.time(e));
                w.string("s", "t");
                QByteArray args = ",\"args\":{\"timeout_s\":";
                args += std::isinf(store.pollTimeoutSeconds(e))
                            ? QByteArray("null")
                            : reprFloat(store.pollTimeoutSeconds(e)).toUtf8();
                args += ",\"waited_ns\":" + QByteArray::number(store.pollWaitNs(e)) + "}";
                w.raw(args.constData());
                w.end();
                break;
            }
            case EventKind::Put: {
                // Queue.put(): into the process's buffer, for its feeder thread to send.
                w.begin("i", tracePid(p), QByteArray("put"), store.time(e));
                w.string("s", "t");
                QByteArray args = ",\"args\":{\"channel\":";
                appendJsonString(args, store.channel(store.channelOf(e)).name.toUtf8());
                args += ",\"buffered\":" + QByteArray::number(store.bufferedAfter(e)) + "}";
                w.raw(args.constData());
                w.end();
                break;
            }
            case EventKind::State:
                writeStateSlice(w, store, p, e);
                break;
            case EventKind::Error: {
                // A failed call (or the runner's word about the process): a mark on its track.
                w.begin("i", tracePid(p), QByteArray("raised"), store.time(e));
                w.string("s", "t");
                QByteArray args = ",\"args\":{\"message\":";
                appendJsonString(args, store.text(e));
                if (store.channelOf(e) != kNoChannel) {
                    args += ",\"channel\":";
                    appendJsonString(args, store.channel(store.channelOf(e)).name.toUtf8());
                }
                if (store.seq(e) >= 0)
                    args += ",\"seq\":" + QByteArray::number(store.seq(e));
                args += "}";
                w.raw(args.constData());
                w.end();
                break;
            }
            default:
                break;
            }
        }
    }

    for (const TraceStore::Message& message : store.messages()) {
        if (message.sendEvent >= 0 && message.recvEvent >= 0 && store.channelShown(message.channel))
            writeArrowEnd(w, store, message.recvEvent);
    }

    // Queue depth: one counter per channel, a sample at every change.
    for (int c = 0; c < store.channelCount(); ++c) {
        if (!store.channelShown(c))
            continue;
        const TraceStore::Channel& channel = store.channel(c);
        const QByteArray name = "queue depth " + channel.name.toUtf8();
        size_t s = 0;
        size_t r = 0;
        qint64 depth = 0;
        w.begin("C", kPipesPid, name, 0);
        w.raw(",\"args\":{\"messages\":0}");
        w.end();
        while (s < channel.sendTimes.size() || r < channel.recvTimes.size()) {
            const bool takeRecv =
                r < channel.recvTimes.size() &&
                (s >= channel.sendTimes.size() || channel.recvTimes[r] <= channel.sendTimes[s]);
            const qint64 t = takeRecv ? channel.recvTimes[r++] : channel.sendTimes[s++];
            depth += takeRecv ? -1 : 1;
            w.begin("C", kPipesPid, name, t);
            w.raw(",\"args\":{\"messages\":");
            w.raw(QByteArray::number(depth).constData());
            w.raw("}");
            w.end();
        }
    }
    if (!w.status())
        return w.status();
    output.buffer().append("\n]}\n");
    return output.finish();
}

Status ChromeTraceWriter::writeFile(const TraceStore& store, const QString& path)
{
    return OutputFile::save(path, [&](QIODevice& device) { return write(store, device); });
}

} // namespace pipescope
