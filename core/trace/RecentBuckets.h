#pragma once

#include <QtGlobal>
#include <algorithm>
#include <cstddef>
#include <optional>
#include <vector>

namespace pipescope {

// The last kBuckets buckets of a time column, kWidth nanoseconds each, counted from its first time
// on: the fine level of TimeBuckets. A view following a run shows its last half minute, a pixel
// some 20 to 35 ms wide, which its whole-run buckets stop resolving once they have doubled to
// 2^23 or 2^24 ns (a run 2.3 to 4.6 minutes old): the lanes then searched the columns at every
// pixel and every repaint. These keep the last 68.7 s resolved at any age, in 320 KiB at most a
// column, written in a ring. Bucket j spans [j * kWidth, (j + 1) * kWidth) of time since the first
// one; the first entry is in bucket 0. The empty buckets a gap passes over are written as they
// come, kFillsPerEntry an entry at most over time: a gap the entries have not paid for (a sparse
// column, a file's times years apart) starts the ring afresh after it instead, so that adding
// costs no more than that an entry however far apart the times.
class RecentBuckets
{
public:
    static constexpr int kWidthLog2 = 20;
    static constexpr quint64 kWidth = quint64(1) << kWidthLog2; // 1.05 ms
    static constexpr std::size_t kBuckets = std::size_t(1) << 16;
    static constexpr quint64 kFillsPerEntry = 64;

    static quint64 bucketAt(quint64 sinceFirst) { return sinceFirst >> kWidthLog2; }

    // Takes the entry that makes `entries` in all, at `sinceFirst` nanoseconds after the first
    // entry (0 for the first). One earlier than the last one's (an unsorted column) counts in
    // the last bucket.
    void add(quint64 sinceFirst, std::size_t entries, quint8 tag);

    bool empty() const { return m_ends.empty(); }
    quint64 last() const { return m_last; }
    // The earliest bucket still held: those before it have been written over (or were passed
    // over before the ring began afresh).
    quint64 oldest() const
    {
        return std::max(m_start, m_last >= kBuckets ? m_last - kBuckets + 1 : 0);
    }
    // The entries up to a held bucket's end, and the tag of the last of them.
    quint32 end(quint64 bucket) const { return m_ends[slot(bucket)]; }
    quint8 tag(quint64 bucket) const { return m_tags[slot(bucket)]; }
    // The held bucket that holds entry `index` (< the entries added), when it is known to be
    // held: not when the entry may lie in a bucket written over.
    std::optional<quint64> bucketHolding(std::size_t index) const;

    // The heap bytes it holds.
    std::size_t capacityBytes() const;

private:
    static std::size_t slot(quint64 bucket) { return std::size_t(bucket & (kBuckets - 1)); }

    quint64 m_last = 0;   // the latest bucket with an entry
    quint64 m_start = 0;  // where the ring last began afresh
    quint64 m_credit = 0; // the empty buckets the entries have paid for (kBuckets at most)
    // Bucket j at j % kBuckets: as many as there have been buckets until there are kBuckets.
    std::vector<quint32> m_ends;
    std::vector<quint8> m_tags;
};

} // namespace pipescope
