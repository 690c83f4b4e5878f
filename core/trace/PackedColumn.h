#pragma once

#include "trace/GallopSearch.h"
#include "trace/IndexedIterator.h"

#include <QtGlobal>
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

namespace pipescope {

// An append-only column of integers (or enums) that keeps each full chunk of kChunkSize values
// packed: as a line (a first value and a step) plus, per value, its distance from the line in the
// fewest bits of 0, 1, 2, 4, 8, 16, 32 and 64 that hold the chunk's distances. A store's columns
// are mostly runs of one value (a channel), a few values (a kind, two processes' events), counters
// (message numbers, seqs, event numbers) or slowly rising times and byte counts, which pack to 0
// to 4 bytes a value instead of 1 to 8.
// The chunk being filled is kept plain; it starts small and doubles up to a chunk, so a column
// that holds a handful of values costs a handful of bytes. Values are read by index in O(1) and
// through random-access iterators (binary searches work), by value: there are no references to
// elements. set() changes a value anywhere; one that does not fit its chunk's packing repacks
// that chunk.
template <typename T, int kChunkBits = 12> class PackedColumn
{
    static_assert(std::is_integral_v<T> || std::is_enum_v<T>, "a packed column holds integers");
    static_assert(kChunkBits >= 3, "a chunk's distances fill whole bytes");

public:
    static constexpr std::size_t kChunkSize = std::size_t(1) << kChunkBits;

    using value_type = T;
    using const_iterator = IndexedIterator<PackedColumn, T>;

    void push_back(T value)
    {
        if (m_open.size() == m_open.capacity())
            m_open.reserve(std::min(kChunkSize, std::max<std::size_t>(8, m_open.capacity() * 2)));
        m_open.push_back(value);
        if (m_open.size() == kChunkSize) {
            m_firsts.push_back(m_open.front());
            m_packed.push_back(pack(m_open.data()));
            m_open.clear(); // keeps its room for the next chunk
        }
    }
    // Changes the value at `index` (< size()).
    void set(std::size_t index, T value)
    {
        const std::size_t chunk = index >> kChunkBits;
        if (chunk == m_packed.size()) {
            m_open[index & kMask] = value;
            return;
        }
        Chunk& packed = m_packed[chunk];
        if (!packed.store(index & kMask, bitsOf(value))) {
            std::array<T, kChunkSize> values;
            for (std::size_t i = 0; i < kChunkSize; ++i)
                values[i] = valueOf(packed.load(i));
            values[index & kMask] = value;
            packed = pack(values.data());
        }
        if ((index & kMask) == 0)
            m_firsts[chunk] = value;
    }
    void clear()
    {
        m_packed.clear();
        m_firsts.clear();
        m_open = std::vector<T>();
    }

    std::size_t size() const { return (m_packed.size() << kChunkBits) + m_open.size(); }
    bool empty() const { return size() == 0; }
    T operator[](std::size_t index) const
    {
        const std::size_t chunk = index >> kChunkBits;
        if (chunk == m_packed.size())
            return m_open[index & kMask];
        return valueOf(m_packed[chunk].load(index & kMask));
    }
    T back() const { return (*this)[size() - 1]; }
    // In a sorted column, where the values greater than `value` begin (size() when none do), as
    // std::upper_bound finds it, but by the chunks' first values and then within one chunk.
    std::size_t upperBound(T value) const
    {
        const auto chunks = std::size_t(std::upper_bound(m_firsts.begin(), m_firsts.end(), value) -
                                        m_firsts.begin());
        if (chunks == m_packed.size() && !m_open.empty() && !(value < m_open.front()))
            return (chunks << kChunkBits) +
                   std::size_t(std::upper_bound(m_open.begin(), m_open.end(), value) -
                               m_open.begin());
        if (chunks == 0)
            return 0;
        // In the last chunk that begins at or below `value`.
        const Chunk& chunk = m_packed[chunks - 1];
        std::size_t low = 1;
        std::size_t high = kChunkSize;
        while (low < high) {
            const std::size_t middle = (low + high) / 2;
            if (value < valueOf(chunk.load(middle)))
                high = middle;
            else
                low = middle + 1;
        }
        return ((chunks - 1) << kChunkBits) + low;
    }
    // The same, knowing that the values before index `from` are at or below `value`: the search
    // steps on from there, doubling its steps, and reads only the values near the answer (a
    // caller walking times in order finds each next one in memory it has just read). Given
    // `guess`, about how far after `from` the answer is (a pixel holds about as many as the
    // last), it starts there and steps outwards.
    std::size_t upperBound(T value, std::size_t from, std::size_t guess = 0) const
    {
        if (from == 0) // nothing known: by the chunks' first values
            return upperBound(value);
        return gallopToFirst(from, size(), guess,
                             [&](std::size_t i) { return value < (*this)[i]; });
    }
    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, size()); }
    // The heap bytes it holds.
    std::size_t capacityBytes() const
    {
        std::size_t bytes = m_open.capacity() * sizeof(T) + m_packed.capacity() * sizeof(Chunk);
        for (const Chunk& chunk : m_packed)
            bytes += chunk.bytes();
        return bytes;
    }

    friend bool operator==(const PackedColumn& a, const PackedColumn& b)
    {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
    }

