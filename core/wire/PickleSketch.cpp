#include "wire/PickleSketch.h"

#include "wire/PickleOpcodes.h"
#include "wire/PickleText.h"
#include "wire/PyRepr.h"

#include <QtEndian>
#include <algorithm>
#include <bit>
#include <cstring>

namespace pipescope {

using Kind = SketchNode::Kind;
using Type = Value::Type;

namespace {

constexpr int HighestProtocol = 5;

} // namespace

PickleSketch::PickleSketch(QByteArrayView pickle)
    : m_begin(reinterpret_cast<const unsigned char*>(pickle.data()))
    , m_p(m_begin)
    , m_end(m_begin + pickle.size())
{
    while (!m_stopped && !m_cut && !failed()) {
        if (m_p == m_end) {
            m_cut = true;
            break;
        }
        m_opOffset = m_p - m_begin;
        m_op = *m_p++;
        step(m_op);
    }
    if (m_cut && !failed())
        m_root = m_stack.finishCut(m_protocol);
}

// One opcode; false when it failed, was cut or was STOP.
bool PickleSketch::step(unsigned char op)
{
    switch (op) {
    case pickle::Proto: {
        const unsigned char* s = read(1);
        if (s && *s > HighestProtocol)
            return fail(QStringLiteral("unsupported protocol %1").arg(*s));
        if (s)
            m_protocol = *s;
        return s;
    }
    case pickle::Frame: // only a hint of what follows
        return read(8);
    case pickle::Stop:
        m_stopped = check(m_stack.stop(m_root));
        return false;
    case pickle::None:
        return m_stack.push(m_tree.addValue(Value()));
    case pickle::NewTrue:
    case pickle::NewFalse:
        return m_stack.push(m_tree.addValue(Value::fromBool(op == pickle::NewTrue)));
    case pickle::BinInt:
    case pickle::BinInt1:
    case pickle::BinInt2: {
        const qsizetype n = op == pickle::BinInt ? 4 : op == pickle::BinInt1 ? 1 : 2;
        const unsigned char* s = read(n);
        if (!s)
            return false;
        const qint64 value = n == 4   ? qFromLittleEndian<qint32>(s)
                             : n == 1 ? *s
                                      : qFromLittleEndian<quint16>(s);
        return m_stack.push(m_tree.addValue(Value::fromInt(value)));
    }
    case pickle::Long1:
    case pickle::Long4: {
        const int lengthSize = op == pickle::Long1 ? 1 : 4;
        const unsigned char* s = read(lengthSize);
        if (!s)
            return false;
        const qint64 n = lengthSize == 1 ? *s : qFromLittleEndian<qint32>(s);
        if (n < 0)
            return fail(QStringLiteral("negative length"));
        const unsigned char* digits = read(n);
        return digits && m_stack.push(m_tree.addValue(Value::fromIntBytes(
                             QByteArrayView(reinterpret_cast<const char*>(digits), n))));
    }
    case pickle::BinFloat: {
        const unsigned char* s = read(8);
        return s && m_stack.push(m_tree.addValue(
                        Value::fromFloat(std::bit_cast<double>(qFromBigEndian<quint64>(s)))));
    }
    case pickle::ShortBinUnicode:
        return loadCounted(Type::Str, 1);
    case pickle::BinUnicode:
        return loadCounted(Type::Str, 4);
    case pickle::BinUnicode8:
        return loadCounted(Type::Str, 8);
    case pickle::ShortBinBytes:
        return loadCounted(Type::Bytes, 1);
    case pickle::BinBytes:
        return loadCounted(Type::Bytes, 4);
    case pickle::BinBytes8:
        return loadCounted(Type::Bytes, 8);
    case pickle::ByteArray8:
        return loadCounted(Type::ByteArray, 8);
    case pickle::ShortBinString: // Python 2's str: shown as str when ASCII, else as bytes
        return loadCounted(Type::None, 1);
    case pickle::BinString:
        return loadCounted(Type::None, -4);
    case pickle::Int:
    case pickle::Long:
    case pickle::Float:
    case pickle::String:
    case pickle::Unicode:
    case pickle::Put:
    case pickle::Get:
    case pickle::Global:
    case pickle::Inst:
    case pickle::PersId:
        return loadTextLine(op);
    case pickle::EmptyTuple:
    case pickle::Tuple1:
    case pickle::Tuple2:
    case pickle::Tuple3:
        return check(m_stack.tuple(op == pickle::EmptyTuple ? 0 : op - pickle::Tuple1 + 1));
    case pickle::EmptyList:
        return m_stack.push(m_tree.add({.kind = Kind::List}));
    case pickle::EmptyDict:
        return m_stack.push(m_tree.add({.kind = Kind::Dict}));
    case pickle::EmptySet:
        return m_stack.push(m_tree.add({.kind = Kind::Set}));
    case pickle::Tuple:
        return check(m_stack.fromMark(Kind::Tuple));
    case pickle::List:
        return check(m_stack.fromMark(Kind::List));
    case pickle::Dict:
        return check(m_stack.fromMark(Kind::Dict));
    case pickle::FrozenSet:
        return check(m_stack.fromMark(Kind::FrozenSet));
    case pickle::Append:
    case pickle::Appends:
    case pickle::SetItem:
    case pickle::SetItems:
    case pickle::AddItems:
        return check(m_stack.addItems(op));
    case pickle::Pop:
        return check(m_stack.pop());
    case pickle::PopMark:
        return check(m_stack.popMark());
    case pickle::Dup:
        return check(m_stack.dup());
    case pickle::Mark:
        return m_stack.mark();
    case pickle::BinPut:
    case pickle::LongBinPut:
    case pickle::BinGet:
    case pickle::LongBinGet: {
        const bool put = op == pickle::BinPut || op == pickle::LongBinPut;
        const bool one = op == pickle::BinPut || op == pickle::BinGet;
        const unsigned char* s = read(one ? 1 : 4);
        if (!s)
            return false;
        const quint64 key = one ? *s : qFromLittleEndian<quint32>(s);
        return check(put ? m_stack.memoPut(key) : m_stack.memoGet(key));
    }
    case pickle::Memoize:
        return check(m_stack.memoize());
    case pickle::StackGlobal:
        return check(m_stack.stackGlobal(m_protocol));
    case pickle::Reduce:
    case pickle::NewObj:
    case pickle::NewObjEx:
    case pickle::Obj:
        return check(m_stack.call(op));
    case pickle::Build:
        return check(m_stack.build());
    case pickle::BinPersId:
        return check(m_stack.replaceTop(m_tree.addText(QByteArrayLiteral("<persistent id>"))));
    case pickle::Ext1:
    case pickle::Ext2:
    case pickle::Ext4: {
        const qsizetype n = op == pickle::Ext1 ? 1 : op == pickle::Ext2 ? 2 : 4;
        const unsigned char* s = read(n);
        if (!s)
            return false;
        const qint64 code = n == 1   ? *s
                            : n == 2 ? qFromLittleEndian<quint16>(s)
                                     : qFromLittleEndian<qint32>(s);
        return m_stack.push(m_tree.addText("<extension " + QByteArray::number(code) + '>'));
    }
    case pickle::NextBuffer:
        return m_stack.push(m_tree.addText(QByteArrayLiteral("<out-of-band buffer>")));
    case pickle::ReadOnlyBuffer: // makes the buffer on top read-only
        return check(m_stack.needTop());
    default:
        return fail(QStringLiteral("unknown opcode 0x%1").arg(op, 2, 16, QLatin1Char('0')));
    }
}

// A str, bytes or bytearray with a length header of `lengthSize` bytes (negative: signed).
// Type::None: Python 2's str. One the input ends inside is shown as far as it goes, open.
bool PickleSketch::loadCounted(Type type, int lengthSize)
{
    const qsizetype headerSize = lengthSize < 0 ? -lengthSize : lengthSize;
    const unsigned char* s = read(headerSize);
    if (!s)
        return false;
    quint64 length = *s;
    if (lengthSize == 4)
        length = qFromLittleEndian<quint32>(s);
    else if (lengthSize == 8)
        length = qFromLittleEndian<quint64>(s);
    else if (lengthSize == -4 && qFromLittleEndian<qint32>(s) < 0)
        return fail(QStringLiteral("negative length"));
    else if (lengthSize == -4)
        length = qFromLittleEndian<quint32>(s);
    const bool cut = length > quint64(m_end - m_p); // never allocates more than is there
    QByteArrayView data(reinterpret_cast<const char*>(m_p), cut ? m_end - m_p : qsizetype(length));
    m_p += data.size();
    if (type == Type::None) {
        const bool ascii = std::all_of(data.begin(), data.end(), [](char c) { return c >= 0; });
        type = ascii ? Type::Str : Type::Bytes;
    }
    Value value;
    if (type == Type::Str) {
        if (cut)
            data = pickletext::wholeUtf8Start(data);
        if (!isPyUtf8(data))
            return fail(QStringLiteral("invalid UTF-8 in a str"));
        value = Value::fromStrUtf8(data.toByteArray());
    } else {
        value = type == Type::Bytes ? Value::fromBytes(data.toByteArray())
                                    : Value::fromByteArray(data.toByteArray());
    }
    m_stack.push(m_tree.addValue(std::move(value), cut));
    m_cut = cut;
    return !cut;
}

// The opcodes whose argument is a line (protocol 0), and GLOBAL and INST, whose two are.
bool PickleSketch::loadTextLine(unsigned char op)
{
    QByteArrayView line;
    QByteArray utf8;
    if (!readLine(line)) {
        if (op != pickle::Unicode)
            return false;
        // A str cut short: as much of it as was read.
        if (!pickletext::decodeRawUnicodeEscape(line, true, utf8))
            return fail(QStringLiteral("invalid raw-unicode-escape"));
        m_stack.push(m_tree.addValue(Value::fromStrUtf8(std::move(utf8)), true));
        return false;
    }
    switch (op) {
    case pickle::Int:
    case pickle::Long:
    case pickle::Float:
    case pickle::Put:
    case pickle::Get:
        return loadDecimal(op, line);
    case pickle::String: // Python 2's repr of its str, which is what it shows
        if (line.size() < 2 || (line[0] != '\'' && line[0] != '"') || line.back() != line[0])
            return fail(QStringLiteral("bad argument"));
        return m_stack.push(m_tree.addText(pickletext::printable(line)));
    case pickle::Unicode:
        if (!pickletext::decodeRawUnicodeEscape(line, false, utf8))
            return fail(QStringLiteral("invalid raw-unicode-escape"));
        return m_stack.push(m_tree.addValue(Value::fromStrUtf8(std::move(utf8))));
    case pickle::PersId:
        return m_stack.push(m_tree.addText(QByteArrayLiteral("<persistent id>")));
    default: { // GLOBAL, INST: a second line, the name
        QByteArrayView name;
        if (!readLine(name))
            return false;
        if (!isPyUtf8(line) || !isPyUtf8(name))
            return fail(QStringLiteral("invalid UTF-8 in a name"));
        const quint32 global = m_tree.addGlobal(line, name, m_protocol);
        return check(op == pickle::Global ? m_stack.push(global) : m_stack.inst(global));
    }
    }
}

// INT, LONG and FLOAT, and the memo keys of PUT and GET, in decimal.
bool PickleSketch::loadDecimal(unsigned char op, QByteArrayView line)
{
    qint64 value = 0;
    QByteArray big;
    if (op == pickle::Float) {
        double number = 0;
        if (!pickletext::parseFloat(line, number))
            return fail(QStringLiteral("bad argument"));
        return m_stack.push(m_tree.addValue(Value::fromFloat(number)));
    }
    if (op == pickle::Put || op == pickle::Get) {
        if (line.isEmpty() || line[0] == '-' || line[0] == '+' ||
            !pickletext::parseDecimalInt(line, value, big) || !big.isEmpty())
            return fail(QStringLiteral("invalid memo key"));
        return check(op == pickle::Put ? m_stack.memoPut(quint64(value))
                                       : m_stack.memoGet(quint64(value)));
    }
    if (op == pickle::Int && (line == "00" || line == "01"))
        return m_stack.push(m_tree.addValue(Value::fromBool(line == "01")));
    if (op == pickle::Long && line.endsWith('L'))
        line.chop(1);
    if (!pickletext::parseDecimalInt(line, value, big))
        return fail(QStringLiteral("bad argument"));
    return m_stack.push(big.isEmpty() ? m_tree.addValue(Value::fromInt(value))
                                      : m_tree.addText(std::move(big)));
}

const unsigned char* PickleSketch::read(qsizetype n)
{
    if (n > m_end - m_p) {
        m_cut = true;
        return nullptr;
    }
    const unsigned char* s = m_p;
    m_p += n;
    return s;
}

// The line from here to its newline, which is consumed; false (cut) without one, `line` then
// holding what there is.
bool PickleSketch::readLine(QByteArrayView& line)
{
    const auto* newline =
        static_cast<const unsigned char*>(std::memchr(m_p, '\n', size_t(m_end - m_p)));
    if (!newline) {
        line = QByteArrayView(reinterpret_cast<const char*>(m_p), m_end - m_p);
        m_p = m_end;
        m_cut = true;
        return false;
    }
    line = QByteArrayView(reinterpret_cast<const char*>(m_p), newline - m_p);
    m_p = newline + 1;
    return true;
}

bool PickleSketch::check(bool ok)
{
    return ok || fail(m_stack.error());
}

bool PickleSketch::fail(const QString& what)
{
    const char* name = pickle::opcodeName(m_op);
    m_error =
        name && !what.startsWith(QLatin1String("unknown opcode"))
            ? QStringLiteral("%1 (%2) at offset %3").arg(what, QLatin1String(name)).arg(m_opOffset)
            : QStringLiteral("%1 at offset %2").arg(what).arg(m_opOffset);
    return false;
}

} // namespace pipescope
