#include "trace/EventsJsonParser.h"

#include "trace/ParsedEvents.h"
#include "wire/CharCodes.h"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace pipescope {

namespace {

// No line of an events file comes near this: its longest text (a runner's line, at most 64 KiB)
// is at most 384 KiB once escaped, a head 128 hex digits.
constexpr qsizetype kMaxLineBytes = 4 << 20;

// Every key an events line may carry (EventsJsonWriter's), in one place.
enum class Key
{
    TNs,
    Process,
    Kind,
    Pid,
    Thread,
    Internal,
    Channel,
    ChannelOrdinal,
    ChannelInternal,
    Seq,
    Bytes,
    Value,
    StartNs,
    Head,
    TimeoutS,
    Result,
    WaitedNs,
    Call,
    State,
    Joins,
    Text,
    Signal,
    ExitCode,
    Message,
    Interrupted,
    Buffered,
    Count,
};
constexpr int kKeyCount = int(Key::Count);

constexpr std::array<std::string_view, kKeyCount> kKeyNames = {
    "t_ns",
    "process",
    "kind",
    "pid",
    "thread",
    "internal",
    "channel",
    "channel_ordinal",
    "channel_internal",
    "seq",
    "bytes",
    "value",
    "start_ns",
    "head",
    "timeout_s",
    "result",
    "waited_ns",
    "call",
    "state",
    "joins",
    "text",
    "signal",
    "exit_code",
    "message",
    "interrupted",
    "buffered",
};

// The key `name` is, if it is one: a switch on its length and first letter, then one compare.
std::optional<Key> keyNamed(QByteArrayView name)
{
    const auto is = [&](Key key) -> std::optional<Key> {
        const std::string_view known = kKeyNames[std::size_t(key)];
        if (known == std::string_view(name.data(), std::size_t(name.size())))
            return key;
        return std::nullopt;
    };
    if (name.isEmpty())
        return std::nullopt;
    switch (name[0]) {
    case 't':
        return name.size() == 4 ? (name[1] == '_' ? is(Key::TNs) : is(Key::Text))
                                : (name.size() == 6 ? is(Key::Thread) : is(Key::TimeoutS));
    case 'p':
        return name.size() == 3 ? is(Key::Pid) : is(Key::Process);
    case 'k':
        return is(Key::Kind);
    case 'i':
        return name.size() == 8 ? is(Key::Internal) : is(Key::Interrupted);
    case 'c':
        if (name.size() == 7)
            return is(Key::Channel);
        if (name.size() == 4)
            return is(Key::Call);
        return name.size() == 15 ? is(Key::ChannelOrdinal) : is(Key::ChannelInternal);
    case 's':
        if (name.size() == 3)
            return is(Key::Seq);
        if (name.size() == 5)
            return is(Key::State);
        return name.size() == 8 ? is(Key::StartNs) : is(Key::Signal);
    case 'b':
        return name.size() == 5 ? is(Key::Bytes) : is(Key::Buffered);
    case 'v':
        return is(Key::Value);
    case 'h':
        return is(Key::Head);
    case 'r':
        return is(Key::Result);
    case 'w':
        return is(Key::WaitedNs);
    case 'j':
        return is(Key::Joins);
    case 'e':
        return is(Key::ExitCode);
    case 'm':
        return is(Key::Message);
    default:
        return std::nullopt;
    }
}

// The fields of one line by key, found in one pass over them (of a repeated key, the first); the
// first problem met is kept, so a line is checked once at the end.
class Fields
{
public:
    explicit Fields(const JsonLine& line)
    {
        m_found.fill(nullptr);
        for (const JsonLine::Field& field : line.fields()) {
            if (const std::optional<Key> key = keyNamed(field.key);
                key && !m_found[std::size_t(*key)])
                m_found[std::size_t(*key)] = &field;
        }
    }

    bool has(Key key) const { return m_found[std::size_t(key)] != nullptr; }

    const JsonLine::Field* field(Key key)
    {
        const JsonLine::Field* found = m_found[std::size_t(key)];
        if (!found)
            fail(QStringLiteral("missing field \"%1\"").arg(name(key)));
        return found;
    }

    qint64 integer(Key key)
    {
        const JsonLine::Field* found = field(key);
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
        fail(QStringLiteral("field \"%1\" is not an integer").arg(name(key)));
        return 0;
    }

    // The string's UTF-8 (valid as long as the line and its decoded room).
    QByteArrayView string(Key key)
    {
        const JsonLine::Field* found = field(key);
        if (found && found->type != JsonLine::Type::String)
            fail(QStringLiteral("field \"%1\" is not a string").arg(name(key)));
        return found && found->type == JsonLine::Type::String ? found->text : QByteArrayView();
    }

    bool boolean(Key key)
    {
        const JsonLine::Field* found = field(key);
        if (found && found->type != JsonLine::Type::True && found->type != JsonLine::Type::False)
            fail(QStringLiteral("field \"%1\" is not true or false").arg(name(key)));
        return found && found->type == JsonLine::Type::True;
    }

