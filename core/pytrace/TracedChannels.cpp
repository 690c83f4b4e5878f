#include "pytrace/TracedChannels.h"

#include "pytrace/SegmentRecord.h"

#include <algorithm>

namespace pipescope {

void TracedChannels::label(const std::vector<quint64>& keys, const QString& kind, bool internal,
                           const QString& object)
{
    const qsizetype space = kind.indexOf(QLatin1Char(' '));
    Label label;
    label.kind = space < 0 ? kind : kind.left(space);
    label.part = space < 0 ? QString() : kind.mid(space + 1);
    label.internal = internal;
    const QString id = label.kind + QLatin1Char(' ') + object;
    if (object.isEmpty() || !m_objectNumbers.contains(id)) {
        label.number = ++m_kindCounts[label.kind];
        if (!object.isEmpty() && m_objectNumbers.size() < 100'000)
            m_objectNumbers.insert(id, label.number);
    } else {
        label.number = m_objectNumbers.value(id);
    }
    for (const quint64 key : keys) {
        m_labels.insert(key, label);
        if (const auto found = m_byKey.constFind(key); found != m_byKey.cend()) {
            m_store.setChannelInternal(*found, internal);
            rename(*found);
        }
        if (const auto found = m_handshakeByKey.constFind(key); found != m_handshakeByKey.cend())
            rename(*found);
    }
}

int TracedChannels::channelFor(quint64 key, bool internal)
{
    // A flagged record goes to the handshake's channel whether or not the channel is labelled
    // yet (a resource sharer's connection is labelled once its challenge is over).
    const bool handshake = internal;
    const auto label = m_labels.constFind(key);
    const bool internalChannel = label != m_labels.cend() && label->internal;
    QHash<quint64, int>& byKey = handshake ? m_handshakeByKey : m_byKey;
    if (const auto found = byKey.constFind(key); found != byKey.cend())
        return *found;
    if (m_store.channelCount() >= int(kNoChannel))
        return -1;
    Traced traced;
    traced.key = key;
    traced.handshake = handshake;
    const int channel =
        m_store.addChannel(nameOf(traced), TraceStore::kAnyProcess, TraceStore::kAnyProcess);
    m_store.setChannelInternal(channel, handshake || internalChannel);
    m_channels.push_back(std::move(traced));
    byKey.insert(key, channel);
    return channel;
}

void TracedChannels::used(int channel, bool send, int process)
{
    std::vector<int>& list =
        send ? m_channels[size_t(channel)].writers : m_channels[size_t(channel)].readers;
    if (std::find(list.begin(), list.end(), process) != list.end())
        return;
    list.push_back(process);
    rename(channel);
}

void TracedChannels::processRenamed(int process)
{
    for (size_t c = 0; c < m_channels.size(); ++c) {
        const Traced& traced = m_channels[c];
        if (std::find(traced.writers.begin(), traced.writers.end(), process) !=
                traced.writers.end() ||
            std::find(traced.readers.begin(), traced.readers.end(), process) !=
                traced.readers.end())
            rename(int(c));
    }
}

// "A", "A,B", "A,B +3": who writes or reads a channel.
QString TracedChannels::namesOf(const std::vector<int>& processes) const
{
    if (processes.empty())
        return QStringLiteral("?");
    QStringList names;
    for (size_t i = 0; i < std::min<size_t>(processes.size(), 2); ++i)
        names.append(m_processName(processes[i]));
    QString text = names.join(QLatin1Char(','));
    if (processes.size() > 2)
        text += QStringLiteral(" +%1").arg(processes.size() - 2);
    return text;
}

QString TracedChannels::nameOf(const Traced& traced) const
{
    QString kind;
    if (const auto found = m_labels.constFind(traced.key); found != m_labels.cend()) {
        kind = QStringLiteral("%1#%2").arg(found->kind).arg(found->number);
        if (!found->part.isEmpty())
            kind += QLatin1Char(' ') + found->part;
    } else {
        // Not made by a traced process (or its label is still on the way): what the kernel says.
        switch (SegmentRecord::keyType(traced.key)) {
        case SegmentRecord::PipeKey:
            kind = QStringLiteral("pipe:[%1]").arg(traced.key);
            break;
        case SegmentRecord::UnixSocketKey:
            kind =
                QStringLiteral("socket:[%1]").arg(traced.key & (SegmentRecord::kUnresolvedBit - 1));
            break;
        default:
            kind = QStringLiteral("tcp:%1").arg(traced.key & (SegmentRecord::kUnresolvedBit - 1), 0,
                                                16);
            break;
        }
    }
    if (traced.handshake)
        kind += QStringLiteral(" handshake");
    return QStringLiteral("%1 %2->%3").arg(kind, namesOf(traced.writers), namesOf(traced.readers));
}

void TracedChannels::rename(int channel)
{
    // Both directions of a pipe whose two ends one process holds would have one name: the later
    // gets a number, so that every channel of a saved run is told apart when it is read back.
    // Only a channel whose writers and readers read the same ("A->A") can meet its other
    // direction's name: the others are not compared with every channel at each rename.
    const Traced& traced = m_channels[size_t(channel)];
    const QString base = nameOf(traced);
    if (namesOf(traced.writers) != namesOf(traced.readers)) {
        m_store.renameChannel(channel, base);
        return;
    }
    const auto taken = [&](const QString& name) {
        for (int c = 0; c < m_store.channelCount(); ++c) {
            if (c != channel && m_store.channel(c).name == name)
                return true;
        }
        return false;
    };
    QString name = base;
    for (int n = 2; taken(name); ++n)
        name = QStringLiteral("%1 (%2)").arg(base).arg(n);
    m_store.renameChannel(channel, name);
}

} // namespace pipescope
