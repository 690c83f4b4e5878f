#include "wire/PickleReader.h"

#include "wire/PickleOpcodes.h"
#include "wire/PyRepr.h"

#include <QHashFunctions>
#include <QVarLengthArray>
#include <QtEndian>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace pipescope {

namespace {

using Type = Value::Type;

constexpr int HighestProtocol = 5;
// Dicts, sets and frozensets beyond this many keys get a hash index instead of a linear scan.
constexpr size_t IndexThreshold = 16;

// A stack or memo slot: a scalar inline, anything else an index into the node arena.
// The builtins a pickle may name (GLOBAL, STACK_GLOBAL) and call once (REDUCE): the
// constructors CPython's pickle uses for bytearray (protocols 2 to 4), complex, range and slice.
enum class Builtin : quint8
{
    NotGlobal,
    ByteArray,
    Complex,
    Range,
    Slice,
};

Builtin allowedBuiltin(QByteArrayView module, QByteArrayView name, bool python2Names)
{
    if (module != "builtins" && !(python2Names && module == "__builtin__"))
        return Builtin::NotGlobal;
    if (name == "bytearray")
        return Builtin::ByteArray;
    if (name == "complex")
        return Builtin::Complex;
    if (name == "range" || (python2Names && module == "__builtin__" && name == "xrange"))
        return Builtin::Range; // protocol 2 names range as Python 2's xrange
    if (name == "slice")
        return Builtin::Slice;
    return Builtin::NotGlobal;
}

const char* builtinName(Builtin builtin)
{
    switch (builtin) {
    case Builtin::ByteArray:
        return "bytearray";
    case Builtin::Complex:
        return "complex";
    case Builtin::Range:
        return "range";
    case Builtin::Slice:
        return "slice";
    case Builtin::NotGlobal:
        break;
    }
    return "?";
}

struct Ref
{
    Type type = Type::None;
    // Not NotGlobal: an allowed builtin, which only REDUCE may take off the stack (type None).
    Builtin global = Builtin::NotGlobal;
    union {
        bool b;
        qint64 i = 0;
        double f;
        quint32 node;
    };
};

bool isScalar(Type type)
{
    return type <= Type::Float;
}

bool isNumber(Type type)
{
    return type == Type::Bool || type == Type::Int || type == Type::Float;
}

// The shortest two's complement of an integral float outside the 64-bit range, as a big int
// equal to it holds (Value::fromIntBytes()).
QByteArray floatIntBytes(double f)
{
    int exponent = 0;
    const double mantissa = std::frexp(std::fabs(f), &exponent); // |f| = mantissa * 2**exponent
    const auto bits = static_cast<quint64>(std::ldexp(mantissa, 53));
    const int shift = exponent - 53; // >= 11 here
    QByteArray out(exponent / 8 + 2, '\0');
    for (int k = 0; k < 53; ++k) {
        if (bits & (quint64(1) << k)) {
            const int bit = k + shift;
            out[bit / 8] = static_cast<char>(quint8(out[bit / 8]) | (1U << (bit % 8)));
        }
    }
    if (f < 0) {
        bool carry = true;
        for (char& c : out) {
            const unsigned sum = quint8(~quint8(c)) + (carry ? 1U : 0U);
            c = static_cast<char>(sum & 0xff);
            carry = sum > 0xff;
        }
    }
    return Value::fromIntBytes(out).bytes();
}

bool isIntegralOutside64(double f)
{
    return std::isfinite(f) && f == std::trunc(f) && !(f >= -0x1p63 && f < 0x1p63);
}

Value scalarValue(const Ref& ref)
{
    switch (ref.type) {
    case Type::Bool:
        return Value::fromBool(ref.b);
    case Type::Int:
        return Value::fromInt(ref.i);
    case Type::Float:
        return Value::fromFloat(ref.f);
    default:
        return {};
    }
}

// Python's == between numbers of possibly different types, exact for int against float.
bool numbersEqual(const Ref& a, const Ref& b)
{
    const auto asInt = [](const Ref& r) { return r.type == Type::Bool ? qint64(r.b) : r.i; };
    if (a.type != Type::Float && b.type != Type::Float)
        return asInt(a) == asInt(b);
    if (a.type == Type::Float && b.type == Type::Float)
        return a.f == b.f;
    const double f = a.type == Type::Float ? a.f : b.f;
    const qint64 i = a.type == Type::Float ? asInt(b) : asInt(a);
    if (!(f >= -0x1p63 && f < 0x1p63) || f != std::trunc(f))
        return false;
    return static_cast<qint64>(f) == i;
}

// Whatever the pickle builds that is not a scalar. Containers stay here, referenced by index,
// until STOP: the memo can hand out a list before its items arrive, and every user must see them.
struct Node
{
    enum State : quint8
    {
        Pending,
        Active,
        Done
    };

    Type type = Type::None;
    State state = Pending;
    bool hashable = false;         // str, bytes, frozenset, and tuples of hashable items
    bool hashed = false;           // hash is computed: only once a dict or set needs it
    int height = 0;                // containers nested in this one, itself included
    quint32 uses = 0;              // how many container slots refer to it
    size_t hash = 0;               // when hashable
    qint64 count = 1;              // values it expands to, itself included
    std::vector<Ref> items;        // dicts alternate keys and values
    std::vector<size_t> keyHashes; // dict, set and frozenset: the hash of each key
    std::unique_ptr<std::unordered_multimap<size_t, quint32>> index;
    Value built; // the result once Done
};

class PickleReader
{
public:
    PickleReader(const char* data, qsizetype size, const PickleLimits& limits)
        : m_begin(reinterpret_cast<const unsigned char*>(data))
        , m_p(m_begin)
        , m_end(m_begin + size)
        , m_limits(limits)
        , m_seed(QHashSeed::globalSeed())
    {}

    qint64 steps() const { return m_steps; }

