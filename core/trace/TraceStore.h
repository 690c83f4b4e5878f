#pragma once

#include "base/Result.h"
#include "trace/ChunkedColumn.h"
#include "trace/PackedColumn.h"
#include "trace/TextPool.h"
#include "trace/TimeBuckets.h"
#include "trace/TraceEvent.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <optional>
#include <unordered_map>
#include <vector>

namespace pipescope {

// Everything recorded about one run: an append-only, columnar store (one chunked array per field,
// 24 bytes per event; texts in one bounded pool). What only messages have (seq, size, when the
// call began, the payload's first bytes) is kept once per message, and the rare other events that
// carry numbers (polls, exits) keep them in a side table, so a flood costs about 50 bytes per
// event. Nothing that is stored ever moves: appending a million events never copies the columns.
//
// Each process's events arrive in its own time order, so every lane is time-indexed by its own
// list of event numbers and a view finds the events between two times by binary search. Messages
// are derived as events arrive: a send and a recv with the same (channel, seq) are one message,
// and per channel the sorted send and recv times give the queue depth at any time in O(log n).
class TraceStore
{
public:
    // The process number of events the runner itself records (deadlocks, its own errors).
    static constexpr int kRunner = 0xfffe;
    // The text pool's bound (the bytes it keeps, packed); texts beyond it are dropped (and
    // counted).
    static constexpr qsizetype kMaxTextBytes = 256 * 1024 * 1024;
    // The latest time an event may have (about 146 years of uptime) and the largest message.
    static constexpr qint64 kMaxTimeNs = qint64(1) << 62;
    static constexpr qint64 kMaxMessageBytes = qint64(1) << 48;

    using EventList = PackedColumn<quint32>;
    using TimeList = PackedColumn<qint64>;

    struct Process
    {
        QString name;
        QString role;
        qint64 pid = 0;
        QString thread; // a traced program's thread that has a lane of its own; empty: main
        ProcessState state = ProcessState::Running;
        quint16 stateChannel = kNoChannel; // what the latest state waits on
        int joins = -1;                    // the process it is joining, while Joining
        bool ended = false;                // it has an Exit event
        bool crashed = false;              // ended by a signal, or stopped
        bool stopped = false;              // ended by the user's stop (its latest state is Stopped)
        bool internal = false; // one of multiprocessing's own helpers (the forkserver): see below
        int exitCode = 0;      // when ended normally
        int signal = 0;        // when crashed
        EventList events;      // its events, in time order
        EventList stateEvents; // its state changes, in time order
        // Their times (as time() gives them) and states, side by side: a lane drawn a pixel at
        // a time reads these, near each other, not each event's columns all over the store.
        TimeList stateTimes;
        PackedColumn<ProcessState> stateKinds;
        // stateTimes counted over time, tagged with their states (see TimeBuckets).
        TimeBuckets stateBuckets;
        EventList pollEvents;  // its polls, in time order
        EventList errorEvents; // its failed calls, in time order
        EventList putEvents;   // its Queue.put() calls, in time order
    };

    // A channel's `from` or `to` when it is not known in advance (a traced program's pipe: whoever
    // sends or receives on it). The first process that does becomes it; later ones from other
    // processes mark the channel shared (manyWriters, manyReaders). Every message keeps its own
    // sender and receiver (its events' processes) either way.
    static constexpr int kAnyProcess = -1;

    struct Channel
    {
        QString name;
        int from = 0;             // the writer, the first one of a shared channel, or kAnyProcess
        int to = 0;               // the reader, likewise
        bool openEnds = false;    // added with kAnyProcess: any process may send or receive on it
        bool manyWriters = false; // more than one process has sent on it
        bool manyReaders = false; // more than one process has received from it
        bool internal = false;    // multiprocessing's own traffic (an authkey challenge): see below
        // Its place among the channels as the run that recorded it made them (its colour in the
        // views): a reopened run's channels come in the order the file first names them.
        int ordinal = 0;
        TimeList sendTimes; // sorted: one writer
        TimeList recvTimes; // sorted: one reader
        // Both counted over time (see TimeBuckets).
        TimeBuckets sendBuckets;
        TimeBuckets recvBuckets;
        TimeList sentBytes; // cumulative, per send
        TimeList receivedBytes;
        PackedColumn<qint32> messageBySeq; // message number per seq
        // By seq, as far as the sends (recvs) have come: each send's (recv's) event, and when
        // each recv call began (monotonic).
        PackedColumn<qint32> sendEvents;
        PackedColumn<qint32> recvEvents;
        TimeList recvStarts;
        TimeList putTimes;         // a Queue's: when Queue.put() was called, sorted
        std::vector<int> closedBy; // processes that closed their end that writes it
        // The failed call about each message that had one (an Error event with a seq), by seq:
        // the first one.
        std::unordered_map<qint64, qint32> errorBySeq;

