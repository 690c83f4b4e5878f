#include "wire/PickleWriter.h"

#include "wire/PickleOpcodes.h"

#include <QHash>
#include <QtEndian>
#include <bit>
#include <cstring>

namespace pipescope {

namespace {

// The constants of CPython's Modules/_pickle.c (the opcodes are in PickleOpcodes.h).
constexpr qsizetype FrameHeaderSize = 9;
constexpr qsizetype FrameSizeMin = 4;
constexpr qsizetype FrameSizeTarget = 64 * 1024;
constexpr qsizetype BatchSize = 1000;

// An opcode as the byte the writer puts out.
constexpr char opcodeByte(pickle::Opcode opcode)
{
    return static_cast<char>(opcode);
}

// The identity of a Value for the memo: the storage it shares with its copies.
struct MemoKey
{
    const void* data;
    qsizetype size;
    Value::Type type;

    friend bool operator==(const MemoKey& a, const MemoKey& b)
    {
        return a.data == b.data && a.size == b.size && a.type == b.type;
    }
};

size_t qHash(const MemoKey& key, size_t seed = 0)
{
    return qHashMulti(seed, key.data, key.size, static_cast<int>(key.type));
}

// BININT1, BININT2 or BININT with its argument into `op` (5 bytes), as CPython picks them for
// an int of 32 bits: the opcode's size, or 0 for an int that needs LONG1.
qsizetype writeSmallInt(qint64 v, char* op)
{
    if (v < -0x80000000LL || v > 0x7fffffffLL)
        return 0;
    qToLittleEndian<quint32>(static_cast<quint32>(v), op + 1);
    if (op[3] != 0 || op[4] != 0) {
        op[0] = opcodeByte(pickle::BinInt);
        return 5;
    }
    if (op[2] != 0) {
        op[0] = opcodeByte(pickle::BinInt2);
        return 3;
    }
    op[0] = opcodeByte(pickle::BinInt1);
    return 2;
}

class PickleWriter
{
public:
    explicit PickleWriter(QByteArray& out)
        : m_out(out)
    {}

    void dump(const Value& value)
    {
        const qsizetype start = m_out.size();
        const char header[] = {opcodeByte(pickle::Proto), 4};
        write(header, 2);
        m_framing = true;
        save(value);
        writeByte(opcodeByte(pickle::Stop));
        commitFrame();
        m_framing = false;
        if (m_sawByteArray)
            m_out[start + 1] = 5;
    }

private:
    // _Pickler_Write: opens a frame (reserving its header) when framing and none is open.
    void write(const char* data, qsizetype size)
    {
        if (m_framing && m_frameStart < 0) {
            m_frameStart = m_out.size();
            m_out.append(FrameHeaderSize, '\xfe');
        }
        m_out.append(data, size);
    }

    void writeByte(char c)
    {
        if (m_framing && m_frameStart < 0) {
            m_frameStart = m_out.size();
            m_out.append(FrameHeaderSize, '\xfe');
        }
        m_out.append(c);
    }

    // _Pickler_CommitFrame: a frame of fewer than 4 bytes loses its header.
    void commitFrame()
    {
        if (!m_framing || m_frameStart < 0)
            return;
        const qsizetype length = m_out.size() - m_frameStart - FrameHeaderSize;
        if (length >= FrameSizeMin) {
            char* header = m_out.data() + m_frameStart;
            header[0] = opcodeByte(pickle::Frame);
            qToLittleEndian<quint64>(static_cast<quint64>(length), header + 1);
        } else {
            m_out.remove(m_frameStart, FrameHeaderSize);
        }
        m_frameStart = -1;
    }

    // _Pickler_OpcodeBoundary, which CPython runs at the start of every save().
    void opcodeBoundary()
    {
        if (m_framing && m_frameStart >= 0 &&
            m_out.size() - m_frameStart - FrameHeaderSize >= FrameSizeTarget)
            commitFrame();
    }

    // _Pickler_write_bytes: payloads of 64 KiB or more go outside any frame.
    void writeLarge(const char* header, qsizetype headerSize, const QByteArray& data)
    {
        if (data.size() < FrameSizeTarget) {
            write(header, headerSize);
            write(data.constData(), data.size());
            return;
        }
        commitFrame();
        const bool framing = m_framing;
        m_framing = false;
        write(header, headerSize);
        write(data.constData(), data.size());
        m_framing = framing;
    }

