#include "wire/SketchStack.h"

#include "wire/PickleOpcodes.h"

#include <algorithm>

namespace pipescope {

using Kind = SketchNode::Kind;
using Type = Value::Type;

SketchStack::SketchStack(SketchTree& tree)
    : m_tree(tree)
{}

bool SketchStack::push(quint32 node)
{
    m_stack.push_back(node);
    return true;
}

bool SketchStack::mark()
{
    m_marks.push_back(qsizetype(m_stack.size()));
    return true;
}

bool SketchStack::pop()
{
    if (available() == 0 && !m_marks.empty()) {
        m_marks.pop_back();
        return true;
    }
    if (available() < 1)
        return underflow();
    m_stack.pop_back();
    return true;
}

bool SketchStack::popMark()
{
    const qsizetype mark = takeMark();
    if (mark < 0)
        return false;
    m_stack.resize(mark);
    return true;
}

bool SketchStack::dup()
{
    if (available() < 1)
        return underflow();
    return push(m_stack.back());
}

bool SketchStack::tuple(qsizetype n)
{
    if (available() < n)
        return underflow();
    return push(takeContainer(Kind::Tuple, qsizetype(m_stack.size()) - n));
}

bool SketchStack::fromMark(Kind kind)
{
    const qsizetype mark = takeMark();
    if (mark < 0)
        return false;
    if (kind != Kind::Dict)
        return push(takeContainer(kind, mark));
    if ((qsizetype(m_stack.size()) - mark) % 2 != 0)
        return fail(QStringLiteral("odd number of items"));
    return push(takeContainer(kind, mark));
}

// APPEND, APPENDS, ADDITEMS, SETITEM, SETITEMS: into a list, set or dict, or an object (whose
// list or dict of such items a preview shows as an argument).
bool SketchStack::addItems(unsigned char op)
{
    const bool pairs = op == pickle::SetItem || op == pickle::SetItems;
    qsizetype from = 0;
    if (op == pickle::Append || op == pickle::SetItem) {
        const qsizetype n = op == pickle::Append ? 1 : 2;
        if (available() < n + 1)
            return underflow();
        from = qsizetype(m_stack.size()) - n;
    } else {
        from = takeMark();
        if (from < 0)
            return false;
        if (from - 1 < fence())
            return underflow();
    }
    if (pairs && (qsizetype(m_stack.size()) - from) % 2 != 0)
        return fail(QStringLiteral("odd number of items"));
    quint32 target = m_stack[from - 1];
    if (m_tree.node(target).kind == Kind::Call) {
        const SketchNode& object = m_tree.node(target);
        const qint32 existing = pairs ? object.dictItems : object.listItems;
        const quint32 items = existing >= 0 ? quint32(existing)
                                            : m_tree.add({.kind = pairs ? Kind::Dict : Kind::List});
        SketchNode& call = m_tree.node(target); // add() may have moved it
        (pairs ? call.dictItems : call.listItems) = qint32(items);
        target = items;
    }
    SketchNode& node = m_tree.node(target);
    const bool fits =
        node.itemsOf < 0 &&
        (pairs ? node.kind == Kind::Dict : node.kind == Kind::List || node.kind == Kind::Set);
    if (node.kind == Kind::Text || node.kind == Kind::Global) {
        // A persistent or extension object, say: what it gets is not shown.
    } else if (!fits) {
        return fail(pairs ? QStringLiteral("needs a dict") : QStringLiteral("needs a list or set"));
    } else {
        node.items.insert(node.items.end(), m_stack.begin() + from, m_stack.end());
    }
    m_stack.resize(from);
    return true;
}

// REDUCE, NEWOBJ and NEWOBJ_EX (the callable, its argument tuple and keyword dict on the stack)
// and OBJ (the class and the arguments since the MARK).
bool SketchStack::call(unsigned char op)
{
    if (op == pickle::Obj) {
        const qsizetype mark = takeMark();
        if (mark < 0)
            return false;
        if (qsizetype(m_stack.size()) == mark)
            return underflow();
        const quint32 cls = m_stack[mark];
        const quint32 args = takeContainer(Kind::Tuple, mark + 1);
        m_stack.pop_back();
        return push(m_tree.makeCall(cls, qint32(args), -1, false));
    }
    const qsizetype n = op == pickle::NewObjEx ? 3 : 2;
    if (available() < n)
        return underflow();
    const quint32 callable = m_stack[m_stack.size() - n];
    const quint32 args = m_stack[m_stack.size() - n + 1];
    const qint32 kwargs = n == 3 ? qint32(m_stack.back()) : -1;
    m_stack.resize(m_stack.size() - n);
    const quint32 made = m_tree.makeCall(callable, qint32(args), kwargs, false);
    if (op != pickle::Reduce && m_tree.node(made).kind == Kind::Call)
        m_tree.node(made).newObj = true;
    return push(made);
}

bool SketchStack::inst(quint32 cls)
{
    const qsizetype mark = takeMark(); // the arguments since the MARK
    if (mark < 0)
        return false;
    const quint32 args = takeContainer(Kind::Tuple, mark);
    return push(m_tree.makeCall(cls, qint32(args), -1, false));
}

bool SketchStack::build()
{
    if (available() < 2)
        return underflow();
    const quint32 state = m_stack.back();
    m_stack.pop_back();
    SketchNode& object = m_tree.node(m_stack.back());
    // What is no Call (a placeholder, say) keeps its text; CPython's last BUILD wins.
    if (object.kind == Kind::Call)
        object.state = qint32(state);
    return true;
}

bool SketchStack::stackGlobal(int protocol)
{
    if (available() < 2)
        return underflow();
    const SketchNode& module = m_tree.node(m_stack[m_stack.size() - 2]);
    const SketchNode& name = m_tree.node(m_stack.back());
    const auto isStr = [](const SketchNode& n) {
        return n.kind == Kind::Value && n.value.type() == Type::Str && !n.open;
    };
    if (!isStr(module) || !isStr(name))
        return fail(QStringLiteral("STACK_GLOBAL needs two str"));
    const QByteArray moduleText = module.value.bytes();
    const QByteArray nameText = name.value.bytes();
    m_stack.resize(m_stack.size() - 2);
    return push(m_tree.addGlobal(moduleText, nameText, protocol));
}

bool SketchStack::replaceTop(quint32 node)
{
    if (available() < 1)
        return underflow();
    m_stack.back() = node;
    return true;
}

bool SketchStack::needTop()
{
    return available() >= 1 || underflow();
}

bool SketchStack::memoPut(quint64 key)
{
    if (available() < 1)
        return underflow();
    m_memo[key] = m_stack.back();
    return true;
}

bool SketchStack::memoize()
{
    return memoPut(m_memo.size()); // CPython's key: len(memo)
}

bool SketchStack::memoGet(quint64 key)
{
    const auto it = m_memo.find(key);
    if (it == m_memo.end())
        return fail(QStringLiteral("memo key %1 not found").arg(key));
    return push(it->second);
}

bool SketchStack::stop(qint32& root)
{
    // CPython takes the top value and ignores what else is on the stack.
    if (available() < 1)
        return underflow();
    root = qint32(m_stack.back());
    return true;
}

qsizetype SketchStack::takeMark()
{
    if (m_marks.empty()) {
        fail(QStringLiteral("no MARK"));
        return -1;
    }
    const qsizetype mark = m_marks.back();
    m_marks.pop_back();
    return mark;
}

quint32 SketchStack::takeContainer(Kind kind, qsizetype from, bool open)
{
    const quint32 node =
        m_tree.addContainer(kind, std::span<const quint32>(m_stack).subspan(size_t(from)), open);
    m_stack.resize(size_t(from));
    return node;
}

bool SketchStack::fail(const QString& what)
{
    m_error = what;
    return false;
}

bool SketchStack::underflow()
{
    return fail(QStringLiteral("stack underflow"));
}

// The end of a cut pickle: what is still on the stack is put where the opcodes that did not come
// would have put it (a best effort: the cut took what would say so). CPython's pickler saves one
// object after the other, depth first, so the stack holds, per level, a container or callable,
// a MARK and the items done, then the next level: the item it was saving when the cut came.
// From the topmost MARK down, the item being saved is finished first (foldTop(): only where the
// stack says it for sure, since it may as well be several items done), then the items after the
// MARK go into the list, set or dict below it (or an object's items), else into an open tuple.
// Below every MARK all is one value being saved, finished alike but taking anything: an item that
// fits nowhere is dropped. Whatever could have grown is open.
qint32 SketchStack::finishCut(int protocol)
{
    if (!m_stack.empty()) {
        SketchNode& top = m_tree.node(m_stack.back());
        // A known callable (set, copyreg._reconstructor, ...) stands for what it makes: not yet
        // known, "...".
        if (top.kind == Kind::List || top.kind == Kind::Dict ||
            (top.kind == Kind::Set && top.itemsOf < 0) ||
            (top.kind == Kind::Call && top.state < 0) ||
            (top.kind == Kind::Global && m_tree.isKnownCallable(top)))
            top.open = true;
    }
    while (!m_marks.empty()) {
        const qsizetype mark = m_marks.back();
        while (foldTop(mark, true, protocol)) {
        }
        m_marks.pop_back();
        flushMark(mark);
    }
    while (m_stack.size() > 1) {
        if (!foldTop(0, false, protocol))
            m_stack.pop_back();
    }
    return m_stack.empty() ? -1 : qint32(m_stack.front());
}

// Finishes what the top of the stack (from `from` up) was building, if it can: an item above a
// list or set goes into it; a tuple above a global (with a dict above it: NEWOBJ_EX) become its
// call's arguments, anything else its first argument; what is above a call is its BUILD state;
// a key and value above a dict go into it, a key alone with its value missing. `sure`: only
// where that cannot well be items one after the other (an empty container; a call by NEWOBJ and
// a dict or tuple for its state; a global and a tuple, or a known callable and anything; in
// protocol 0, which adds items one by one, any container).
bool SketchStack::foldTop(qsizetype from, bool sure, int protocol)
{
    const qsizetype n = qsizetype(m_stack.size());
    if (n - from < 2)
        return false;
    const quint32 t = m_stack[n - 1];
    const quint32 b = m_stack[n - 2];
    SketchNode& top = m_tree.node(t);
    SketchNode& below = m_tree.node(b);
    const SketchNode* third = n - from >= 3 ? &m_tree.node(m_stack[n - 3]) : nullptr;
    // Protocol 0 adds items one by one (APPEND, SETITEM); later ones in batches after a MARK.
    const auto ready = [sure, protocol](const SketchNode& container) {
        return !sure || protocol == 0 || container.items.empty();
    };
    if ((below.kind == Kind::List || below.kind == Kind::Set) && below.itemsOf < 0 &&
        ready(below)) {
        below.items.push_back(t);
        below.open = true;
        m_stack.pop_back();
    } else if (third && third->kind == Kind::Global && below.kind == Kind::Tuple &&
               top.kind == Kind::Dict) {
        const quint32 call = m_tree.makeCall(m_stack[n - 3], qint32(b), qint32(t), true);
        m_stack.resize(n - 3);
        m_stack.push_back(call);
    } else if (below.kind == Kind::Global &&
               (!sure || top.kind == Kind::Tuple || m_tree.isKnownCallable(below))) {
        const quint32 call = m_tree.makeCall(b, qint32(t), -1, true);
        m_stack.resize(n - 2);
        m_stack.push_back(call);
    } else if (below.kind == Kind::Call &&
               (!sure || (below.state < 0 && below.newObj &&
                          (top.kind == Kind::Dict || top.kind == Kind::Tuple)))) {
        below.state = qint32(t);
        below.open = true;
        m_stack.pop_back();
    } else if (third && third->kind == Kind::Dict && ready(*third)) {
        m_tree.addPair(m_stack[n - 3], b, t);
        m_tree.node(m_stack[n - 3]).open = true;
        m_stack.resize(n - 2);
    } else if (below.kind == Kind::Dict && ready(below)) {
        m_tree.addPair(b, t, SketchTree::Missing);
        below.open = true;
        m_stack.pop_back();
    } else {
        return foldArguments(from, sure);
    }
    return true;
}

// Two or three values above a global: the arguments TUPLE2 or TUPLE3 would have made (when
// `sure`, only for a known callable, which is never an item itself).
bool SketchStack::foldArguments(qsizetype from, bool sure)
{
    const qsizetype n = qsizetype(m_stack.size());
    for (qsizetype g = n - 3; g >= std::max(from, n - 4); --g) {
        const SketchNode& f = m_tree.node(m_stack[g]);
        if (f.kind != Kind::Global)
            continue;
        if (sure && !m_tree.isKnownCallable(f))
            return false;
        const quint32 callable = m_stack[g];
        const quint32 args = takeContainer(Kind::Tuple, g + 1, true); // the global is on top
        m_stack.back() = m_tree.makeCall(callable, qint32(args), -1, true);
        return true;
    }
    return false;
}

// The items after the MARK at `mark` into the list, set or dict below it (or the object's list or
// dict of items), else into an open tuple in their place.
void SketchStack::flushMark(qsizetype mark)
{
    qint32 target = mark > 0 ? qint32(m_stack[mark - 1]) : -1;
    if (target >= 0 && m_tree.node(target).kind == Kind::Call) {
        SketchNode& call = m_tree.node(target);
        call.open = true;
        target = call.dictItems >= 0 ? call.dictItems : call.listItems;
    }
    SketchNode* node = target >= 0 ? &m_tree.node(target) : nullptr;
    if (node && node->itemsOf < 0 && (node->kind == Kind::List || node->kind == Kind::Set)) {
        node->items.insert(node->items.end(), m_stack.begin() + mark, m_stack.end());
        node->open = true;
        m_stack.resize(mark);
    } else if (node && node->kind == Kind::Dict) {
        for (qsizetype k = mark; k < qsizetype(m_stack.size()); k += 2)
            m_tree.addPair(quint32(target), m_stack[k],
                           k + 1 < qsizetype(m_stack.size()) ? m_stack[k + 1]
                                                             : SketchTree::Missing);
        node->open = true;
        m_stack.resize(mark);
    } else {
        push(takeContainer(Kind::Tuple, mark, true));
    }
}

} // namespace pipescope
