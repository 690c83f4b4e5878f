#pragma once

#include <QtGlobal>
#include <array>

namespace pipescope {

// Each byte's value as a hex digit (0 to 15), or -1.
inline constexpr std::array<qint8, 256> kHexDigitValues = [] {
    std::array<qint8, 256> digits{};
    for (int c = 0; c < 256; ++c)
        digits[size_t(c)] = c >= '0' && c <= '9'   ? qint8(c - '0')
                            : c >= 'a' && c <= 'f' ? qint8(c - 'a' + 10)
                            : c >= 'A' && c <= 'F' ? qint8(c - 'A' + 10)
                                                   : qint8(-1);
    return digits;
}();

inline int hexDigit(char c)
{
    return kHexDigitValues[static_cast<unsigned char>(c)];
}

// Writes `code` as UTF-8 at `out` (1 to 4 bytes; a surrogate is encoded like any other code
// point, as Python's 'surrogatepass'): the end of what it wrote.
inline char* putUtf8(char* out, char32_t code)
{
    if (code < 0x80) {
        *out++ = char(code);
    } else if (code < 0x800) {
        *out++ = char(0xC0 | (code >> 6));
        *out++ = char(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        *out++ = char(0xE0 | (code >> 12));
        *out++ = char(0x80 | ((code >> 6) & 0x3F));
        *out++ = char(0x80 | (code & 0x3F));
    } else {
        *out++ = char(0xF0 | (code >> 18));
        *out++ = char(0x80 | ((code >> 12) & 0x3F));
        *out++ = char(0x80 | ((code >> 6) & 0x3F));
        *out++ = char(0x80 | (code & 0x3F));
    }
    return out;
}

} // namespace pipescope
