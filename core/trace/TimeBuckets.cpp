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
    // The first bucket that ends with more than `index` entries. Its start is no later than the
    // latest time added, so it is a time that fits.
    const auto holding = std::upper_bound(m_ends.begin(), m_ends.end(), quint64(index));
    const auto bucket = quint64(std::min(holding, m_ends.end() - 1) - m_ends.begin());
    return qint64(quint64(m_first) + bucket * m_width);
}

quint8 TimeBuckets::commonestTag(qint64 from, qint64 to) const
{
    quint8 commonest = before(from).tag;
    if (m_entries == 0 || to <= m_first)
        return commonest;
    // The boundary at the start of bucket j has the tag of bucket j - 1 in effect, and those past
    // the buckets the last one's.
    const quint64 first = std::max<quint64>(1, sinceFirst(from) / m_width);
    const quint64 last = sinceFirst(to) / m_width;
    const quint64 inBuckets = std::min<quint64>(last, m_tags.size() + 1);
    std::array<quint64, 256> counts{};
    for (quint64 j = first; j < inBuckets; ++j) {
        const quint8 tag = m_tags[j - 1];
        if (++counts[tag] > counts[commonest])
            commonest = tag;
    }
    const quint64 pastFrom = std::max(first, inBuckets);
    if (last > pastFrom && (counts[m_tags.back()] += last - pastFrom) > counts[commonest])
        commonest = m_tags.back();
    return commonest;
}

std::size_t TimeBuckets::capacityBytes() const
{
    return m_ends.capacity() * sizeof(quint32) + m_tags.capacity();
}

} // namespace pipescope
