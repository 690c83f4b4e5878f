#include "run/PyRandom.h"

#include <algorithm>

namespace pipescope {

namespace {
constexpr int kShift = 397;
constexpr quint32 kMatrixA = 0x9908b0dfU;
constexpr quint32 kUpperMask = 0x80000000U;
constexpr quint32 kLowerMask = 0x7fffffffU;
} // namespace

PyRandom::PyRandom(quint64 seed)
{
    // random.seed(n) hashes |n| into 32-bit words, least significant first; 0 is one zero word.
    const quint32 words[2] = {static_cast<quint32>(seed), static_cast<quint32>(seed >> 32)};
    initByArray(words, words[1] != 0 ? 2 : 1);
}

void PyRandom::initGenrand(quint32 seed)
{
    m_state[0] = seed;
    for (int i = 1; i < kStateSize; ++i) {
        const quint32 previous = m_state[i - 1];
        m_state[i] = 1812433253U * (previous ^ (previous >> 30)) + static_cast<quint32>(i);
    }
    m_index = kStateSize;
}

void PyRandom::initByArray(const quint32* key, int length)
{
    initGenrand(19650218U);
    int i = 1;
    int j = 0;
    for (int k = std::max(kStateSize, length); k > 0; --k) {
        const quint32 previous = m_state[i - 1];
        m_state[i] = (m_state[i] ^ ((previous ^ (previous >> 30)) * 1664525U)) + key[j] +
                     static_cast<quint32>(j);
        ++i;
        ++j;
        if (i >= kStateSize) {
            m_state[0] = m_state[kStateSize - 1];
            i = 1;
        }
        if (j >= length)
            j = 0;
    }
    for (int k = kStateSize - 1; k > 0; --k) {
        const quint32 previous = m_state[i - 1];
        m_state[i] =
            (m_state[i] ^ ((previous ^ (previous >> 30)) * 1566083941U)) - static_cast<quint32>(i);
        ++i;
        if (i >= kStateSize) {
            m_state[0] = m_state[kStateSize - 1];
            i = 1;
        }
    }
    m_state[0] = 0x80000000U; // MSB is 1, assuring a non-zero initial array
}

quint32 PyRandom::nextWord()
{
    if (m_index >= kStateSize) {
        int k = 0;
        for (; k < kStateSize - kShift; ++k) {
            const quint32 y = (m_state[k] & kUpperMask) | (m_state[k + 1] & kLowerMask);
            m_state[k] = m_state[k + kShift] ^ (y >> 1) ^ ((y & 1U) != 0 ? kMatrixA : 0U);
        }
        for (; k < kStateSize - 1; ++k) {
            const quint32 y = (m_state[k] & kUpperMask) | (m_state[k + 1] & kLowerMask);
            m_state[k] =
                m_state[k + (kShift - kStateSize)] ^ (y >> 1) ^ ((y & 1U) != 0 ? kMatrixA : 0U);
        }
        const quint32 y = (m_state[kStateSize - 1] & kUpperMask) | (m_state[0] & kLowerMask);
        m_state[kStateSize - 1] = m_state[kShift - 1] ^ (y >> 1) ^ ((y & 1U) != 0 ? kMatrixA : 0U);
        m_index = 0;
    }
    quint32 y = m_state[static_cast<size_t>(m_index++)];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
}

double PyRandom::random()
{
    const quint32 a = nextWord() >> 5;
    const quint32 b = nextWord() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

} // namespace pipescope