    Result<Value> run()
    {
        for (;;) {
            ++m_steps;
            if (m_p == m_end)
                return Error(ErrorKind::Eof, QStringLiteral("Ran out of input"));
            m_opOffset = m_p - m_begin;
            m_op = *m_p++;
            if (m_op == pickle::Stop) {
                Value result;
                if (!stop(result))
                    return takeError();
                return result;
            }
            if (!step())
                return takeError();
        }
    }

private:
    // One opcode other than STOP; false once an error is recorded.
    bool step()
    {
        switch (m_op) {
        case pickle::Proto: { // PROTO
            const unsigned char* s = read(1);
            if (!s)
                return false;
            if (*s > HighestProtocol)
                return fail(
                    QStringLiteral("unsupported pickle protocol: %1 (%2)").arg(*s).arg(where()));
            return true;
        }
        case pickle::Frame: { // FRAME: CPython only checks that the whole frame is there
            const unsigned char* s = read(8);
            if (!s)
                return false;
            return need(qFromLittleEndian<quint64>(s));
        }
        case pickle::None:
            return push(Ref{});
        case pickle::NewTrue:
        case pickle::NewFalse: {
            Ref r;
            r.type = Type::Bool;
            r.b = m_op == pickle::NewTrue;
            return push(r);
        }
        case pickle::BinInt: {
            const unsigned char* s = read(4);
            return s && pushInt(qFromLittleEndian<qint32>(s));
        }
        case pickle::BinInt1: {
            const unsigned char* s = read(1);
            return s && pushInt(*s);
        }
        case pickle::BinInt2: {
            const unsigned char* s = read(2);
            return s && pushInt(qFromLittleEndian<quint16>(s));
        }
        case pickle::Long1: { // LONG1
            const unsigned char* s = read(1);
            return s && loadLong(*s);
        }
        case pickle::Long4: { // LONG4
            const unsigned char* s = read(4);
            if (!s)
                return false;
            const qint32 n = qFromLittleEndian<qint32>(s);
            if (n < 0)
                return fail(
                    QStringLiteral("LONG pickle has negative byte count (%1)").arg(where()));
            return loadLong(static_cast<quint64>(n));
        }
        case pickle::BinFloat: {
            const unsigned char* s = read(8);
            if (!s)
                return false;
            Ref r;
            r.type = Type::Float;
            r.f = std::bit_cast<double>(qFromBigEndian<quint64>(s));
            return push(r);
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
        case pickle::EmptyTuple: {
            const qint64 node = newTuple(m_stack.size());
            return node >= 0 && pushNode(node);
        }
        case pickle::Tuple1:
        case pickle::Tuple2:
        case pickle::Tuple3: {
            const qsizetype n = m_op - pickle::Tuple1 + 1; // TUPLE1, TUPLE2, TUPLE3
            if (available() < n)
                return underflow();
            const qint64 node = newTuple(m_stack.size() - n);
            return node >= 0 && pushNode(node);
        }
        case pickle::Tuple: {
            const qsizetype mark = popMark();
            if (mark < 0)
                return false;
            const qint64 node = newTuple(mark);
            return node >= 0 && pushNode(node);
        }
        case pickle::EmptyList:
            return pushNode(newNode(Type::List));
        case pickle::EmptyDict:
            return pushNode(newNode(Type::Dict));
        case pickle::EmptySet:
            return pushNode(newNode(Type::Set));
        case pickle::List: {
            const qsizetype mark = popMark();
            if (mark < 0)
                return false;
            const quint32 node = newNode(Type::List);
            return appendItems(node, mark) && pushNode(node);
        }
        case pickle::Append: {
            if (available() < 2)
                return underflow();
            const qint64 list = containerAt(m_stack.size() - 2, Type::List);
            if (list < 0)
                return false;
            return appendItems(static_cast<quint32>(list), m_stack.size() - 1);
        }
        case pickle::Appends: {
            const qsizetype mark = popMark();
            if (mark < 0)
                return false;
            if (mark <= fence())
                return underflow();
            const qint64 list = containerAt(mark - 1, Type::List);
            if (list < 0)
                return false;
            return appendItems(static_cast<quint32>(list), mark);
        }
        case pickle::Dict: {
            const qsizetype mark = popMark();
            if (mark < 0)
                return false;
            const quint32 node = newNode(Type::Dict);
            return setItems(node, mark) && pushNode(node);
        }
        case pickle::SetItem: {
            if (available() < 3)
                return underflow();
            const qint64 dict = containerAt(m_stack.size() - 3, Type::Dict);
            return dict >= 0 && setItems(static_cast<quint32>(dict), m_stack.size() - 2);
        }
        case pickle::SetItems: {
            const qsizetype mark = popMark();
            if (mark < 0)
                return false;
            if (mark <= fence())
                return underflow();
            const qint64 dict = containerAt(mark - 1, Type::Dict);
            return dict >= 0 && setItems(static_cast<quint32>(dict), mark);
        }
        case pickle::AddItems: { // ADDITEMS
            const qsizetype mark = popMark();
            if (mark < 0)
                return false;
            if (mark <= fence())
                return underflow();
            const qint64 set = containerAt(mark - 1, Type::Set);
            return set >= 0 && addItems(static_cast<quint32>(set), mark);
        }
        case pickle::FrozenSet: { // FROZENSET
            const qsizetype mark = popMark();
            if (mark < 0)
                return false;
            const quint32 node = newNode(Type::FrozenSet);
            return addItems(node, mark) && finishFrozenSet(node) && pushNode(node);
        }
        case pickle::Pop: // POP: takes the MARK itself when one sits on top (CPython's load_pop)
            if (!m_marks.isEmpty() && m_marks.last() == m_stack.size()) {
                m_marks.removeLast();
                return true;
            }
            if (available() < 1)
                return underflow();
            m_stack.removeLast();
            return true;
        case pickle::PopMark: { // POP_MARK
            const qsizetype mark = popMark();
            if (mark < 0)
                return false;
            m_steps += m_stack.size() - mark;
            m_stack.resize(mark);
            return true;
        }
        case pickle::Dup: // DUP
            if (available() < 1)
                return underflow();
            return push(Ref(m_stack.last()));
        case pickle::Mark:
            m_marks.append(m_stack.size());
            return true;
        case pickle::BinPut: {
            const unsigned char* s = read(1);
            return s && memoPut(*s);
        }
        case pickle::LongBinPut: {
            const unsigned char* s = read(4);
            return s && memoPut(qFromLittleEndian<quint32>(s));
        }
        case pickle::Memoize:
            return memoPut(m_memoDense.size() + m_memoSparse.size());
        case pickle::Put: {
            quint64 key = 0;
            return readDecimalLine(key) && memoPut(key);
        }
        case pickle::BinGet: {
            const unsigned char* s = read(1);
            return s && memoGet(*s);
        }
        case pickle::LongBinGet: {
            const unsigned char* s = read(4);
            return s && memoGet(qFromLittleEndian<quint32>(s));
        }
        case pickle::Get: {
            quint64 key = 0;
            return readDecimalLine(key) && memoGet(key);
        }
        case pickle::Global: // GLOBAL
            return loadGlobal();
        case pickle::StackGlobal: // STACK_GLOBAL
            return loadStackGlobal();
        case pickle::Reduce: // REDUCE
            return reduce();
        case pickle::Build:          // BUILD
        case pickle::Inst:           // INST
        case pickle::Obj:            // OBJ
        case pickle::NewObj:         // NEWOBJ
        case pickle::NewObjEx:       // NEWOBJ_EX
        case pickle::PersId:         // PERSID
        case pickle::BinPersId:      // BINPERSID
        case pickle::Ext1:           // EXT1
        case pickle::Ext2:           // EXT2
        case pickle::Ext4:           // EXT4
        case pickle::NextBuffer:     // NEXT_BUFFER
        case pickle::ReadOnlyBuffer: // READONLY_BUFFER
            return fail(QStringLiteral("refused opcode %1 at offset %2: PipeScope never imports "
                                       "or calls anything")
                            .arg(describeOpcode())
                            .arg(m_opOffset));
        default:
            if (pickle::opcodeName(m_op)) {
                return fail(QStringLiteral("unsupported opcode %1 at offset %2: PipeScope reads "
                                           "what CPython writes for built-in types with "
                                           "protocols 2 to 5")
                                .arg(describeOpcode())
                                .arg(m_opOffset));
            }
            return fail(QStringLiteral("invalid load key, %1 at offset %2")
                            .arg(quotedOpcode())
                            .arg(m_opOffset));
        }
    }

    // --- the few builtins a pickle may call ---

    bool refused()
    {
        return fail(QStringLiteral("refused opcode %1 at offset %2: PipeScope never imports "
                                   "or calls anything")
                        .arg(describeOpcode())
                        .arg(m_opOffset));
    }

    bool pushGlobal(Builtin builtin)
    {
        Ref r;
        r.global = builtin;
        return push(r);
    }

    // GLOBAL "module\nname\n", as protocols 0 to 2 write it (Python 2 module names included).
    bool loadGlobal()
    {
        const unsigned char* const start = m_p;
        const auto line = [this]() -> std::optional<QByteArrayView> {
            const auto* newline = static_cast<const unsigned char*>(
                std::memchr(m_p, '\n', static_cast<size_t>(remaining())));
            if (!newline)
                return std::nullopt;
            const QByteArrayView text(reinterpret_cast<const char*>(m_p), newline - m_p);
            m_p = newline + 1;
            return text;
        };
        const std::optional<QByteArrayView> module = line();
        const std::optional<QByteArrayView> name = module ? line() : std::nullopt;
        const Builtin builtin = name ? allowedBuiltin(*module, *name, true) : Builtin::NotGlobal;
        m_steps += m_p - start;
        if (builtin == Builtin::NotGlobal)
            return refused();
        return pushGlobal(builtin);
    }

    // STACK_GLOBAL: the module and the name are the two str on top of the stack.
    bool loadStackGlobal()
    {
        if (available() < 2)
            return refused();
        const Ref& module = m_stack[m_stack.size() - 2];
        const Ref& name = m_stack.last();
        if (module.type != Type::Str || name.type != Type::Str)
            return refused();
        const Builtin builtin = allowedBuiltin(m_nodes[module.node].built.bytes(),
                                               m_nodes[name.node].built.bytes(), false);
        if (builtin == Builtin::NotGlobal)
            return refused();
        m_stack.resize(m_stack.size() - 2);
        return pushGlobal(builtin);
    }

    bool badArguments(Builtin builtin)
    {
        return fail(QStringLiteral("refused call of builtins.%1 with arguments other than "
                                   "CPython pickles it with (%2)")
                        .arg(QLatin1String(builtinName(builtin)), where()));
    }

    // REDUCE of an allowed builtin and an argument tuple of the shape CPython writes: makes the
    // value without calling anything. Any other callable is refused.
    bool reduce()
    {
        if (available() < 2 || m_stack[m_stack.size() - 2].global == Builtin::NotGlobal)
            return refused();
        const Builtin builtin = m_stack[m_stack.size() - 2].global;
        const Ref args = m_stack.last();
        if (args.global != Builtin::NotGlobal || args.type != Type::Tuple)
            return badArguments(builtin);
        const std::vector<Ref> items = m_nodes[args.node].items;
        m_steps += static_cast<qint64>(items.size());
        const auto number = [](const Ref& r, double& out) {
            if (r.type == Type::Float)
                out = r.f;
            else if (r.type == Type::Int)
                out = static_cast<double>(r.i);
            else if (r.type == Type::Bool)
                out = r.b ? 1.0 : 0.0;
            else
                return false;
            return true;
        };
        quint32 node = 0;
        switch (builtin) {
        case Builtin::ByteArray: {
            // bytearray() or bytearray(b'...'); protocol 2's bytearray(str, 'latin1') comes
            // from _codecs.encode, which stays refused.
            if (items.size() > 1 || (items.size() == 1 && items[0].type != Type::Bytes))
                return badArguments(builtin);
            node = newNode(Type::ByteArray);
            m_nodes[node].built = Value::fromByteArray(
                items.empty() ? QByteArray() : m_nodes[items[0].node].built.bytes());
            m_nodes[node].state = Node::Done;
            break;
        }
        case Builtin::Complex: {
            double real = 0;
            double imag = 0;
            if (items.size() != 2 || !number(items[0], real) || !number(items[1], imag))
                return badArguments(builtin);
            node = newNode(Type::Complex);
            Node& n = m_nodes[node];
            n.built = Value::complex(real, imag);
            n.state = Node::Done;
            n.hashable = true;
            break;
        }
        case Builtin::Range:
        case Builtin::Slice: {
            if (items.size() != 3)
                return badArguments(builtin);
            for (const Ref& item : items) {
                if (item.global != Builtin::NotGlobal)
                    return badArguments(builtin);
                if (builtin == Builtin::Range && item.type != Type::Int &&
                    item.type != Type::BigInt)
                    return badArguments(builtin);
            }
            if (builtin == Builtin::Range && items[2].type == Type::Int && items[2].i == 0)
                return badArguments(builtin); // range() arg 3 must not be zero
            node = newNode(builtin == Builtin::Range ? Type::Range : Type::Slice);
            for (const Ref& item : items) {
                use(item);
                m_nodes[node].items.push_back(item);
            }
            if (builtin == Builtin::Range) {
                // Ints only: immutable, hashable, and as high as a tuple of ints.
                m_nodes[node].hashable = true;
                m_nodes[node].height = 1;
            }
            break;
        }
        case Builtin::NotGlobal:
            return refused();
        }
        m_stack.resize(m_stack.size() - 2);
        return pushNode(node);
    }

    // Every opcode that puts values into a container or the result checks for a builtin first:
    // REDUCE is the only use of one.
    bool noGlobalsFrom(qsizetype from)
    {
        for (qsizetype k = from; k < m_stack.size(); ++k) {
            if (m_stack[k].global != Builtin::NotGlobal) {
                return fail(QStringLiteral("refused use of builtins.%1 other than calling it "
                                           "with REDUCE (%2)")
                                .arg(QLatin1String(builtinName(m_stack[k].global)), where()));
            }
        }
        return true;
    }

    // --- errors ---

    bool fail(const QString& message, ErrorKind kind = ErrorKind::Unpickling)
    {
        m_errorKind = kind;
        m_errorMessage = message;
        return false;
    }

    Error takeError() { return Error(m_errorKind, m_errorMessage); }

    // The opcode byte as Python shows a one-character str: 'c', '\x93'.
    QString quotedOpcode() const
    {
        if (m_op >= 0x20 && m_op < 0x7f) {
            const char ch = static_cast<char>(m_op);
            return reprStrUtf8(QByteArrayView(&ch, 1));
        }
        return QStringLiteral("'\\x%1'").arg(m_op, 2, 16, QLatin1Char('0'));
    }

    QString describeOpcode() const
    {
        const char* name = pickle::opcodeName(m_op);
        return QStringLiteral("%1 (%2)").arg(QLatin1String(name ? name : "?"), quotedOpcode());
    }

    QString where() const
    {
        const char* name = pickle::opcodeName(m_op);
        return QStringLiteral("%1 at offset %2")
            .arg(QLatin1String(name ? name : "?"))
            .arg(m_opOffset);
    }

    bool underflow()
    {
        return fail((m_marks.isEmpty() ? QStringLiteral("unpickling stack underflow")
                                       : QStringLiteral("unexpected MARK found")) +
                    QStringLiteral(" (%1)").arg(where()));
    }

    // --- input ---

    qsizetype remaining() const { return m_end - m_p; }

    // Checks that n more bytes exist without consuming them; n may be any 64-bit length.
    bool need(quint64 n)
    {
        if (n <= static_cast<quint64>(remaining()))
            return true;
        return fail(QStringLiteral("pickle data was truncated: %1 needs %2 more bytes, %3 remain")
                        .arg(where())
                        .arg(n)
                        .arg(remaining()));
    }

    const unsigned char* read(quint64 n)
    {
        if (!need(n))
            return nullptr;
        const unsigned char* s = m_p;
        m_p += n;
        return s;
    }

    // The decimal argument of the text opcodes PUT and GET, up to its newline.
    bool readDecimalLine(quint64& value)
    {
        const auto* newline = static_cast<const unsigned char*>(
            std::memchr(m_p, '\n', static_cast<size_t>(remaining())));
        if (!newline)
            return fail(
                QStringLiteral("pickle data was truncated: %1 has no end of line").arg(where()));
        const unsigned char* s = m_p;
        m_p = newline + 1;
        if (s == newline)
            return fail(QStringLiteral("invalid memo key (%1)").arg(where()));
        value = 0;
        for (; s < newline; ++s) {
            if (*s < '0' || *s > '9' || value > (~quint64(0) - 9) / 10)
                return fail(QStringLiteral("invalid memo key (%1)").arg(where()));
            value = value * 10 + (*s - '0');
        }
        return true;
    }

    // --- the stack ---

    qsizetype fence() const { return m_marks.isEmpty() ? 0 : m_marks.last(); }
    qsizetype available() const { return m_stack.size() - fence(); }

    bool push(const Ref& ref)
    {
        if (m_stack.size() == m_stack.capacity())
            m_steps += m_stack.size(); // the move to a larger buffer
        m_stack.append(ref);
        return true;
    }

    bool pushInt(qint64 value)
    {
        Ref r;
        r.type = Type::Int;
        r.i = value;
        return push(r);
    }

    bool pushNode(qint64 node)
    {
        Ref r;
        r.type = m_nodes[node].type;
        r.node = static_cast<quint32>(node);
        return push(r);
    }

    qsizetype popMark()
    {
        if (m_marks.isEmpty()) {
            fail(QStringLiteral("could not find MARK (%1)").arg(where()));
            return -1;
        }
        const qsizetype mark = m_marks.last();
        m_marks.removeLast();
        return mark;
    }

    // The index of the container of the given type at stack position pos, or -1 (error set).
    qint64 containerAt(qsizetype pos, Type type)
    {
        const Ref& r = m_stack[pos];
        if (r.type != type) {
            fail(QStringLiteral("%1 needs a %2 below its items, found %3")
                     .arg(where(), Value::typeName(type), Value::typeName(r.type)));
            return -1;
        }
        return r.node;
    }

    // --- nodes ---

    quint32 newNode(Type type)
    {
        m_nodes.emplace_back();
        m_nodes.back().type = type;
        return static_cast<quint32>(m_nodes.size() - 1);
    }

    void use(const Ref& ref)
    {
        if (!isScalar(ref.type))
            ++m_nodes[ref.node].uses;
    }

    // Makes room for `extra` more items, growing geometrically: reserving exactly what each
    // APPENDS batch brings would copy a long list once per batch, quadratic in its length.
    void reserveItems(Node& n, size_t extra)
    {
        const size_t needed = n.items.size() + extra;
        if (needed <= n.items.capacity())
            return;
        m_steps += static_cast<qint64>(n.items.size());
        n.items.reserve(std::max(needed, 2 * n.items.capacity()));
    }

    // Moves the stack from `from` up into the list node.
    bool appendItems(quint32 node, qsizetype from)
    {
        if (!noGlobalsFrom(from))
            return false;
        Node& n = m_nodes[node];
        reserveItems(n, static_cast<size_t>(m_stack.size() - from));
        m_steps += m_stack.size() - from;
        for (qsizetype k = from; k < m_stack.size(); ++k) {
            use(m_stack[k]);
            n.items.push_back(m_stack[k]);
        }
        m_stack.resize(from);
        return true;
    }

    // A tuple of the stack from `from` up; -1 if it nests too deep.
    qint64 newTuple(qsizetype from)
    {
        const quint32 node = newNode(Type::Tuple);
        if (!appendItems(node, from))
            return -1;
        Node& n = m_nodes[node];
        n.hashable = std::all_of(n.items.begin(), n.items.end(),
                                 [this](const Ref& item) { return isHashable(item); });
        if (n.hashable) {
            // Immutable all the way down, so its height is final; hashing and equality recurse
            // that deep.
            int height = 0;
            for (const Ref& item : n.items) {
                if (!isScalar(item.type))
                    height = std::max(height, m_nodes[item.node].height);
            }
            n.height = height + 1;
            if (n.height > m_limits.maxDepth) {
                failDepth();
                return -1;
            }
        }
        return node;
    }

    bool finishFrozenSet(quint32 node)
    {
        Node& n = m_nodes[node];
        n.hashable = true;
        size_t h = m_seed ^ 0x1f6b2c0d;
        int height = 0;
        for (size_t k = 0; k < n.items.size(); ++k) {
            // Order-independent: equal frozensets may list their items differently.
            const size_t x = n.keyHashes[k];
            h += (x ^ (x << 16) ^ 89869747U) * 3644798167U;
            if (!isScalar(n.items[k].type))
                height = std::max(height, m_nodes[n.items[k].node].height);
        }
        n.hash = h;
        n.hashed = true;
        n.height = height + 1;
        if (n.height > m_limits.maxDepth)
            return failDepth();
        return true;
    }

    bool loadLong(quint64 n)
    {
        const unsigned char* s = read(n);
        if (!s)
            return false;
        if (n == 0)
            return pushInt(0);
        // Little-endian two's complement; beyond 8 bytes only sign extension may follow.
        quint64 bits = 0;
        const quint64 low = std::min<quint64>(n, 8);
        for (quint64 k = 0; k < low; ++k)
            bits |= quint64(s[k]) << (8 * k);
        if (n < 8 && (s[n - 1] & 0x80))
            bits |= ~quint64(0) << (8 * n);
        const unsigned char sign = (s[low - 1] & 0x80) ? 0xff : 0x00;
        bool fits = true;
        for (quint64 k = 8; k < n && fits; ++k)
            fits = s[k] == sign;
        if (fits)
            return pushInt(static_cast<qint64>(bits));
        // Beyond 64 bits: its bytes were all there (read() checked), so this allocates no more
        // than the input holds.
        m_steps += static_cast<qint64>(n);
        const quint32 node = newNode(Type::BigInt);
        Node& big = m_nodes[node];
        big.built = Value::fromIntBytes(
            QByteArrayView(reinterpret_cast<const char*>(s), static_cast<qsizetype>(n)));
        big.state = Node::Done;
        big.hashable = true;
        return pushNode(node);
    }

    bool loadCounted(Type type, int lengthSize)
    {
        const unsigned char* s = read(lengthSize);
        if (!s)
            return false;
        quint64 length = 0;
        if (lengthSize == 1)
            length = *s;
        else if (lengthSize == 4)
            length = qFromLittleEndian<quint32>(s);
        else
            length = qFromLittleEndian<quint64>(s);
        const unsigned char* data = read(length); // before any allocation
        if (!data)
            return false;
        const char* chars = reinterpret_cast<const char*>(data);
        const auto size = static_cast<qsizetype>(length);
        if (type == Type::Str && !isPyUtf8(QByteArrayView(chars, size)))
            return fail(QStringLiteral("invalid UTF-8 in a str (%1)").arg(where()));

        const quint32 node = newNode(type);
        Node& n = m_nodes[node];
        QByteArray bytes(chars, size);
        if (type == Type::Str)
            n.built = Value::fromStrUtf8(std::move(bytes));
        else if (type == Type::Bytes)
            n.built = Value::fromBytes(std::move(bytes));
        else
            n.built = Value::fromByteArray(std::move(bytes));
        n.state = Node::Done;
        n.hashable = type != Type::ByteArray;
        return pushNode(node);
    }

    // --- hashing and Python equality, for dict keys and set items ---

    bool isHashable(const Ref& ref) const
    {
        return isScalar(ref.type) || m_nodes[ref.node].hashable;
    }

    // hash(x) for hashable x: equal for values Python finds equal (1, 1.0 and True).
    size_t hashOf(const Ref& ref)
    {
        switch (ref.type) {
        case Type::None:
            return m_seed ^ 0x5bd1e995;
        case Type::Bool:
            return qHash(qint64(ref.b), m_seed);
        case Type::Int:
            return qHash(ref.i, m_seed);
        case Type::Float:
            // Integral floats hash as the int they equal.
            if (ref.f >= -0x1p63 && ref.f < 0x1p63 && ref.f == std::trunc(ref.f))
                return qHash(static_cast<qint64>(ref.f), m_seed);
            if (isIntegralOutside64(ref.f))
                return bigIntHash(floatIntBytes(ref.f));
            return qHash(std::bit_cast<quint64>(ref.f), m_seed);
        default:
            break;
        }
        Node& n = m_nodes[ref.node]; // frozensets are hashed when built
        if (!n.hashed) {
            m_steps += static_cast<qint64>(n.items.size()) + 1;
            if (n.type == Type::Complex && n.built.at(1).toFloat() == 0.0) {
                // complex(x, 0) == x: it hashes as its real part.
                Ref real;
                real.type = Type::Float;
                real.f = n.built.at(0).toFloat();
                n.hash = hashOf(real);
            } else if (n.type == Type::Complex) {
                n.hash = qHashMulti(m_seed, std::bit_cast<quint64>(n.built.at(0).toFloat()),
                                    std::bit_cast<quint64>(n.built.at(1).toFloat()));
            } else if (n.type == Type::BigInt) {
                n.hash = bigIntHash(n.built.bytes());
            } else if (n.type == Type::Tuple || n.type == Type::Range) {
                size_t h = m_seed ^ 0x3a8f05c5;
                for (const Ref& item : n.items)
                    h ^= hashOf(item) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
                n.hash = h;
            } else {
                const QByteArray& bytes = n.built.bytes();
                n.hash = sipHash13(bytes.constData(), bytes.size()) ^ static_cast<size_t>(n.type);
            }
            n.hashed = true;
        }
        return n.hash;
    }

    size_t bigIntHash(const QByteArray& bytes) const
    {
        return sipHash13(bytes.constData(), bytes.size()) ^ static_cast<size_t>(Type::BigInt);
    }

    // The value of a Float, BigInt or Complex with no imaginary part as a Ref a number test
    // takes: Float for a complex, the node itself for a big int.
    bool realPart(const Ref& ref, Ref& out) const
    {
        if (isNumber(ref.type) || ref.type == Type::BigInt) {
            out = ref;
            return true;
        }
        if (ref.type != Type::Complex)
            return false;
        const Value& c = m_nodes[ref.node].built;
        if (c.at(1).toFloat() != 0.0)
            return false;
        out.type = Type::Float;
        out.f = c.at(0).toFloat();
        return true;
    }

    // a == b for numbers of any of the int, float and complex kinds.
    bool numbersEqualAny(const Ref& a, const Ref& b) const
    {
        if (a.type == Type::Complex && b.type == Type::Complex) {
            const Value& x = m_nodes[a.node].built;
            const Value& y = m_nodes[b.node].built;
            return x.at(0).toFloat() == y.at(0).toFloat() && x.at(1).toFloat() == y.at(1).toFloat();
        }
        Ref x;
        Ref y;
        if (!realPart(a, x) || !realPart(b, y))
            return false;
        if (isNumber(x.type) && isNumber(y.type))
            return numbersEqual(x, y);
        if (x.type == Type::BigInt && y.type == Type::BigInt)
            return m_nodes[x.node].built.bytes() == m_nodes[y.node].built.bytes();
        // A big int against a float (ints and bools never equal one: it is beyond 64 bits).
        const Ref& big = x.type == Type::BigInt ? x : y;
        const Ref& other = x.type == Type::BigInt ? y : x;
        return other.type == Type::Float && isIntegralOutside64(other.f) &&
               floatIntBytes(other.f) == m_nodes[big.node].built.bytes();
    }

    // SipHash-1-3 keyed with the process's hash seed: keys come from untrusted input, so their
    // hashes must not be predictable enough to force collisions. (Qt's qHash() of bytes would
    // do, but it reads past the end of the data within the page, which valgrind reports.)
    quint64 sipHash13(const char* data, qsizetype size) const
    {
        const quint64 k0 = m_seed;
        const quint64 k1 = std::rotl(quint64(m_seed), 29) ^ 0x9e3779b97f4a7c15ULL;
        quint64 v0 = 0x736f6d6570736575ULL ^ k0;
        quint64 v1 = 0x646f72616e646f6dULL ^ k1;
        quint64 v2 = 0x6c7967656e657261ULL ^ k0;
        quint64 v3 = 0x7465646279746573ULL ^ k1;
        const auto round = [&] {
            v0 += v1;
            v1 = std::rotl(v1, 13) ^ v0;
            v0 = std::rotl(v0, 32);
            v2 += v3;
            v3 = std::rotl(v3, 16) ^ v2;
            v0 += v3;
            v3 = std::rotl(v3, 21) ^ v0;
            v2 += v1;
            v1 = std::rotl(v1, 17) ^ v2;
            v2 = std::rotl(v2, 32);
        };
        const auto* p = reinterpret_cast<const unsigned char*>(data);
        const auto* const blocksEnd = p + (size & ~qsizetype(7));
        for (; p != blocksEnd; p += 8) {
            const quint64 m = qFromLittleEndian<quint64>(p);
            v3 ^= m;
            round();
            v0 ^= m;
        }
        quint64 last = quint64(size) << 56;
        for (int k = 0; k < (size & 7); ++k)
            last |= quint64(p[k]) << (8 * k);
        v3 ^= last;
        round();
        v0 ^= last;
        v2 ^= 0xff;
        round();
        round();
        round();
        return v0 ^ v1 ^ v2 ^ v3;
    }

    // a == b in Python, for hashable a and b.
    bool pyEqual(const Ref& a, const Ref& b) const
    {
        ++m_steps;
        if (isNumber(a.type) && isNumber(b.type))
            return numbersEqual(a, b);
        const auto numeric = [](Type t) {
            return isNumber(t) || t == Type::BigInt || t == Type::Complex;
        };
        if (numeric(a.type) && numeric(b.type) && (a.type != b.type || a.node != b.node))
            return numbersEqualAny(a, b);
        if (a.type != b.type)
            return false;
        if (isScalar(a.type) || a.node == b.node)
            return true; // both None, or one object
        const Node& x = m_nodes[a.node];
        const Node& y = m_nodes[b.node];
        if ((x.hashed && y.hashed && x.hash != y.hash) || x.items.size() != y.items.size())
            return false;
        switch (a.type) {
        case Type::Str:
        case Type::Bytes:
            return x.built.bytes() == y.built.bytes();
        case Type::Tuple:
        case Type::Range:
            for (size_t k = 0; k < x.items.size(); ++k) {
                if (!pyEqual(x.items[k], y.items[k]))
                    return false;
            }
            return true;
        case Type::FrozenSet:
            for (size_t k = 0; k < x.items.size(); ++k) {
                if (findKey(y, x.items[k], x.keyHashes[k]) < 0)
                    return false;
            }
            return true;
        default:
            return false;
        }
    }

    static const Ref& keyAt(const Node& n, size_t k)
    {
        return n.type == Type::Dict ? n.items[2 * k] : n.items[k];
    }

    qint64 findKey(const Node& n, const Ref& key, size_t hash) const
    {
        if (n.index) {
            const auto range = n.index->equal_range(hash);
            for (auto it = range.first; it != range.second; ++it) {
                ++m_steps;
                if (pyEqual(keyAt(n, it->second), key))
                    return it->second;
            }
            return -1;
        }
        m_steps += static_cast<qint64>(n.keyHashes.size());
        for (size_t k = 0; k < n.keyHashes.size(); ++k) {
            if (n.keyHashes[k] == hash && pyEqual(keyAt(n, k), key))
                return static_cast<qint64>(k);
        }
        return -1;
    }

    void addKeyHash(Node& n, size_t hash)
    {
        if (n.keyHashes.size() == n.keyHashes.capacity())
            m_steps += static_cast<qint64>(n.keyHashes.size());
        n.keyHashes.push_back(hash);
        if (n.index) {
            n.index->emplace(hash, static_cast<quint32>(n.keyHashes.size() - 1));
        } else if (n.keyHashes.size() > IndexThreshold) {
            n.index = std::make_unique<std::unordered_multimap<size_t, quint32>>();
            n.index->reserve(n.keyHashes.size() * 2);
            for (size_t k = 0; k < n.keyHashes.size(); ++k)
                n.index->emplace(n.keyHashes[k], static_cast<quint32>(k));
        }
    }

    bool unhashable(const Ref& ref)
    {
        return fail(
            QStringLiteral("unhashable type: '%1' (%2)").arg(Value::typeName(ref.type), where()));
    }

    // d[k] = v for the key/value pairs on the stack from `from` up.
    bool setItems(quint32 dict, qsizetype from)
    {
        if (!noGlobalsFrom(from))
            return false;
        if ((m_stack.size() - from) % 2 != 0)
            return fail(QStringLiteral("odd number of items for %1").arg(where()));
        for (qsizetype k = from; k < m_stack.size(); k += 2) {
            const Ref& key = m_stack[k];
            const Ref& value = m_stack[k + 1];
            if (!isHashable(key))
                return unhashable(key);
            const size_t hash = hashOf(key);
            Node& n = m_nodes[dict];
            const qint64 found = findKey(n, key, hash);
            use(value);
            if (found >= 0) {
                n.items[2 * found + 1] = value; // Python keeps the first key, the last value
            } else {
                use(key);
                reserveItems(n, 2);
                n.items.push_back(key);
                n.items.push_back(value);
                addKeyHash(n, hash);
            }
        }
        m_stack.resize(from);
        return true;
    }

    // s.add(x) for the items on the stack from `from` up.
    bool addItems(quint32 set, qsizetype from)
    {
        if (!noGlobalsFrom(from))
            return false;
        for (qsizetype k = from; k < m_stack.size(); ++k) {
            const Ref& item = m_stack[k];
            if (!isHashable(item))
                return unhashable(item);
            const size_t hash = hashOf(item);
            Node& n = m_nodes[set];
            if (findKey(n, item, hash) < 0) {
                use(item);
                reserveItems(n, 1);
                n.items.push_back(item);
                addKeyHash(n, hash);
            }
        }
        m_stack.resize(from);
        return true;
    }

    // --- the memo: a dense vector for the indices MEMOIZE hands out, a map for the rest ---

    bool memoPut(quint64 key)
    {
        if (available() < 1)
            return underflow();
        const Ref& top = m_stack.last();
        if (key < m_memoDense.size()) {
            m_memoDense[key] = top;
        } else if (key == m_memoDense.size()) {
            m_memoSparse.erase(key);
            m_memoDense.push_back(top);
        } else {
            m_memoSparse[key] = top;
        }
        return true;
    }

    bool memoGet(quint64 key)
    {
        if (key < m_memoDense.size())
            return push(m_memoDense[key]);
        const auto it = m_memoSparse.find(key);
        if (it == m_memoSparse.end())
            return fail(
                QStringLiteral("Memo value not found at index %1 (%2)").arg(key).arg(where()));
        return push(it->second);
    }

    // --- STOP: check the stack, then turn the arena into a Value tree ---

    bool failDepth()
    {
        return fail(QStringLiteral("pickle nests containers deeper than the limit of %1 levels")
                        .arg(m_limits.maxDepth));
    }

    bool stop(Value& result)
    {
        if (!m_marks.isEmpty())
            return fail(QStringLiteral("STOP at offset %1 with a MARK still open").arg(m_opOffset));
        if (m_stack.size() != 1) {
            if (m_stack.isEmpty())
                return underflow();
            return fail(QStringLiteral("STOP at offset %1 found %2 values on the stack, not one")
                            .arg(m_opOffset)
                            .arg(m_stack.size()));
        }
        if (!noGlobalsFrom(0))
            return false;
        const Ref root = m_stack.first();
        if (isScalar(root.type)) {
            result = scalarValue(root);
            return true;
        }
        return build(root.node, 1, result);
    }

    bool build(quint32 index, int depth, Value& out)
    {
        Node& n = m_nodes[index];
        if (n.state == Node::Done) {
            if (depth - 1 + n.height > m_limits.maxDepth)
                return failDepth();
            out = n.built;
            return true;
        }
        if (n.state == Node::Active) {
            return fail(QStringLiteral("the %1 at STOP (offset %2) contains itself, which "
                                       "PipeScope does not represent")
                            .arg(Value::typeName(n.type))
                            .arg(m_opOffset));
        }
        if (depth > m_limits.maxDepth)
            return failDepth();
        n.state = Node::Active;

        QList<Value> items;
        // An empty container the pickle shares gets storage of its own, which is what makes the
        // writer see one object (see PickleWriter).
        items.reserve(n.items.empty() && n.uses > 1 ? 1 : static_cast<qsizetype>(n.items.size()));
        qint64 count = 1;
        int height = 0;
        m_steps += static_cast<qint64>(n.items.size());
        for (const Ref& item : n.items) {
            if (isScalar(item.type)) {
                items.append(scalarValue(item));
                ++count;
            } else {
                Value child;
                if (!build(item.node, depth + 1, child))
                    return false;
                const Node& c = m_nodes[item.node];
                count += c.count;
                height = std::max(height, c.height);
                items.append(std::move(child));
            }
            if (count > m_limits.maxValues) {
                return fail(QStringLiteral("pickle expands to more than the limit of %1 values")
                                .arg(m_limits.maxValues));
            }
        }

        switch (n.type) {
        case Type::Tuple:
            n.built = Value::tuple(std::move(items));
            break;
        case Type::List:
            n.built = Value::list(std::move(items));
            break;
        case Type::Set:
            n.built = Value::set(std::move(items));
            break;
        case Type::FrozenSet:
            n.built = Value::frozenset(std::move(items));
            break;
        case Type::Range:
            n.built = Value::range(items[0], items[1], items[2]);
            break;
        case Type::Slice:
            n.built = Value::slice(items[0], items[1], items[2]);
            break;
        default:
            n.built = Value::dictFromItems(std::move(items));
            break;
        }
        n.count = count;
        n.height = height + 1;
        n.state = Node::Done;
        out = n.built;
        return true;
    }

    const unsigned char* const m_begin;
    const unsigned char* m_p;
    const unsigned char* const m_end;
    const PickleLimits m_limits;
    const size_t m_seed;
    qsizetype m_opOffset = 0;
    unsigned char m_op = 0;

    QVarLengthArray<Ref, 32> m_stack;
    QVarLengthArray<qsizetype, 8> m_marks;
    std::vector<Node> m_nodes;
    std::vector<Ref> m_memoDense;
    std::unordered_map<quint64, Ref> m_memoSparse;

    ErrorKind m_errorKind = ErrorKind::Unpickling;
    QString m_errorMessage;
    mutable qint64 m_steps = 0;
};

// A lone scalar read by decodeScalar(): its type and its bits, plain data until the Value is
// built where it is returned (each move of a Value on the way costs more than the decoding).
struct Scalar
{
    Value::Type type = Value::Type::None;
    qint64 integer = 0; // a bool (0 or 1) or an int
    double real = 0;    // a float

