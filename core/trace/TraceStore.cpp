#include "trace/TraceStore.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <numeric>
#include <optional>

namespace pipescope {

namespace {

Error refused(const QString& why)
{
    return Error(ErrorKind::Protocol, why);
}

} // namespace

int TraceStore::addProcess(const QString& name, const QString& role)
{
    Process process;
    process.name = name;
    process.role = role;
    m_processes.push_back(std::move(process));
    const int added = processCount() - 1;
    m_order.push_back(added);
    m_rowOf.push_back(rowCount());
    m_processAtRow.push_back(added);
    m_ownerOf.push_back(added);
    ++m_generation;
    return added;
}

int TraceStore::addProcessUnder(int owner, const QString& name, const QString& role)
{
    const int added = addProcess(name, role);
    const int group = m_ownerOf.at(size_t(owner));
    m_ownerOf.back() = group;
    // Right after the owner's group: the last place that belongs to it.
    m_order.pop_back();
    auto place = size_t(std::find(m_order.begin(), m_order.end(), group) - m_order.begin()) + 1;
    while (place < m_order.size() && m_ownerOf[size_t(m_order[place])] == group)
        ++place;
    m_order.insert(m_order.begin() + qsizetype(place), added);
    updateRows();
    return added;
}

void TraceStore::moveLane(int process, int steps)
{
    // The blocks of lanes that move together: each process's lane with the lanes under it, or
    // for a thread's lane, itself among its siblings.
    const int owner = m_ownerOf.at(size_t(process));
    const bool thread = owner != process;
    std::vector<std::pair<size_t, size_t>> blocks; // [begin, end) in m_order
    for (size_t i = 0; i < m_order.size();) {
        size_t end = i + 1;
        const int o = m_ownerOf[size_t(m_order[i])];
        if (!thread) {
            while (end < m_order.size() && m_ownerOf[size_t(m_order[end])] == o)
                ++end;
            blocks.emplace_back(i, end);
        } else if (o == owner && m_order[i] != owner) {
            blocks.emplace_back(i, end);
        }
        i = end;
    }
    const auto found = std::find_if(blocks.begin(), blocks.end(), [&](const auto& block) {
        return std::find(m_order.begin() + qsizetype(block.first),
                         m_order.begin() + qsizetype(block.second),
                         process) != m_order.begin() + qsizetype(block.second);
    });
    if (found == blocks.end())
        return;
    const auto from = size_t(found - blocks.begin());
    // Steps count the blocks on show (hidden internal lanes are passed over with the others).
    std::vector<size_t> shown;
    for (size_t b = 0; b < blocks.size(); ++b) {
        for (size_t i = blocks[b].first; i < blocks[b].second; ++i) {
            if (processShown(m_order[i])) {
                shown.push_back(b);
                break;
            }
        }
    }
    const auto at = std::find(shown.begin(), shown.end(), from);
    if (at == shown.end())
        return;
    const qint64 place =
        std::clamp<qint64>(qint64(at - shown.begin()) + steps, 0, qint64(shown.size()) - 1);
    const size_t target = shown[size_t(place)];
    if (target == from)
        return;
    // Rebuilt block by block with the moved one next to its target: before it going up, after
    // it going down.
    std::vector<size_t> sequence(blocks.size());
    std::iota(sequence.begin(), sequence.end(), size_t(0));
    sequence.erase(sequence.begin() + qsizetype(from));
    const auto targetAt = std::find(sequence.begin(), sequence.end(), target);
    sequence.insert(target < from ? targetAt : targetAt + 1, from);
    std::vector<int> order;
    order.reserve(m_order.size());
    size_t next = 0; // lanes not in any block (a thread's move: the others) stay where they are
    for (size_t b = 0; b < blocks.size(); ++b) {
        for (; next < blocks[b].first; ++next)
            order.push_back(m_order[next]);
        const auto [begin, end] = blocks[sequence[b]];
        order.insert(order.end(), m_order.begin() + qsizetype(begin),
                     m_order.begin() + qsizetype(end));
        next = blocks[b].second;
    }
    for (; next < m_order.size(); ++next)
        order.push_back(m_order[next]);
    m_order = std::move(order);
    updateRows();
}

void TraceStore::updateRows()
{
    m_processAtRow.clear();
    std::fill(m_rowOf.begin(), m_rowOf.end(), -1);
    for (const int process : m_order) {
        if (processShown(process)) {
            m_rowOf[size_t(process)] = rowCount();
            m_processAtRow.push_back(process);
        }
    }
    ++m_generation;
}

void TraceStore::setInternal(int process, bool internal)
{
    if (m_processes.at(size_t(process)).internal == internal)
        return;
    m_processes[size_t(process)].internal = internal;
    updateRows();
}

void TraceStore::setChannelInternal(int channel, bool internal)
{
    if (m_channels.at(size_t(channel)).internal == internal)
        return;
    m_channels[size_t(channel)].internal = internal;
    if (internal)
        m_internalChannels.push_back(channel);
    else
        std::erase(m_internalChannels, channel);
    ++m_generation;
}

void TraceStore::setInternalShown(bool shown)
{
    if (m_internalShown == shown)
        return;
    m_internalShown = shown;
    updateRows();
}

bool TraceStore::isInternal(qsizetype event) const
{
    // A message's send and recv are its channel's, so that a message is whole or not at all; a
    // state is its process's (blocked in a handshake is blocked), whatever it waits on.
    const EventKind k = kind(event);
    const quint16 channel = channelOf(event);
    const bool internalChannel = channel != kNoChannel && m_channels[channel].internal;
    if (k == EventKind::Send || k == EventKind::Recv)
        return internalChannel;
    const int process = processOf(event);
    if (process != kRunner && m_processes[size_t(process)].internal)
        return true;
    return k != EventKind::State && internalChannel;
}

void TraceStore::orderLanesByPid()
{
    const auto key = [this](int process) {
        const Process& p = m_processes[size_t(process)];
        return std::pair(p.pid > 0 ? p.pid : std::numeric_limits<qint64>::max(),
                         p.thread.isEmpty() ? 0 : 1);
    };
    std::vector<int> order = m_order;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(a) < key(b); });
    if (order == m_order)
        return;
    m_order = std::move(order);
    updateRows();
}

