#include "findings/Detectors.h"
#include "trace/TraceStore.h"

#include <algorithm>
#include <map>
#include <optional>

namespace pipescope::detectors {

namespace {

constexpr qint64 kPipeBuffer = 64 * 1024;
constexpr qint64 kVeryLarge = 32 * 1024 * 1024;

QString endName(const TraceStore& store, int process)
{
    return process == TraceStore::kAnyProcess ? QStringLiteral("no process")
                                              : store.processName(process);
}

} // namespace

void undelivered(const TraceStore& store, std::vector<Finding>& out)
{
    for (int c = 0; c < store.channelCount(); ++c) {
        const TraceStore::Channel& channel = store.channel(c);
        // A Queue's items put and never sent: still in a putting process's buffer at its end.
        // Counted per process (its feeder thread sends what its own puts buffered).
        if (!channel.putTimes.empty()) {
            std::map<qint64, std::vector<qint32>> putsOf; // pid -> its puts on the channel
            for (int p = 0; p < store.processCount(); ++p) {
                for (const quint32 e : store.process(p).putEvents) {
                    if (store.channelOf(e) == c)
                        putsOf[store.process(p).pid].push_back(qint32(e));
                }
            }
            std::map<qint64, qint64> sentBy; // pid -> its sends on the channel
            for (size_t seq = 0; seq < channel.messageBySeq.size(); ++seq) {
                const qint32 send = store.messages()[size_t(channel.messageBySeq[seq])].sendEvent;
                if (send >= 0)
                    ++sentBy[store.process(store.processOf(send)).pid];
            }
            for (auto& [pid, puts] : putsOf) {
                const qint64 unsent = qint64(puts.size()) - sentBy[pid];
                if (unsent <= 0)
                    continue;
                std::sort(puts.begin(), puts.end(), [&](qint32 a, qint32 b) {
                    return store.startTime(a) < store.startTime(b);
                });
                // The last ones were left (a buffer is first in, first out).
                const auto kept = std::min<size_t>(size_t(unsent), kMaxProofEvents);
                const QString name = store.process(store.processOf(puts.front())).name;
                Finding finding;
                finding.severity = Severity::Warning;
                finding.kind = QStringLiteral("undelivered");
                finding.channels = {channel.name};
                finding.processes = {name};
                finding.events.assign(puts.end() - qsizetype(std::min(kept, puts.size())),
                                      puts.end());
                finding.title =
                    QStringLiteral("%1 item(s) that %2 put on %3 never went into the pipe")
                        .arg(count(unsent), name, channel.name);
                finding.explanation =
                    QStringLiteral("%1 put them on the queue, into its own buffer, and ended "
                                   "before its feeder thread had sent them: they are lost. A "
                                   "process that puts on a queue waits at its end until the "
                                   "feeder has sent everything, unless it was killed, left by "
                                   "os._exit(), or called cancel_join_thread(). Let it end "
                                   "normally, after its puts.")
                        .arg(name);
                out.push_back(std::move(finding));
            }
        }
        const size_t sent = channel.sendTimes.size();
        const size_t received = std::min(channel.recvTimes.size(), sent);
        if (received == sent)
            continue;
        Finding finding;
        finding.kind = QStringLiteral("undelivered");
        finding.channels = {channel.name};
        int sender = TraceStore::kAnyProcess;
        for (size_t seq = received; seq < sent; ++seq) {
            const TraceStore::Message& m = store.messages()[size_t(channel.messageBySeq[seq])];
            if (m.sendEvent >= 0) {
                if (finding.events.size() < kMaxProofEvents)
                    finding.events.push_back(m.sendEvent);
                sender = store.processOf(m.sendEvent);
            }
        }
        const qint64 left = qint64(sent - received);
        const int reader = channel.to;
        const bool readerQuit = reader >= 0 && store.process(reader).ended &&
                                !store.process(reader).crashed &&
                                store.process(reader).exitCode == 0;
        // The tutorial's ping-pong: the reader chose to stop, one last value is left.
        finding.severity = readerQuit && left == 1 ? Severity::Info : Severity::Warning;
        finding.processes = {endName(store, sender), endName(store, reader)};
        const QString value = finding.events.empty()
                                  ? QString()
                                  : QString::fromUtf8(store.text(finding.events.front()));
        finding.title = left == 1
                            ? QStringLiteral("%1 on %2 was never received").arg(value, channel.name)
                            : QStringLiteral("%1 messages on %2 were never received")
                                  .arg(count(left), channel.name);
        if (reader < 0)
            finding.explanation =
                QStringLiteral("Nobody ever read from %1: what %2 sent stayed in the pipe. A "
                               "sender needs a receiver that recv()s every message.")
                    .arg(channel.name, endName(store, sender));
        else if (finding.severity == Severity::Info)
            finding.explanation =
                QStringLiteral("%1 sent it, and %2 had already stopped reading: it ended "
                               "normally with the message still in the pipe. That is how the "
                               "tutorial's ping-pong ends (the last player to send breaks out "
                               "of its loop). If the value matters, the receiver must recv() it "
                               "before it leaves.")
                    .arg(endName(store, sender), endName(store, reader));
        else
            finding.explanation =
                QStringLiteral("%1 sent them and %2 %3 without reading them: they are lost. Make "
                               "the receiver read until a sentinel (such as None) that the sender "
                               "sends last, and join it only after that.")
                    .arg(endName(store, sender), endName(store, reader),
                         store.process(reader).ended ? QStringLiteral("ended")
                                                     : QStringLiteral("went on"));
        out.push_back(std::move(finding));
    }
}

void blockedSends(const TraceStore& store, std::vector<Finding>& out)
{
    constexpr qint64 kLongBlock = 10'000'000;
    for (int p = 0; p < store.processCount(); ++p) {
        const TraceStore::EventList& states = store.process(p).stateEvents;
        // Per channel it blocked on: how often, how long in all, the longest and where.
        struct Blocks
        {
            int channel;
            qint64 count = 0;
            qint64 total = 0;
            qint64 longest = 0;
            qint32 longestEvent = -1;
            qint32 longestEnd = -1; // the state that ended it, if recorded
        };
        std::vector<Blocks> blocks;
        for (size_t i = 0; i < states.size(); ++i) {
            const quint32 e = states[i];
            if (ProcessState(store.detail(e)) != ProcessState::BlockedSend ||
                store.channelOf(e) == kNoChannel)
                continue;
            const qint64 end =
                i + 1 < states.size() ? store.time(states[i + 1]) : store.activityEnd();
            const qint64 length = end - store.time(e);
            if (length < kLongBlock)
                continue;
            auto found = std::find_if(blocks.begin(), blocks.end(), [&](const Blocks& b) {
                return b.channel == store.channelOf(e);
            });
            if (found == blocks.end())
                found = blocks.insert(blocks.end(), Blocks{store.channelOf(e)});
            ++found->count;
            found->total += length;
            if (length > found->longest) {
                found->longest = length;
                found->longestEvent = qint32(e);
                found->longestEnd = i + 1 < states.size() ? qint32(states[i + 1]) : -1;
            }
        }
        for (const Blocks& b : blocks) {
            const TraceStore::Channel& channel = store.channel(b.channel);
            const qint64 t = store.time(b.longestEvent);
            Finding finding;
            finding.severity = Severity::Warning;
            finding.kind = QStringLiteral("blocked-send");
            finding.processes = {store.process(p).name, endName(store, channel.to)};
            finding.channels = {channel.name};
            finding.events = {b.longestEvent};
            if (b.longestEnd >= 0)
                finding.events.push_back(b.longestEnd);
            finding.title = QStringLiteral("%1 was blocked in send on %2 for %3")
                                .arg(store.process(p).name, channel.name, duration(b.total));
            finding.explanation =
                QStringLiteral("The pipe was full: %1 message(s), %2 bytes were in it when %3's "
                               "longest wait (%4, at %5) began, and a send waits until the "
                               "reader makes room. %6 was not reading as fast as %3 wrote "
                               "(%7 such waits). Read faster, send less, or accept that the "
                               "sender is paced by the reader.")
                    .arg(count(store.depthAt(b.channel, t)),
                         count(store.depthBytesAt(b.channel, t)), store.process(p).name,
                         duration(b.longest), duration(t), endName(store, channel.to),
                         count(b.count));
            out.push_back(std::move(finding));
        }
    }
}

void largeMessages(const TraceStore& store, std::vector<Finding>& out)
{
    for (int c = 0; c < store.channelCount(); ++c) {
        qint64 large = 0;
        qint64 veryLarge = 0;
        qint64 largest = 0;
        qint32 largestEvent = -1;
        std::vector<qint32> proof; // the large ones, as many as a finding lists
        const TraceStore::Channel& channel = store.channel(c);
        for (size_t seq = 0; seq < channel.sendTimes.size(); ++seq) {
            const TraceStore::Message& m = store.messages()[size_t(channel.messageBySeq[seq])];
            if (m.sendEvent < 0)
                continue;
            const qint64 size = store.messageBytes(m.sendEvent);
            large += size > kPipeBuffer ? 1 : 0;
            if (size > kPipeBuffer && proof.size() < kMaxProofEvents)
                proof.push_back(m.sendEvent);
            veryLarge += size >= kVeryLarge ? 1 : 0;
            if (size > largest) {
                largest = size;
                largestEvent = m.sendEvent;
            }
        }
        if (large == 0)
            continue;
        Finding finding;
        finding.severity = veryLarge > 0 ? Severity::Warning : Severity::Info;
        finding.kind = QStringLiteral("large-message");
        finding.channels = {channel.name};
        if (std::find(proof.begin(), proof.end(), largestEvent) == proof.end())
            proof.push_back(largestEvent);
        finding.events = std::move(proof);
        finding.title = QStringLiteral("%1 message(s) on %2 larger than a pipe's buffer (largest "
                                       "%3 bytes)")
                            .arg(count(large), channel.name, count(largest));
        finding.explanation =
            QStringLiteral("A pipe holds about 64 KiB: a larger message cannot be written at "
                           "once, so each such send waits until the reader has taken most of "
                           "it, and the two processes run in lockstep.%1 Send smaller pieces, "
                           "or share large data another way (a file, shared memory).")
                .arg(veryLarge > 0 ? QStringLiteral(" %1 of them are 32 MiB or more: every one is "
                                                    "pickled, copied and unpickled whole.")
                                         .arg(count(veryLarge))
                                   : QString());
        out.push_back(std::move(finding));
    }
}

void sharedEnds(const TraceStore& store, const FindingTallies& tallies, bool ended, qint64 now,
                std::vector<Finding>& out)
{
    for (int c = 0; c < store.channelCount(); ++c) {
        const TraceStore::Channel& channel = store.channel(c);
        // Queues and pools are made for many writers and readers (they lock); a Pipe is not.
        if (!channel.isPipe())
            continue;
        // Two processes waiting in recv on it at the same time read the same end at once: in
        // the waits taken so far, or a process waiting now and another's recent wait.
        std::optional<std::pair<FindingTallies::Wait, FindingTallies::Wait>> atOnce =
            tallies.readAtOnce(c);
        std::vector<FindingTallies::Wait> waitingNow;
        for (int p = 0; !atOnce && p < store.processCount(); ++p) {
            const TraceStore::EventList& states = store.process(p).stateEvents;
            if (states.empty() ||
                ProcessState(store.detail(states.back())) != ProcessState::BlockedRecv ||
                store.channelOf(states.back()) != c)
                continue;
            const FindingTallies::Wait wait{store.time(states.back()), now, p,
                                            qint32(states.back())};
            if (const auto other = tallies.overlapping(c, wait))
                atOnce = std::pair(*other, wait);
            else if (!waitingNow.empty())
                atOnce = std::pair(waitingNow.front(), wait);
            waitingNow.push_back(wait);
        }
        if (!(channel.manyWriters || channel.manyReaders || atOnce))
            continue;
        Finding finding;
        finding.severity = Severity::Warning;
        finding.kind = QStringLiteral("shared-end");
        finding.channels = {channel.name};
        if (atOnce) {
            // The one that began waiting first, first: the same finding however it was found.
            if (atOnce->second.start < atOnce->first.start)
                std::swap(atOnce->first, atOnce->second);
            const QString first = store.processName(atOnce->first.process);
            const QString second = store.processName(atOnce->second.process);
            finding.title =
                QStringLiteral("%1 was read by %2 and %3 at once").arg(channel.name, first, second);
            finding.explanation =
                QStringLiteral(
                    "%1 and %2 were both waiting in recv() on the same end of %3 at %4. A Pipe "
                    "joins two processes: with two readers, each message goes to whichever "
                    "recv() comes first, and since a message is read as a header and then a "
                    "body, one reader can get the header and the other the body, so the data is "
                    "corrupted (the multiprocessing documentation warns of exactly this; failed "
                    "calls such as 'bad message length' or an unpickling error are the sign). "
                    "Use a Queue, whose readers take turns under a lock, or one Pipe per "
                    "consumer.")
                    .arg(first, second, channel.name,
                         duration(std::max(atOnce->first.start, atOnce->second.start)));
            finding.processes = {first, second};
            finding.events = {atOnce->first.event, atOnce->second.event};
        } else {
            const QString what =
                channel.manyReaders ? QStringLiteral("read") : QStringLiteral("written");
            finding.title =
                QStringLiteral("%1 was %2 by more than one process").arg(channel.name, what);
            finding.explanation =
                QStringLiteral("A Pipe is meant for two processes. With several readers, each "
                               "message goes to whichever recv() comes first (one may steal "
                               "another's); with several writers, large messages can interleave "
                               "and corrupt each other. Use a Queue, or one Pipe per pair.");
        }
        // Once the run is over: the first message of each process on that end (it reads every
        // message of the channel).
        std::vector<int> seen;
        for (size_t seq = 0; ended && seq < channel.messageBySeq.size(); ++seq) {
            const TraceStore::Message& message =
                store.messages()[size_t(channel.messageBySeq[seq])];
            const qint32 e = channel.manyReaders || atOnce ? message.recvEvent : message.sendEvent;
            if (e < 0 || std::find(seen.begin(), seen.end(), store.processOf(e)) != seen.end())
                continue;
            seen.push_back(store.processOf(e));
            finding.events.push_back(e);
            const QString name = store.processName(store.processOf(e));
            if (!finding.processes.contains(name))
                finding.processes.append(name);
        }
        out.push_back(std::move(finding));
    }
}

void latencyOutliers(const TraceStore& store, std::vector<Finding>& out)
{
    constexpr size_t kMinDeliveries = 100;
    std::vector<std::pair<qint64, qint32>> latencies; // latency, recv event
    for (size_t m = 0; m < store.messages().size(); ++m) {
        const TraceStore::Message& message = store.messages()[m];
        if (message.sendEvent >= 0 && message.recvEvent >= 0)
            latencies.emplace_back(store.time(message.recvEvent) -
                                       store.startTime(message.sendEvent),
                                   message.recvEvent);
    }
    if (latencies.size() < kMinDeliveries)
        return;
    // Linear time: the two ranks and the slowest three, not a sort of them all.
    const auto at = [&](size_t rank) {
        std::nth_element(latencies.begin(), latencies.begin() + qsizetype(rank), latencies.end());
        return latencies[rank].first;
    };
    const qint64 p50 = at((latencies.size() - 1) / 2);
    const qint64 p99 = at((latencies.size() * 99 + 99) / 100 - 1);
    if (p99 < 1'000'000 || p99 < 20 * std::max<qint64>(p50, 1))
        return;
    const qint64 slowest = std::max_element(latencies.begin(), latencies.end())->first;
    Finding finding;
    finding.severity = Severity::Info;
    finding.kind = QStringLiteral("latency-outliers");
    finding.title = QStringLiteral("latency p99 %1 is %2 times the median (%3)")
                        .arg(duration(p99), count(p99 / std::max<qint64>(p50, 1)), duration(p50));
    finding.explanation =
        QStringLiteral("Most messages arrive within %1, but one in a hundred takes %2 or more "
                       "(the slowest %3). The slowest are marked: see what their receivers did "
                       "before (a sleep, a long computation, a full pipe).")
            .arg(duration(p50), duration(p99), duration(slowest));
    std::partial_sort(latencies.begin(), latencies.begin() + 3, latencies.end(),
                      [](const auto& a, const auto& b) { return a > b; });
    for (size_t i = 0; i < 3; ++i)
        finding.events.push_back(latencies[i].second);
    out.push_back(std::move(finding));
}

void slowConsumers(const TraceStore& store, std::vector<Finding>& out)
{
    constexpr size_t kMinMessages = 50;
    constexpr qint64 kMinWaiting = 10;
    for (int c = 0; c < store.channelCount(); ++c) {
        const TraceStore::Channel& channel = store.channel(c);
        // A Queue's items count from their put(): its buffer holds what its pipe cannot.
        const bool queue = !channel.putTimes.empty();
        const TraceStore::TimeList& in = queue ? channel.putTimes : channel.sendTimes;
        const size_t sent = in.size();
        if (sent < kMinMessages || channel.sendTimes.empty())
            continue;
        const qint64 first = in[0];
        const qint64 last = in[sent - 1];
        if (last <= first)
            continue;
        // While the sending went on, the depth never fell, and at its end a good part of what
        // was sent still waited: the reader cannot keep up.
        qint64 previous = 0;
        bool growing = true;
        for (int quarter = 1; quarter <= 4 && growing; ++quarter) {
            const qint64 t = first + (last - first) * quarter / 4;
            const qint64 depth = queue ? store.queuedAt(c, t) : store.depthAt(c, t);
            growing = depth >= previous;
            previous = depth;
        }
        const qint64 waiting = previous;
        if (!growing || waiting < std::max<qint64>(kMinWaiting, qint64(sent) / 4))
            continue;
        const qint64 received = qint64(sent) - waiting;
        const double seconds = double(last - first) / 1e9;
        const TraceStore::Message& lastMessage = store.messages()[size_t(
            channel.messageBySeq[std::min(sent, channel.sendTimes.size()) - 1])];
        const TraceStore::Message& firstMessage = store.messages()[size_t(channel.messageBySeq[0])];
        const int writer =
            lastMessage.sendEvent >= 0 ? store.processOf(lastMessage.sendEvent) : channel.from;
        Finding finding;
        finding.severity = Severity::Warning;
        finding.kind = QStringLiteral("slow-consumer");
        finding.channels = {channel.name};
        finding.processes = {endName(store, writer), endName(store, channel.to)};
        for (const TraceStore::Message* m : {&firstMessage, &lastMessage}) {
            if (m->sendEvent >= 0)
                finding.events.push_back(m->sendEvent);
        }
        finding.title =
            QStringLiteral("%1 is read slower than it is written: %2 msg/s in, %3 msg/s out")
                .arg(channel.name, count(qint64(double(sent) / seconds)),
                     count(qint64(double(received) / seconds)));
        finding.explanation =
            QStringLiteral(
                "In the %1 during which %2 sent %3 messages on %4, only %5 were received: the "
                "queue grew and never shrank, and %6 messages were still waiting when the last "
                "was sent. Each waits longer than the one before it (the latency grows), and "
                "they take memory (a Queue's buffer has no bound; a pipe blocks the sender once "
                "its 64 KiB are full). Make the reader faster, add readers (a Pool, or several "
                "consumers of one Queue), or let the writer wait (a Queue with a maxsize).")
                .arg(duration(last - first), endName(store, writer), count(qint64(sent)),
                     channel.name, count(received), count(waiting));
        out.push_back(std::move(finding));
    }
}

} // namespace pipescope::detectors