    // A number of seconds, or null for none (infinity).
    double timeout(Key key)
    {
        const JsonLine::Field* found = field(key);
        if (!found)
            return 0;
        if (found->type == JsonLine::Type::Null)
            return std::numeric_limits<double>::infinity();
        if (found->type == JsonLine::Type::Integer || found->type == JsonLine::Type::Number)
            return found->number;
        fail(QStringLiteral("field \"%1\" is not a number or null").arg(name(key)));
        return 0;
    }

    void fail(const QString& why)
    {
        if (m_error.isEmpty())
            m_error = why;
    }
    const QString& error() const { return m_error; }

private:
    static QLatin1String name(Key key)
    {
        const std::string_view known = kKeyNames[std::size_t(key)];
        return QLatin1String(known.data(), qsizetype(known.size()));
    }

    std::array<const JsonLine::Field*, kKeyCount> m_found;
    QString m_error;
};

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

// Decodes `hex` into `out` (room for hex.size() / 2 bytes): the bytes, or nothing when it is no
// hex of at most kMaxPayloadHead bytes.
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

// The fields of an event's line, by its kind, into `event`; false with the reason in `fields`
// or `why` when the line is bad.
bool fill(Fields& fields, ParsedEvent& event, ParsedEvents& out, QString& why)
{
    TelemetryRecord& record = event.record;
    record.tNs = record.startNs = fields.integer(Key::TNs);
    event.process = fields.string(Key::Process);
    const QByteArrayView kindName = fields.string(Key::Kind);
    if (!fields.error().isEmpty())
        return false;
    const std::optional<EventKind> kind = kindNamed(kindName);
    if (!kind) {
        why = QStringLiteral("unknown kind \"%1\"").arg(QString::fromUtf8(kindName));
        return false;
    }
    record.kind = *kind;
    const auto channel = [&] {
        event.channel = fields.string(Key::Channel);
        event.hasChannel = true;
    };
    const auto signal = [&](Key key) -> std::optional<int> {
        const QString text = QString::fromUtf8(fields.string(key));
        if (!fields.error().isEmpty())
            return 0;
        const std::optional<int> named = signalNamed(text);
        if (!named)
            why = QStringLiteral("unknown signal \"%1\"").arg(text);
        return named;
    };

    switch (*kind) {
    case EventKind::Send:
    case EventKind::Recv:
        channel();
        record.seq = fields.integer(Key::Seq);
        record.amount = fields.integer(Key::Bytes);
        event.text = fields.string(Key::Value);
        record.startNs = fields.integer(Key::StartNs);
        // Files written before the head was exported have none.
        if (fields.has(Key::Head)) {
            const QByteArrayView hex = fields.string(Key::Head);
            const std::optional<QByteArrayView> bytes = fromHex(hex, out.room());
            if (bytes) {
                event.head = *bytes;
                out.use(bytes->size());
            } else {
                fields.fail(QStringLiteral("field \"head\" is not hex of at most %1 bytes")
                                .arg(kMaxPayloadHead));
            }
        }
        break;
    case EventKind::Poll:
        if (fields.has(Key::Channel))
            channel();
        record.number = fields.timeout(Key::TimeoutS);
        record.detail = fields.boolean(Key::Result) ? 1 : 0;
        record.amount = fields.integer(Key::WaitedNs);
        record.startNs = fields.integer(Key::StartNs);
        if (fields.has(Key::Call))
            event.text = fields.string(Key::Call);
        break;
    case EventKind::State: {
        if (fields.has(Key::Channel))
            channel();
        const QByteArrayView stateName = fields.string(Key::State);
        if (!fields.error().isEmpty())
            return false;
        const std::optional<ProcessState> state = stateNamed(stateName);
        if (!state) {
            why = QStringLiteral("unknown state \"%1\"").arg(QString::fromUtf8(stateName));
            return false;
        }
        record.detail = static_cast<quint8>(*state);
        if (*state == ProcessState::Joining)
            event.joins = fields.string(Key::Joins);
        break;
    }
    case EventKind::Stdout:
    case EventKind::Stderr:
        event.text = fields.string(Key::Text);
        break;
    case EventKind::Exit:
        if (fields.has(Key::Signal)) {
            const std::optional<int> number = signal(Key::Signal);
            if (!number)
                return false;
            record.detail = 1;
            record.amount = *number;
        } else {
            record.amount = fields.integer(Key::ExitCode);
            if (record.amount < std::numeric_limits<int>::min() ||
                record.amount > std::numeric_limits<int>::max())
                fields.fail(QStringLiteral("exit code %1 out of range").arg(record.amount));
        }
        event.text = fields.string(Key::Text);
        break;
    case EventKind::Error:
        event.text = fields.string(Key::Message);
        if (fields.has(Key::Channel))
            channel();
        if (fields.has(Key::Seq))
            record.seq = fields.integer(Key::Seq);
        if (fields.has(Key::Interrupted)) {
            // The mark of an interrupted run: a property of the run, not an event of its own.
            const std::optional<int> number = signal(Key::Interrupted);
            if (!number)
                return false;
            if (event.process != QByteArrayView("runner") && fields.error().isEmpty()) {
                why = QStringLiteral("an interrupted mark from \"%1\", not the runner")
                          .arg(QString::fromUtf8(event.process));
                return false;
            }
            event.interruptedBy = *number;
            return fields.error().isEmpty();
        }
        break;
    case EventKind::Close:
        channel();
        break;
    case EventKind::Put:
        channel();
        record.amount = fields.integer(Key::Buffered);
        record.startNs = fields.integer(Key::StartNs);
        break;
    }
    event.hasPid = fields.has(Key::Pid);
    event.pid = event.hasPid ? fields.integer(Key::Pid) : 0;
    if (fields.has(Key::Thread))
        event.thread = fields.string(Key::Thread);
    event.internal = fields.has(Key::Internal) && fields.boolean(Key::Internal);
    event.channelInternal =
        fields.has(Key::ChannelInternal) && fields.boolean(Key::ChannelInternal);
    if (fields.has(Key::ChannelOrdinal)) {
        const qint64 ordinal = fields.integer(Key::ChannelOrdinal);
        if (ordinal >= 0 && ordinal < kNoChannel) // else no channel's: ignored
            event.ordinal = int(ordinal);
    }
    return fields.error().isEmpty();
}

} // namespace