int TraceStore::addChannel(const QString& name, int from, int to)
{
    Channel channel;
    channel.name = name;
    channel.from = from;
    channel.to = to;
    channel.openEnds = from == kAnyProcess || to == kAnyProcess;
    channel.ordinal = channelCount();
    m_channels.push_back(std::move(channel));
    ++m_generation;
    return channelCount() - 1;
}

qint32 TraceStore::errorOf(const Message& message) const
{
    const auto& errors = m_channels[message.channel].errorBySeq;
    const auto found = errors.find(message.seq);
    return found == errors.end() ? -1 : found->second;
}

int TraceStore::senderOf(const Message& message) const
{
    return message.sendEvent >= 0 ? processOf(message.sendEvent) : channel(message.channel).from;
}

int TraceStore::receiverOf(const Message& message) const
{
    return message.recvEvent >= 0 ? processOf(message.recvEvent) : channel(message.channel).to;
}

void TraceStore::renameProcess(int process, const QString& name)
{
    m_processes.at(size_t(process)).name = name;
    ++m_generation;
}

void TraceStore::setRole(int process, const QString& role)
{
    m_processes.at(size_t(process)).role = role;
    ++m_generation;
}

void TraceStore::setThread(int process, const QString& thread)
{
    m_processes.at(size_t(process)).thread = thread;
    ++m_generation;
}

void TraceStore::setChannelOrdinal(int channel, int ordinal)
{
    m_channels.at(size_t(channel)).ordinal = ordinal;
    ++m_generation;
}

void TraceStore::renameChannel(int channel, const QString& name)
{
    m_channels.at(size_t(channel)).name = name;
    ++m_generation;
}

QString TraceStore::processName(int index) const
{
    if (index == kRunner)
        return QStringLiteral("runner");
    if (index == kAnyProcess)
        return QStringLiteral("?");
    return process(index).name;
}

QByteArray TraceStore::text(qsizetype event) const
{
    if (messageOf(event) >= 0 && (detail(event) & kBytesPreview))
        return bytesPreview(payloadHead(event), messageBytes(event));
    return m_text.text(m_textOffset[size_t(event)], m_textLength[size_t(event)]);
}

