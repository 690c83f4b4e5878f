#pragma once

#include "pipe/Result.h"
#include "trace/TraceEvent.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <optional>
#include <vector>

namespace pipescope {

// Everything recorded about one run: an append-only, columnar store (one array per field, a
// fixed few dozen bytes per event; texts in one bounded pool). Each process's events arrive in
// its own time order, so every lane is time-indexed by its own list of event numbers and a view
// finds the events between two times by binary search. Messages are derived as events arrive:
// a send and a recv with the same (channel, seq) are one message, and per channel the sorted send
// and recv times give the queue depth at any time in O(log n).
class TraceStore
{
public:
    // The process number of events the runner itself records (deadlocks, its own errors).
    static constexpr int kRunner = 0xfffe;
    // The text pool's bound; texts beyond it are dropped (and counted).
    static constexpr qsizetype kMaxTextBytes = 256 * 1024 * 1024;
    // The latest time an event may have (about 146 years of uptime) and the largest message.
    static constexpr qint64 kMaxTimeNs = qint64(1) << 62;
    static constexpr qint64 kMaxMessageBytes = qint64(1) << 48;

    struct Process
    {
        QString name;
        QString role;
        qint64 pid = 0;
        ProcessState state = ProcessState::Running;
        quint16 stateChannel = kNoChannel; // what the latest state waits on
        bool ended = false;
        bool crashed = false;             // ended by a signal, or stopped
        int exitCode = 0;                 // when ended normally
        int signal = 0;                   // when crashed
        std::vector<quint32> events;      // its events, in time order
        std::vector<quint32> stateEvents; // its state changes, in time order
        std::vector<quint32> pollEvents;  // its polls, in time order
    };

    struct Channel
    {
        QString name;
        int from = 0;
        int to = 0;
        std::vector<qint64> sendTimes; // sorted: one writer
        std::vector<qint64> recvTimes; // sorted: one reader
        std::vector<qint64> sentBytes; // cumulative, per send
        std::vector<qint64> receivedBytes;
        std::vector<qint32> messageBySeq; // message number per seq
    };

    struct Message
    {
        quint16 channel = 0;
        qint64 seq = 0;
        qint32 sendEvent = -1;
        qint32 recvEvent = -1;
    };

    TraceStore() = default;

    // The run's start on the monotonic clock: every time the store gives is relative to it.
    void setOrigin(qint64 monotonicNs) { m_origin = monotonicNs; }
    qint64 origin() const { return m_origin; }

    int addProcess(const QString& name, const QString& role);
    int addChannel(const QString& name, int from, int to);
    Process& process(int index) { return m_processes.at(static_cast<size_t>(index)); }
    const Process& process(int index) const { return m_processes.at(static_cast<size_t>(index)); }
    int processCount() const { return static_cast<int>(m_processes.size()); }
    const Channel& channel(int index) const { return m_channels.at(static_cast<size_t>(index)); }
    int channelCount() const { return static_cast<int>(m_channels.size()); }
    // "runner" for kRunner.
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
    qint64 startTime(qsizetype event) const { return m_start[size_t(event)] - m_origin; }
    int processOf(qsizetype event) const { return m_process[size_t(event)]; }
    EventKind kind(qsizetype event) const { return m_kind[size_t(event)]; }
    quint8 detail(qsizetype event) const { return m_detail[size_t(event)]; }
    quint16 channelOf(qsizetype event) const { return m_channel[size_t(event)]; }
    qint64 seq(qsizetype event) const { return m_seq[size_t(event)]; }
    qint64 amount(qsizetype event) const { return m_amount[size_t(event)]; }
    double number(qsizetype event) const { return m_number[size_t(event)]; }
    QByteArrayView text(qsizetype event) const;
    // The first bytes of a message's payload (up to kMaxPayloadHead).
    QByteArrayView payloadHead(qsizetype event) const;
    // The events of every process, runner included, by time (ties in arrival order).
    std::vector<quint32> eventsByTime() const;
    const std::vector<quint32>& runnerEvents() const { return m_runnerEvents; }

    const std::vector<Message>& messages() const { return m_messages; }
    // Every change to a message (created, sent, received) as its number, in order: a view that
    // remembers how far it read knows which rows to add or update.
    const std::vector<qint32>& messageUpdates() const { return m_messageUpdates; }
    qsizetype deliveredCount() const { return m_delivered; }
    // Messages sent and not received (so far, or ever once the run has ended).
    qsizetype undeliveredCount() const;

    // Messages in flight on `channel` at `t` (relative ns), and their bytes.
    qint64 depthAt(int channel, qint64 t) const;
    qint64 depthBytesAt(int channel, qint64 t) const;
    // The largest depth `channel` reached.
    qint64 maxDepth(int channel) const;
    qint64 maxDepthBytes(int channel) const;

    // Bumped by every change, so a view can tell whether to redraw.
    quint64 generation() const { return m_generation; }
    // Bytes the store holds per event, for the benchmarks (texts excluded).
    static constexpr qsizetype bytesPerEvent();
    qsizetype droppedTextBytes() const { return m_droppedText; }

private:
    Result<qint32> messageEvent(int process, const TelemetryRecord& record, qint32 event);
    static qint64 deepest(const Channel& channel, bool bytes);

    qint64 m_origin = 0;
    std::vector<Process> m_processes;
    std::vector<Channel> m_channels;
    std::vector<Message> m_messages;
    std::vector<qint32> m_messageUpdates;
    std::vector<quint32> m_runnerEvents;
    qsizetype m_delivered = 0;

    std::vector<qint64> m_time;
    std::vector<qint64> m_start;
    std::vector<qint64> m_seq;
    std::vector<qint64> m_amount;
    std::vector<double> m_number;
    std::vector<quint32> m_textOffset;
    std::vector<quint16> m_textLength;
    std::vector<quint8> m_headLength; // the payload head follows the text in the pool
    std::vector<quint16> m_process;
    std::vector<quint16> m_channel;
    std::vector<EventKind> m_kind;
    std::vector<quint8> m_detail;
    QByteArray m_text;
    qsizetype m_droppedText = 0;
    quint64 m_generation = 0;
};

constexpr qsizetype TraceStore::bytesPerEvent()
{
    // The columns, the entry in the process's time index, and (for messages) the update log.
    return 5 * 8 + 4 + 2 + 1 + 2 + 2 + 1 + 1 + 4 + 4;
}

} // namespace pipescope
