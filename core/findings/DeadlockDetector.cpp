#include "findings/DeadlockDetector.h"

#include "trace/TraceStore.h"

#include <QStringList>

namespace pipescope {

DeadlockDetector::Verdict DeadlockDetector::check(const TraceStore& store,
                                                  std::span<const int> live, qint64 now)
{
    const std::optional<QString> found = find(store, live, now);
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
                                              qint64 now)
{
    if (live.empty())
        return std::nullopt;
    QStringList waits;
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
            waits.append(process.stateChannel == kNoChannel
                             ? QStringLiteral("%1 is blocked in recv").arg(process.name)
                             : QStringLiteral("%1 is blocked in recv on %2")
                                   .arg(process.name, store.channel(process.stateChannel).name));
        } else if (process.state == ProcessState::BlockedSend &&
                   process.stateChannel != kNoChannel) {
            // A full pipe: stuck if its reader has gone or is itself blocked.
            const int reader = store.channel(process.stateChannel).to;
            const TraceStore::Process& readerProcess = store.process(reader);
            const bool readerStuck = readerProcess.ended ||
                                     readerProcess.state == ProcessState::BlockedSend ||
                                     (readerProcess.state == ProcessState::BlockedRecv &&
                                      readerProcess.stateChannel != process.stateChannel);
            if (!readerStuck)
                return std::nullopt;
            waits.append(QStringLiteral("%1 is blocked in send on %2")
                             .arg(process.name, store.channel(process.stateChannel).name));
        } else {
            return std::nullopt;
        }
    }
    return QStringLiteral("deadlock: %1, and no live process can send what they wait for")
        .arg(waits.join(u"; "));
}

} // namespace pipescope