private:
    static constexpr std::size_t kMask = kChunkSize - 1;

    // Values as 64 bits, sign-extended when T is signed; all arithmetic on them wraps.
    static quint64 bitsOf(T value)
    {
        if constexpr (std::is_enum_v<T>)
            return quint64(std::underlying_type_t<T>(value));
        else if constexpr (std::is_signed_v<T>)
            return quint64(qint64(value));
        else
            return quint64(value);
    }
    static T valueOf(quint64 bits)
    {
        if constexpr (std::is_enum_v<T>)
            return T(std::underlying_type_t<T>(bits));
        else
            return T(bits);
    }

    struct Chunk
    {
        quint64 base = 0; // value i is base + step * i + its distance
        quint64 step = 0;
        int width = 0; // bits per distance
        std::unique_ptr<unsigned char[]> distances;

        std::size_t bytes() const { return std::size_t(width) * kChunkSize / 8; }
        quint64 load(std::size_t i) const
        {
            const quint64 line = base + step * i;
            switch (width) {
            case 1:
            case 2:
            case 4: {
                const std::size_t bit = i * std::size_t(width);
                return line + ((distances[bit >> 3] >> (bit & 7)) & ((1u << width) - 1));
            }
            case 8:
                return line + distances[i];
            case 16:
                return line + loadAs<quint16>(i);
            case 32:
                return line + loadAs<quint32>(i);
            case 64:
                return line + loadAs<quint64>(i);
            default:
                return line;
            }
        }
        // Keeps `bits` at i when its distance from the line fits the width.
        bool store(std::size_t i, quint64 bits)
        {
            const quint64 distance = bits - (base + step * i);
            if (width < 64 && distance >> width != 0)
                return false;
            switch (width) {
            case 1:
            case 2:
            case 4: {
                const std::size_t bit = i * std::size_t(width);
                const unsigned mask = ((1u << width) - 1) << (bit & 7);
                unsigned char& byte = distances[bit >> 3];
                byte =
                    static_cast<unsigned char>((byte & ~mask) | (unsigned(distance) << (bit & 7)));
                break;
            }
            case 8:
                distances[i] = static_cast<unsigned char>(distance);
                break;
            case 16:
                storeAs(i, quint16(distance));
                break;
            case 32:
                storeAs(i, quint32(distance));
                break;
            case 64:
                storeAs(i, distance);
                break;
            default:
                break;
            }
            return true;
        }
        template <typename U> U loadAs(std::size_t i) const
        {
            U value;
            std::memcpy(&value, distances.get() + i * sizeof(U), sizeof(U));
            return value;
        }
        template <typename U> void storeAs(std::size_t i, U value)
        {
            std::memcpy(distances.get() + i * sizeof(U), &value, sizeof(U));
        }
    };

    static int widthFor(quint64 range)
    {
        for (const int width : {0, 1, 2, 4, 8, 16, 32}) {
            if (range >> width == 0)
                return width;
        }
        return 64;
    }

    // The narrower of two packings of a full chunk: around the line through its first and last
    // values, or around its first value (a chunk that jumps is no line). Judged in 64-bit
    // arithmetic that wraps, which is exact for every distance that fits fewer than 64 bits; a
    // chunk whose distances turn out not to fit the width judged (values over 2^63 apart) is
    // kept in 64 bits a value, which is exact for any values.
    static Chunk pack(const T* values)
    {
        const quint64 first = bitsOf(values[0]);
        const auto slope =
            quint64(qint64(bitsOf(values[kChunkSize - 1]) - first) / qint64(kChunkSize - 1));
        // Distances from the first value and from the line, lowest and highest (both 0 at 0).
        qint64 low = 0;
        qint64 high = 0;
        qint64 lowOnLine = 0;
        qint64 highOnLine = 0;
        quint64 line = 0;
        for (std::size_t i = 1; i < kChunkSize; ++i) {
            line += slope;
            const auto distance = qint64(bitsOf(values[i]) - first);
            const auto onLine = qint64(bitsOf(values[i]) - first - line);
            low = std::min(low, distance);
            high = std::max(high, distance);
            lowOnLine = std::min(lowOnLine, onLine);
            highOnLine = std::max(highOnLine, onLine);
        }
        const int flatWidth = widthFor(quint64(high) - quint64(low));
        const int lineWidth = widthFor(quint64(highOnLine) - quint64(lowOnLine));
        const bool onTheLine = lineWidth < flatWidth;
        Chunk chunk;
        chunk.width = onTheLine ? lineWidth : flatWidth;
        chunk.step = onTheLine ? slope : 0;
        chunk.base = first + quint64(onTheLine ? lowOnLine : low);
        if (fill(chunk, values))
            return chunk;
        chunk.width = 64;
        chunk.step = 0;
        chunk.base = first;
        fill(chunk, values);
        return chunk;
    }

    // Stores every value's distance at the chunk's width; false when one does not fit.
    static bool fill(Chunk& chunk, const T* values)
    {
        chunk.distances.reset();
        if (chunk.width > 0)
            chunk.distances = std::make_unique<unsigned char[]>(chunk.bytes()); // zeros
        switch (chunk.width) {
        case 0:
            return fillAt<0>(chunk, values);
        case 1:
            return fillAt<1>(chunk, values);
        case 2:
            return fillAt<2>(chunk, values);
        case 4:
            return fillAt<4>(chunk, values);
        case 8:
            return fillAt<8>(chunk, values);
        case 16:
            return fillAt<16>(chunk, values);
        case 32:
            return fillAt<32>(chunk, values);
        default:
            return fillAt<64>(chunk, values);
        }
    }
    template <int kWidth> static bool fillAt(Chunk& chunk, const T* values)
    {
        quint64 line = chunk.base;
        unsigned char* out = chunk.distances.get();
        for (std::size_t i = 0; i < kChunkSize; ++i, line += chunk.step) {
            const quint64 distance = bitsOf(values[i]) - line;
            if constexpr (kWidth < 64) {
                if (distance >> kWidth != 0)
                    return false;
            }
            if constexpr (kWidth > 0 && kWidth < 8) {
                const std::size_t bit = i * kWidth;
                out[bit >> 3] = static_cast<unsigned char>(out[bit >> 3] | (distance << (bit & 7)));
            } else if constexpr (kWidth == 8) {
                out[i] = static_cast<unsigned char>(distance);
            } else if constexpr (kWidth == 16) {
                chunk.storeAs(i, quint16(distance));
            } else if constexpr (kWidth == 32) {
                chunk.storeAs(i, quint32(distance));
            } else if constexpr (kWidth == 64) {
                chunk.storeAs(i, distance);
            }
        }
        return true;
    }

    std::vector<Chunk> m_packed;
    std::vector<T> m_firsts; // each packed chunk's first value
    std::vector<T> m_open;   // the chunk being filled
};

} // namespace pipescope
