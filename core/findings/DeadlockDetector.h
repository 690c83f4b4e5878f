#pragma once

#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <span>

namespace pipescope {

class TraceStore;

// Tells a deadlock from a pause: every live process of a run waits for what no live process can
// give it (a recv with nothing on its way in, a send into a full pipe whose reader has gone or is
// itself stuck, a join of a process that is itself stuck). Read from the store alone, so it is
// tested with a synthetic store. A deadlock is declared only when it is seen twice with nothing
// at all recorded in between: a run that merely looks stuck for an instant (a child about to
// send) is left alone.
class DeadlockDetector
{
public:
    enum class Verdict
    {
        None,      // someone can go on
        Suspected, // stuck now: look again after a delay
        Declared,  // stuck, and nothing happened since it was suspected: description() says how
    };

    // What a description says the processes are stuck in.
    enum class Kind
    {
        Deadlock,    // "deadlock: ..." waiting on each other
        NoEof,       // "no EOF: ..." each waits in recv on a pipe whose writers have all ended
        JoinPending, // "deadlock in join: ..." a join of a process that is blocked sending to it
    };

    // The processes, by name, that still hold a copy of the end that writes a channel ("the
    // runner" for the runner's own); empty when not known.
    using WriteEndHolders = std::function<QStringList(int channel)>;

    // What the processes in `live` (the store's process numbers of the children still running)
    // wait on at `now` (ns since the run's start) says of the run.
    Verdict check(const TraceStore& store, std::span<const int> live, qint64 now,
                  const WriteEndHolders& holders = {});
    // "deadlock: left is blocked in recv on right->left; right is ..., and no live process can
    // send what they wait for", once declared.
    const QString& description() const { return m_description; }

    // The deadlock among `live` at `now`, described; nothing when one of them can go on.
    static std::optional<QString> find(const TraceStore& store, std::span<const int> live,
                                       qint64 now, const WriteEndHolders& holders = {});
    // Which kind of being stuck a description of find() names.
    static Kind kindOf(const QString& description);

private:
    bool m_suspected = false;
    quint64 m_generation = 0; // the store's, when it was suspected
    QString m_description;
};

} // namespace pipescope
