#pragma once

#include <algorithm>
#include <cstddef>

namespace pipescope {

// The first index in [from, n) at which `after(i)` holds (n if none), where `after` is false and
// then true along the indexes and false before `from`. The search reads only near the answer:
// it looks first at from + guess (when guess > 0 and that is an index: the caller's estimate, a
// pixel holding about as many as the last), else at `from`, steps outwards from there in
// doubling steps until it has the answer between two indexes, and bisects between them. With
// nothing known (from and guess 0) it bisects the whole range.
template <typename After>
std::size_t gallopToFirst(std::size_t from, std::size_t n, std::size_t guess, const After& after)
{
    std::size_t low = std::min(from, n); // before it: not after
    std::size_t high = n;                // at it: after (n: none known)
    const bool guessed = guess > 0 && low + guess < n;
    if (guessed && after(low + guess)) {
        // Back from the guess, doubling the steps, to one that is not after.
        high = low + guess;
        for (std::size_t step = 1; high > low + step; step *= 2) {
            if (!after(high - step)) {
                low = high - step + 1;
                break;
            }
            high -= step;
        }
    } else if (guessed || low > 0) {
        // On from the guess (not after) or from `from`, doubling the steps, to one that is.
        if (guessed)
            low += guess + 1;
        high = low;
        for (std::size_t step = 1; high < n && !after(high); step *= 2) {
            low = high + 1;
            high += step;
        }
        high = std::min(high, n);
    }
    while (low < high) {
        const std::size_t middle = low + (high - low) / 2;
        if (after(middle))
            high = middle;
        else
            low = middle + 1;
    }
    return low;
}

} // namespace pipescope