    Value value() const
    {
        switch (type) {
        case Value::Type::Bool:
            return Value::fromBool(integer != 0);
        case Value::Type::Int:
            return Value::fromInt(integer);
        case Value::Type::Float:
            return Value::fromFloat(real);
        default:
            return Value::none();
        }
    }
};

// The pickle of a lone None, bool, small int or float as CPython writes it (PROTO, FRAME from
// protocol 4, one opcode, STOP), decoded without setting up the general reader, which costs far
// more than such a value (a stream of send(float) is mostly that). Anything else, malformed
// pickles included, is the general reader's: std::nullopt.
std::optional<Scalar> decodeScalar(const unsigned char* p, qsizetype size)
{
    if (size < 4 || p[0] != pickle::Proto || p[1] > HighestProtocol || p[size - 1] != pickle::Stop)
        return std::nullopt;
    const unsigned char* const stop = p + size - 1;
    p += 2;
    if (stop - p >= 9 && *p == pickle::Frame) { // FRAME: its bytes must all be there
        if (qFromLittleEndian<quint64>(p + 1) > quint64(stop + 1 - (p + 9)))
            return std::nullopt;
        p += 9;
    }
    // The opcode and its argument, which ends at STOP: each argument is read only once its
    // length is known to be the opcode's (a truncated pickle must not be read beyond its end).
    const qsizetype opcodeAndArgument = stop - p;
    switch (opcodeAndArgument > 0 ? *p : 0) {
    case pickle::None:
        if (opcodeAndArgument == 1)
            return Scalar{Value::Type::None};
        break;
    case pickle::NewTrue:
    case pickle::NewFalse:
        if (opcodeAndArgument == 1)
            return Scalar{Value::Type::Bool, *p == pickle::NewTrue};
        break;
    case pickle::BinInt1:
        if (opcodeAndArgument == 2)
            return Scalar{Value::Type::Int, p[1]};
        break;
    case pickle::BinInt2:
        if (opcodeAndArgument == 3)
            return Scalar{Value::Type::Int, qFromLittleEndian<quint16>(p + 1)};
        break;
    case pickle::BinInt:
        if (opcodeAndArgument == 5)
            return Scalar{Value::Type::Int, qFromLittleEndian<qint32>(p + 1)};
        break;
    case pickle::BinFloat:
        if (opcodeAndArgument == 9)
            return Scalar{Value::Type::Float, 0,
                          std::bit_cast<double>(qFromBigEndian<quint64>(p + 1))};
        break;
    default:
        break;
    }
    return std::nullopt;
}

} // namespace

Result<Value> decodePickle(const char* data, qsizetype size, const PickleLimits& limits,
                           PickleWork* work)
{
    if (const std::optional<Scalar> scalar =
            decodeScalar(reinterpret_cast<const unsigned char*>(data), size)) {
        if (work)
            work->steps += 1;
        return scalar->value();
    }
    PickleReader reader(data, std::max<qsizetype>(size, 0), limits);
    Result<Value> result = reader.run();
    if (work)
        work->steps += reader.steps();
    return result;
}

Result<Value> decodePickle(const QByteArray& pickle, const PickleLimits& limits, PickleWork* work)
{
    return decodePickle(pickle.constData(), pickle.size(), limits, work);
}

} // namespace pipescope