    static bool hasIdentity(const Value& value)
    {
        switch (value.type()) {
        case Value::Type::Str:
        case Value::Type::Bytes:
            return true; // '' and b'' are singletons in CPython; null arrays share one pointer too
        case Value::Type::ByteArray:
            return !value.bytes().isEmpty() || value.bytes().capacity() > 0;
        default:
            // An empty container has its own identity only when it owns an allocation.
            return !value.items().isEmpty() || value.items().capacity() > 0;
        }
    }

    static MemoKey memoKey(const Value& value)
    {
        switch (value.type()) {
        case Value::Type::Str:
        case Value::Type::Bytes:
            if (value.bytes().isEmpty())
                return {nullptr, 0, value.type()};
            return {value.bytes().constData(), value.bytes().size(), value.type()};
        case Value::Type::ByteArray:
            return {value.bytes().constData(), value.bytes().size(), value.type()};
        default:
            return {value.items().constData(), value.items().size(), value.type()};
        }
    }

    // save()'s memo check: a value already pickled becomes a BINGET / LONG_BINGET.
    bool saveMemoized(const Value& value)
    {
        if (m_memo.isEmpty() || !hasIdentity(value))
            return false;
        const auto it = m_memo.constFind(memoKey(value));
        if (it == m_memo.constEnd())
            return false;
        writeGet(it.value());
        return true;
    }

    // memo_put: every memoized object takes the next index, identifiable or not.
    void memoPut(const Value& value)
    {
        const quint32 index = m_memoSize++;
        if (hasIdentity(value))
            m_memo.insert(memoKey(value), index);
        writeByte(opcodeByte(pickle::Memoize));
    }

    void save(const Value& value)
    {
        opcodeBoundary();
        switch (value.type()) {
        case Value::Type::None:
            writeByte(opcodeByte(pickle::None));
            return;
        case Value::Type::Bool:
            writeByte(value.toBool() ? opcodeByte(pickle::NewTrue) : opcodeByte(pickle::NewFalse));
            return;
        case Value::Type::Int:
            saveInt(value.toInt());
            return;
        case Value::Type::BigInt: {
            // save_long: LONG1 up to 255 bytes, LONG4 beyond.
            const QByteArray& bytes = value.bytes();
            if (bytes.size() <= 0xff) {
                const char header[] = {opcodeByte(pickle::Long1), static_cast<char>(bytes.size())};
                write(header, 2);
            } else {
                char header[5] = {opcodeByte(pickle::Long4)};
                qToLittleEndian<quint32>(static_cast<quint32>(bytes.size()), header + 1);
                write(header, 5);
            }
            write(bytes.constData(), bytes.size());
            return;
        }
        case Value::Type::Float: {
            char op[9] = {opcodeByte(pickle::BinFloat)};
            qToBigEndian<quint64>(std::bit_cast<quint64>(value.toFloat()), op + 1);
            write(op, 9);
            return;
        }
        default:
            break;
        }

        if (saveMemoized(value))
            return;

        switch (value.type()) {
        case Value::Type::Str:
            saveCounted(value.bytes(), opcodeByte(pickle::ShortBinUnicode),
                        opcodeByte(pickle::BinUnicode), opcodeByte(pickle::BinUnicode8));
            memoPut(value);
            return;
        case Value::Type::Bytes:
            saveCounted(value.bytes(), opcodeByte(pickle::ShortBinBytes),
                        opcodeByte(pickle::BinBytes), opcodeByte(pickle::BinBytes8));
            memoPut(value);
            return;
        case Value::Type::ByteArray: {
            m_sawByteArray = true;
            char header[9] = {opcodeByte(pickle::ByteArray8)};
            qToLittleEndian<quint64>(static_cast<quint64>(value.bytes().size()), header + 1);
            writeLarge(header, 9, value.bytes());
            memoPut(value);
            return;
        }
        case Value::Type::Tuple:
            saveTuple(value);
            return;
        case Value::Type::List:
            saveList(value);
            return;
        case Value::Type::Dict:
            saveDict(value);
            return;
        case Value::Type::Set:
            saveSet(value);
            return;
        case Value::Type::FrozenSet:
            writeByte(opcodeByte(pickle::Mark));
            for (const Value& item : value.items())
                save(item);
            writeByte(opcodeByte(pickle::FrozenSet));
            memoPut(value);
            return;
        case Value::Type::Complex:
            saveReduce(value, "complex", value.items());
            return;
        case Value::Type::Range:
            saveReduce(value, "range", value.items());
            return;
        case Value::Type::Slice:
            saveReduce(value, "slice", value.items());
            return;
        case Value::Type::None:
        case Value::Type::Bool:
        case Value::Type::Int:
        case Value::Type::BigInt:
        case Value::Type::Float:
            break;
        }
    }