        // A Pipe's direction (a scenario's pipe, or a traced program's Pipe#n), not a Queue's,
        // a Pool's, or a connection of unknown kind: made for two processes, ended by EOF.
        bool isPipe() const
        {
            return name.startsWith(QLatin1String("Pipe#")) || !name.contains(u' ');
        }
        qint64 deepestQueued = 0; // the most items put and not yet received

        // How far the deepest-queue walk is certain: sends and recvs taken, the depth there (in
        // messages and bytes) and the deepest so far. See TraceStore::advanceDepthWalk().
        struct DepthWalk
        {
            size_t sends = 0;
            size_t recvs = 0;
            qint64 depth = 0;
            qint64 depthBytes = 0;
            qint64 deepest = 0;
            qint64 deepestBytes = 0;
        } walked;
    };

    // A message: its channel and seq, and its events (-1 until recorded). Given by value: the
    // store keeps messages in packed columns (see MessageList).
    struct Message
    {
        quint16 channel = 0;
        qint64 seq = 0;
        qint32 sendEvent = -1;
        qint32 recvEvent = -1;
    };

    // The messages, numbered in the order the store learned of them (by either end), as a view
    // of the store's columns: index, size and iteration, each message by value.
    class MessageList
    {
    public:
        using const_iterator = IndexedIterator<MessageList, Message>;

        explicit MessageList(const TraceStore& store)
            : m_store(&store)
        {}
        Message operator[](std::size_t number) const;
        std::size_t size() const { return m_store->m_messageChannel.size(); }
        bool empty() const { return size() == 0; }
        const_iterator begin() const { return const_iterator(this, 0); }
        const_iterator end() const { return const_iterator(this, size()); }

    private:
        const TraceStore* m_store;
    };

    TraceStore() = default;
    // Its message list refers to it: a store stays where it was made (held by a unique_ptr).
    TraceStore(const TraceStore&) = delete;
    TraceStore& operator=(const TraceStore&) = delete;

    // The run's start on the monotonic clock: every time the store gives is relative to it.
    void setOrigin(qint64 monotonicNs) { m_origin = monotonicNs; }
    qint64 origin() const { return m_origin; }
    // The signal that interrupted the run (0: it was not interrupted): what was recorded is a
    // part of the run. Exports carry it (the events file as a mark; see EventsJsonWriter).
    void setInterruptedBy(int signal) { m_interruptedBy = signal; }
    int interruptedBy() const { return m_interruptedBy; }

    int addProcess(const QString& name, const QString& role);
    // A lane that belongs under `owner`'s (a traced program's thread under its process): shown
    // right after `owner` and the lanes already under it, whenever it comes.
    int addProcessUnder(int owner, const QString& name, const QString& role);
    // Where a process's lane is shown (0 first), and the process shown at a row: the order the
    // processes came in, with the lanes that belong under another right below it.
    int rowOf(int process) const { return m_rowOf[size_t(process)]; }
    // Orders the lanes by pid, a process's thread lanes after its own, lanes without a pid last,
    // keeping the order of equals (a reader of a saved run: lanes in the order their processes
    // started, as they were live, not the order they first spoke).
    void orderLanesByPid();
    int processAtRow(int row) const { return m_processAtRow[size_t(row)]; }
    // Moves `process`'s lane, with the lanes under it, `steps` lanes up (negative) or down past
    // others of their kind (a process's lane past other processes' with theirs; a thread's past
    // its siblings), as far as it goes: the user's order (a lane pinned on top is moved up as far
    // as it goes). Every view of the store follows, as for rows that come and go.
    void moveLane(int process, int steps);
    // The lanes shown: every process but the internal ones while internal traffic is hidden
    // (rowOf() is -1 for those).
    int rowCount() const { return static_cast<int>(m_processAtRow.size()); }

