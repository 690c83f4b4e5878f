#include "trace/EventsJsonReader.h"

#include "trace/TraceStore.h"

#include <QFile>
#include <QHash>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QRegularExpression>
#include <limits>
#include <optional>

namespace pipescope {

namespace {

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
    explicit Fields(const QJsonObject& object)
        : m_object(object)
    {}

    bool has(const char* name) const { return m_object.contains(QLatin1String(name)); }

    QJsonValue value(const char* name)
    {
        QJsonValue field = m_object.value(QLatin1String(name));
        if (field.isUndefined())
            fail(QStringLiteral("missing field \"%1\"").arg(QLatin1String(name)));
        return field;
    }

    qint64 integer(const char* name)
    {
        const QJsonValue field = value(name);
        // toInteger() gives its fallback for anything but a whole number in range.
        if (!field.isUndefined() && field.toInteger(0) != field.toInteger(1))
            fail(QStringLiteral("field \"%1\" is not an integer").arg(QLatin1String(name)));
        return field.toInteger(0);
    }

    QString string(const char* name)
    {
        const QJsonValue field = value(name);
        if (!field.isUndefined() && !field.isString())
            fail(QStringLiteral("field \"%1\" is not a string").arg(QLatin1String(name)));
        return field.toString();
    }

    bool boolean(const char* name)
    {
        const QJsonValue field = value(name);
        if (!field.isUndefined() && !field.isBool())
            fail(QStringLiteral("field \"%1\" is not true or false").arg(QLatin1String(name)));
        return field.toBool();
    }

