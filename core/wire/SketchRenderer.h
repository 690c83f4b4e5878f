#pragma once

#include "wire/PickleSketch.h"

#include <QString>
#include <vector>

namespace pipescope {

// The text of a PickleSketch's value within a bound, as picklePreview() documents it: Python's
// repr() for plain values, `module.qualname(args, name=value)` for objects, "..." where the
// pickle was cut or the bound was reached. Built in time that grows with the bound, not with the
// tree (a million-item list costs what its first items do), and never deeper than `maxDepth`.
class SketchRenderer
{
public:
    SketchRenderer(const PickleSketch& sketch, int maxDepth);

    // At most max(limit, 3) UTF-16 units.
    QString render(qsizetype limit);

private:
    // One item of a sequence: `prefix` ("x=", "**"), then `key` and ": " when there is one, then
    // `value`, which may be SketchTree::Missing: "...", a cut mark when `cut`.
    struct Entry
    {
        QString prefix{};
        qint32 key = -1;
        quint32 value = SketchTree::Missing;
        bool cut = true;
    };

    // Each returns false when it stopped for lack of room, having written its cut form.
    bool node(quint32 index, int depth, qsizetype reserve);
    bool leaf(const SketchNode& n, qsizetype reserve);
    bool call(const SketchNode& n, int depth, qsizetype reserve);
    bool atom(const QString& text, qsizetype reserve);
    bool ellipsis(qsizetype reserve);
    template <typename At>
    bool sequence(QLatin1String opener, qsizetype count, At at, QLatin1String closer, bool open,
                  int depth, qsizetype reserve);
    bool closeCut(qsizetype pos, qsizetype lead, bool first, QLatin1String closer);

    qsizetype room(qsizetype reserve) const { return m_limit - reserve - m_out.size(); }
    QString globalName(const SketchNode& n) const;
    // Pairs of `dict` shown as name=value: all when its keys are str, else -1. A last key the
    // cut left open is not counted. Cached: each dict is looked at once.
    qsizetype namedPairs(qint32 dict);
    Entry namedEntry(quint32 dict, qsizetype pair) const;

    const PickleSketch& m_sketch;
    const SketchTree& m_tree;
    const int m_maxDepth;
    QString m_out;
    qsizetype m_limit = 0;
    qint64 m_steps = 0;
    bool m_marked = false; // a cut mark was written
    std::vector<bool> m_active;
    std::vector<qsizetype> m_named; // namedPairs() per node; -2: not known yet
};

} // namespace pipescope
