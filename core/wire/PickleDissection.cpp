#include "wire/PickleDissection.h"

#include "wire/PickleOpcodes.h"
#include "wire/PyRepr.h"

#include <QtEndian>
#include <cstring>

namespace pipescope {

namespace {

using namespace pickle;

// Reads the opcodes' arguments off the bytes, noting where they run out.
class ArgumentReader
{
public:
    ArgumentReader(QByteArrayView bytes, qsizetype at)
        : m_bytes(bytes)
        , m_at(at)
    {}

    qsizetype at() const { return m_at; }
    bool cut() const { return m_cut; }

    // `count` bytes (fewer when the pickle ends first: cut).
    QByteArrayView take(quint64 count)
    {
        const auto left = quint64(m_bytes.size() - m_at);
        if (count > left) {
            m_cut = true;
            count = left;
        }
        const QByteArrayView taken = m_bytes.sliced(m_at, qsizetype(count));
        m_at += qsizetype(count);
        return taken;
    }
    // A little-endian unsigned number of `size` bytes (0 when cut).
    quint64 unsignedLe(int size)
    {
        const QByteArrayView bytes = take(quint64(size));
        if (bytes.size() < size)
            return 0;
        quint64 value = 0;
        for (int i = size - 1; i >= 0; --i)
            value = (value << 8) | quint8(bytes[i]);
        return value;
    }
    // The text up to the next newline (the newline is taken, not returned).
    QByteArrayView line()
    {
        const qsizetype end = m_bytes.indexOf('\n', m_at);
        if (end < 0) { // the newline did not come
            m_cut = true;
            return take(quint64(m_bytes.size() - m_at));
        }
        const QByteArrayView text = m_bytes.sliced(m_at, end - m_at);
        m_at = end + 1;
        return text;
    }

private:
    QByteArrayView m_bytes;
    qsizetype m_at;
    bool m_cut = false;
};

// A two's complement little-endian integer of any length, in decimal (LONG1, LONG4).
QString decimalLe(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return QStringLiteral("0");
    std::vector<quint8> magnitude(bytes.begin(), bytes.end());
    const bool negative = magnitude.back() & 0x80;
    if (negative) { // two's complement: invert and add one
        int carry = 1;
        for (quint8& byte : magnitude) {
            const int sum = int(quint8(~byte)) + carry;
            byte = quint8(sum);
            carry = sum >> 8;
        }
    }
    // Repeated division by 10^9, most significant byte first.
    QString digits;
    std::vector<quint8> number(magnitude.rbegin(), magnitude.rend());
    while (!number.empty()) {
        quint64 remainder = 0;
        std::vector<quint8> quotient;
        for (const quint8 byte : number) {
            const quint64 current = (remainder << 8) | byte;
            const auto q = quint8(current / 1'000'000'000);
            remainder = current % 1'000'000'000;
            if (!quotient.empty() || q != 0)
                quotient.push_back(q);
        }
        // quint8 quotient digits: current < 2^8 * 10^9, so current / 10^9 < 256.
        const QString chunk = QString::number(remainder);
        digits.prepend(quotient.empty() ? chunk : chunk.rightJustified(9, QLatin1Char('0')));
        number = std::move(quotient);
    }
    return negative ? QLatin1Char('-') + digits : digits;
}

// raw-unicode-escape (protocol 0's UNICODE): Latin-1 with \uXXXX and \UXXXXXXXX.
QString rawUnicodeEscape(QByteArrayView text)
{
    QString out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const int width = text[i] == '\\' && i + 1 < text.size() ? (text[i + 1] == 'u'   ? 4
                                                                    : text[i + 1] == 'U' ? 8
                                                                                         : 0)
                                                                 : 0;
        bool ok = false;
        const uint code = width > 0 && i + 2 + width <= text.size()
                              ? QByteArray(text.sliced(i + 2, width).data(), width).toUInt(&ok, 16)
                              : 0;
        if (ok && code <= 0x10ffff) {
            out += QString::fromUcs4(reinterpret_cast<const char32_t*>(&code), 1);
            i += 1 + width;
        } else {
            out += QChar(char16_t(quint8(text[i])));
        }
    }
    return out;
}

// A counted string or bytes: its length's size in bytes and how to show it.
enum class Counted
{
    Str,
    Bytes,
    ByteArray,
};

QString counted(ArgumentReader& reader, int lengthSize, Counted what)
{
    const quint64 length = reader.unsignedLe(lengthSize);
    const QByteArrayView bytes = reader.take(length);
    switch (what) {
    case Counted::Str:
        return isPyUtf8(bytes) ? reprStrUtf8(bytes) : reprBytes(bytes);
    case Counted::Bytes:
        return reprBytes(bytes);
    case Counted::ByteArray:
        return QStringLiteral("bytearray(%1)").arg(reprBytes(bytes));
    }
    return {};
}

// The argument of `code` read at `reader`; empty for an opcode that has none.
QString argument(unsigned char code, ArgumentReader& reader)
{
    switch (code) {
    case Proto:
    case BinInt1:
    case BinGet:
    case BinPut:
    case Ext1:
        return QString::number(reader.unsignedLe(1));
    case BinInt2:
    case Ext2:
        return QString::number(reader.unsignedLe(2));
    case BinInt:
    case Ext4:
        return QString::number(qint32(quint32(reader.unsignedLe(4))));
    case LongBinGet:
    case LongBinPut:
        return QString::number(reader.unsignedLe(4));
    case Frame:
        return QString::number(reader.unsignedLe(8));
    case BinFloat: {
        const QByteArrayView bytes = reader.take(8);
        if (bytes.size() < 8)
            return {};
        return reprFloat(qFromBigEndian<double>(bytes.data()));
    }
    case Long1:
        return decimalLe(reader.take(reader.unsignedLe(1)));
    case Long4:
        return decimalLe(reader.take(quint32(reader.unsignedLe(4))));
    case ShortBinUnicode:
        return counted(reader, 1, Counted::Str);
    case BinUnicode:
        return counted(reader, 4, Counted::Str);
    case BinUnicode8:
        return counted(reader, 8, Counted::Str);
    case ShortBinBytes:
    case ShortBinString:
        return counted(reader, 1, Counted::Bytes);
    case BinBytes:
    case BinString:
        return counted(reader, 4, Counted::Bytes);
    case BinBytes8:
        return counted(reader, 8, Counted::Bytes);
    case ByteArray8:
        return counted(reader, 8, Counted::ByteArray);
    case Int: {
        const QByteArrayView text = reader.line();
        if (text == "01")
            return QStringLiteral("True");
        if (text == "00")
            return QStringLiteral("False");
        return QString::fromLatin1(text);
    }
    case Long: {
        QByteArrayView text = reader.line();
        if (text.endsWith('L'))
            text.chop(1);
        return QString::fromLatin1(text);
    }
    case Float:
        return reprFloat(reader.line().toByteArray().toDouble());
    case Put:
    case Get:
        return QString::fromLatin1(reader.line());
    case String:
        return QString::fromLatin1(reader.line());
    case Unicode:
        return reprStr(rawUnicodeEscape(reader.line()));
    case PersId:
        return reprStr(QString::fromLatin1(reader.line()));
    case Global:
    case Inst: {
        const QByteArrayView module = reader.line();
        const QByteArrayView name = reader.line();
        const QString both = QString::fromUtf8(module) + QLatin1Char(' ') + QString::fromUtf8(name);
        return reprStr(both);
    }
    default:
        return {};
    }
}

bool popsMark(unsigned char code)
{
    switch (code) {
    case Tuple:
    case List:
    case Dict:
    case Appends:
    case SetItems:
    case AddItems:
    case FrozenSet:
    case PopMark:
    case Inst:
    case Obj:
        return true;
    default:
        return false;
    }
}

} // namespace

std::vector<PickleOp> dissectPickle(QByteArrayView pickle)
{
    std::vector<PickleOp> ops;
    std::vector<qsizetype> marks;
    qsizetype memo = 0;
    qsizetype at = 0;
    while (at < pickle.size()) {
        PickleOp op;
        op.offset = at;
        op.code = quint8(pickle[at]);
        op.depth = int(marks.size());
        const char* name = opcodeName(op.code);
        if (!name) {
            op.name = QStringLiteral("unknown opcode");
            op.length = 1;
            ops.push_back(std::move(op));
            break;
        }
        op.name = QLatin1String(name);
        ArgumentReader reader(pickle, at + 1);
        op.argument = argument(op.code, reader);
        op.cut = reader.cut();
        if (op.cut)
            op.argument += QStringLiteral("…");
        op.length = reader.at() - at;
        if (op.code == Memoize)
            op.argument = QStringLiteral("(as %1)").arg(memo++);
        if (popsMark(op.code)) {
            const QString mark = marks.empty() ? QStringLiteral("(no MARK)")
                                               : QStringLiteral("(MARK at %1)").arg(marks.back());
            op.argument = op.argument.isEmpty() ? mark : op.argument + QLatin1Char(' ') + mark;
            if (!marks.empty())
                marks.pop_back();
        }
        if (op.code == Mark)
            marks.push_back(at);
        at = reader.at();
        const bool stop = op.code == Stop || op.cut;
        ops.push_back(std::move(op));
        if (stop)
            break;
    }
    return ops;
}

QString pickleOpLine(const PickleOp& op)
{
    const QString code = op.code >= 0x20 && op.code < 0x7f
                             ? QString(QChar(char16_t(op.code)))
                             : QStringLiteral("\\x%1").arg(op.code, 2, 16, QLatin1Char('0'));
    QString line = QStringLiteral("%1: %2 %3%4")
                       .arg(op.offset, 5)
                       .arg(code, -4)
                       .arg(QString(4 * op.depth, QLatin1Char(' ')), op.name);
    if (!op.argument.isEmpty())
        line += QString(std::max<qsizetype>(0, 10 - op.name.size()), QLatin1Char(' ')) +
                QLatin1Char(' ') + op.argument;
    return line;
}

} // namespace pipescope
