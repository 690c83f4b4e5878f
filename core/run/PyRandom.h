#pragma once

#include <QtGlobal>
#include <array>

namespace pipescope {

// CPython's random module, for the parts the scenarios use: random.seed(n) for a non-negative int
// and random.random(). MT19937 seeded by init_by_array over the 32-bit words of n (least
// significant first), and random() = (a * 2**26 + b) / 2**53 with a = next >> 5, b = next >> 6, so
// a seeded run draws exactly the values a Python program would.
class PyRandom
{
public:
    explicit PyRandom(quint64 seed);

    double random();
    quint32 nextWord();

private:
    static constexpr int kStateSize = 624;

    void initGenrand(quint32 seed);
    void initByArray(const quint32* key, int length);

    std::array<quint32, kStateSize> m_state{};
    int m_index = kStateSize + 1;
};

} // namespace pipescope