Error EventsJsonParser::tooLong() const
{
    return Error(
        ErrorKind::Protocol,
        QStringLiteral("line %1: longer than %2 bytes").arg(m_lineNumber + 1).arg(kMaxLineBytes));
}

bool EventsJsonParser::parseLine(QByteArrayView line, ParsedEvents& out)
{
    if (line.size() > kMaxLineBytes) {
        out.failed = m_failed = tooLong();
        return false;
    }
    ++m_lineNumber;
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.trimmed().isEmpty())
        return true;
    QString why;
    if (m_line.parse(line, out.room())) {
        out.use(m_line.decodedSize());
        Fields fields(m_line);
        ParsedEvent& event = out.events.emplace_back();
        event.line = m_lineNumber;
        if (fill(fields, event, out, why))
            return true;
        out.events.pop_back();
        if (why.isEmpty())
            why = fields.error();
    } else {
        why = m_line.error();
    }
    out.failed = m_failed =
        Error(ErrorKind::Protocol, QStringLiteral("line %1: %2").arg(m_lineNumber).arg(why));
    return false;
}

void EventsJsonParser::feed(QByteArrayView bytes, ParsedEvents& out)
{
    out.clear();
    if (!m_failed) {
        out.failed = m_failed;
        return;
    }
    // Room for a cut line's copy and for what the lines decode (never longer than the lines,
    // a head's bytes half their hex).
    const auto reserve = [&] { out.reserveRoom(3 * (m_partial.size() + bytes.size())); };
    // A line begun in an earlier piece: copied whole into the batch's room, where it stays.
    const auto copied = [&](QByteArrayView tail) {
        char* at = out.room();
        // memcpy() must not be handed a null pointer, which an empty view or room may be.
        if (!m_partial.isEmpty())
            std::memcpy(at, m_partial.constData(), std::size_t(m_partial.size()));
        if (!tail.isEmpty())
            std::memcpy(at + m_partial.size(), tail.data(), std::size_t(tail.size()));
        const QByteArrayView line(at, m_partial.size() + tail.size());
        out.use(line.size());
        m_partial.clear();
        return line;
    };

    qsizetype start = 0;
    if (!m_started) {
        // A UTF-8 byte order mark before the first line (an editor's) is no part of it.
        const QByteArrayView bom("\xEF\xBB\xBF");
        m_partial += bytes;
        if (m_partial.size() < bom.size() && bom.startsWith(m_partial))
            return; // the file's first bytes may yet be a mark
        m_started = true;
        if (m_partial.startsWith(bom))
            m_partial.remove(0, bom.size());
        bytes = {};
        reserve();
        bytes = copied({}); // all of it so far, its lines parsed from the room
    } else if (!m_partial.isEmpty()) {
        const qsizetype end = bytes.indexOf('\n');
        if (end < 0) {
            m_partial += bytes;
            if (m_partial.size() > kMaxLineBytes)
                out.failed = m_failed = tooLong();
            return;
        }
        reserve();
        if (!parseLine(copied(bytes.first(end)), out))
            return;
        start = end + 1;
    } else {
        reserve();
    }
    for (qsizetype end = bytes.indexOf('\n', start); end >= 0; end = bytes.indexOf('\n', start)) {
        if (!parseLine(bytes.sliced(start, end - start), out))
            return;
        start = end + 1;
    }
    m_partial = bytes.sliced(start).toByteArray();
    if (m_partial.size() > kMaxLineBytes)
        out.failed = m_failed = tooLong();
}

void EventsJsonParser::finish(ParsedEvents& out)
{
    out.clear();
    out.end = true;
    if (!m_failed) {
        out.failed = m_failed;
        return;
    }
    if (!m_partial.isEmpty()) {
        const QByteArray line = std::exchange(m_partial, {});
        out.reserveRoom(3 * line.size());
        char* at = out.room();
        std::memcpy(at, line.constData(), std::size_t(line.size()));
        out.use(line.size());
        parseLine(QByteArrayView(at, line.size()), out);
    }
}

} // namespace pipescope
