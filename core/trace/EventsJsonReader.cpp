#include "trace/EventsJsonReader.h"

#include "trace/EventsParseThread.h"
#include "trace/ParsedEvents.h"
#include "trace/TraceStore.h"

#include <QFile>
#include <QHash>
#include <QIODevice>
#include <QRegularExpression>
#include <utility>

namespace pipescope {

namespace {

// The store numbers processes and channels in 16 bits, with the top values reserved.
constexpr int kMaxProcesses = TraceStore::kRunner;
constexpr int kMaxChannels = kNoChannel;

Error malformed(const QString& why)
{
    return Error(ErrorKind::Protocol, why);
}

// A name as UTF-8 bytes, looked up without a copy.
QByteArray rawKey(QByteArrayView name)
{
    return QByteArray::fromRawData(name.data(), name.size());
}

} // namespace

class EventsJsonReader::Builder
{
public:
    Builder()
        : m_store(std::make_unique<TraceStore>())
    {
        m_store->setOrigin(0);
    }

    Status add(const ParsedEvent& event);
    // The lanes in the order their processes started (by pid), as they were live, once pids
    // have come since the last time.
    void orderLanes()
    {
        if (std::exchange(m_pidsCame, false))
            m_store->orderLanesByPid();
    }
    std::unique_ptr<TraceStore> take()
    {
        orderLanes();
        return std::move(m_store);
    }
    const TraceStore& store() const { return *m_store; }
    TraceStore& store() { return *m_store; }

private:
    Result<int> processNamed(QByteArrayView name);
    Result<int> channelNamed(QByteArrayView name);