    void fail(const QString& why)
    {
        if (m_error.isEmpty())
            m_error = why;
    }
    const QString& error() const { return m_error; }

private:
    const QJsonObject& m_object;
    QString m_error;
};

std::optional<EventKind> kindNamed(const QString& name)
{
    for (int kind = 0; kind < kEventKindCount; ++kind) {
        if (eventKindName(static_cast<EventKind>(kind)) == name)
            return static_cast<EventKind>(kind);
    }
    return std::nullopt;
}

std::optional<ProcessState> stateNamed(const QString& name)
{
    for (int state = 0; state < kProcessStateCount; ++state) {
        if (processStateName(static_cast<ProcessState>(state)) == name)
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

std::optional<QByteArray> fromHex(const QString& hex)
{
    if (hex.size() % 2 != 0 || hex.size() > qsizetype(2) * kMaxPayloadHead)
        return std::nullopt;
    for (const QChar c : hex) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F')))
            return std::nullopt;
    }
    return QByteArray::fromHex(hex.toLatin1());
}

class Builder
{
public:
    Builder()
        : m_store(std::make_unique<TraceStore>())
    {
        m_store->setOrigin(0);
    }

    Status addLine(const QByteArray& line);
    std::unique_ptr<TraceStore> take() { return std::move(m_store); }

private:
    Result<int> processNamed(const QString& name);
    Result<int> channelNamed(const QString& name);

    std::unique_ptr<TraceStore> m_store;
    QHash<QString, int> m_processes;
    QHash<QString, int> m_channels;
};

Result<int> Builder::processNamed(const QString& name)
{
    if (name == QLatin1String("runner"))
        return TraceStore::kRunner;
    if (const auto known = m_processes.constFind(name); known != m_processes.cend())
        return known.value();
    if (m_store->processCount() >= kMaxProcesses)
        return malformed(QStringLiteral("more than %1 processes").arg(kMaxProcesses));
    const int process = m_store->addProcess(name, {});
    m_processes.insert(name, process);
    return process;
}

Result<int> Builder::channelNamed(const QString& name)
{
    if (const auto known = m_channels.constFind(name); known != m_channels.cend())
        return known.value();
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
        m_channels.insert(name, channel);
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
        const auto a = m_processes.constFind(name.left(at));
        const auto b = m_processes.constFind(name.mid(at + arrow.size()));
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
        Result<int> a = processNamed(left);
        if (!a)
            return a;
        Result<int> b = processNamed(right);
        if (!b)
            return b;
        from = *a;
        to = *b;
    }
    if (m_store->channelCount() >= kMaxChannels)
        return malformed(QStringLiteral("more than %1 channels").arg(kMaxChannels));
    const int channel = m_store->addChannel(name, from, to);
    m_channels.insert(name, channel);
    return channel;
}

Status Builder::addLine(const QByteArray& line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return malformed(QStringLiteral("not JSON (%1)").arg(parseError.errorString()));
    if (!document.isObject())
        return malformed(QStringLiteral("not a JSON object"));
    const QJsonObject object = document.object();
    Fields fields(object);

    TelemetryRecord record;
    record.tNs = record.startNs = fields.integer("t_ns");
    const QString processName = fields.string("process");
    const QString kindName = fields.string("kind");
    if (!fields.error().isEmpty())
        return malformed(fields.error());
    const std::optional<EventKind> kind = kindNamed(kindName);
    if (!kind)
        return malformed(QStringLiteral("unknown kind \"%1\"").arg(kindName));
    record.kind = *kind;

    QString channelName; // null: none
    QByteArray text;
    QByteArray head;
    std::optional<qint64> pid;
    switch (*kind) {
    case EventKind::Send:
    case EventKind::Recv:
        channelName = fields.string("channel");
        record.seq = fields.integer("seq");
        record.amount = fields.integer("bytes");
        text = fields.string("value").toUtf8();
        record.startNs = fields.integer("start_ns");
        // Files written before the head was exported have none.
        if (fields.has("head")) {
            const std::optional<QByteArray> bytes = fromHex(fields.string("head"));
            if (bytes)
                head = *bytes;
            else
                fields.fail(QStringLiteral("field \"head\" is not hex of at most %1 bytes")
                                .arg(kMaxPayloadHead));
        }
        break;
    case EventKind::Poll: {
        if (fields.has("channel"))
            channelName = fields.string("channel");
        const QJsonValue timeout = fields.value("timeout_s");
        if (timeout.isNull())
            record.number = std::numeric_limits<double>::infinity();
        else if (timeout.isDouble())
            record.number = timeout.toDouble();
        else if (!timeout.isUndefined())
            fields.fail(QStringLiteral("field \"timeout_s\" is not a number or null"));
        record.detail = fields.boolean("result") ? 1 : 0;
        record.amount = fields.integer("waited_ns");
        record.startNs = fields.integer("start_ns");
        if (fields.has("call"))
            text = fields.string("call").toUtf8();
        break;
    }
    case EventKind::State: {
        if (fields.has("channel"))
            channelName = fields.string("channel");
        const QString stateName = fields.string("state");
        if (!fields.error().isEmpty())
            break;
        const std::optional<ProcessState> state = stateNamed(stateName);
        if (!state)
            return malformed(QStringLiteral("unknown state \"%1\"").arg(stateName));
        record.detail = static_cast<quint8>(*state);
        if (*state == ProcessState::Joining) {
            Result<int> joined = processNamed(fields.string("joins"));
            if (!fields.error().isEmpty())
                break;
            if (!joined)
                return joined.error();
            record.amount = *joined;
        }
        break;
    }
    case EventKind::Stdout:
    case EventKind::Stderr:
        text = fields.string("text").toUtf8();
        break;
    case EventKind::Exit:
        if (fields.has("signal")) {
            const QString signalText = fields.string("signal");
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
        text = fields.string("text").toUtf8();
        break;
    case EventKind::Error:
        text = fields.string("message").toUtf8();
        if (fields.has("interrupted")) {
            // The mark of an interrupted run: a property of the run, not an event of its own.
            const QString signalText = fields.string("interrupted");
            const std::optional<int> signal = signalNamed(signalText);
            if (!fields.error().isEmpty())
                break;
            if (!signal)
                return malformed(QStringLiteral("unknown signal \"%1\"").arg(signalText));
            if (processName != QLatin1String("runner"))
                return malformed(QStringLiteral("an interrupted mark from \"%1\", not the runner")
                                     .arg(processName));
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
    if (fields.has("pid"))
        pid = fields.integer("pid");
    const QString thread = fields.has("thread") ? fields.string("thread") : QString();
    if (!fields.error().isEmpty())
        return malformed(fields.error());

    const Result<int> process = processNamed(processName);
    if (!process)
        return process.error();
    if (!channelName.isNull()) {
        const Result<int> channel = channelNamed(channelName);
        if (!channel)
            return channel.error();
        record.channel = static_cast<quint16>(*channel);
    }
    const Result<qint32> appended = m_store->append(*process, record, text, head);
    if (!appended)
        return appended.error();

    // A process's pid and thread are carried by its events.
    if (*process != TraceStore::kRunner && pid && m_store->process(*process).pid != *pid)
        m_store->setPid(*process, *pid);
    if (*process != TraceStore::kRunner && !thread.isEmpty() &&
        m_store->process(*process).thread != thread)
        m_store->setThread(*process, thread);
    return {};
}

} // namespace

Result<std::unique_ptr<TraceStore>> EventsJsonReader::read(QIODevice& device)
{
    if (!device.isReadable())
        return Error(ErrorKind::InvalidArgument, QStringLiteral("the events are not readable"));
    Builder builder;
    qint64 lineNumber = 0;
    // Line by line: memory follows the file, whatever its lines claim.
    while (!device.atEnd()) {
        QByteArray line = device.readLine();
        if (line.isEmpty())
            return Error(ErrorKind::System, device.errorString());
        ++lineNumber;
        if (line.endsWith('\n'))
            line.chop(1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        if (Status added = builder.addLine(line); !added)
            return Error(
                added.error().kind(),
                QStringLiteral("line %1: %2").arg(lineNumber).arg(added.error().message()));
    }
    return builder.take();
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