    // Internal traffic: what multiprocessing does for itself in a traced program (its forkserver
    // and resource tracker, an authkey challenge, the resource sharer's connections) is recorded
    // and marked, and hidden unless asked for. Every reader of the store (views, statistics,
    // exports, counts) asks it what is shown, so that they all agree: a lane without its
    // process, a count without its rows, would contradict each other. Findings never count
    // internal traffic (multiprocessing's own, not the program's doing).
    void setInternal(int process, bool internal);
    void setChannelInternal(int channel, bool internal);
    void setInternalShown(bool shown);
    bool internalShown() const { return m_internalShown; }
    bool processShown(int process) const
    {
        return m_internalShown || process == kRunner || process == kAnyProcess ||
               !m_processes[size_t(process)].internal;
    }
    bool channelShown(int channel) const
    {
        return m_internalShown || !m_channels[size_t(channel)].internal;
    }
    // Internal: a message's send or recv when its channel is; another event when its process is,
    // or the channel it is about (a state is its process's only).
    bool isInternal(qsizetype event) const;
    // Shown: not internal, or internal traffic is shown.
    bool eventShown(qsizetype event) const { return m_internalShown || !isInternal(event); }
    // `from` and `to` are processes, or kAnyProcess for a channel whose ends are learned from its
    // events.
    int addChannel(const QString& name, int from, int to);
    // A traced program names its processes and channels as it goes (a fork child takes its
    // multiprocessing name when it starts; a pipe's name says who uses it).
    void renameProcess(int process, const QString& name);
    void setRole(int process, const QString& role);
    void setThread(int process, const QString& thread);
    void renameChannel(int channel, const QString& name);
    void setChannelOrdinal(int channel, int ordinal);
    // A process's state, end, exit code or signal are what its events say (a State event, an Exit
    // event): writers append events and never set them. Its pid is not an event: the writer that
    // starts or reads it sets it.
    const Process& process(int index) const { return m_processes.at(static_cast<size_t>(index)); }
    void setPid(int process, qint64 pid) { m_processes.at(static_cast<size_t>(process)).pid = pid; }
    int processCount() const { return static_cast<int>(m_processes.size()); }
    const Channel& channel(int index) const { return m_channels.at(static_cast<size_t>(index)); }
    int channelCount() const { return static_cast<int>(m_channels.size()); }
    // "runner" for kRunner, "?" for kAnyProcess (not known yet).
    QString processName(int index) const;

    // Appends one event of `process` (or kRunner). A message event must name a channel that the
    // process writes (send) or reads (recv), with the next seq of that direction, and a size from
    // 0 to kMaxMessageBytes; times must satisfy 0 <= startNs <= tNs <= kMaxTimeNs. Anything else
    // is refused with a Protocol error and changes nothing.
    Result<qint32> append(int process, const TelemetryRecord& record, QByteArrayView text,
                          QByteArrayView payloadHead = {});

    qsizetype eventCount() const { return static_cast<qsizetype>(m_time.size()); }
    // Times relative to the origin, in ns.
    qint64 time(qsizetype event) const { return m_time[size_t(event)] - m_origin; }
    // When the call began (send, recv, poll); time() for others.
    qint64 startTime(qsizetype event) const;
    int processOf(qsizetype event) const { return m_process[size_t(event)]; }
    EventKind kind(qsizetype event) const { return m_kind[size_t(event)]; }
    quint8 detail(qsizetype event) const { return m_detail[size_t(event)]; }
    quint16 channelOf(qsizetype event) const { return m_channel[size_t(event)]; }
    // The message a send or recv belongs to, -1 for other events.
    qint32 messageOf(qsizetype event) const;
    // What the record said, by what it means (defaults where it said nothing): a message's seq
    // (-1 for other events) and payload size in bytes; a poll's time waited (ns) and timeout
    // (seconds, infinity for none); an exit's code, or the signal that ended it when detail() is
    // 1 (see TraceStore::Process).
    qint64 seq(qsizetype event) const;
    qint64 messageBytes(qsizetype event) const;
    qint64 pollWaitNs(qsizetype event) const { return extraAmount(event); }
    double pollTimeoutSeconds(qsizetype event) const;
    int exitStatus(qsizetype event) const { return static_cast<int>(extraAmount(event)); }
    // The process a Joining state event joins.
    int joinedProcess(qsizetype event) const { return static_cast<int>(extraAmount(event)); }
    // The event's text: a value's repr, a printed line, an error message. A byte message's is
    // written from its payload head on each call (kBytesPreview); any other is a copy of the
    // stored bytes.
    QByteArray text(qsizetype event) const;
    // The first bytes of a message's payload (up to kMaxPayloadHead): the same for its send and
    // its recv.
    QByteArray payloadHead(qsizetype event) const;
    // The time of the earliest event of any process (the runner's included); 0 with none.
    qint64 firstTime() const;
    // The time of the latest state change, poll or message of any process: where what the
    // processes did ends (lines and exits the runner notes later do not count); 0 with none.
    qint64 activityEnd() const;
    // The events of every process, runner included, by time (ties in arrival order).
    std::vector<quint32> eventsByTime() const;
    const EventList& runnerEvents() const { return m_runnerEvents; }

    const MessageList& messages() const { return m_messageList; }
    // Who sent and who received a message: its send's and recv's processes (a shared channel's
    // messages each have their own), else the channel's ends (kAnyProcess when not known yet).
    int senderOf(const Message& message) const;
    int receiverOf(const Message& message) const;
    // The failed call about a message (its recv raised BufferTooShort, refused it as too long,
    // or could not unpickle it; its send raised), or -1.
    qint32 errorOf(const Message& message) const;
    // Messages shown, those received, and those sent and not received (so far, or ever once the
    // run has ended).
    qsizetype messageCount() const;
    qsizetype deliveredCount() const;
    qsizetype undeliveredCount() const;

