#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

namespace pipescope {

// An append-only array kept in fixed-size chunks: past its first chunk, appending never moves what
// is already stored, so a store of millions of events grows by one small allocation at a time
// instead of doubling (and copying, and faulting in) a whole column while the GUI waits; the
// unused tail is at most one chunk. The first chunk starts small and doubles up to the chunk size
// (moving at most those few elements), so a column that holds a handful of values costs a handful
// of bytes: a run with tens of thousands of channels of one message each stays small. Elements
// are reached in O(1) by index and through random-access iterators, so the standard algorithms
// (binary search) work on it. A reference to an element stays valid across appends only once the
// column holds more than kChunkSize elements.
template <typename T, int kChunkBits = 12> class ChunkedColumn
{
public:
    static constexpr std::size_t kChunkSize = std::size_t(1) << kChunkBits;

    class const_iterator
    {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = T;
        using difference_type = std::ptrdiff_t;
        using pointer = const T*;
        using reference = const T&;

        const_iterator() = default;
        const_iterator(const ChunkedColumn* column, std::size_t index)
            : m_column(column)
            , m_index(index)
        {}

        reference operator*() const { return (*m_column)[m_index]; }
        pointer operator->() const { return &(*m_column)[m_index]; }
        reference operator[](difference_type n) const { return *(*this + n); }
        const_iterator& operator++()
        {
            ++m_index;
            return *this;
        }
        const_iterator operator++(int)
        {
            const_iterator before = *this;
            ++m_index;
            return before;
        }
        const_iterator& operator--()
        {
            --m_index;
            return *this;
        }
        const_iterator operator--(int)
        {
            const_iterator before = *this;
            --m_index;
            return before;
        }
        const_iterator& operator+=(difference_type n)
        {
            m_index = std::size_t(difference_type(m_index) + n);
            return *this;
        }
        const_iterator& operator-=(difference_type n) { return *this += -n; }
        friend const_iterator operator+(const_iterator it, difference_type n) { return it += n; }
        friend const_iterator operator+(difference_type n, const_iterator it) { return it += n; }
        friend const_iterator operator-(const_iterator it, difference_type n) { return it -= n; }
        friend difference_type operator-(const const_iterator& a, const const_iterator& b)
        {
            return difference_type(a.m_index) - difference_type(b.m_index);
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b)
        {
            return a.m_index == b.m_index;
        }
        friend auto operator<=>(const const_iterator& a, const const_iterator& b)
        {
            return a.m_index <=> b.m_index;
        }

    private:
        const ChunkedColumn* m_column = nullptr;
        std::size_t m_index = 0;
    };

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
