#pragma once

#include "wire/Value.h"

#include <QByteArray>
#include <QByteArrayView>
#include <span>
#include <vector>

namespace pipescope {

// One thing a pickle builds, as a preview records it instead of building it.
struct SketchNode
{
    enum class Kind : quint8
    {
        Value, // `value`: None, bool, int, float, str, bytes, bytearray, complex, range
        Text,  // `text`, shown as it is: a placeholder, a protocol 0 int beyond 64 bits
        Tuple, // the containers: `items` (a dict's keys and values alternate)
        List,
        Dict,
        Set,
        FrozenSet,
        Global, // `text` the module, `name` the qualified name, as Python 3 names them
        Call,   // an object: `callable` called with `args`, then APPEND, SETITEM and BUILD
    };

    Kind kind = Kind::Value;
    // More would have followed had the pickle not been cut: items, characters, (for a call) the
    // state BUILD gives it, or (for a known callable, see KnownCallable) its call.
    bool open = false;
    Value value{};
    QByteArray text{};
    QByteArray name{};
    // Containers: their items, unless `itemsOf` names another container whose items they are
    // (set(list) shares the list's, so that a pickle reusing one list costs no copies).
    std::vector<quint32> items{};
    qint32 itemsOf = -1;
    // Calls: what is called; the tuple of positional arguments (from `argsFrom` on) and the dict
    // of keyword arguments (NEWOBJ_EX); the list or dict of what APPEND(S)/ADDITEMS or
    // SETITEM(S) added to the object; the state BUILD gave it. -1: none.
    qint32 callable = -1;
    qint32 args = -1;
    qint32 kwargs = -1;
    qint32 listItems = -1;
    qint32 dictItems = -1;
    qint32 state = -1;
    quint32 argsFrom = 0;
    // Made by NEWOBJ, NEWOBJ_EX or copyreg (the default for objects), which a BUILD follows
    // whenever the object has state.
    bool newObj = false;
};

// The nodes of a pickle's preview, referenced by index, and the making of calls: where CPython
// pickles a plain value or a plain object through a known callable (see KnownCallable), the node
// is that value or that object's call, made without calling anything.
class SketchTree
{
public:
    using Kind = SketchNode::Kind;

    // A dict's value that the cut took away, in SketchNode::items.
    static constexpr quint32 Missing = 0xffffffff;

    const SketchNode& node(quint32 index) const { return m_nodes[index]; }
    SketchNode& node(quint32 index) { return m_nodes[index]; }
    size_t size() const { return m_nodes.size(); }
    // The items of a container (following `itemsOf`).
    const std::vector<quint32>& itemsOf(const SketchNode& node) const;

    quint32 add(SketchNode node);
    quint32 addValue(Value value, bool open = false);
    quint32 addText(QByteArray text);
    quint32 addContainer(Kind kind, std::span<const quint32> items, bool open = false);
    void addPair(quint32 dict, quint32 key, quint32 value);
    // A GLOBAL or STACK_GLOBAL of a pickle of `protocol` (Python 2 names mapped to Python 3's).
    quint32 addGlobal(QByteArrayView module, QByteArrayView name, int protocol);
    bool isKnownCallable(const SketchNode& node) const;

    // callable(*args[argsFrom:], **kwargs): a plain value where CPython pickles one through a
    // known callable (set, bytearray, _codecs.encode, copyreg._reconstructor, ...), else a Call.
    // `args` that is no tuple is the one argument. `open`: the call was cut, so its last
    // arguments may be missing or cut; a known callable that cannot be made then is an open
    // global, shown as "...".
    quint32 makeCall(quint32 callable, qint32 args, qint32 kwargs, bool open);

private:
    bool makePlain(quint32 callable, qint32 args, bool open, quint32& made);

    std::vector<SketchNode> m_nodes;
};

} // namespace pipescope
