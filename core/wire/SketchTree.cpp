#include "wire/SketchTree.h"

#include "wire/PickleGlobals.h"
#include "wire/PickleText.h"

namespace pipescope {

using Kind = SketchNode::Kind;
using Type = Value::Type;

const std::vector<quint32>& SketchTree::itemsOf(const SketchNode& node) const
{
    return node.itemsOf >= 0 ? m_nodes[node.itemsOf].items : node.items;
}

quint32 SketchTree::add(SketchNode node)
{
    m_nodes.push_back(std::move(node));
    return quint32(m_nodes.size() - 1);
}

quint32 SketchTree::addValue(Value value, bool open)
{
    return add({.kind = Kind::Value, .open = open, .value = std::move(value)});
}

quint32 SketchTree::addText(QByteArray text)
{
    return add({.kind = Kind::Text, .text = std::move(text)});
}

quint32 SketchTree::addContainer(Kind kind, std::span<const quint32> items, bool open)
{
    const quint32 node = add({.kind = kind, .open = open});
    m_nodes[node].items.assign(items.begin(), items.end());
    return node;
}

void SketchTree::addPair(quint32 dict, quint32 key, quint32 value)
{
    std::vector<quint32>& items = m_nodes[dict].items;
    items.push_back(key);
    items.push_back(value);
}

quint32 SketchTree::addGlobal(QByteArrayView module, QByteArrayView name, int protocol)
{
    PyGlobal global = python3Global(module, name, protocol);
    return add(
        {.kind = Kind::Global, .text = std::move(global.module), .name = std::move(global.name)});
}

bool SketchTree::isKnownCallable(const SketchNode& node) const
{
    return node.kind == Kind::Global &&
           knownCallable({node.text, node.name}) != KnownCallable::Other;
}

quint32 SketchTree::makeCall(quint32 callable, qint32 args, qint32 kwargs, bool open)
{
    if (args >= 0 && m_nodes[args].kind != Kind::Tuple) {
        // REDUCE's arguments are a tuple; anything else is shown as the one argument.
        const quint32 tuple = add({.kind = Kind::Tuple});
        m_nodes[tuple].items.push_back(quint32(args));
        args = qint32(tuple);
    }
    quint32 made = 0;
    const SketchNode& f = m_nodes[callable];
    if (kwargs < 0 && f.kind == Kind::Global && makePlain(callable, args, open, made))
        return made;
    if (open && isKnownCallable(f)) {
        // What it makes is not known yet: "..." (an open global).
        SketchNode unknown = f;
        unknown.open = true;
        return add(std::move(unknown));
    }
    return add({.kind = Kind::Call,
                .open = open,
                .callable = qint32(callable),
                .args = args,
                .kwargs = kwargs});
}

// The value CPython's unpickler would get from a known callable (see KnownCallable), made without
// calling it. `open`: the call was cut, so its last arguments may be missing or cut.
bool SketchTree::makePlain(quint32 callable, qint32 args, bool open, quint32& made)
{
    const SketchNode& f = m_nodes[callable];
    const KnownCallable known = knownCallable({f.text, f.name});
    if (known == KnownCallable::Other)
        return false;
    static const std::vector<quint32> none;
    const std::vector<quint32>& all = args >= 0 ? itemsOf(m_nodes[args]) : none;
    const size_t count = all.size();
    const auto arg = [&](size_t i) -> const SketchNode& { return m_nodes[all[i]]; };
    const auto isValue = [&](size_t i, Type type) {
        return i < count && arg(i).kind == Kind::Value && arg(i).value.type() == type;
    };
    const auto isLatin1 = [&](size_t i) {
        return isValue(i, Type::Str) && !arg(i).open &&
               (arg(i).value.bytes() == "latin1" || arg(i).value.bytes() == "latin-1");
    };
    // The str argument of bytearray(str, 'latin-1') and _codecs.encode(str, 'latin1'), as bytes;
    // with the encoding cut away, the cut str.
    const auto latin1 = [&](bool& cut, QByteArray& bytes) {
        // An encoding the cut took part of is taken for 'latin1', the only one CPython writes.
        const bool encoding = count == 2
                                  ? isLatin1(1) || (open && isValue(1, Type::Str) && arg(1).open)
                                  : open && count == 1;
        if (!isValue(0, Type::Str) || !encoding)
            return false;
        cut = arg(0).open || count == 1;
        return pickletext::latin1FromUtf8(arg(0).value.bytes(), bytes);
    };
    const auto number = [&](size_t i, double& out) {
        if (i >= count || arg(i).kind != Kind::Value || arg(i).open)
            return false;
        const Value& v = arg(i).value;
        out = v.type() == Type::Float ? v.toFloat() : double(v.toInt());
        return v.type() == Type::Float || v.type() == Type::Int || v.type() == Type::Bool;
    };
    const auto makeCallOf = [&](quint32 cls, qint32 callArgs, quint32 callFrom, qint32 kwargs) {
        made = add({.kind = Kind::Call,
                    .open = open,
                    .callable = qint32(cls),
                    .args = callArgs,
                    .kwargs = kwargs,
                    .argsFrom = callFrom});
        m_nodes[made].newObj = true; // the copyreg protocol: BUILD follows if there is state
        return true;
    };

    switch (known) {
    case KnownCallable::Set:
    case KnownCallable::FrozenSet: {
        const Kind kind = known == KnownCallable::Set ? Kind::Set : Kind::FrozenSet;
        if (count == 0 && !open) {
            made = add({.kind = kind});
            return true;
        }
        if (count != 1)
            return false;
        const SketchNode& source = arg(0);
        if (source.kind != Kind::List && source.kind != Kind::Tuple && source.kind != Kind::Set &&
            source.kind != Kind::FrozenSet)
            return false;
        const qint32 owner = source.itemsOf >= 0 ? source.itemsOf : qint32(all[0]);
        made = add({.kind = kind, .open = open || source.open, .itemsOf = owner});
        return true;
    }
    case KnownCallable::Bytes:
        if (count != 0)
            return false;
        made = addValue(Value::fromBytes({}), open);
        return true;
    case KnownCallable::ByteArray:
    case KnownCallable::CodecsEncode: {
        const bool array = known == KnownCallable::ByteArray;
        bool cut = false;
        QByteArray bytes;
        if (array && count == 0 && !open) {
            made = addValue(Value::fromByteArray({}));
        } else if (array && count == 1 && isValue(0, Type::Bytes)) {
            made = addValue(Value::fromByteArray(arg(0).value.bytes()), arg(0).open);
        } else if (latin1(cut, bytes)) {
            made = addValue(array ? Value::fromByteArray(bytes) : Value::fromBytes(bytes), cut);
        } else {
            return false;
        }
        return true;
    }
    case KnownCallable::Complex: {
        double real = 0;
        double imag = 0;
        if (open || count != 2 || !number(0, real) || !number(1, imag))
            return false;
        made = addValue(Value::complex(real, imag));
        return true;
    }
    case KnownCallable::Range: {
        for (size_t i = 0; i < 3; ++i) {
            if (open || count != 3 || !(isValue(i, Type::Int) || isValue(i, Type::BigInt)))
                return false;
        }
        if (arg(2).value.type() == Type::Int && arg(2).value.toInt() == 0)
            return false;
        made = addValue(Value::range(arg(0).value, arg(1).value, arg(2).value));
        return true;
    }
    case KnownCallable::Reconstructor: { // (cls, base, state): an object of cls
        if (count < 1)
            return false;
        const quint32 cls = all[0]; // before add(), which may move `all`
        qint32 state = -1;
        if (count >= 3 && !(arg(2).kind == Kind::Value && arg(2).value.isNone())) {
            const quint32 value = all[2];
            state = qint32(add({.kind = Kind::Tuple}));
            m_nodes[state].items.push_back(value);
        }
        return makeCallOf(cls, state, 0, -1);
    }
    case KnownCallable::NewObj: // (cls, *args)
        return count >= 1 && makeCallOf(all[0], args, 1, -1);
    case KnownCallable::NewObjEx: // (cls, args, kwargs)
        if (count < 1)
            return false;
        return makeCallOf(all[0], count >= 2 ? qint32(all[1]) : -1, 0,
                          count >= 3 ? qint32(all[2]) : -1);
    case KnownCallable::Other:
        break;
    }
    return false;
}

} // namespace pipescope
