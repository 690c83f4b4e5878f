#include "wire/PickleText.h"

#include "wire/CharCodes.h"
#include "wire/PyRepr.h"

#include <charconv>
#include <limits>

namespace pipescope::pickletext {

namespace {

// Python 3.11's sys.get_int_max_str_digits() default, as Value::repr() has it.
constexpr qsizetype MaxIntDigits = 4300;

void appendUtf8(QByteArray& out, char32_t cp)
{
    // Surrogates are encoded like any other code point ('surrogatepass').
    char bytes[4];
    out.append(bytes, putUtf8(bytes, cp) - bytes);
}

} // namespace

bool parseDecimalInt(QByteArrayView text, qint64& value, QByteArray& big)
{
    big.clear();
    qsizetype i = 0;
    const bool negative = !text.isEmpty() && text[0] == '-';
    if (!text.isEmpty() && (text[0] == '-' || text[0] == '+'))
        ++i;
    if (i == text.size())
        return false;
    for (qsizetype k = i; k < text.size(); ++k) {
        if (text[k] < '0' || text[k] > '9')
            return false;
    }
    while (i + 1 < text.size() && text[i] == '0')
        ++i;
    const QByteArrayView digits = text.sliced(i);
    // Accumulated negatively: the 64-bit range holds one more negative number than positive.
    qint64 acc = 0;
    bool fits = true;
    constexpr qint64 lowest = std::numeric_limits<qint64>::min();
    for (const char c : digits) {
        const int d = c - '0';
        if (acc < lowest / 10 || acc * 10 < lowest + d) {
            fits = false;
            break;
        }
        acc = acc * 10 - d;
    }
    if (fits && (negative || acc != lowest)) {
        value = negative ? acc : -acc;
        return true;
    }
    if (digits.size() > MaxIntDigits) {
        big = (negative ? QByteArrayLiteral("<negative int of ") : QByteArrayLiteral("<int of ")) +
              QByteArray::number(digits.size()) + QByteArrayLiteral(" digits>");
    } else {
        big = (negative ? QByteArrayLiteral("-") : QByteArray()) + digits.toByteArray();
    }
    return true;
}

bool parseFloat(QByteArrayView text, double& value)
{
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+')
        ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    return begin != end && ec == std::errc() && ptr == end;
}

bool decodeRawUnicodeEscape(QByteArrayView text, bool partial, QByteArray& utf8)
{
    utf8.clear();
    utf8.reserve(text.size());
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size;) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c != '\\') {
            appendUtf8(utf8, c); // Latin-1
            ++i;
            continue;
        }
        // A run of backslashes: an odd one escapes a following u or U (CPython's decoder).
        qsizetype run = 0;
        while (i < size && text[i] == '\\') {
            ++run;
            ++i;
        }
        const bool escapes = (run % 2) == 1 && i < size && (text[i] == 'u' || text[i] == 'U');
        for (qsizetype k = 0; k < run - (escapes ? 1 : 0); ++k)
            utf8.append('\\');
        if (!escapes) {
            if (partial && i == size && run % 2 == 1)
                utf8.chop(1); // maybe the start of an escape the cut took away
            continue;
        }
        const int count = text[i] == 'u' ? 4 : 8;
        ++i;
        char32_t cp = 0;
        int got = 0;
        for (; got < count && i < size; ++got, ++i) {
            const int d = hexDigit(text[i]);
            if (d < 0)
                return false;
            cp = cp * 16 + static_cast<char32_t>(d);
        }
        if (got < count)
            return partial; // cut inside the escape: dropped
        if (cp > 0x10ffff)
            return false;
        appendUtf8(utf8, cp);
    }
    return true;
}

QByteArrayView wholeUtf8Start(QByteArrayView utf8)
{
    const qsizetype size = utf8.size();
    qsizetype lead = size - 1;
    while (lead >= 0 && lead > size - 4 && (static_cast<unsigned char>(utf8[lead]) & 0xc0) == 0x80)
        --lead;
    if (lead < 0)
        return utf8;
    const auto b = static_cast<unsigned char>(utf8[lead]);
    if (b < 0xc0)
        return utf8;
    const qsizetype length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return lead + length > size ? utf8.first(lead) : utf8;
}

bool latin1FromUtf8(QByteArrayView utf8, QByteArray& bytes)
{
    bytes.clear();
    bytes.reserve(utf8.size());
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        if (b < 0x80) {
            bytes.append(static_cast<char>(b));
        } else if ((b == 0xc2 || b == 0xc3) && i + 1 < utf8.size()) {
            const auto next = static_cast<unsigned char>(utf8[++i]);
            bytes.append(static_cast<char>(((b & 0x1f) << 6) | (next & 0x3f)));
        } else {
            return false;
        }
    }
    return true;
}

QByteArray printable(QByteArrayView text)
{
    bool clean = isPyUtf8(text);
    for (qsizetype i = 0; clean && i < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        // Control characters, DEL, and 0xED 0xA0..0xBF: a surrogate.
        clean = !(
            b < 0x20 || b == 0x7f ||
            (b == 0xed && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0xa0));
    }
    if (clean)
        return text.toByteArray();
    QByteArray out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b >= 0x20 && b < 0x7f) {
            out.append(c);
        } else {
            out.append("\\x");
            out.append("0123456789abcdef"[b >> 4]);
            out.append("0123456789abcdef"[b & 15]);
        }
    }
    return out;
}

} // namespace pipescope::pickletext
