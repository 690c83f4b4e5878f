#include "wire/SketchRenderer.h"

#include "wire/PickleText.h"

#include <algorithm>

namespace pipescope {

using Kind = SketchNode::Kind;
using Type = Value::Type;

namespace {

constexpr QLatin1String kCut("...");
constexpr QLatin1String kMoreCut(", ...");

} // namespace

SketchRenderer::SketchRenderer(const PickleSketch& sketch, int maxDepth)
    : m_sketch(sketch)
    , m_tree(sketch.tree())
    , m_maxDepth(maxDepth)
{}

QString SketchRenderer::render(qsizetype limit)
{
    m_out.clear();
    m_limit = std::max<qsizetype>(limit, 3);
    m_steps = 0;
    m_marked = false;
    m_active.assign(m_tree.size(), false);
    if (m_named.size() != m_tree.size())
        m_named.assign(m_tree.size(), -2);
    if (m_sketch.root() < 0)
        return kCut;
    // A cut pickle whose open parts show no mark gets one at the end: "5...".
    const qsizetype reserve = m_sketch.cut() ? 3 : 0;
    if (!node(quint32(m_sketch.root()), 1, reserve) && !m_marked)
        m_out = kCut; // not even a name fitted
    else if (m_sketch.cut() && !m_marked)
        m_out += kCut;
    return m_out;
}

bool SketchRenderer::node(quint32 index, int depth, qsizetype reserve)
{
    // Every node writes something, so the steps stay within the bound; this is a backstop.
    if (++m_steps > 4 * m_limit + 64)
        return ellipsis(reserve);
    if (depth > m_maxDepth) { // "..." for what is nested too deep, and on with the rest
        if (room(reserve) < kCut.size())
            return false;
        m_out += kCut;
        m_marked = true;
        return true;
    }
    const SketchNode& n = m_tree.node(index);
    if (m_active[index]) // a container inside itself, as Python shows it
        return atom(n.kind == Kind::List   ? QStringLiteral("[...]")
                    : n.kind == Kind::Dict ? QStringLiteral("{...}")
                                           : QString(kCut),
                    reserve);
    const std::vector<quint32>& items = m_tree.itemsOf(n);
    const auto count = qsizetype(items.size());
    const auto item = [&items](qsizetype i) { return Entry{.value = items[i]}; };
    m_active[index] = true;
    bool done = true;
    switch (n.kind) {
    case Kind::Value:
        done = leaf(n, reserve);
        break;
    case Kind::Text:
        done = atom(QString::fromUtf8(n.text), reserve);
        break;
    case Kind::Global: // open: a known callable whose call the cut took (see finishCut())
        done = n.open ? ellipsis(reserve) : atom(globalName(n), reserve);
        break;
    case Kind::Tuple:
        done = sequence(QLatin1String("("), count, item,
                        QLatin1String(count == 1 && !n.open ? ",)" : ")"), n.open, depth, reserve);
        break;
    case Kind::List:
        done =
            sequence(QLatin1String("["), count, item, QLatin1String("]"), n.open, depth, reserve);
        break;
    case Kind::Dict:
        done = sequence(
            QLatin1String("{"), count / 2,
            [&items](qsizetype i) {
                return Entry{.key = qint32(items[2 * i]), .value = items[2 * i + 1]};
            },
            QLatin1String("}"), n.open, depth, reserve);
        break;
    case Kind::Set:
    case Kind::FrozenSet: {
        const bool set = n.kind == Kind::Set;
        if (count == 0) {
            done = sequence(QLatin1String(set ? "set(" : "frozenset("), 0, item, QLatin1String(")"),
                            n.open, depth, reserve);
        } else {
            done = sequence(QLatin1String(set ? "{" : "frozenset({"), count, item,
                            QLatin1String(set ? "}" : "})"), n.open, depth, reserve);
        }
        break;
    }
    case Kind::Call:
        done = call(n, depth, reserve);
        break;
    }
    m_active[index] = false;
    return done;
}

bool SketchRenderer::leaf(const SketchNode& n, qsizetype reserve)
{
    const Value& v = n.value;
    if (!n.open) {
        bool cut = false;
        const QString text = v.repr(room(reserve), cut);
        if (!cut) {
            m_out += text;
            return true;
        }
    }
    // A str, bytes or bytearray cut by the pickle or the bound: "...", then its closing quote.
    const Type type = v.type();
    if (type != Type::Str && type != Type::Bytes && type != Type::ByteArray)
        return ellipsis(reserve);
    const qsizetype closing = type == Type::ByteArray ? 2 : 1;
    const qsizetype opening = type == Type::Str ? 1 : type == Type::Bytes ? 2 : 12;
    bool cut = false;
    QString text = v.repr(room(reserve) - 3 - closing, cut);
    if (!cut)
        text.chop(closing);
    if (text.size() < opening)
        return ellipsis(reserve);
    const QChar quote = text.at(opening - 1);
    m_out += text + kCut + quote;
    if (type == Type::ByteArray)
        m_out += QLatin1Char(')');
    m_marked = true;
    return !cut;
}

// module.Name(args..., name=value...): the positional arguments, the keyword arguments (NEWOBJ_EX),
// what APPEND(S) and SETITEM(S) added (as a list and a dict), the state BUILD gave (a dict with
// str keys, or a slots tuple of such dicts; any other state as "...").
bool SketchRenderer::call(const SketchNode& n, int depth, qsizetype reserve)
{
    // The callable first, with room for "(...)" after it.
    if (n.callable < 0)
        return ellipsis(reserve);
    if (!node(quint32(n.callable), depth + 1, reserve + 5))
        return false;
    static const std::vector<quint32> none;
    const std::vector<quint32>& args = n.args >= 0 ? m_tree.itemsOf(m_tree.node(n.args)) : none;
    const auto positional = qsizetype(args.size() > n.argsFrom ? args.size() - n.argsFrom : 0);
    const qsizetype keywords = n.kwargs >= 0 ? namedPairs(n.kwargs) : 0;
    qint32 stateDicts[2] = {-1, -1};
    bool otherState = false;
    if (n.state >= 0) {
        const SketchNode& state = m_tree.node(quint32(n.state));
        if (state.kind == Kind::Dict) {
            stateDicts[0] = n.state;
        } else if (state.kind == Kind::Tuple && state.items.size() == 2) {
            // (dict or None, slots dict), as object.__getstate__() gives with __slots__.
            for (int k = 0; k < 2; ++k) {
                const SketchNode& part = m_tree.node(state.items[k]);
                if (part.kind == Kind::Dict)
                    stateDicts[k] = qint32(state.items[k]);
                else if (!(part.kind == Kind::Value && part.value.isNone()))
                    otherState = true;
            }
        } else if (!(state.kind == Kind::Value && state.value.isNone())) {
            otherState = true;
        }
    }
    qsizetype stateCounts[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
        stateCounts[k] = stateDicts[k] >= 0 ? namedPairs(stateDicts[k]) : 0;
        otherState = otherState || stateCounts[k] < 0;
    }
    if (otherState)
        stateCounts[0] = stateCounts[1] = 0;
    // The segments, in order; a count of -1 (keywords that are no names) shows as one "**dict".
    const qsizetype counts[] = {positional,
                                std::max<qsizetype>(keywords, keywords < 0 ? 1 : 0),
                                n.listItems >= 0 ? 1 : 0,
                                n.dictItems >= 0 ? 1 : 0,
                                stateCounts[0],
                                stateCounts[1],
                                otherState ? 1 : 0};
    qsizetype total = 0;
    for (const qsizetype c : counts)
        total += c;
    const auto at = [&](qsizetype i) -> Entry {
        int segment = 0;
        while (i >= counts[segment])
            i -= counts[segment++];
        switch (segment) {
        case 0:
            return {.value = args[n.argsFrom + size_t(i)]};
        case 1:
            if (keywords < 0)
                return {.prefix = QStringLiteral("**"), .value = quint32(n.kwargs)};
            return namedEntry(quint32(n.kwargs), i);
        case 2:
            return {.value = quint32(n.listItems)};
        case 3:
            return {.value = quint32(n.dictItems)};
        case 4:
        case 5:
            return namedEntry(quint32(stateDicts[segment - 4]), i);
        default:
            return {.cut = false}; // state shown as "..."
        }
    };
    bool open = n.open;
    for (const qint32 dict : {n.kwargs, stateDicts[0], stateDicts[1]})
        open = open || (dict >= 0 && m_tree.node(quint32(dict)).open);
    return sequence(QLatin1String("("), total, at, QLatin1String(")"), open, depth, reserve);
}

template <typename At>
bool SketchRenderer::sequence(QLatin1String opener, qsizetype count, At at, QLatin1String closer,
                              bool open, int depth, qsizetype reserve)
{
    if (room(reserve) < opener.size() + kCut.size() + closer.size())
        return ellipsis(reserve);
    m_out += opener;
    // Room kept after each item for ", ..." and the closer.
    const qsizetype itemReserve = reserve + kMoreCut.size() + closer.size();
    bool lastMissing = false;
    for (qsizetype i = 0; i < count; ++i) {
        const qsizetype pos = m_out.size();
        const Entry entry = at(i);
        const qsizetype lead = (i > 0 ? 2 : 0) + entry.prefix.size();
        if (room(itemReserve) < lead + kCut.size())
            return closeCut(pos, lead, i == 0, closer);
        if (i > 0)
            m_out += QLatin1String(", ");
        m_out += entry.prefix;
        // Room after a key for ": ...".
        if (entry.key >= 0 && !node(quint32(entry.key), depth + 1, itemReserve + 5))
            return closeCut(pos, lead, i == 0, closer);
        if (entry.key >= 0)
            m_out += QLatin1String(": ");
        lastMissing = entry.value == SketchTree::Missing;
        if (lastMissing) {
            m_out += kCut;
            m_marked = m_marked || entry.cut;
        } else if (!node(entry.value, depth + 1, itemReserve)) {
            return closeCut(pos, lead, i == 0, closer);
        }
    }
    if (open && !lastMissing)
        m_out += count > 0 ? kMoreCut : kCut;
    m_marked = m_marked || open;
    m_out += closer;
    return true;
}

// Ends a sequence whose item at `pos` (after `lead`: ", " and a prefix) ran out of room: an item
// that wrote no more than "..." is taken back, one that wrote a cut form stays; then "..." for
// the rest and the closer. The caller kept room for both.
bool SketchRenderer::closeCut(qsizetype pos, qsizetype lead, bool first, QLatin1String closer)
{
    if (m_out.size() > pos) {
        const QStringView written = QStringView(m_out).sliced(std::min(pos + lead, m_out.size()));
        if (written.isEmpty() || written == kCut)
            m_out.truncate(pos);
    }
    m_out += m_out.size() == pos && first ? kCut : kMoreCut;
    m_out += closer == QLatin1String(",)") ? QLatin1String(")") : closer; // (1,) cut: (...)
    m_marked = true;
    return false;
}

bool SketchRenderer::atom(const QString& text, qsizetype reserve)
{
    if (text.size() > room(reserve))
        return ellipsis(reserve);
    m_out += text;
    return true;
}

bool SketchRenderer::ellipsis(qsizetype reserve)
{
    if (room(reserve) < kCut.size())
        return false;
    m_out += kCut;
    m_marked = true;
    return false;
}

QString SketchRenderer::globalName(const SketchNode& n) const
{
    // builtins.ValueError reads as Python prints it: ValueError.
    if (n.text == "builtins" && !n.name.isEmpty())
        return QString::fromUtf8(pickletext::printable(n.name));
    return QString::fromUtf8(pickletext::printable(n.text) + '.' + pickletext::printable(n.name));
}

qsizetype SketchRenderer::namedPairs(qint32 dict)
{
    qsizetype& cached = m_named[size_t(dict)];
    if (cached != -2)
        return cached;
    const SketchNode& n = m_tree.node(quint32(dict));
    cached = -1;
    if (n.kind != Kind::Dict)
        return cached;
    const std::vector<quint32>& items = n.items;
    qsizetype pairs = qsizetype(items.size() / 2);
    for (qsizetype i = 0; i < pairs; ++i) {
        const SketchNode& key = m_tree.node(items[2 * i]);
        if (key.kind != Kind::Value || key.value.type() != Type::Str)
            return cached;
        if (key.open && i + 1 == pairs)
            --pairs; // a name the cut took part of: the dict's cut mark stands for it
    }
    cached = pairs;
    return cached;
}

SketchRenderer::Entry SketchRenderer::namedEntry(quint32 dict, qsizetype pair) const
{
    const std::vector<quint32>& items = m_tree.node(dict).items;
    const QByteArray& name = m_tree.node(items[2 * pair]).value.bytes();
    return {.prefix = QString::fromUtf8(pickletext::printable(name)) + QLatin1Char('='),
            .value = items[2 * pair + 1]};
}

} // namespace pipescope
