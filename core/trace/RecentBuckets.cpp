#include "RecentBuckets.h"

#include <algorithm>

namespace pipescope {

void RecentBuckets::add(quint64 sinceFirst, std::size_t entries, quint8 tag)
{
    m_credit = std::min<quint64>(kBuckets, m_credit + kFillsPerEntry);
    const quint64 bucket = std::max(bucketAt(sinceFirst), m_last);
    if (empty() || bucket > m_last) {
        // The buckets passed over hold nothing: they end with what the last one ended with (of
        // a gap longer than the ring, only its last kBuckets are written). Unpaid for, they are
        // not written: the ring begins afresh here.
        const quint32 end = empty() ? 0 : m_ends[slot(m_last)];
        const quint8 lastTag = empty() ? tag : m_tags[slot(m_last)];
        const quint64 from = empty() ? 0 : m_last + 1;
        quint64 written = bucket - from >= kBuckets ? bucket - kBuckets + 1 : from;
        if (bucket - written > m_credit) {
            m_start = bucket;
            written = bucket;
        }
        m_credit -= bucket - written;
        const std::size_t size = bucket >= kBuckets ? kBuckets : std::size_t(bucket + 1);
        if (size > m_ends.size()) {
            if (size > m_ends.capacity()) { // doubling, but never past kBuckets
                const std::size_t room = std::min(kBuckets, std::max(size, 2 * m_ends.size()));
                m_ends.reserve(room);
                m_tags.reserve(room);
            }
            m_ends.resize(size);
            m_tags.resize(size);
        }
        for (quint64 j = written; j < bucket; ++j) {
            m_ends[slot(j)] = end;
            m_tags[slot(j)] = lastTag;
        }
        m_last = bucket;
    }
    m_ends[slot(bucket)] = quint32(entries);
    m_tags[slot(bucket)] = tag;
}

std::optional<quint64> RecentBuckets::bucketHolding(std::size_t index) const
{
    if (empty())
        return std::nullopt;
    // The first held bucket that ends with more than `index` entries: unless that is the oldest
    // and buckets before it were written over (the entry may be in one of those).
    quint64 low = oldest();
    if (end(low) > index)
        return low == 0 ? std::optional<quint64>(0) : std::nullopt;
    quint64 high = m_last; // ends with all the entries: more than index
    while (high - low > 1) {
        const quint64 middle = low + (high - low) / 2;
        (end(middle) > index ? high : low) = middle;
    }
    return high;
}

std::size_t RecentBuckets::capacityBytes() const
{
    return m_ends.capacity() * sizeof(quint32) + m_tags.capacity();
}

} // namespace pipescope