    // Messages in flight on `channel` at `t` (relative ns), and their bytes.
    qint64 depthAt(int channel, qint64 t) const;
    qint64 depthBytesAt(int channel, qint64 t) const;
    // The same once the first `sends` sends and `recvs` recvs of `channel` are done (in time
    // order: as many as sendTimes.upperBound(t) and recvTimes.upperBound(t) count), for whoever
    // walks the times in order and counts them itself.
    qint64 depthAfter(int channel, size_t sends, size_t recvs, bool inBytes) const;
    // The largest depth `channel` reached: kept up to date as events arrive, so this costs only
    // the walk over the events whose order is not settled yet (those after the last recv, say).
    qint64 maxDepth(int channel) const;
    qint64 maxDepthBytes(int channel) const;
    // A Queue's items put and not yet received at `t`: those still in the putting process's
    // buffer (its feeder thread has not sent them yet) and those in the pipe. 0 without puts.
    qint64 queuedAt(int channel, qint64 t) const;
    // How many items a put left in its process's buffer.
    qint64 bufferedAfter(qsizetype putEvent) const { return extraAmount(putEvent); }

    // Bumped by every change, so a view can tell whether to redraw.
    quint64 generation() const { return m_generation; }
    // Bytes the store's columns take per event unpacked, for the benchmarks (texts, messages and
    // indexes excluded): the most they take; packed, they take less (see PackedColumn).
    static constexpr qsizetype bytesPerEvent();
    qsizetype droppedTextBytes() const { return m_droppedText; }

private:
    // What a poll, an exit or any other non-message event carries beyond its time.
    struct Extra
    {
        qint64 startNs = 0;
        qint64 seq = -1;
        qint64 amount = 0;
        double number = 0;
    };

    // The amount of a non-message event's record, 0 when it had none.
    qint64 extraAmount(qsizetype event) const;
    // Takes a put's time into its channel, or refuses it.
    Result<qint32> putEvent(int process, const TelemetryRecord& record);
    Result<qint32> messageEvent(int process, const TelemetryRecord& record, qint32 event,
                                QByteArrayView payloadHead);
    static void advanceDepthWalk(Channel& channel);
    static Channel::DepthWalk finishDepthWalk(const Channel& channel);
    static qint64 messageSize(const TimeList& cumulative, size_t seq);
    // Rebuilds the rows from m_order: the processes shown, in order.
    void updateRows();

    qint64 m_origin = 0;
    int m_interruptedBy = 0;
    std::vector<Process> m_processes;
    std::vector<int> m_order;        // every process, in the order their lanes are shown
    std::vector<int> m_rowOf;        // by process: its row, -1 when not shown
    std::vector<int> m_processAtRow; // by row
    std::vector<int> m_ownerOf;      // by process: itself, or the lane it is shown under
    std::vector<Channel> m_channels;
    // The messages' columns, by number: see MessageList. The payload head is the first bytes
    // of the payload as the first of its events had them, in the text pool.
    PackedColumn<quint16> m_messageChannel;
    PackedColumn<qint64> m_messageSeq;
    PackedColumn<quint32> m_headOffset;
    PackedColumn<quint8> m_headLength;
    MessageList m_messageList{*this};
    EventList m_runnerEvents;
    ChunkedColumn<Extra> m_extras;
    qsizetype m_delivered = 0;
    std::vector<int> m_internalChannels;
    bool m_internalShown = false;

    TimeList m_time;
    PackedColumn<qint32> m_ref; // send, recv: the message; others: the extra, or -1
    PackedColumn<quint32> m_textOffset;
    PackedColumn<quint16> m_textLength;
    PackedColumn<quint16> m_process;
    PackedColumn<quint16> m_channel;
    PackedColumn<EventKind> m_kind;
    PackedColumn<quint8> m_detail;
    TextPool m_text{kMaxTextBytes};
    qsizetype m_droppedText = 0;
    quint64 m_generation = 0;
};

constexpr qsizetype TraceStore::bytesPerEvent()
{
    // time, ref, text offset and length, process, channel, kind, detail.
    return 8 + 4 + 4 + 2 + 2 + 2 + 1 + 1;
}

inline TraceStore::Message TraceStore::MessageList::operator[](std::size_t number) const
{
    Message message;
    message.channel = m_store->m_messageChannel[number];
    message.seq = m_store->m_messageSeq[number];
    const Channel& channel = m_store->m_channels[message.channel];
    const auto seq = std::size_t(message.seq);
    message.sendEvent = seq < channel.sendEvents.size() ? channel.sendEvents[seq] : -1;
    message.recvEvent = seq < channel.recvEvents.size() ? channel.recvEvents[seq] : -1;
    return message;
}

} // namespace pipescope
