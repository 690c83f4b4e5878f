#include "findings/DeadlockDetector.h"

#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

namespace {

const QLatin1String kNoEofPrefix("no EOF: ");
const QLatin1String kJoinPrefix("deadlock in join: ");
const QLatin1String kDeadlockPrefix("deadlock: ");

bool stuckInRecvOrJoin(const TraceStore::Process& process)
{
    return process.state == ProcessState::BlockedRecv || process.state == ProcessState::Joining;
}

} // namespace

DeadlockDetector::Verdict DeadlockDetector::check(const TraceStore& store,
                                                  std::span<const int> live, qint64 now,
                                                  const WriteEndHolders& holders)
{
    const std::optional<QString> found = find(store, live, now, holders);
    if (!found) {
        m_suspected = false;
        return Verdict::None;
    }
    if (!m_suspected || m_generation != store.generation()) {
        m_suspected = true;
        m_generation = store.generation();
        return Verdict::Suspected;
    }
    m_description = *found;
    return Verdict::Declared;
}

std::optional<QString> DeadlockDetector::find(const TraceStore& store, std::span<const int> live,
                                              qint64 now, const WriteEndHolders& holders)
{
    if (live.empty())
        return std::nullopt;
    QStringList waits;
    bool everyWriterGone = true; // every wait is a recv whose writers have all gone
    bool anyWriterGone = false;  // some process waits for an EOF that cannot come
    bool joinOfSender = false;   // someone joins a process blocked sending to it
    for (const int index : live) {
        const TraceStore::Process& process = store.process(index);
        if (process.state == ProcessState::BlockedRecv) {
            // Waiting for a message: stuck unless one is on its way in.
            for (int c = 0; c < store.channelCount(); ++c) {
                const bool inbound = process.stateChannel == kNoChannel
                                         ? store.channel(c).to == index
                                         : process.stateChannel == c;
                if (inbound && store.depthAt(c, now) > 0)
                    return std::nullopt;
            }
            if (process.stateChannel == kNoChannel) {
                waits.append(QStringLiteral("%1 is blocked in recv").arg(process.name));
                everyWriterGone = false;
                continue;
            }
            const TraceStore::Channel& channel = store.channel(process.stateChannel);
            QString wait =
                QStringLiteral("%1 is blocked in recv on %2").arg(process.name, channel.name);
            // Its writer has ended, or closed its end (a traced program's close()).
            const bool writerEnded = channel.from >= 0 && store.process(channel.from).ended;
            const bool writerClosed =
                channel.from >= 0 && std::find(channel.closedBy.begin(), channel.closedBy.end(),
                                               channel.from) != channel.closedBy.end();
            const bool writerGone = channel.isPipe() && !channel.manyWriters &&
                                    channel.from != index && (writerEnded || writerClosed);
            if (writerGone) {
                wait += writerEnded ? QStringLiteral(", whose writer %1 has ended")
                                          .arg(store.process(channel.from).name)
                                    : QStringLiteral(", whose writer %1 has closed its end")
                                          .arg(store.process(channel.from).name);
                const QStringList open = holders ? holders(process.stateChannel) : QStringList();
                if (!open.isEmpty())
                    wait += QStringLiteral(", but a copy of its write end is still open in %1")
                                .arg(open.join(QLatin1String(", ")));
            }
            everyWriterGone = everyWriterGone && writerGone;
            anyWriterGone = anyWriterGone || writerGone;
            waits.append(wait);
        } else if (process.state == ProcessState::BlockedSend &&
                   process.stateChannel != kNoChannel) {
            // A full pipe: stuck if its reader has gone or is itself stuck elsewhere.
            const int reader = store.channel(process.stateChannel).to;
            if (reader < 0)
                return std::nullopt;
            const TraceStore::Process& readerProcess = store.process(reader);
            const bool readerStuck = readerProcess.ended ||
                                     readerProcess.state == ProcessState::BlockedSend ||
                                     (stuckInRecvOrJoin(readerProcess) &&
                                      readerProcess.stateChannel != process.stateChannel);
            if (!readerStuck)
                return std::nullopt;
            joinOfSender = joinOfSender || (readerProcess.state == ProcessState::Joining &&
                                            readerProcess.joins == index);
            everyWriterGone = false;
            waits.append(QStringLiteral("%1 is blocked in send on %2")
                             .arg(process.name, store.channel(process.stateChannel).name));
        } else if (process.state == ProcessState::Joining && process.joins >= 0) {
            // join() returns once the other ends: stuck while that one is.
            const TraceStore::Process& joined = store.process(process.joins);
            if (joined.ended)
                return std::nullopt;
            everyWriterGone = false;
            waits.append(QStringLiteral("%1 is joining %2").arg(process.name, joined.name));
        } else {
            return std::nullopt;
        }
    }
    // A reader waiting for an EOF that cannot come is the root of it, whoever else waits (a
    // join of that reader, say).
    if (everyWriterGone || anyWriterGone)
        return kNoEofPrefix + waits.join(u"; ") +
               QStringLiteral(": recv() raises EOFError only once every copy of the write end "
                              "is closed");
    return (joinOfSender ? kJoinPrefix : kDeadlockPrefix) + waits.join(u"; ") +
           QStringLiteral(", and no live process can send what they wait for");
}

DeadlockDetector::Kind DeadlockDetector::kindOf(const QString& description)
{
    if (description.startsWith(kNoEofPrefix))
        return Kind::NoEof;
    if (description.startsWith(kJoinPrefix))
        return Kind::JoinPending;
    return Kind::Deadlock;
}

} // namespace pipescope
