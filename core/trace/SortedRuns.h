#pragma once

#include "trace/PackedColumn.h"

#include <QtGlobal>
#include <vector>

namespace pipescope {

// A growing multiset of numbers whose order statistics are asked for now and then (a live run's
// latency percentiles): kept as a few sorted runs, larger first. settle() sorts only what was
// added since, as a run of its own, and merges runs of like size, never more than kMaxMerge
// numbers at once, so no call pauses for long however many numbers there are (one sorted
// vector would be merged whole at every call: 80 MB for ten million). nth() finds the k-th
// smallest by a binary search over values, counting in every run.
class SortedRuns
{
public:
    static constexpr size_t kMaxMerge = size_t(1) << 18;

    void add(qint64 value) { m_pending.push_back(value); }
    // Sorts what was added since the last call into the runs.
    void settle();
    // Numbers added, settled or not.
    size_t size() const { return m_settled + m_pending.size(); }
    // The k-th smallest settled number (0 first); k < the numbers settled.
    qint64 nth(size_t k) const;
    // The largest settled number; there is one.
    qint64 max() const;
    size_t runCount() const { return m_runs.size(); }

private:
    // Sorted, a run packs to a byte or two a number (see PackedColumn).
    using Run = PackedColumn<qint64>;

    std::vector<Run> m_runs;
    // Numbers kept room for between settle()s, added or sorted.
    static constexpr size_t kKeptRoom = size_t(1) << 18;
    std::vector<qint64> m_pending;
    std::vector<quint64> m_keys; // settle()'s room to sort in
    std::vector<quint64> m_spare;
    size_t m_settled = 0;
};

} // namespace pipescope
