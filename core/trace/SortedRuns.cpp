#include "trace/SortedRuns.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <numeric>

namespace pipescope {

void SortedRuns::settle()
{
    if (m_pending.empty())
        return;
    std::sort(m_pending.begin(), m_pending.end());
    m_settled += m_pending.size();
    Run& run = m_runs.emplace_back();
    for (const qint64 value : m_pending)
        run.push_back(value);
    m_pending = {};
    // Like sizes merge (a run at most twice the next one's), up to kMaxMerge numbers.
    while (m_runs.size() >= 2) {
        Run& older = m_runs[m_runs.size() - 2];
        const Run& newer = m_runs.back();
        if (older.size() > 2 * newer.size() || older.size() + newer.size() > kMaxMerge)
            break;
        Run merged;
        std::merge(older.begin(), older.end(), newer.begin(), newer.end(),
                   std::back_inserter(merged));
        older = std::move(merged);
        m_runs.pop_back();
    }
}

qint64 SortedRuns::nth(size_t k) const
{
    qint64 low = std::numeric_limits<qint64>::max();
    qint64 high = std::numeric_limits<qint64>::min();
    for (const Run& run : m_runs) {
        low = std::min(low, run[0]);
        high = std::max(high, run.back());
    }
    // The least value with more than k numbers at or below it.
    while (low < high) {
        const qint64 middle = std::midpoint(low, high);
        size_t atOrBelow = 0;
        for (const Run& run : m_runs)
            atOrBelow += run.upperBound(middle);
        if (atOrBelow > k)
            high = middle;
        else
            low = middle + 1;
    }
    return low;
}

qint64 SortedRuns::max() const
{
    qint64 largest = std::numeric_limits<qint64>::min();
    for (const Run& run : m_runs)
        largest = std::max(largest, run.back());
    return largest;
}

} // namespace pipescope
