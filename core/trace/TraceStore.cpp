#include "trace/TraceStore.h"

#include <algorithm>
#include <numeric>

namespace pipescope {

namespace {

Error refused(const QString& why)
{
    return Error(ErrorKind::Protocol, why);
}

qsizetype countUpTo(const std::vector<qint64>& sortedTimes, qint64 t)
{
    return std::upper_bound(sortedTimes.begin(), sortedTimes.end(), t) - sortedTimes.begin();
}

} // namespace

int TraceStore::addProcess(const QString& name, const QString& role)
{
    Process process;
    process.name = name;
    process.role = role;
    m_processes.push_back(std::move(process));
    ++m_generation;
    return processCount() - 1;
}

int TraceStore::addChannel(const QString& name, int from, int to)
{
    Channel channel;
    channel.name = name;
    channel.from = from;
    channel.to = to;
    m_channels.push_back(std::move(channel));
    return channelCount() - 1;
}

QString TraceStore::processName(int index) const
{
    if (index == kRunner)
        return QStringLiteral("runner");
    return process(index).name;
}

QByteArrayView TraceStore::text(qsizetype event) const
{
    return QByteArrayView(m_text.constData() + m_textOffset[size_t(event)],
                          m_textLength[size_t(event)]);
}

QByteArrayView TraceStore::payloadHead(qsizetype event) const
{
    return QByteArrayView(m_text.constData() + m_textOffset[size_t(event)] +
                              m_textLength[size_t(event)],
                          m_headLength[size_t(event)]);
}

Result<qint32> TraceStore::append(int process, const TelemetryRecord& record, QByteArrayView text,
                                  QByteArrayView payloadHead)
{
    if (process != kRunner && (process < 0 || process >= processCount()))
        return refused(QStringLiteral("event of unknown process %1").arg(process));
    if (static_cast<int>(record.kind) >= kEventKindCount)
        return refused(QStringLiteral("unknown event kind %1").arg(int(record.kind)));
    if (record.kind == EventKind::State && record.detail >= kProcessStateCount)
        return refused(QStringLiteral("unknown state %1").arg(record.detail));
    // Times on the monotonic clock: never negative, a call never ends before it began, and far
    // enough from the limits that no difference the store takes can overflow.
    if (record.startNs < 0 || record.startNs > record.tNs || record.tNs > kMaxTimeNs ||
        m_origin < 0 || m_origin > kMaxTimeNs)
        return refused(QStringLiteral("event times %1..%2 are impossible")
                           .arg(record.startNs)
                           .arg(record.tNs));
    const auto event = static_cast<qint32>(m_time.size());
    if (record.kind == EventKind::Send || record.kind == EventKind::Recv) {
        if (process == kRunner)
            return refused(QStringLiteral("the runner sends no messages"));
        Result<qint32> checked = messageEvent(process, record, event);
        if (!checked)
            return checked;
    } else if (record.channel != kNoChannel && record.channel >= channelCount()) {
        return refused(QStringLiteral("event names unknown channel %1").arg(record.channel));
    }

    quint32 offset = 0;
    quint16 length = 0;
    quint8 headLength = 0;
    const qsizetype stored = text.size() + payloadHead.size();
    if (stored > 0) {
        if (m_text.size() + stored <= kMaxTextBytes && text.size() <= 0xffff &&
            payloadHead.size() <= kMaxPayloadHead) {
            offset = static_cast<quint32>(m_text.size());
            length = static_cast<quint16>(text.size());
            headLength = static_cast<quint8>(payloadHead.size());
            m_text.append(text.data(), text.size());
            m_text.append(payloadHead.data(), payloadHead.size());
        } else {
            m_droppedText += stored;
        }
    }
    m_time.push_back(record.tNs);
    m_start.push_back(record.startNs);
    m_seq.push_back(record.seq);
    m_amount.push_back(record.amount);
    m_number.push_back(record.number);
    m_textOffset.push_back(offset);
    m_textLength.push_back(length);
    m_headLength.push_back(headLength);
    m_process.push_back(static_cast<quint16>(process));
    m_channel.push_back(record.channel);
    m_kind.push_back(record.kind);
    m_detail.push_back(record.detail);
    if (process == kRunner) {
        m_runnerEvents.push_back(static_cast<quint32>(event));
    } else {
        Process& owner = m_processes[size_t(process)];
        owner.events.push_back(static_cast<quint32>(event));
        if (record.kind == EventKind::State) {
            owner.state = static_cast<ProcessState>(record.detail);
            owner.stateChannel = record.channel;
            owner.stateEvents.push_back(static_cast<quint32>(event));
        } else if (record.kind == EventKind::Poll) {
            owner.pollEvents.push_back(static_cast<quint32>(event));
        }
    }
    ++m_generation;
    return event;
}

Result<qint32> TraceStore::messageEvent(int process, const TelemetryRecord& record, qint32 event)
{
    if (record.channel >= channelCount())
        return refused(QStringLiteral("message on unknown channel %1").arg(record.channel));
    Channel& channel = m_channels[record.channel];
    const bool send = record.kind == EventKind::Send;
    if ((send ? channel.from : channel.to) != process)
        return refused(QStringLiteral("%1 does not %2 on %3")
                           .arg(processName(process),
                                send ? QStringLiteral("send") : QStringLiteral("receive"),
                                channel.name));
    std::vector<qint64>& times = send ? channel.sendTimes : channel.recvTimes;
    const auto expected = static_cast<qint64>(times.size());
    if (record.seq != expected)
        return refused(QStringLiteral("%1 on %2 has seq %3, expected %4")
                           .arg(eventKindName(record.kind), channel.name)
                           .arg(record.seq)
                           .arg(expected));
    std::vector<qint64>& bytes = send ? channel.sentBytes : channel.receivedBytes;
    qint64 cumulative = 0;
    if (record.amount < 0 || record.amount > kMaxMessageBytes ||
        __builtin_add_overflow(bytes.empty() ? 0 : bytes.back(), record.amount, &cumulative))
        return refused(QStringLiteral("impossible message size %1").arg(record.amount));

    // A message is sent when its send call begins (it may block there before the bytes go in)
    // and received when the recv returns: so the recv is never earlier than its send.
    const qint64 t = (send ? record.startNs : record.tNs) - m_origin;
    times.push_back(t);
    bytes.push_back(cumulative);

    // The other side may have been recorded first (telemetry batches arrive in any order).
    if (static_cast<qint64>(channel.messageBySeq.size()) <= record.seq) {
        Message message;
        message.channel = record.channel;
        message.seq = record.seq;
        channel.messageBySeq.push_back(static_cast<qint32>(m_messages.size()));
        m_messages.push_back(message);
    }
    const qint32 number = channel.messageBySeq[size_t(record.seq)];
    Message& message = m_messages[size_t(number)];
    (send ? message.sendEvent : message.recvEvent) = event;
    m_messageUpdates.push_back(number);
    if (!send)
        ++m_delivered;
    return event;
}

qsizetype TraceStore::undeliveredCount() const
{
    qsizetype count = 0;
    for (const Channel& channel : m_channels)
        count +=
            static_cast<qsizetype>(channel.sendTimes.size()) -
            static_cast<qsizetype>(std::min(channel.recvTimes.size(), channel.sendTimes.size()));
    return count;
}

qint64 TraceStore::depthAt(int channel, qint64 t) const
{
    const Channel& c = m_channels[size_t(channel)];
    return countUpTo(c.sendTimes, t) - countUpTo(c.recvTimes, t);
}

qint64 TraceStore::depthBytesAt(int channel, qint64 t) const
{
    const Channel& c = m_channels[size_t(channel)];
    const qsizetype sent = countUpTo(c.sendTimes, t);
    const qsizetype received = countUpTo(c.recvTimes, t);
    return (sent ? c.sentBytes[size_t(sent - 1)] : 0) -
           (received ? c.receivedBytes[size_t(received - 1)] : 0);
}

qint64 TraceStore::maxDepth(int channel) const
{
    return deepest(m_channels[size_t(channel)], false);
}

qint64 TraceStore::maxDepthBytes(int channel) const
{
    return deepest(m_channels[size_t(channel)], true);
}

qint64 TraceStore::deepest(const Channel& c, bool bytes)
{
    qint64 depth = 0;
    qint64 result = 0;
    size_t s = 0;
    size_t r = 0;
    auto size = [](const std::vector<qint64>& cumulative, size_t i) {
        return cumulative[i] - (i > 0 ? cumulative[i - 1] : 0);
    };
    // Walk both sorted lists in time order; at equal times the recv comes first, so a message
    // taken at the instant another is sent does not count twice.
    while (s < c.sendTimes.size()) {
        if (r < c.recvTimes.size() && c.recvTimes[r] <= c.sendTimes[s]) {
            depth -= bytes ? size(c.receivedBytes, r) : 1;
            ++r;
        } else {
            depth += bytes ? size(c.sentBytes, s) : 1;
            ++s;
            result = std::max(result, depth);
        }
    }
    return result;
}

std::vector<quint32> TraceStore::eventsByTime() const
{
    std::vector<quint32> order(m_time.size());
    std::iota(order.begin(), order.end(), 0U);
    std::stable_sort(order.begin(), order.end(),
                     [this](quint32 a, quint32 b) { return m_time[a] < m_time[b]; });
    return order;
}

} // namespace pipescope
