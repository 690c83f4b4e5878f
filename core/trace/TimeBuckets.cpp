#include "TimeBuckets.h"

#include <algorithm>
#include <array>

namespace pipescope {

void TimeBuckets::add(qint64 t, quint8 tag)
{
    if (m_entries == 0)
        m_first = t;
    ++m_entries;
    const quint64 offset = sinceFirst(t);
    m_recent.add(offset, m_entries, tag);
    while (offset / m_width >= kMaxBuckets && m_width < kWidest)
        merge();
    // A time before the last one's (an unsorted column) counts in the last bucket.
    const std::size_t bucket =
        std::max(std::size_t(std::min<quint64>(offset / m_width, kMaxBuckets - 1)),
                 m_ends.empty() ? 0 : m_ends.size() - 1);
    // The buckets passed over hold nothing: they end with what the one before ended with.
    if (bucket >= m_ends.size()) {
        if (bucket >= m_ends.capacity()) { // doubling, but never past kMaxBuckets
            const std::size_t room = std::min(kMaxBuckets, std::max(bucket + 1, 2 * m_ends.size()));
            m_ends.reserve(room);
            m_tags.reserve(room);
        }
        m_ends.resize(bucket + 1, quint32(m_entries - 1));
        m_tags.resize(bucket + 1, m_tags.empty() ? tag : m_tags.back());
    }
    m_ends[bucket] = quint32(m_entries);
    m_tags[bucket] = tag;
}

void TimeBuckets::merge()
{
    // Each pair of buckets becomes one twice as wide, ending where the later of the pair ends.
    const std::size_t merged = (m_ends.size() + 1) / 2;
    for (std::size_t i = 0; i < merged; ++i) {
        const std::size_t later = std::min(2 * i + 1, m_ends.size() - 1);
        m_ends[i] = m_ends[later];
        m_tags[i] = m_tags[later];
    }
    m_ends.resize(merged);
    m_tags.resize(merged);
    m_width *= 2;
}

TimeBuckets::Before TimeBuckets::before(qint64 t) const
{
    if (m_entries == 0 || t <= m_first)
        return {};
    if (inRecent(t)) {
        const quint64 boundary = RecentBuckets::bucketAt(sinceFirst(t));
        if (boundary == 0)
            return {};
        const quint64 bucket = std::min(boundary - 1, m_recent.last()); // the last holds all
        return {std::size_t(m_recent.end(bucket)), m_recent.tag(bucket)};
    }
    const quint64 boundary = sinceFirst(t) / m_width; // the bucket t is in
    if (boundary >= m_ends.size())
        return {m_entries, m_tags.back()};
    if (boundary == 0)
        return {};
    return {std::size_t(m_ends[boundary - 1]), m_tags[boundary - 1]};
}

qint64 TimeBuckets::startOfBucketHolding(std::size_t index) const
{
    if (m_ends.empty())
        return m_first;
    if (recentFiner()) {
        if (const std::optional<quint64> bucket = m_recent.bucketHolding(index))
            return qint64(quint64(m_first) + *bucket * RecentBuckets::kWidth);
    }
    // The first bucket that ends with more than `index` entries. Its start is no later than the
    // latest time added, so it is a time that fits.
    const auto holding = std::upper_bound(m_ends.begin(), m_ends.end(), quint64(index));
    const auto bucket = quint64(std::min(holding, m_ends.end() - 1) - m_ends.begin());
    return qint64(quint64(m_first) + bucket * m_width);
}

template <typename TagBefore>
quint8 TimeBuckets::commonestAt(quint64 first, quint64 last, quint64 past, quint8 commonest,
                                const TagBefore& tagBefore) const
{
    const quint64 inBuckets = std::min(last, past);
    std::array<quint64, 256> counts{};
    for (quint64 j = first; j < inBuckets; ++j) {
        const quint8 tag = tagBefore(j);
        if (++counts[tag] > counts[commonest])
            commonest = tag;
    }
    const quint8 lastTag = tagBefore(past - 1);
    const quint64 pastFrom = std::max(first, inBuckets);
    if (last > pastFrom && (counts[lastTag] += last - pastFrom) > counts[commonest])
        commonest = lastTag;
    return commonest;
}

quint8 TimeBuckets::commonestTag(qint64 from, qint64 to) const
{
    const quint8 commonest = before(from).tag;
    if (m_entries == 0 || to <= m_first)
        return commonest;
    // The boundary at the start of bucket j has the tag of bucket j - 1 in effect, and those past
    // the buckets the last one's.
    if (inRecent(from)) {
        return commonestAt(std::max<quint64>(1, RecentBuckets::bucketAt(sinceFirst(from))),
                           RecentBuckets::bucketAt(sinceFirst(to)), m_recent.last() + 2, commonest,
                           [&](quint64 j) { return m_recent.tag(j - 1); });
    }
    return commonestAt(std::max<quint64>(1, sinceFirst(from) / m_width), sinceFirst(to) / m_width,
                       m_tags.size() + 1, commonest, [&](quint64 j) { return m_tags[j - 1]; });
}

std::size_t TimeBuckets::capacityBytes() const
{
    return m_ends.capacity() * sizeof(quint32) + m_tags.capacity() + m_recent.capacityBytes();
}

} // namespace pipescope