    std::unique_ptr<TraceStore> m_store;
    // By their names' UTF-8, as the lines carry them.
    QHash<QByteArray, int> m_processes;
    QHash<QByteArray, int> m_channels;
    bool m_pidsCame = false;
};

Result<int> EventsJsonReader::Builder::processNamed(QByteArrayView name)
{
    if (const auto known = m_processes.constFind(rawKey(name)); known != m_processes.cend())
        return known.value();
    if (name == QByteArrayView("runner"))
        return TraceStore::kRunner;
    if (m_store->processCount() >= kMaxProcesses)
        return malformed(QStringLiteral("more than %1 processes").arg(kMaxProcesses));
    const int process = m_store->addProcess(QString::fromUtf8(name), {});
    m_processes.insert(name.toByteArray(), process);
    return process;
}

Result<int> EventsJsonReader::Builder::channelNamed(QByteArrayView utf8)
{
    if (const auto known = m_channels.constFind(rawKey(utf8)); known != m_channels.cend())
        return known.value();
    // A channel's first appearance: worked out from its name.
    const QString name = QString::fromUtf8(utf8);
    // A traced program's channel ("Queue#1 producer->MainProcess", "Pool#1 tasks A->B,C +2",
    // "pipe:[4711] A->B"): its ends are whoever sends and receives on it (several, for a shared
    // Queue), as the store learns them from the events.
    static const QRegularExpression traced(
        QStringLiteral(R"(^(\S+#\d+( [a-z]+)?|pipe:\[\d+\]|socket:\[\d+\]|tcp:[0-9a-f]+) )"));
    if (traced.match(name).hasMatch()) {
        if (m_store->channelCount() >= kMaxChannels)
            return malformed(QStringLiteral("more than %1 channels").arg(kMaxChannels));
        const int channel =
            m_store->addChannel(name, TraceStore::kAnyProcess, TraceStore::kAnyProcess);
        m_channels.insert(utf8.toByteArray(), channel);
        return channel;
    }
    // A process name may hold "->" itself: the split whose two ends are known processes wins.
    const QLatin1String arrow("->");
    int from = -1;
    int to = -1;
    int splits = 0;
    int arrows = 0;
    qsizetype at = name.indexOf(arrow);
    const qsizetype firstArrow = at;
    for (; at >= 0; at = name.indexOf(arrow, at + 1)) {
        ++arrows;
        const auto a = m_processes.constFind(name.left(at).toUtf8());
        const auto b = m_processes.constFind(name.mid(at + arrow.size()).toUtf8());
        if (a != m_processes.cend() && b != m_processes.cend()) {
            from = a.value();
            to = b.value();
            ++splits;
        }
    }
    if (splits != 1) {
        // An end that has no event of its own (yet) first appears here.
        const QString left = name.left(firstArrow);
        const QString right = name.mid(firstArrow + arrow.size());
        const QLatin1String runner("runner");
        if (splits > 1 || arrows != 1 || left.isEmpty() || right.isEmpty() || left == runner ||
            right == runner)
            return malformed(QStringLiteral("unknown channel \"%1\"").arg(name));
        Result<int> a = processNamed(left.toUtf8());
        if (!a)
            return a;
        Result<int> b = processNamed(right.toUtf8());
        if (!b)
            return b;
        from = *a;
        to = *b;
    }
    if (m_store->channelCount() >= kMaxChannels)
        return malformed(QStringLiteral("more than %1 channels").arg(kMaxChannels));
    const int channel = m_store->addChannel(name, from, to);
    m_channels.insert(utf8.toByteArray(), channel);
    return channel;
}

Status EventsJsonReader::Builder::add(const ParsedEvent& event)
{
    if (event.interruptedBy != 0) {
        m_store->setInterruptedBy(event.interruptedBy);
        return {};
    }
    TelemetryRecord record = event.record;
    if (record.kind == EventKind::State &&
        record.detail == static_cast<quint8>(ProcessState::Joining)) {
        const Result<int> joined = processNamed(event.joins);
        if (!joined)
            return joined.error();
        record.amount = *joined;
    }
    const Result<int> process = processNamed(event.process);
    if (!process)
        return process.error();
    if (event.hasChannel) {
        const Result<int> channel = channelNamed(event.channel);
        if (!channel)
            return channel.error();
        record.channel = static_cast<quint16>(*channel);
        if (event.ordinal >= 0 && m_store->channel(*channel).ordinal != event.ordinal)
            m_store->setChannelOrdinal(*channel, event.ordinal);
        if (event.channelInternal)
            m_store->setChannelInternal(*channel, true);
    }
    const Result<qint32> appended = m_store->append(*process, record, event.text, event.head);
    if (!appended)
        return appended.error();

    // A process's pid and thread are carried by its events.
    if (*process != TraceStore::kRunner && event.hasPid &&
        m_store->process(*process).pid != event.pid) {
        m_store->setPid(*process, event.pid);
        m_pidsCame = true;
    }
    if (*process != TraceStore::kRunner && event.internal)
        m_store->setInternal(*process, true);
    if (*process != TraceStore::kRunner && !event.thread.isEmpty()) {
        const QString threadName = QString::fromUtf8(event.thread);
        if (m_store->process(*process).thread != threadName)
            m_store->setThread(*process, threadName);
    }
    return {};
}

EventsJsonReader::EventsJsonReader()
    : m_builder(std::make_unique<Builder>())
{}

EventsJsonReader::~EventsJsonReader() = default;

const TraceStore& EventsJsonReader::store() const
{
    return m_builder->store();
}

TraceStore& EventsJsonReader::store()
{
    return m_builder->store();
}

std::unique_ptr<TraceStore> EventsJsonReader::takeStore()
{
    return m_builder->take();
}

Status EventsJsonReader::apply(const ParsedEvents& batch)
{
    if (!m_failed)
        return m_failed;
    for (const ParsedEvent& event : batch.events) {
        if (Status added = m_builder->add(event); !added) {
            m_failed =
                Error(added.error().kind(),
                      QStringLiteral("line %1: %2").arg(event.line).arg(added.error().message()));
            break;
        }
    }
    if (m_failed && !batch.failed)
        m_failed = batch.failed;
    m_builder->orderLanes();
    return m_failed;
}

Status EventsJsonReader::feed(QByteArrayView bytes)
{
    m_parser.feed(bytes, m_batch);
    return apply(m_batch);
}

Status EventsJsonReader::finish()
{
    m_parser.finish(m_batch);
    return apply(m_batch);
}

Result<std::unique_ptr<TraceStore>> EventsJsonReader::read(QIODevice& device)
{
    if (!device.isReadable())
        return Error(ErrorKind::InvalidArgument, QStringLiteral("the events are not readable"));
    // In chunks, parsed on a thread a few chunks ahead of the store: memory follows the chunks
    // (and the longest line), whatever the lines claim.
    EventsJsonReader reader;
    EventsParseThread parsing(device);
    for (;;) {
        std::unique_ptr<ParsedEvents> batch = parsing.take(true);
        if (Status applied = reader.apply(*batch); !applied)
            return applied.error();
        if (batch->end)
            return reader.takeStore();
        parsing.giveBack(std::move(batch));
    }
}

Result<std::unique_ptr<TraceStore>> EventsJsonReader::readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::System, QStringLiteral("%1: %2").arg(path, file.errorString()));
    Result<std::unique_ptr<TraceStore>> store = read(file);
    if (!store)
        return Error(store.error().kind(),
                     QStringLiteral("%1: %2").arg(path, store.error().message()));
    return store;
}

} // namespace pipescope