qint32 TraceStore::messageOf(qsizetype event) const
{
    const EventKind k = kind(event);
    return k == EventKind::Send || k == EventKind::Recv ? m_ref[size_t(event)] : -1;
}

QByteArray TraceStore::payloadHead(qsizetype event) const
{
    const qint32 message = messageOf(event);
    if (message < 0)
        return {};
    return m_text.text(m_headOffset[size_t(message)], m_headLength[size_t(message)]);
}

qint64 TraceStore::messageSize(const TimeList& cumulative, size_t seq)
{
    return cumulative[seq] - (seq > 0 ? cumulative[seq - 1] : 0);
}

qint64 TraceStore::startTime(qsizetype event) const
{
    const qint32 ref = m_ref[size_t(event)];
    switch (kind(event)) {
    case EventKind::Send:
        return m_channels[m_messageChannel[size_t(ref)]]
            .sendTimes[size_t(m_messageSeq[size_t(ref)])];
    case EventKind::Recv:
        return m_channels[m_messageChannel[size_t(ref)]]
                   .recvStarts[size_t(m_messageSeq[size_t(ref)])] -
               m_origin;
    default:
        return (ref >= 0 ? m_extras[size_t(ref)].startNs : m_time[size_t(event)]) - m_origin;
    }
}

qint64 TraceStore::seq(qsizetype event) const
{
    const qint32 message = messageOf(event);
    if (message >= 0)
        return m_messageSeq[size_t(message)];
    const qint32 ref = m_ref[size_t(event)];
    return ref >= 0 ? m_extras[size_t(ref)].seq : -1;
}

qint64 TraceStore::firstTime() const
{
    std::optional<qint64> first;
    const auto take = [&](const EventList& events) {
        if (!events.empty())
            first = std::min(first.value_or(time(events[0])), time(events[0]));
    };
    take(m_runnerEvents);
    for (const Process& process : m_processes)
        take(process.events);
    return first.value_or(0);
}

qint64 TraceStore::activityEnd() const
{
    qint64 last = 0;
    const auto take = [&](const EventList& events) {
        if (!events.empty())
            last = std::max(last, time(events.back()));
    };
    for (const Process& process : m_processes) {
        take(process.stateEvents);
        take(process.pollEvents);
    }
    for (const Channel& channel : m_channels) {
        if (!channel.sendTimes.empty())
            last = std::max(last, channel.sendTimes.back()); // relative already
        if (!channel.recvTimes.empty())
            last = std::max(last, channel.recvTimes.back());
    }
    return last;
}

qint64 TraceStore::messageBytes(qsizetype event) const
{
    const qint32 message = messageOf(event);
    if (message < 0)
        return 0;
    const Channel& c = m_channels[m_messageChannel[size_t(message)]];
    return messageSize(kind(event) == EventKind::Send ? c.sentBytes : c.receivedBytes,
                       size_t(m_messageSeq[size_t(message)]));
}

qint64 TraceStore::extraAmount(qsizetype event) const
{
    const qint32 ref = m_ref[size_t(event)];
    return messageOf(event) < 0 && ref >= 0 ? m_extras[size_t(ref)].amount : 0;
}

