#pragma once

#include "trace/IndexedIterator.h"

#include <cstddef>
#include <memory>
#include <vector>

namespace pipescope {

// An append-only array kept in fixed-size chunks: past its first chunk, appending never moves what
// is already stored, so a store of millions of events grows by one small allocation at a time
// instead of doubling (and copying, and faulting in) a whole column while the GUI waits; the
// unused tail is at most one chunk. The first chunk starts small and doubles up to the chunk size
// (moving at most those few elements), so a column that holds a handful of values costs a handful
// of bytes: a run with tens of thousands of channels of one message each stays small. Elements
// are reached in O(1) by index, and by value through random-access iterators, so the standard
// algorithms (binary search) work on it. A reference to an element stays valid across appends only
// once the column holds more than kChunkSize elements.
template <typename T, int kChunkBits = 12> class ChunkedColumn
{
public:
    static constexpr std::size_t kChunkSize = std::size_t(1) << kChunkBits;

    using const_iterator = IndexedIterator<ChunkedColumn, T>;

    void push_back(const T& value)
    {
        if (m_size == m_capacity)
            grow();
        m_chunks.back()[m_size & kMask] = value;
        ++m_size;
    }
    void clear()
    {
        m_chunks.clear();
        m_size = 0;
        m_capacity = 0;
    }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    const T& operator[](std::size_t index) const
    {
        return m_chunks[index >> kChunkBits][index & kMask];
    }
    T& operator[](std::size_t index) { return m_chunks[index >> kChunkBits][index & kMask]; }
    const T& back() const { return (*this)[m_size - 1]; }
    T& back() { return (*this)[m_size - 1]; }
    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, m_size); }
    // The heap bytes it holds.
    std::size_t capacityBytes() const { return m_capacity * sizeof(T); }

    friend bool operator==(const ChunkedColumn& a, const ChunkedColumn& b)
    {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!(a[i] == b[i]))
                return false;
        }
        return true;
    }

private:
    static constexpr std::size_t kMask = kChunkSize - 1;
    static constexpr std::size_t kFirstCapacity = kChunkSize < 8 ? kChunkSize : 8;

    // Full: the first chunk doubles until it is a whole chunk; then a new chunk is added.
    void grow()
    {
        if (m_capacity >= kChunkSize) {
            m_chunks.push_back(std::make_unique_for_overwrite<T[]>(kChunkSize));
            m_capacity += kChunkSize;
            return;
        }
        const std::size_t capacity = m_capacity == 0 ? kFirstCapacity : m_capacity * 2;
        auto first = std::make_unique_for_overwrite<T[]>(capacity);
        for (std::size_t i = 0; i < m_size; ++i)
            first[i] = m_chunks.front()[i];
        if (m_chunks.empty())
            m_chunks.push_back(std::move(first));
        else
            m_chunks.front() = std::move(first);
        m_capacity = capacity;
    }

    std::vector<std::unique_ptr<T[]>> m_chunks;
    std::size_t m_size = 0;
    std::size_t m_capacity = 0; // elements the chunks hold room for
};

} // namespace pipescope