    // save_global for builtins.<name> as protocol 4 writes it, memoized like CPython's: the
    // module and name strings, then the global itself, which later uses fetch from the memo.
    void saveGlobal(const char* name)
    {
        const auto it = m_globals.constFind(QByteArray(name));
        if (it != m_globals.constEnd()) {
            writeGet(it.value());
            return;
        }
        const auto saveName = [this](const char* text) {
            const QByteArray bytes(text);
            const char header[] = {opcodeByte(pickle::ShortBinUnicode),
                                   static_cast<char>(bytes.size())};
            write(header, 2);
            write(bytes.constData(), bytes.size());
            writeByte(opcodeByte(pickle::Memoize));
            return m_memoSize++;
        };
        opcodeBoundary();
        if (m_builtinsIndex >= 0)
            writeGet(quint32(m_builtinsIndex));
        else
            m_builtinsIndex = saveName("builtins");
        opcodeBoundary();
        saveName(name);
        writeByte(opcodeByte(pickle::StackGlobal));
        writeByte(opcodeByte(pickle::Memoize));
        m_globals.insert(QByteArray(name), m_memoSize++);
    }

    // save_reduce of (builtins.<name>, args): what CPython writes for complex, range and slice.
    void saveReduce(const Value& value, const char* name, const QList<Value>& args)
    {
        saveGlobal(name);
        opcodeBoundary();
        for (const Value& arg : args)
            save(arg);
        writeByte(static_cast<char>(opcodeByte(pickle::Tuple1) + args.size() - 1));
        writeByte(opcodeByte(pickle::Memoize)); // the argument tuple, a new object
        ++m_memoSize;
        writeByte(opcodeByte(pickle::Reduce));
        memoPut(value);
    }

    void writeGet(quint32 index)
    {
        if (index < 256) {
            const char op[] = {opcodeByte(pickle::BinGet), static_cast<char>(index)};
            write(op, 2);
        } else {
            char op[5] = {opcodeByte(pickle::LongBinGet)};
            qToLittleEndian<quint32>(index, op + 1);
            write(op, 5);
        }
    }

    void saveInt(qint64 v)
    {
        char small[5];
        if (const qsizetype size = writeSmallInt(v, small)) {
            write(small, size);
            return;
        }
        // LONG1 with CPython's byte count: bits of |v| / 8 + 1, one less when the top byte of a
        // negative number is pure sign extension.
        const auto bits = static_cast<quint64>(v);
        const quint64 magnitude = v < 0 ? 0 - bits : bits;
        int nbytes = (64 - std::countl_zero(magnitude)) / 8 + 1;
        unsigned char bytes[9];
        for (int i = 0; i < 9; ++i)
            bytes[i] = i < 8 ? static_cast<unsigned char>(bits >> (8 * i)) : (v < 0 ? 0xff : 0);
        if (v < 0 && nbytes > 1 && bytes[nbytes - 1] == 0xff && (bytes[nbytes - 2] & 0x80) != 0)
            --nbytes;
        char op[11] = {opcodeByte(pickle::Long1), static_cast<char>(nbytes)};
        for (int i = 0; i < nbytes; ++i)
            op[2 + i] = static_cast<char>(bytes[i]);
        write(op, 2 + nbytes);
    }

    void saveCounted(const QByteArray& data, char shortOp, char op4, char op8)
    {
        const auto size = static_cast<quint64>(data.size());
        char header[9];
        qsizetype headerSize;
        if (size <= 0xff) {
            header[0] = shortOp;
            header[1] = static_cast<char>(size);
            headerSize = 2;
        } else if (size <= 0xffffffffULL) {
            header[0] = op4;
            qToLittleEndian<quint32>(static_cast<quint32>(size), header + 1);
            headerSize = 5;
        } else {
            header[0] = op8;
            qToLittleEndian<quint64>(size, header + 1);
            headerSize = 9;
        }
        writeLarge(header, headerSize, data);
    }

    void saveTuple(const Value& value)
    {
        const QList<Value>& items = value.items();
        if (items.isEmpty()) {
            writeByte(opcodeByte(pickle::EmptyTuple));
            return;
        }
        if (items.size() <= 3) {
            for (const Value& item : items)
                save(item);
            writeByte(static_cast<char>(opcodeByte(pickle::Tuple1) + items.size() - 1));
        } else {
            writeByte(opcodeByte(pickle::Mark));
            for (const Value& item : items)
                save(item);
            writeByte(opcodeByte(pickle::Tuple));
        }
        memoPut(value);
    }

