#pragma once

#include "trace/TraceStore.h"

#include <QHash>
#include <QString>
#include <functional>
#include <vector>

namespace pipescope {

// The channels of a traced program: each direction of each pipe or socket, known by its kernel
// key (docs/tracing-protocol.md), becomes one TraceStore channel when its first message is seen.
// Its name says what made it and who uses it, as the program's objects and processes are named:
// "Queue#1 MainProcess->Process-1", "Pipe#2 Process-1->Process-2"; a label that the hook sends
// when the object is made ("Queue", "Pool tasks") may arrive before or after the first message.
// Messages are numbered per channel in the order they went in and came out.
//
// Channels that multiprocessing uses for itself (labelled internal) are marked internal in the
// store; so is the handshake of a connection (its authkey challenge, in records flagged
// internal), which is a channel of its own, "<name> handshake", so that the program's messages
// on a connection are numbered from 0 as the program sees them.
class TracedChannels
{
public:
    // `processName` gives the current name of a process the collector numbered.
    TracedChannels(TraceStore& store, std::function<QString(int)> processName)
        : m_store(store)
        , m_processName(std::move(processName))
    {}

    // What made the channels with these keys: a Pipe's two directions, a Queue's pipe, a Pool's
    // task queue. A kind of two words ("Pool tasks") is a part of an object ("Pool#1 tasks"):
    // the parts that name the same `object` (an id unique in the run; empty: a new object) share
    // its number.
    void label(const std::vector<quint64>& keys, const QString& kind, bool internal,
               const QString& object);
    // The store channel for `key`, made when first asked for; -1 when the store has no room.
    // `internal`: the record is flagged as multiprocessing's own on its channel (a handshake),
    // and goes to that channel's handshake channel.
    int channelFor(quint64 key, bool internal = false);
    // The store channel for `key` if it has one already, else -1.
    int existingChannel(quint64 key) const { return m_byKey.value(key, -1); }
    // The next seq of a send or recv on `channel`, counted.
    qint64 nextSendSeq(int channel) { return m_channels[size_t(channel)].sends++; }
    qint64 nextRecvSeq(int channel) { return m_channels[size_t(channel)].recvs++; }
    // `process` sent or received a message on `channel`: the name says so.
    void used(int channel, bool send, int process);
    // `process` has a new name (a child took its multiprocessing name): so have its channels.
    void processRenamed(int process);

private:
    struct Label
    {
        QString kind;
        QString part; // "tasks" of "Pool tasks"
        int number = 0;
        bool internal = false;
    };
    struct Traced
    {
        quint64 key = 0;
        bool handshake = false;
        std::vector<int> writers; // processes, in the order they first used it
        std::vector<int> readers;
        qint64 sends = 0;
        qint64 recvs = 0;
    };

    QString nameOf(const Traced& traced) const;
    QString namesOf(const std::vector<int>& processes) const;
    void rename(int channel);

    TraceStore& m_store;
    std::function<QString(int)> m_processName;
    QHash<quint64, Label> m_labels;
    QHash<QString, int> m_kindCounts;
    QHash<QString, int> m_objectNumbers; // "kind object" -> its number
    QHash<quint64, int> m_byKey;
    QHash<quint64, int> m_handshakeByKey;
    std::vector<Traced> m_channels; // by store channel
};

} // namespace pipescope
