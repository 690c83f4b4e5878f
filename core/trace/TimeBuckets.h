#pragma once

#include "trace/PackedColumn.h"
#include "trace/RecentBuckets.h"

#include <QtGlobal>
#include <cstddef>
#include <vector>

namespace pipescope {

// A sorted time column counted per bucket of time: a view zoomed out so far that a pixel spans
// several buckets reads what it needs there, a few pages, instead of searching the column, spread
// over the whole run, at every pixel. A long run's column is mostly memory nothing has read for
// minutes, which this virtual machine makes slow to read again (2 GiB left alone: a random read
// took 0.1 us at once, 1.5 us after a minute, 2.6 to 28 us after two to eight); a lane drawn from
// its buckets reads none of it. A column has buckets once it holds kWorthEntries (a shorter one
// costs little to search, and nothing here): then kMaxBuckets at most, a power of two nanoseconds
// wide from its first time on; when a time falls past them, pairs of buckets merge and the width
// doubles. Each bucket keeps how many entries there are up to its end and a tag of the last of them
// (a lane keeps its state there): 5 bytes, 160 KiB at most a column. A time earlier than the last
// one added (the column was not sorted) counts in the last bucket. Its last minute is kept in
// buckets of a fixed 1.05 ms too (see RecentBuckets; 320 KiB at most), which count the times
// there once the whole run's are wider: a view of the last half minute is drawn from buckets
// however old the run (from 2.3 to 4.6 minutes into a run, the whole run's had grown too wide for
// it, and a follow view's lanes searched their columns at every repaint).
class TimeBuckets
{
public:
    static constexpr std::size_t kMaxBuckets = std::size_t(1) << 15;
    static constexpr std::size_t kWorthEntries = std::size_t(1) << 16;
    // A pixel read from the buckets spans at least this many (2^14 buckets or more, once merged:
    // a whole run across 4,000 pixels has them): where it begins and ends is off by at most a
    // quarter of it.
    static constexpr int kBucketsPerPixel = 4;

    // Takes the entry just appended to `times` (sorted), whose tag is tagOf(its index); the
    // kWorthEntries-th takes the ones before it too.
    template <typename TagOf> void follow(const PackedColumn<qint64>& times, const TagOf& tagOf)
    {
        const std::size_t n = times.size();
        if (n < kWorthEntries)
            return;
        for (std::size_t i = n == kWorthEntries ? 0 : n - 1; i < n; ++i)
            add(times[i], tagOf(i));
    }
    void follow(const PackedColumn<qint64>& times)
    {
        follow(times, [](std::size_t) { return quint8(0); });
    }
    void add(qint64 t, quint8 tag = 0);

    std::size_t entries() const { return m_entries; }
    // The whole run's buckets' width.
    quint64 width() const { return m_width; }
    // The width of the buckets that count times from t on: the recent ones' where they hold t
    // and are finer, the whole run's elsewhere.
    quint64 widthFrom(qint64 t) const { return inRecent(t) ? RecentBuckets::kWidth : m_width; }
    // Whether a view from `from` on, with pixels `pixelNs` wide, reads the column here: it has
    // buckets, and a pixel spans kBucketsPerPixel of them or more.
    bool resolves(double pixelNs, qint64 from) const
    {
        return m_entries > 0 && double(widthFrom(from)) * kBucketsPerPixel <= pixelNs;
    }

    struct Before
    {
        std::size_t count = 0; // entries
        quint8 tag = 0;        // the last one's (none when count is 0)
    };
    // The entries before the bucket boundary at or before `t` (the first time on, when t is
    // earlier), and the tag of the last of them. A column sorted and complete up to t has as
    // many entries at or before t, less those within a bucket's width before it.
    Before before(qint64 t) const;

    // The start of the bucket that holds entry `index` (< entries()), in the recent buckets where
    // they hold it and are finer: a sorted column's entry lies less than widthFrom(that start)
    // after it.
    qint64 startOfBucketHolding(std::size_t index) const;

    // The tag in effect (the last entry's before it) at most of the bucket boundaries from the
    // one at or before `from` to the one before `to`'s, the earliest of those with as many: a
    // crowded lane's state most of that time, sampled at each boundary. The tag before(from)
    // gives when there is no such boundary after the first entry.
    quint8 commonestTag(qint64 from, qint64 to) const;

    // The heap bytes it holds.
    std::size_t capacityBytes() const;

private:
    static constexpr quint64 kWidest = quint64(1) << 62; // any two times fit 4 such buckets

    void merge();
    // Whether the recent buckets are finer than the whole run's.
    bool recentFiner() const { return m_width > RecentBuckets::kWidth; }
    // Whether the recent buckets count the times from t on: they are finer than the whole run's
    // and hold the boundary at or before t (and all later ones).
    bool inRecent(qint64 t) const
    {
        return recentFiner() && (m_recent.oldest() == 0 ||
                                 RecentBuckets::bucketAt(sinceFirst(t)) > m_recent.oldest());
    }
    // The tag in effect at most of the boundaries first (>= 1) to last (exclusive) of one level of
    // buckets, `commonest` where none has more; tagBefore(j) gives the tag at boundary j, and
    // boundaries from `past` on have the last entry's.
    template <typename TagBefore>
    quint8 commonestAt(quint64 first, quint64 last, quint64 past, quint8 commonest,
                       const TagBefore& tagBefore) const;
    // Nanoseconds from the first entry's time to t (0 when t is earlier), without overflow.
    quint64 sinceFirst(qint64 t) const { return t > m_first ? quint64(t) - quint64(m_first) : 0; }

    qint64 m_first = 0;  // the first entry's time: the first bucket begins there
    quint64 m_width = 1; // nanoseconds, a power of two
    std::size_t m_entries = 0;
    std::vector<quint32> m_ends; // entries up to each bucket's end (a column holds < 2^32)
    std::vector<quint8> m_tags;  // the tag of the last of those
    RecentBuckets m_recent;
};

} // namespace pipescope