double TraceStore::pollTimeoutSeconds(qsizetype event) const
{
    const qint32 ref = m_ref[size_t(event)];
    return messageOf(event) < 0 && ref >= 0 ? m_extras[size_t(ref)].number : 0;
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
    if (record.kind == EventKind::State && ProcessState(record.detail) == ProcessState::Joining &&
        (record.amount < 0 || record.amount >= processCount() || record.amount == process))
        return refused(QStringLiteral("joining unknown process %1").arg(record.amount));
    // Times on the monotonic clock: never negative, a call never ends before it began, and far
    // enough from the limits that no difference the store takes can overflow.
    if (record.startNs < 0 || record.startNs > record.tNs || record.tNs > kMaxTimeNs ||
        m_origin < 0 || m_origin > kMaxTimeNs)
        return refused(QStringLiteral("event times %1..%2 are impossible")
                           .arg(record.startNs)
                           .arg(record.tNs));
    if (m_time.size() >= size_t(std::numeric_limits<qint32>::max()))
        return refused(QStringLiteral("the store is full"));
    const auto event = static_cast<qint32>(m_time.size());
    qint32 ref = -1;
    if (record.kind == EventKind::Send || record.kind == EventKind::Recv) {
        if (process == kRunner)
            return refused(QStringLiteral("the runner sends no messages"));
        Result<qint32> message = messageEvent(process, record, event, payloadHead);
        if (!message)
            return message;
        ref = *message;
    } else {
        if (record.channel != kNoChannel && record.channel >= channelCount())
            return refused(QStringLiteral("event names unknown channel %1").arg(record.channel));
        if (record.kind == EventKind::Put) {
            Result<qint32> put = putEvent(process, record);
            if (!put)
                return put;
        }
        if (record.kind == EventKind::Close) {
            if (process == kRunner || record.channel == kNoChannel)
                return refused(QStringLiteral("a close names no process or no channel"));
            std::vector<int>& closedBy = m_channels[record.channel].closedBy;
            if (std::find(closedBy.begin(), closedBy.end(), process) == closedBy.end())
                closedBy.push_back(process);
        }
        m_droppedText += payloadHead.size(); // only messages have payloads
        // Kept unless every field has its default (bit for bit: -0.0 is kept too).
        if (record.startNs != record.tNs || record.seq != -1 || record.amount != 0 ||
            std::bit_cast<quint64>(record.number) != 0) {
            ref = static_cast<qint32>(m_extras.size());
            m_extras.push_back({record.startNs, record.seq, record.amount, record.number});
        }
    }

    quint32 offset = 0;
    quint16 length = 0;
    if (!text.isEmpty()) {
        const std::optional<quint32> stored =
            text.size() <= 0xffff ? m_text.append(text) : std::nullopt;
        if (stored) {
            offset = *stored;
            length = static_cast<quint16>(text.size());
        } else {
            m_droppedText += text.size();
        }
    }
    m_time.push_back(record.tNs);
    m_ref.push_back(ref);
    m_textOffset.push_back(offset);
    m_textLength.push_back(length);
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
            owner.stopped = owner.state == ProcessState::Stopped;
            owner.stateChannel = record.channel;
            owner.joins = owner.state == ProcessState::Joining ? int(record.amount) : -1;
            owner.stateEvents.push_back(static_cast<quint32>(event));
            owner.stateTimes.push_back(record.tNs - m_origin);
            owner.stateKinds.push_back(owner.state);
            owner.stateBuckets.follow(owner.stateTimes,
                                      [&](size_t i) { return quint8(owner.stateKinds[i]); });
        } else if (record.kind == EventKind::Poll) {
            owner.pollEvents.push_back(static_cast<quint32>(event));
        } else if (record.kind == EventKind::Error) {
            owner.errorEvents.push_back(static_cast<quint32>(event));
            if (record.channel != kNoChannel && record.seq >= 0)
                m_channels[record.channel].errorBySeq.try_emplace(record.seq, event);
        } else if (record.kind == EventKind::Put) {
            owner.putEvents.push_back(static_cast<quint32>(event));
        } else if (record.kind == EventKind::Exit) {
            // detail 1: ended by the signal `amount`; 0: exited with the code `amount`.
            owner.ended = true;
            owner.crashed = record.detail != 0;
            owner.exitCode = owner.crashed ? 0 : static_cast<int>(record.amount);
            owner.signal = owner.crashed ? static_cast<int>(record.amount) : 0;
        }
    }
    ++m_generation;
    return event;
}

