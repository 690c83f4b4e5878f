#include "trace/EventsJsonReader.h"

#include "trace/JsonLine.h"
#include "trace/TraceStore.h"
#include "wire/CharCodes.h"

#include <QFile>
#include <QHash>
#include <QIODevice>
#include <QRegularExpression>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

namespace pipescope {

namespace {

constexpr qint64 kChunkBytes = 1 << 20;
// No line of an events file comes near this: its longest text (a runner's line, at most 64 KiB)
// is at most 384 KiB once escaped, a head 128 hex digits.
constexpr qsizetype kMaxLineBytes = 4 << 20;

// The store numbers processes and channels in 16 bits, with the top values reserved.
constexpr int kMaxProcesses = TraceStore::kRunner;
constexpr int kMaxChannels = kNoChannel;

Error malformed(const QString& why)
{
    return Error(ErrorKind::Protocol, why);
}

// The fields of one line; the first problem met is kept, so a line is checked once at the end.
class Fields
{
public:
    explicit Fields(const JsonLine& line)
        : m_line(line)
    {}

    // Names are string literals: their length is known without strlen().
    template <qsizetype N> bool has(const char (&name)[N]) const
    {
        return m_line.find(QByteArrayView(name, N - 1)) != nullptr;
    }

    template <qsizetype N> const JsonLine::Field* field(const char (&name)[N])
    {
        const JsonLine::Field* found = m_line.find(QByteArrayView(name, N - 1));
        if (!found)
            fail(QStringLiteral("missing field \"%1\"").arg(QLatin1String(name)));
        return found;
    }

    template <qsizetype N> qint64 integer(const char (&name)[N])
    {
        const JsonLine::Field* found = field(name);
        if (!found)
            return 0;
        if (found->type == JsonLine::Type::Integer)
            return found->integer;
        // A whole number written with a fraction or an exponent, as QJsonValue::toInteger()
        // takes it.
        constexpr double kLimit = 9223372036854775808.0; // 2^63
        if (found->type == JsonLine::Type::Number && std::trunc(found->number) == found->number &&
            found->number >= -kLimit && found->number < kLimit)
            return qint64(found->number);
        fail(QStringLiteral("field \"%1\" is not an integer").arg(QLatin1String(name)));
        return 0;
    }

    // The string's UTF-8 (valid until the next line).
    template <qsizetype N> QByteArrayView string(const char (&name)[N])
    {
        const JsonLine::Field* found = field(name);
        if (found && found->type != JsonLine::Type::String)
            fail(QStringLiteral("field \"%1\" is not a string").arg(QLatin1String(name)));
        return found && found->type == JsonLine::Type::String ? found->text : QByteArrayView();
    }

    template <qsizetype N> bool boolean(const char (&name)[N])
    {
        const JsonLine::Field* found = field(name);
        if (found && found->type != JsonLine::Type::True && found->type != JsonLine::Type::False)
            fail(QStringLiteral("field \"%1\" is not true or false").arg(QLatin1String(name)));
        return found && found->type == JsonLine::Type::True;
    }

    // A number of seconds, or null for none (infinity).
    template <qsizetype N> double timeout(const char (&name)[N])
    {
        const JsonLine::Field* found = field(name);
        if (!found)
            return 0;
        if (found->type == JsonLine::Type::Null)
            return std::numeric_limits<double>::infinity();
        if (found->type == JsonLine::Type::Integer || found->type == JsonLine::Type::Number)
            return found->number;
        fail(QStringLiteral("field \"%1\" is not a number or null").arg(QLatin1String(name)));
        return 0;
    }

