#pragma once

#include <QtGlobal>
#include <cstddef>
#include <optional>
#include <vector>

namespace pipescope {

// The last kBuckets buckets of a time column, kWidth nanoseconds each, counted from its first time
// on: the fine level of TimeBuckets. A view following a run shows its last half minute, a pixel
// some 20 ms wide, which its whole-run buckets stop resolving once they have doubled past
// 2^22 ns (a run some five minutes old): the lanes then searched the columns at every pixel
// and every repaint. These keep the last 68.7 s resolved at any age, in 320 KiB at most a column,
// written in a ring. Bucket j spans [j * kWidth, (j + 1) * kWidth) of time since the first one; the
// first entry is in bucket 0.
class RecentBuckets
{
public:
    static constexpr int kWidthLog2 = 20;
    static constexpr quint64 kWidth = quint64(1) << kWidthLog2; // 1.05 ms
    static constexpr std::size_t kBuckets = std::size_t(1) << 16;

    static quint64 bucketAt(quint64 sinceFirst) { return sinceFirst >> kWidthLog2; }

    // Takes the entry that makes `entries` in all, at `sinceFirst` nanoseconds after the first
    // entry (0 for the first). One earlier than the last one's (an unsorted column) counts in
    // the last bucket.
    void add(quint64 sinceFirst, std::size_t entries, quint8 tag);

    bool empty() const { return m_ends.empty(); }
    quint64 last() const { return m_last; }
    // The earliest bucket still held: those before it have been written over.
    quint64 oldest() const { return m_last >= kBuckets ? m_last - kBuckets + 1 : 0; }
    bool holds(quint64 bucket) const { return !empty() && bucket >= oldest() && bucket <= m_last; }
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

    quint64 m_last = 0; // the latest bucket with an entry
    // Bucket j at j % kBuckets: as many as there have been buckets until there are kBuckets.
    std::vector<quint32> m_ends;
    std::vector<quint8> m_tags;
};

} // namespace pipescope