    // save_list + batch_list_exact: one item goes with APPEND, more in MARK ... APPENDS batches.
    void saveList(const Value& value)
    {
        writeByte(opcodeByte(pickle::EmptyList));
        memoPut(value);
        const QList<Value>& items = value.items();
        if (items.size() == 1) {
            save(items.first());
            writeByte(opcodeByte(pickle::Append));
            return;
        }
        qsizetype total = 0;
        while (total < items.size()) {
            writeByte(opcodeByte(pickle::Mark));
            const qsizetype end = std::min(items.size(), total + BatchSize);
            for (; total < end; ++total)
                save(items.at(total));
            writeByte(opcodeByte(pickle::Appends));
        }
    }

    // save_dict + batch_dict_exact. Like CPython, a dict whose size is a multiple of 1000 ends
    // with an empty MARK SETITEMS batch.
    void saveDict(const Value& value)
    {
        writeByte(opcodeByte(pickle::EmptyDict));
        memoPut(value);
        const qsizetype pairs = value.size();
        if (pairs == 0)
            return;
        if (pairs == 1) {
            save(value.dictKey(0));
            save(value.dictValue(0));
            writeByte(opcodeByte(pickle::SetItem));
            return;
        }
        qsizetype next = 0;
        qsizetype batch;
        do {
            writeByte(opcodeByte(pickle::Mark));
            for (batch = 0; batch < BatchSize && next < pairs; ++batch, ++next) {
                save(value.dictKey(next));
                save(value.dictValue(next));
            }
            writeByte(opcodeByte(pickle::SetItems));
        } while (batch == BatchSize);
    }

    // save_set, with the same trailing empty batch as dicts.
    void saveSet(const Value& value)
    {
        writeByte(opcodeByte(pickle::EmptySet));
        memoPut(value);
        const QList<Value>& items = value.items();
        if (items.isEmpty())
            return;
        qsizetype next = 0;
        qsizetype batch;
        do {
            writeByte(opcodeByte(pickle::Mark));
            for (batch = 0; batch < BatchSize && next < items.size(); ++batch, ++next)
                save(items.at(next));
            writeByte(opcodeByte(pickle::AddItems));
        } while (batch == BatchSize);
    }

    QByteArray& m_out;
    qsizetype m_frameStart = -1;
    bool m_framing = false;
    bool m_sawByteArray = false;
    quint32 m_memoSize = 0;
    QHash<MemoKey, quint32> m_memo;
    qint64 m_builtinsIndex = -1;
    QHash<QByteArray, quint32> m_globals;
};

} // namespace

QByteArray encodePickle(const Value& value)
{
    QByteArray out;
    appendPickle(out, value);
    return out;
}

qsizetype writeScalarPickle(const Value& value, char* out)
{
    // Written without the frame and memo bookkeeping of PickleWriter, which costs far more than
    // such a value (a stream of send(float) is mostly that). The body (the opcode, its argument,
    // STOP) is written where it sits behind PROTO 4 and a FRAME header, and moved up behind
    // PROTO 4 when it is too short for a frame (as commitFrame()): at most three bytes.
    constexpr qsizetype kFramedBody = 2 + FrameHeaderSize;
    char* const body = out + kFramedBody;
    qsizetype size = 0;
    switch (value.type()) {
    case Value::Type::None:
        body[size++] = opcodeByte(pickle::None);
        break;
    case Value::Type::Bool:
        body[size++] = value.toBool() ? opcodeByte(pickle::NewTrue) : opcodeByte(pickle::NewFalse);
        break;
    case Value::Type::Int:
        size = writeSmallInt(value.toInt(), body);
        if (size == 0)
            return 0;
        break;
    case Value::Type::Float:
        body[size++] = opcodeByte(pickle::BinFloat);
        qToBigEndian<quint64>(std::bit_cast<quint64>(value.toFloat()), body + size);
        size += 8;
        break;
    default:
        return 0;
    }
    body[size++] = opcodeByte(pickle::Stop);
    out[0] = opcodeByte(pickle::Proto);
    out[1] = 4;
    if (size < FrameSizeMin) {
        for (qsizetype i = 0; i < size; ++i)
            out[2 + i] = body[i];
        return 2 + size;
    }
    out[2] = opcodeByte(pickle::Frame);
    qToLittleEndian<quint64>(quint64(size), out + 3);
    return kFramedBody + size;
}

void appendPickle(QByteArray& out, const Value& value)
{
    char scalar[kScalarPickleMax];
    if (const qsizetype size = writeScalarPickle(value, scalar); size > 0)
        out.append(scalar, size);
    else
        PickleWriter(out).dump(value);
}

} // namespace pipescope