    void fail(const QString& why)
    {
        if (m_error.isEmpty())
            m_error = why;
    }
    const QString& error() const { return m_error; }

private:
    const JsonLine& m_line;
    QString m_error;
};

// A name as UTF-8 bytes, looked up without a copy.
QByteArray rawKey(QByteArrayView name)
{
    return QByteArray::fromRawData(name.data(), name.size());
}

std::optional<EventKind> kindNamed(QByteArrayView name)
{
    for (int kind = 0; kind < kEventKindCount; ++kind) {
        const QLatin1String known = eventKindName(static_cast<EventKind>(kind));
        if (QByteArrayView(known.data(), known.size()) == name)
            return static_cast<EventKind>(kind);
    }
    return std::nullopt;
}

std::optional<ProcessState> stateNamed(QByteArrayView name)
{
    for (int state = 0; state < kProcessStateCount; ++state) {
        const QLatin1String known = processStateName(static_cast<ProcessState>(state));
        if (QByteArrayView(known.data(), known.size()) == name)
            return static_cast<ProcessState>(state);
    }
    return std::nullopt;
}

// The inverse of signalName().
std::optional<int> signalNamed(const QString& name)
{
    for (int signal = 1; signal <= 64; ++signal) {
        if (signalName(signal) == name)
            return signal;
    }
    const QLatin1String unnamed("signal ");
    if (name.startsWith(unnamed)) {
        bool ok = false;
        const int signal = name.mid(unnamed.size()).toInt(&ok);
        if (ok && signal > 0)
            return signal;
    }
    return std::nullopt;
}

// Decodes `hex` into `out` (room for kMaxPayloadHead bytes): the bytes, or nothing when it is no
// hex of at most that many bytes.
std::optional<QByteArrayView> fromHex(QByteArrayView hex, char* out)
{
    if (hex.size() % 2 != 0 || hex.size() > qsizetype(2) * kMaxPayloadHead)
        return std::nullopt;
    for (qsizetype i = 0; i < hex.size(); i += 2) {
        const int high = hexDigit(hex[i]);
        const int low = hexDigit(hex[i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        out[i / 2] = char(high << 4 | low);
    }
    return QByteArrayView(out, hex.size() / 2);
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

    Status addLine(QByteArrayView line);
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
    JsonLine m_line;
    // By their names' UTF-8, as the lines carry them.
    QHash<QByteArray, int> m_processes;
    QHash<QByteArray, int> m_channels;
    char m_head[kMaxPayloadHead];
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

Status EventsJsonReader::Builder::addLine(QByteArrayView line)
{
    if (!m_line.parse(line))
        return malformed(m_line.error());
    Fields fields(m_line);

    TelemetryRecord record;
    record.tNs = record.startNs = fields.integer("t_ns");
    const QByteArrayView processName = fields.string("process");
    const QByteArrayView kindName = fields.string("kind");
    if (!fields.error().isEmpty())
        return malformed(fields.error());
    const std::optional<EventKind> kind = kindNamed(kindName);
    if (!kind)
        return malformed(QStringLiteral("unknown kind \"%1\"").arg(QString::fromUtf8(kindName)));
    record.kind = *kind;

    std::optional<QByteArrayView> channelName;
    QByteArrayView text;
    QByteArrayView head;
    switch (*kind) {
    case EventKind::Send:
    case EventKind::Recv:
        channelName = fields.string("channel");
        record.seq = fields.integer("seq");
        record.amount = fields.integer("bytes");
        text = fields.string("value");
        record.startNs = fields.integer("start_ns");
        // Files written before the head was exported have none.
        if (fields.has("head")) {
            const std::optional<QByteArrayView> bytes = fromHex(fields.string("head"), m_head);
            if (bytes)
                head = *bytes;
            else
                fields.fail(QStringLiteral("field \"head\" is not hex of at most %1 bytes")
                                .arg(kMaxPayloadHead));
        }
        break;
    case EventKind::Poll:
        if (fields.has("channel"))
            channelName = fields.string("channel");
        record.number = fields.timeout("timeout_s");
        record.detail = fields.boolean("result") ? 1 : 0;
        record.amount = fields.integer("waited_ns");
        record.startNs = fields.integer("start_ns");
        if (fields.has("call"))
            text = fields.string("call");
        break;
    case EventKind::State: {
        if (fields.has("channel"))
            channelName = fields.string("channel");
        const QByteArrayView stateName = fields.string("state");
        if (!fields.error().isEmpty())
            break;
        const std::optional<ProcessState> state = stateNamed(stateName);
        if (!state)
            return malformed(
                QStringLiteral("unknown state \"%1\"").arg(QString::fromUtf8(stateName)));
        record.detail = static_cast<quint8>(*state);
        if (*state == ProcessState::Joining) {
            const QByteArrayView joins = fields.string("joins");
            if (!fields.error().isEmpty())
                break;
            Result<int> joined = processNamed(joins);
            if (!joined)
                return joined.error();
            record.amount = *joined;
        }
        break;
    }
    case EventKind::Stdout:
    case EventKind::Stderr:
        text = fields.string("text");
        break;
    case EventKind::Exit:
        if (fields.has("signal")) {
            const QString signalText = QString::fromUtf8(fields.string("signal"));
            const std::optional<int> signal = signalNamed(signalText);
            if (!signal && fields.error().isEmpty())
                return malformed(QStringLiteral("unknown signal \"%1\"").arg(signalText));
            record.detail = 1;
            record.amount = signal.value_or(0);
        } else {
            record.amount = fields.integer("exit_code");
            if (record.amount < std::numeric_limits<int>::min() ||
                record.amount > std::numeric_limits<int>::max())
                fields.fail(QStringLiteral("exit code %1 out of range").arg(record.amount));
        }
        text = fields.string("text");
        break;
    case EventKind::Error:
        text = fields.string("message");
        if (fields.has("channel"))
            channelName = fields.string("channel");
        if (fields.has("seq"))
            record.seq = fields.integer("seq");
        if (fields.has("interrupted")) {
            // The mark of an interrupted run: a property of the run, not an event of its own.
            const QString signalText = QString::fromUtf8(fields.string("interrupted"));
            const std::optional<int> signal = signalNamed(signalText);
            if (!fields.error().isEmpty())
                break;
            if (!signal)
                return malformed(QStringLiteral("unknown signal \"%1\"").arg(signalText));
            if (processName != QByteArrayView("runner"))
                return malformed(QStringLiteral("an interrupted mark from \"%1\", not the runner")
                                     .arg(QString::fromUtf8(processName)));
            m_store->setInterruptedBy(*signal);
            return {};
        }
        break;
    case EventKind::Close:
        channelName = fields.string("channel");
        break;
    case EventKind::Put:
        channelName = fields.string("channel");
        record.amount = fields.integer("buffered");
        record.startNs = fields.integer("start_ns");
        break;
    }
    const bool hasPid = fields.has("pid");
    const qint64 pid = hasPid ? fields.integer("pid") : 0;
    const QByteArrayView thread = fields.has("thread") ? fields.string("thread") : QByteArrayView();
    const bool internal = fields.has("internal") && fields.boolean("internal");
    const bool channelInternal =
        fields.has("channel_internal") && fields.boolean("channel_internal");
    const bool hasOrdinal = fields.has("channel_ordinal");
    const qint64 ordinal = hasOrdinal ? fields.integer("channel_ordinal") : 0;
    if (!fields.error().isEmpty())
        return malformed(fields.error());

    const Result<int> process = processNamed(processName);
    if (!process)
        return process.error();
    if (channelName) {
        const Result<int> channel = channelNamed(*channelName);
        if (!channel)
            return channel.error();
        record.channel = static_cast<quint16>(*channel);
        if (hasOrdinal && ordinal >= 0 && ordinal < kMaxChannels &&
            m_store->channel(*channel).ordinal != int(ordinal))
            m_store->setChannelOrdinal(*channel, int(ordinal));
        if (channelInternal)
            m_store->setChannelInternal(*channel, true);
    }
    const Result<qint32> appended = m_store->append(*process, record, text, head);
    if (!appended)
        return appended.error();

    // A process's pid and thread are carried by its events.
    if (*process != TraceStore::kRunner && hasPid && m_store->process(*process).pid != pid) {
        m_store->setPid(*process, pid);
        m_pidsCame = true;
    }
    if (*process != TraceStore::kRunner && internal)
        m_store->setInternal(*process, true);
    if (*process != TraceStore::kRunner && !thread.isEmpty()) {
        const QString threadName = QString::fromUtf8(thread);
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

Error EventsJsonReader::tooLong() const
{
    return Error(
        ErrorKind::Protocol,
        QStringLiteral("line %1: longer than %2 bytes").arg(m_lineNumber + 1).arg(kMaxLineBytes));
}

Status EventsJsonReader::addLine(QByteArrayView line)
{
    if (line.size() > kMaxLineBytes)
        return m_failed = tooLong();
    ++m_lineNumber;
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.trimmed().isEmpty())
        return {};
    if (Status added = m_builder->addLine(line); !added)
        m_failed =
            Error(added.error().kind(),
                  QStringLiteral("line %1: %2").arg(m_lineNumber).arg(added.error().message()));
    return m_failed;
}

Status EventsJsonReader::feed(QByteArrayView bytes)
{
    if (!m_failed)
        return m_failed;
    // A UTF-8 byte order mark before the first line (an editor's) is no part of it.
    if (!m_started) {
        const QByteArrayView bom("\xEF\xBB\xBF");
        m_partial += bytes;
        if (m_partial.size() < bom.size() && bom.startsWith(m_partial))
            return m_failed; // the file's first bytes may yet be a mark
        m_started = true;
        QByteArray first = std::exchange(m_partial, {});
        if (first.startsWith(bom))
            first.remove(0, bom.size());
        return feed(first);
    }
    // Each line parsed where it lies; only a line cut by the end of `bytes` is copied.
    qsizetype start = 0;
    if (!m_partial.isEmpty()) {
        const qsizetype end = bytes.indexOf('\n');
        if (end < 0) {
            m_partial += bytes;
            if (m_partial.size() > kMaxLineBytes)
                m_failed = tooLong();
            return m_failed;
        }
        m_partial += bytes.first(end);
        const QByteArray line = std::exchange(m_partial, {});
        if (Status added = addLine(line); !added)
            return added;
        start = end + 1;
    }
    for (qsizetype end = bytes.indexOf('\n', start); end >= 0; end = bytes.indexOf('\n', start)) {
        if (Status added = addLine(bytes.sliced(start, end - start)); !added)
            return added;
        start = end + 1;
    }
    m_partial = bytes.sliced(start).toByteArray();
    if (m_partial.size() > kMaxLineBytes)
        m_failed = tooLong();
    m_builder->orderLanes();
    return m_failed;
}

Status EventsJsonReader::finish()
{
    if (!m_failed || m_partial.isEmpty())
        return m_failed;
    const QByteArray line = std::exchange(m_partial, {});
    const Status added = addLine(line);
    m_builder->orderLanes();
    return added;
}

Result<std::unique_ptr<TraceStore>> EventsJsonReader::read(QIODevice& device)
{
    if (!device.isReadable())
        return Error(ErrorKind::InvalidArgument, QStringLiteral("the events are not readable"));
    // In chunks: memory follows the file (a chunk and the longest line), whatever its lines
    // claim.
    EventsJsonReader reader;
    while (!device.atEnd()) {
        const QByteArray chunk = device.read(kChunkBytes);
        if (chunk.isEmpty())
            return Error(ErrorKind::System, device.errorString());
        if (Status fed = reader.feed(chunk); !fed)
            return fed.error();
    }
    if (Status finished = reader.finish(); !finished)
        return finished.error();
    return reader.takeStore();
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