Result<qint32> TraceStore::messageEvent(int process, const TelemetryRecord& record, qint32 event,
                                        QByteArrayView payloadHead)
{
    if (record.channel >= channelCount())
        return refused(QStringLiteral("message on unknown channel %1").arg(record.channel));
    Channel& channel = m_channels[record.channel];
    const bool send = record.kind == EventKind::Send;
    int& end = send ? channel.from : channel.to;
    if (!(channel.openEnds && process != kRunner) && end != process) {
        return refused(QStringLiteral("%1 does not %2 on %3")
                           .arg(processName(process),
                                send ? QStringLiteral("send") : QStringLiteral("receive"),
                                channel.name));
    }
    TimeList& times = send ? channel.sendTimes : channel.recvTimes;
    const auto expected = static_cast<qint64>(times.size());
    if (record.seq != expected)
        return refused(QStringLiteral("%1 on %2 has seq %3, expected %4")
                           .arg(eventKindName(record.kind), channel.name)
                           .arg(record.seq)
                           .arg(expected));
    TimeList& bytes = send ? channel.sentBytes : channel.receivedBytes;
    qint64 cumulative = 0;
    if (record.amount < 0 || record.amount > kMaxMessageBytes ||
        __builtin_add_overflow(bytes.empty() ? 0 : bytes.back(), record.amount, &cumulative))
        return refused(QStringLiteral("impossible message size %1").arg(record.amount));

    if (channel.openEnds) {
        if (end == kAnyProcess)
            end = process;
        else if (end != process)
            (send ? channel.manyWriters : channel.manyReaders) = true;
    }

    // A message is sent when its send call begins (it may block there before the bytes go in)
    // and received when the recv returns: so the recv is never earlier than its send.
    const qint64 t = (send ? record.startNs : record.tNs) - m_origin;
    times.push_back(t);
    (send ? channel.sendBuckets : channel.recvBuckets).follow(times);
    bytes.push_back(cumulative);
    (send ? channel.sendEvents : channel.recvEvents).push_back(event);
    if (!send)
        channel.recvStarts.push_back(record.startNs);

    // The other side may have been recorded first (telemetry batches arrive in any order).
    const bool known = static_cast<qint64>(channel.messageBySeq.size()) > record.seq;
    const auto number = known ? channel.messageBySeq[size_t(record.seq)]
                              : static_cast<qint32>(m_messageChannel.size());
    // Both ends saw the same bytes: the head is kept once, as the first of them had it.
    quint32 headOffset = 0;
    quint8 headLength = 0;
    if ((!known || m_headLength[size_t(number)] == 0) && !payloadHead.isEmpty()) {
        const std::optional<quint32> stored =
            payloadHead.size() <= kMaxPayloadHead ? m_text.append(payloadHead) : std::nullopt;
        if (stored) {
            headOffset = *stored;
            headLength = static_cast<quint8>(payloadHead.size());
        } else {
            m_droppedText += payloadHead.size();
        }
    }
    if (!known) {
        channel.messageBySeq.push_back(number);
        m_messageChannel.push_back(record.channel);
        m_messageSeq.push_back(record.seq);
        m_headOffset.push_back(headOffset);
        m_headLength.push_back(headLength);
    } else if (headLength > 0) {
        m_headOffset.set(size_t(number), headOffset);
        m_headLength.set(size_t(number), headLength);
    }
    if (!send)
        ++m_delivered;
    advanceDepthWalk(channel);
    return number;
}

qsizetype TraceStore::messageCount() const
{
    auto count = static_cast<qsizetype>(m_messageChannel.size());
    if (!m_internalShown) {
        for (const int channel : m_internalChannels)
            count -= static_cast<qsizetype>(m_channels[size_t(channel)].messageBySeq.size());
    }
    return count;
}

qsizetype TraceStore::deliveredCount() const
{
    qsizetype count = m_delivered;
    if (!m_internalShown) {
        for (const int channel : m_internalChannels)
            count -= static_cast<qsizetype>(m_channels[size_t(channel)].recvTimes.size());
    }
    return count;
}

qsizetype TraceStore::undeliveredCount() const
{
    qsizetype count = 0;
    for (int c = 0; c < channelCount(); ++c) {
        if (!channelShown(c))
            continue;
        const Channel& channel = m_channels[size_t(c)];
        count +=
            static_cast<qsizetype>(channel.sendTimes.size()) -
            static_cast<qsizetype>(std::min(channel.recvTimes.size(), channel.sendTimes.size()));
    }
    return count;
}

// Never below 0: a recv can be recorded before its send (telemetry batches arrive in any order),
// or without it (a sender killed before it reported the send); the message was in the pipe.
qint64 TraceStore::depthAt(int channel, qint64 t) const
{
    const Channel& c = m_channels[size_t(channel)];
    return depthAfter(channel, c.sendTimes.upperBound(t), c.recvTimes.upperBound(t), false);
}

