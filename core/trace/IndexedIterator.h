#pragma once

#include <compare>
#include <cstddef>
#include <iterator>

namespace pipescope {

// A random-access iterator over a container that gives its elements by value through
// operator[](std::size_t) (a packed column, the store's messages): binary searches and range-for
// loops work on it, and there are no references to elements.
template <typename Container, typename Value> class IndexedIterator
{
public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using reference = Value;
    // it->field: the element, held for the expression.
    struct pointer
    {
        Value value;
        const Value* operator->() const { return &value; }
    };

    IndexedIterator() = default;
    IndexedIterator(const Container* container, std::size_t index)
        : m_container(container)
        , m_index(index)
    {}

    Value operator*() const { return (*m_container)[m_index]; }
    pointer operator->() const { return {**this}; }
    Value operator[](difference_type n) const { return *(*this + n); }
    IndexedIterator& operator++()
    {
        ++m_index;
        return *this;
    }
    IndexedIterator operator++(int)
    {
        IndexedIterator before = *this;
        ++m_index;
        return before;
    }
    IndexedIterator& operator--()
    {
        --m_index;
        return *this;
    }
    IndexedIterator operator--(int)
    {
        IndexedIterator before = *this;
        --m_index;
        return before;
    }
    IndexedIterator& operator+=(difference_type n)
    {
        m_index = std::size_t(difference_type(m_index) + n);
        return *this;
    }
    IndexedIterator& operator-=(difference_type n) { return *this += -n; }
    friend IndexedIterator operator+(IndexedIterator it, difference_type n) { return it += n; }
    friend IndexedIterator operator+(difference_type n, IndexedIterator it) { return it += n; }
    friend IndexedIterator operator-(IndexedIterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const IndexedIterator& a, const IndexedIterator& b)
    {
        return difference_type(a.m_index) - difference_type(b.m_index);
    }
    friend bool operator==(const IndexedIterator& a, const IndexedIterator& b)
    {
        return a.m_index == b.m_index;
    }
    friend auto operator<=>(const IndexedIterator& a, const IndexedIterator& b)
    {
        return a.m_index <=> b.m_index;
    }

private:
    const Container* m_container = nullptr;
    std::size_t m_index = 0;
};

} // namespace pipescope
