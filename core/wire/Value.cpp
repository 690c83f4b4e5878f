#include "wire/Value.h"

#include "wire/PyRepr.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

namespace pipescope {

Value Value::fromIntBytes(QByteArrayView littleEndian)
{
    // Drop sign extension: a top byte that only repeats the sign of the one below it.
    qsizetype n = littleEndian.size();
    const auto byte = [&littleEndian](qsizetype k) { return quint8(littleEndian[k]); };
    while (n > 1 && ((byte(n - 1) == 0x00 && !(byte(n - 2) & 0x80)) ||
                     (byte(n - 1) == 0xff && (byte(n - 2) & 0x80))))
        --n;
    if (n <= 8) {
        quint64 bits = 0;
        for (qsizetype k = 0; k < n; ++k)
            bits |= quint64(byte(k)) << (8 * k);
        if (n > 0 && n < 8 && (byte(n - 1) & 0x80))
            bits |= ~quint64(0) << (8 * n);
        return fromInt(static_cast<qint64>(bits));
    }
    Value v;
    v.m_type = Type::BigInt;
    v.m_bytes = littleEndian.first(n).toByteArray();
    return v;
}

Value Value::complex(double real, double imag)
{
    Value v;
    v.m_type = Type::Complex;
    v.m_items = {fromFloat(real), fromFloat(imag)};
    return v;
}

Value Value::range(Value start, Value stop, Value step)
{
    Value v;
    v.m_type = Type::Range;
    v.m_items = {std::move(start), std::move(stop), std::move(step)};
    return v;
}

Value Value::slice(Value start, Value stop, Value step)
{
    Value v;
    v.m_type = Type::Slice;
    v.m_items = {std::move(start), std::move(stop), std::move(step)};
    return v;
}

Value Value::fromStr(QStringView text)
{
    return fromStrUtf8(qStringToPyUtf8(text));
}

Value Value::fromStrUtf8(QByteArray utf8)
{
    Value v;
    v.m_type = Type::Str;
    v.m_bytes = std::move(utf8);
    return v;
}

Value Value::fromBytes(QByteArray bytes)
{
    Value v;
    v.m_type = Type::Bytes;
    v.m_bytes = std::move(bytes);
    return v;
}

Value Value::fromByteArray(QByteArray bytes)
{
    Value v;
    v.m_type = Type::ByteArray;
    v.m_bytes = std::move(bytes);
    return v;
}

Value Value::tuple(QList<Value> items)
{
    Value v;
    v.m_type = Type::Tuple;
    v.m_items = std::move(items);
    return v;
}

Value Value::list(QList<Value> items)
{
    Value v;
    v.m_type = Type::List;
    v.m_items = std::move(items);
    return v;
}

Value Value::dict(const QList<std::pair<Value, Value>>& items)
{
    Value v;
    v.m_type = Type::Dict;
    v.m_items.reserve(2 * items.size());
    for (const auto& [key, value] : items) {
        v.m_items.append(key);
        v.m_items.append(value);
    }
    return v;
}

Value Value::dictFromItems(QList<Value> keysAndValues)
{
    Value v;
    v.m_type = Type::Dict;
    v.m_items = std::move(keysAndValues);
    return v;
}

Value Value::set(QList<Value> items)
{
    Value v;
    v.m_type = Type::Set;
    v.m_items = std::move(items);
    return v;
}

Value Value::frozenset(QList<Value> items)
{
    Value v;
    v.m_type = Type::FrozenSet;
    v.m_items = std::move(items);
    return v;
}

QString Value::typeName() const
{
    return typeName(m_type);
}

QString Value::typeName(Type type)
{
    switch (type) {
    case Type::None:
        return QStringLiteral("NoneType");
    case Type::Bool:
        return QStringLiteral("bool");
    case Type::Int:
        return QStringLiteral("int");
    case Type::Float:
        return QStringLiteral("float");
    case Type::Str:
        return QStringLiteral("str");
    case Type::Bytes:
        return QStringLiteral("bytes");
    case Type::ByteArray:
        return QStringLiteral("bytearray");
    case Type::Tuple:
        return QStringLiteral("tuple");
    case Type::List:
        return QStringLiteral("list");
    case Type::Dict:
        return QStringLiteral("dict");
    case Type::Set:
        return QStringLiteral("set");
    case Type::FrozenSet:
        return QStringLiteral("frozenset");
    case Type::BigInt:
        return QStringLiteral("int");
    case Type::Complex:
        return QStringLiteral("complex");
    case Type::Range:
        return QStringLiteral("range");
    case Type::Slice:
        return QStringLiteral("slice");
    }
    return {};
}

QString Value::str() const
{
    return m_type == Type::Str ? pyUtf8ToQString(m_bytes) : QString();
}

qsizetype Value::size() const
{
    switch (m_type) {
    case Type::Str: {
        // Code points: every byte except UTF-8 continuation bytes starts one.
        qsizetype n = 0;
        for (const char c : m_bytes)
            n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
        return n;
    }
    case Type::Bytes:
    case Type::ByteArray:
        return m_bytes.size();
    case Type::Dict:
        return m_items.size() / 2;
    case Type::Tuple:
    case Type::List:
    case Type::Set:
    case Type::FrozenSet:
        return m_items.size();
    case Type::None:
    case Type::Bool:
    case Type::Int:
    case Type::Float:
    case Type::BigInt:
    case Type::Complex:
    case Type::Range:
    case Type::Slice:
        break;
    }
    return 0;
}

const Value* Value::dictGet(const Value& key) const
{
    if (m_type != Type::Dict)
        return nullptr;
    for (qsizetype i = 0; i + 1 < m_items.size(); i += 2) {
        if (m_items.at(i) == key)
            return &m_items.at(i + 1);
    }
    return nullptr;
}

QString Value::repr() const
{
    QString out;
    bool cut = false;
    appendRepr(out, std::numeric_limits<qsizetype>::max(), cut);
    return out;
}

QString Value::repr(qsizetype maxLength, bool& cut) const
{
    QString out;
    cut = false;
    appendRepr(out, std::max<qsizetype>(maxLength, 0), cut);
    if (out.size() > maxLength) {
        // Past the limit is only text outside a str or bytes: brackets, separators, numbers.
        cut = true;
        qsizetype end = std::max<qsizetype>(maxLength, 0);
        if (end > 0 && out.at(end - 1).isHighSurrogate())
            --end;
        out.truncate(end);
    }
    return out;
}

QByteArray Value::reprUtf8(qsizetype maxBytes, bool& cut) const
{
    QByteArray text = repr(maxBytes, cut).toUtf8();
    // A unit takes one to three bytes (a surrogate pair four for two): ask again, shorter, until
    // it fits; each try costs no more than the bound.
    for (qsizetype units = maxBytes; text.size() > maxBytes;) {
        units -= std::max<qsizetype>(1, (text.size() - maxBytes) / 3);
        text = repr(units, cut).toUtf8();
        cut = true;
    }
    return text;
}

namespace {

// The start of a str's UTF-8 (`utf8`) or of bytes that is enough to write `room` more characters
// of its repr and one over (so that the caller sees it was cut), whole UTF-8 sequences only.
QByteArrayView enoughFor(QByteArrayView text, qsizetype room, bool utf8)
{
    // A prefix ("bytearray(", ", ", ": ") may already have gone past the limit.
    room = std::max<qsizetype>(room, 0);
    if (room >= text.size())
        return text; // every byte makes at least one character: all of it may be needed
    // A character takes at most four bytes of UTF-8; cutting back to a whole sequence loses one.
    const qsizetype end = (room + 2) * (utf8 ? 4 : 1);
    return utf8 ? cutUtf8(text, end) : text.first(std::min(end, text.size()));
}

// Python 3.11's sys.get_int_max_str_digits() default.
constexpr qsizetype MaxIntDigits = 4300;

// repr() of a big int from its two's complement: decimal, or the symbolic form (see repr()).
QString bigIntRepr(QByteArrayView twos)
{
    const bool negative = !twos.isEmpty() && (quint8(twos.back()) & 0x80);
    // The magnitude as 32-bit words, most significant first.
    QByteArray magnitude = twos.toByteArray();
    if (negative) {
        bool carry = true;
        for (char& c : magnitude) {
            const unsigned sum = quint8(~quint8(c)) + (carry ? 1U : 0U);
            c = static_cast<char>(sum & 0xff);
            carry = sum > 0xff;
        }
    }
    while (!magnitude.isEmpty() && magnitude.back() == '\0')
        magnitude.chop(1);
    const qsizetype bits = magnitude.isEmpty()
                               ? 0
                               : 8 * (magnitude.size() - 1) +
                                     (32 - std::countl_zero(quint32(quint8(magnitude.back()))));
    const auto symbolic = [negative, bits] {
        return QStringLiteral("<%1int of %2 bits>")
            .arg(negative ? QStringLiteral("negative ") : QString())
            .arg(bits);
    };
    // 2**14300 has more than 4300 digits: no need to convert to know.
    if (bits > 14300)
        return symbolic();
    std::vector<quint32> words((magnitude.size() + 3) / 4, 0);
    for (qsizetype k = 0; k < magnitude.size(); ++k)
        words[words.size() - 1 - size_t(k / 4)] |= quint32(quint8(magnitude[k])) << (8 * (k % 4));
    // Repeated division by 10**9, least significant chunk first.
    std::vector<quint32> chunks;
    size_t first = 0;
    while (first < words.size()) {
        quint64 remainder = 0;
        for (size_t k = first; k < words.size(); ++k) {
            const quint64 current = (remainder << 32) | words[k];
            words[k] = static_cast<quint32>(current / 1'000'000'000U);
            remainder = current % 1'000'000'000U;
        }
        chunks.push_back(static_cast<quint32>(remainder));
        while (first < words.size() && words[first] == 0)
            ++first;
    }
    QString digits = QString::number(chunks.empty() ? 0 : chunks.back());
    for (size_t k = chunks.size() - 1; k-- > 0;)
        digits += QStringLiteral("%1").arg(chunks[k], 9, 10, QLatin1Char('0'));
    if (digits.size() > MaxIntDigits)
        return symbolic();
    return negative ? QLatin1Char('-') + digits : digits;
}

// A part of a complex as CPython's complex_repr() writes it: repr(float) without ".0".
QString complexPart(double value)
{
    QString text = reprFloat(value);
    if (text.endsWith(QLatin1String(".0")))
        text.chop(2);
    return text;
}

QString complexRepr(double real, double imag)
{
    if (real == 0.0 && !std::signbit(real))
        return complexPart(imag) + QLatin1Char('j');
    QString im = complexPart(imag);
    if (!im.startsWith(QLatin1Char('-')))
        im.prepend(QLatin1Char('+'));
    return QLatin1Char('(') + complexPart(real) + im + QLatin1String("j)");
}

} // namespace

void Value::appendRepr(QString& out, qsizetype limit, bool& cut) const
{
    // Past the limit nothing more is needed: the caller cuts what went over.
    if (out.size() > limit || cut)
        return;
    const auto appendItems = [&out, limit, &cut](const QList<Value>& items) {
        for (qsizetype i = 0; i < items.size() && out.size() <= limit && !cut; ++i) {
            if (i > 0)
                out.append(QLatin1String(", "));
            items.at(i).appendRepr(out, limit, cut);
        }
    };
    // A closing bracket after a str cut short would pretend the str ended there.
    const auto close = [&out, &cut](QLatin1String text) {
        if (!cut)
            out.append(text);
    };

    switch (m_type) {
    case Type::None:
        out.append(QLatin1String("None"));
        return;
    case Type::Bool:
        out.append(m_bool ? QLatin1String("True") : QLatin1String("False"));
        return;
    case Type::Int:
        out.append(QString::number(m_int));
        return;
    case Type::Float:
        out.append(reprFloat(m_float));
        return;
    case Type::Str:
        appendReprStrUtf8(out, enoughFor(m_bytes, limit - out.size(), true), limit, cut);
        return;
    case Type::Bytes:
        appendReprBytes(out, enoughFor(m_bytes, limit - out.size(), false), limit, cut);
        return;
    case Type::ByteArray:
        out.append(QLatin1String("bytearray("));
        appendReprBytes(out, enoughFor(m_bytes, limit - out.size(), false), limit, cut);
        close(QLatin1String(")"));
        return;
    case Type::Tuple:
        out.append(QLatin1Char('('));
        appendItems(m_items);
        close(m_items.size() == 1 ? QLatin1String(",)") : QLatin1String(")"));
        return;
    case Type::List:
        out.append(QLatin1Char('['));
        appendItems(m_items);
        close(QLatin1String("]"));
        return;
    case Type::Dict:
        out.append(QLatin1Char('{'));
        for (qsizetype i = 0; i + 1 < m_items.size() && out.size() <= limit && !cut; i += 2) {
            if (i > 0)
                out.append(QLatin1String(", "));
            m_items.at(i).appendRepr(out, limit, cut);
            if (cut)
                return;
            out.append(QLatin1String(": "));
            m_items.at(i + 1).appendRepr(out, limit, cut);
        }
        close(QLatin1String("}"));
        return;
    case Type::Set:
        if (m_items.isEmpty()) {
            out.append(QLatin1String("set()"));
            return;
        }
        out.append(QLatin1Char('{'));
        appendItems(m_items);
        close(QLatin1String("}"));
        return;
    case Type::FrozenSet:
        out.append(QLatin1String("frozenset("));
        if (!m_items.isEmpty()) {
            out.append(QLatin1Char('{'));
            appendItems(m_items);
            close(QLatin1String("}"));
        }
        close(QLatin1String(")"));
        return;
    case Type::BigInt:
        out.append(bigIntRepr(m_bytes));
        return;
    case Type::Complex:
        out.append(complexRepr(m_items.at(0).toFloat(), m_items.at(1).toFloat()));
        return;
    case Type::Range: {
        out.append(QLatin1String("range("));
        const Value& step = m_items.at(2);
        // range(0, 3): the step shows only when it is not 1.
        appendItems(step.type() == Type::Int && step.toInt() == 1 ? m_items.first(2) : m_items);
        close(QLatin1String(")"));
        return;
    }
    case Type::Slice:
        out.append(QLatin1String("slice("));
        appendItems(m_items);
        close(QLatin1String(")"));
        return;
    }
}

bool operator==(const Value& a, const Value& b)
{
    if (a.m_type != b.m_type)
        return false;
    switch (a.m_type) {
    case Value::Type::None:
        return true;
    case Value::Type::Bool:
        return a.m_bool == b.m_bool;
    case Value::Type::Int:
        return a.m_int == b.m_int;
    case Value::Type::Float:
        if (std::isnan(a.m_float))
            return std::isnan(b.m_float);
        return std::bit_cast<quint64>(a.m_float) == std::bit_cast<quint64>(b.m_float);
    case Value::Type::Str:
    case Value::Type::Bytes:
    case Value::Type::ByteArray:
    case Value::Type::BigInt:
        return a.m_bytes == b.m_bytes;
    case Value::Type::Complex:
    case Value::Type::Range:
    case Value::Type::Slice:
    case Value::Type::Tuple:
    case Value::Type::List:
    case Value::Type::Dict:
    case Value::Type::Set:
    case Value::Type::FrozenSet:
        return a.m_items == b.m_items;
    }
    return false;
}

} // namespace pipescope