qint64 TraceStore::queuedAt(int channel, qint64 t) const
{
    const Channel& c = m_channels[size_t(channel)];
    return c.putTimes.empty() ? 0
                              : std::max<qint64>(0, qsizetype(c.putTimes.upperBound(t)) -
                                                        qsizetype(c.recvTimes.upperBound(t)));
}

Result<qint32> TraceStore::putEvent(int process, const TelemetryRecord& record)
{
    if (process == kRunner || record.channel == kNoChannel)
        return refused(QStringLiteral("a put names no process or no channel"));
    Channel& channel = m_channels[record.channel];
    if (!channel.openEnds && channel.from != process)
        return refused(
            QStringLiteral("%1 does not put on %2").arg(processName(process), channel.name));
    if (record.amount < 0 || record.amount > kMaxMessageBytes)
        return refused(QStringLiteral("impossible buffered count %1").arg(record.amount));
    // Put when put() was called: its feeder may send the item before the call has returned.
    // Kept sorted: puts of two processes that overlap may come in the order they ended.
    const qint64 called = record.startNs - m_origin;
    const qint64 t = channel.putTimes.empty() ? called : std::max(called, channel.putTimes.back());
    channel.putTimes.push_back(t);
    channel.deepestQueued =
        std::max(channel.deepestQueued,
                 qint64(channel.putTimes.size()) - qint64(channel.recvTimes.upperBound(t)));
    return qint32(-1);
}

qint64 TraceStore::depthBytesAt(int channel, qint64 t) const
{
    const Channel& c = m_channels[size_t(channel)];
    return depthAfter(channel, c.sendTimes.upperBound(t), c.recvTimes.upperBound(t), true);
}

qint64 TraceStore::depthAfter(int channel, size_t sends, size_t recvs, bool inBytes) const
{
    const Channel& c = m_channels[size_t(channel)];
    if (!inBytes)
        return std::max<qint64>(0, qint64(sends) - qint64(recvs));
    // sentBytes and receivedBytes are cumulative.
    return std::max<qint64>(0, (sends ? c.sentBytes[sends - 1] : 0) -
                                   (recvs ? c.receivedBytes[recvs - 1] : 0));
}

qint64 TraceStore::maxDepth(int channel) const
{
    return finishDepthWalk(m_channels[size_t(channel)]).deepest;
}

qint64 TraceStore::maxDepthBytes(int channel) const
{
    return finishDepthWalk(m_channels[size_t(channel)]).deepestBytes;
}

// The deepest queue comes from walking both sorted lists in time order; at equal times the recv
// comes first, so a message taken at the instant another is sent does not count twice. Each
// list only grows at its end, with times no earlier than its last: so while both lists have a
// next element, the earlier of the two is certainly next, and the walk can go on for good. When
// one list is used up, what comes next depends on events not yet recorded; the walk stops there.
void TraceStore::advanceDepthWalk(Channel& c)
{
    Channel::DepthWalk& w = c.walked;
    while (w.sends < c.sendTimes.size() && w.recvs < c.recvTimes.size()) {
        if (c.recvTimes[w.recvs] <= c.sendTimes[w.sends]) {
            --w.depth;
            w.depthBytes -= messageSize(c.receivedBytes, w.recvs);
            ++w.recvs;
        } else {
            ++w.depth;
            w.depthBytes += messageSize(c.sentBytes, w.sends);
            ++w.sends;
            w.deepest = std::max(w.deepest, w.depth);
            w.deepestBytes = std::max(w.deepestBytes, w.depthBytes);
        }
    }
}

// The rest of the walk, as things stand: sends not yet matched by a recorded recv raise the
// depth, and the remaining recvs (if sends ran out first) only lower it.
TraceStore::Channel::DepthWalk TraceStore::finishDepthWalk(const Channel& c)
{
    Channel::DepthWalk w = c.walked;
    for (; w.sends < c.sendTimes.size(); ++w.sends) {
        ++w.depth;
        w.depthBytes += messageSize(c.sentBytes, w.sends);
        w.deepest = std::max(w.deepest, w.depth);
        w.deepestBytes = std::max(w.deepestBytes, w.depthBytes);
    }
    return w;
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
