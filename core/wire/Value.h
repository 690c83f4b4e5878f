#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringView>
#include <utility>

namespace pipescope {

// A Python value of the types a pickle may carry without importing anything: None, bool, int
// (of any size), float, str, bytes, bytearray, tuple, list, dict, set and frozenset, and complex,
// range and slice, which CPython pickles through a few harmless builtins (see decodePickle()).
//
// An int that fits in 64 bits is always Type::Int; any other is Type::BigInt, held as the
// little-endian two's complement of pickle's LONG opcodes in its shortest form (so equal ints
// are equal Values, whatever produced them).
//
// Values are immutable and cheap to copy: scalars live inline (no heap allocation for None, bool,
// int or float) and text, bytes and items are implicitly shared. A str is stored as the UTF-8 that
// pickle uses, lone surrogates allowed ('surrogatepass', see isPyUtf8()), so every Python str,
// '\ud800' included, survives a round trip.
//
// Copies share storage, and the pickle writer treats values sharing storage as one Python object
// (pickled once, then referenced from the memo), which is how decodePickle() hands back objects a
// pickle referenced twice.
class Value
{
public:
    enum class Type : quint8
    {
        None,
        Bool,
        Int,
        Float,
        Str,
        Bytes,
        ByteArray,
        Tuple,
        List,
        Dict,
        Set,
        FrozenSet,
        BigInt,  // an int beyond 64 bits: bytes() holds it (see above)
        Complex, // items(): the real and imaginary parts, two floats
        Range,   // items(): start, stop and step, ints
        Slice,   // items(): start, stop and step, any values
    };

    Value() = default; // None

    static Value none() { return {}; }
    // (Inline, as the other trivial accessors: a stream of scalars is mostly these.)
    static Value fromBool(bool value)
    {
        Value v;
        v.m_type = Type::Bool;
        v.m_bool = value;
        return v;
    }
    static Value fromInt(qint64 value)
    {
        Value v;
        v.m_type = Type::Int;
        v.m_int = value;
        return v;
    }
    static Value fromFloat(double value)
    {
        Value v;
        v.m_type = Type::Float;
        v.m_float = value;
        return v;
    }
    // An int from its little-endian two's complement (any length, empty meaning 0): Type::Int
    // when it fits in 64 bits, else Type::BigInt in the shortest form.
    static Value fromIntBytes(QByteArrayView littleEndian);
    static Value complex(double real, double imag);
    // The caller guarantees start, stop and step are ints (Int or BigInt) and step is not 0.
    static Value range(Value start, Value stop, Value step);
    static Value slice(Value start, Value stop, Value step);
    static Value fromStr(QStringView text);
    // Takes UTF-8 as isPyUtf8() accepts it; the caller guarantees that.
    static Value fromStrUtf8(QByteArray utf8);
    static Value fromBytes(QByteArray bytes);
    static Value fromByteArray(QByteArray bytes);
    static Value tuple(QList<Value> items);
    static Value list(QList<Value> items);
    // Keeps the pairs in the given order and does not merge equal keys: that is the caller's job.
    static Value dict(const QList<std::pair<Value, Value>>& items);
    // The same from keys and values alternating, as items() gives them back.
    static Value dictFromItems(QList<Value> keysAndValues);
    // Keeps the items in the given order and does not merge equal items: that is the caller's job.
    static Value set(QList<Value> items);
    static Value frozenset(QList<Value> items);

    Type type() const { return m_type; }
    // type(value).__name__: "NoneType", "bool", "int", ...
    QString typeName() const;
    static QString typeName(Type type);

    bool isNone() const { return m_type == Type::None; }
    // Scalar accessors; each returns 0/false for values of another type.
    bool toBool() const { return m_type == Type::Bool && m_bool; }
    qint64 toInt() const { return m_type == Type::Int ? m_int : 0; }
    double toFloat() const { return m_type == Type::Float ? m_float : 0.0; }

    bool isInt() const { return m_type == Type::Int || m_type == Type::BigInt; }

    // The UTF-8 of a str, the contents of bytes and bytearray, a big int's two's complement;
    // empty for other types.
    const QByteArray& bytes() const { return m_bytes; }
    // A str as UTF-16 (a pair of lone surrogates comes back as one code point).
    QString str() const;

    // len(value) for str (in code points), bytes, bytearray and containers; dicts count pairs.
    qsizetype size() const;
    // The elements of a tuple, list, set or frozenset; for a dict, keys and values alternate.
    const QList<Value>& items() const { return m_items; }
    const Value& at(qsizetype i) const { return m_items.at(i); }
    const Value& dictKey(qsizetype i) const { return m_items.at(2 * i); }
    const Value& dictValue(qsizetype i) const { return m_items.at(2 * i + 1); }
    // The value of the first key equal (by operator==) to key, or nullptr.
    const Value* dictGet(const Value& key) const;

    // repr(value), exactly as CPython prints it. The exception: an int of more than 4300 digits,
    // whose repr CPython 3.11 refuses (ValueError: Exceeds the limit (4300 digits) for integer
    // string conversion), shows as "<int of N bits>" ("<negative int of N bits>"), N being the
    // bit length of its magnitude: PipeScope must show something, and converting such a number
    // to decimal would cost time that grows with the square of its size.
    QString repr() const;
    // Its first `maxLength` UTF-16 units (a surrogate pair is not split, nor an escape such as
    // \xa8 or \n inside a str or bytes: the cut falls before it), for a preview: built in time
    // that grows with maxLength, not with the value (a 10 MB bytes, a million-item list).
    // Sets `cut` to whether anything was left out. A str or bytes that is cut picks its quote
    // from the part of it that was looked at, where CPython looks at all of it.
    QString repr(qsizetype maxLength, bool& cut) const;
    // The same bounded in UTF-8 bytes (a telemetry record's unit): the longest such repr whose
    // UTF-8 fits in maxBytes, so that no escape or character is split.
    QByteArray reprUtf8(qsizetype maxBytes, bool& cut) const;

    // Structural and type-strict: 1 != 1.0 != True, sets and dicts compare in order, floats
    // compare by bit pattern except that every NaN equals every NaN (so 0.0 != -0.0).
    friend bool operator==(const Value& a, const Value& b);
    friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

private:
    // Appends the repr, stopping soon after `out` has grown past `limit` units, or at `limit`
    // with `cut` set when a str or bytes is cut (between escapes).
    void appendRepr(QString& out, qsizetype limit, bool& cut) const;

    Type m_type = Type::None;
    union {
        bool m_bool;
        qint64 m_int = 0;
        double m_float;
    };
    QByteArray m_bytes;
    QList<Value> m_items;
};

} // namespace pipescope
