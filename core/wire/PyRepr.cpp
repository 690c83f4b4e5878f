#include "wire/PyRepr.h"

#include <QChar>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace pipescope {

namespace {

constexpr char HexDigits[] = "0123456789abcdef";

void appendHex(QString& out, char32_t value, int digits)
{
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        out.append(QLatin1Char(HexDigits[(value >> shift) & 0xf]));
}

// Python's str.isprintable(): Qt's isPrint() minus the separators (Zs, Zl, Zp), which Python
// escapes too (U+00A0 prints as '\xa0'). The ASCII space never reaches this test.
bool isPyPrintable(char32_t cp)
{
    if (!QChar::isPrint(cp))
        return false;
    switch (QChar::category(cp)) {
    case QChar::Separator_Space:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return false;
    default:
        return true;
    }
}

void appendReprCodePoint(QString& out, char32_t cp, char16_t quote)
{
    if (cp == quote || cp == u'\\') {
        out.append(QLatin1Char('\\'));
        out.append(QChar(static_cast<char16_t>(cp)));
    } else if (cp == u'\t') {
        out.append(QLatin1String("\\t"));
    } else if (cp == u'\n') {
        out.append(QLatin1String("\\n"));
    } else if (cp == u'\r') {
        out.append(QLatin1String("\\r"));
    } else if (cp < 0x20 || cp == 0x7f) {
        out.append(QLatin1String("\\x"));
        appendHex(out, cp, 2);
    } else if (cp < 0x7f) {
        out.append(QChar(static_cast<char16_t>(cp)));
    } else if (isPyPrintable(cp)) {
        if (QChar::requiresSurrogates(cp)) {
            out.append(QChar(QChar::highSurrogate(cp)));
            out.append(QChar(QChar::lowSurrogate(cp)));
        } else {
            out.append(QChar(static_cast<char16_t>(cp)));
        }
    } else if (cp <= 0xff) {
        out.append(QLatin1String("\\x"));
        appendHex(out, cp, 2);
    } else if (cp <= 0xffff) {
        out.append(QLatin1String("\\u"));
        appendHex(out, cp, 4);
    } else {
        out.append(QLatin1String("\\U"));
        appendHex(out, cp, 8);
    }
}

// Python picks double quotes only when the text has a single quote and no double quote.
template <typename Container> char16_t pickQuote(const Container& text)
{
    bool single = false;
    bool dbl = false;
    for (auto c : text) {
        if (c == u'\'')
            single = true;
        else if (c == u'"')
            dbl = true;
    }
    return single && !dbl ? u'"' : u'\'';
}

// Decodes one code point of surrogatepass UTF-8 at data[i], advancing i. Malformed input (which
// isPyUtf8() rejects) decodes a byte at a time as U+FFFD rather than reading past the end.
char32_t nextCodePoint(const unsigned char* data, qsizetype size, qsizetype& i)
{
    const unsigned char lead = data[i];
    int extra = 0;
    char32_t cp = 0;
    if (lead < 0x80) {
        ++i;
        return lead;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
        extra = 1;
        cp = lead & 0x1f;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        extra = 2;
        cp = lead & 0x0f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        extra = 3;
        cp = lead & 0x07;
    } else {
        ++i;
        return 0xfffd;
    }
    if (size - i <= extra) {
        ++i;
        return 0xfffd;
    }
    for (int k = 1; k <= extra; ++k) {
        const unsigned char c = data[i + k];
        if ((c & 0xc0) != 0x80) {
            ++i;
            return 0xfffd;
        }
        cp = (cp << 6) | (c & 0x3f);
    }
    i += extra + 1;
    return cp;
}

// How repr(bytes) writes each byte inside the given quote, padded to four characters.
struct ByteEscapes
{
    char text[256][4];
    quint8 length[256];
};

constexpr ByteEscapes makeByteEscapes(char quote)
{
    ByteEscapes escapes{};
    for (int c = 0; c < 256; ++c) {
        char* out = escapes.text[c];
        int n = 0;
        if (c == quote || c == '\\') {
            out[n++] = '\\';
            out[n++] = static_cast<char>(c);
        } else if (c == '\t' || c == '\n' || c == '\r') {
            out[n++] = '\\';
            out[n++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
        } else if (c < 0x20 || c >= 0x7f) {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = HexDigits[c >> 4];
            out[n++] = HexDigits[c & 0xf];
        } else {
            out[n++] = static_cast<char>(c);
        }
        escapes.length[c] = static_cast<quint8>(n);
    }
    return escapes;
}

// [0]: inside single quotes, [1]: inside double quotes.
constexpr ByteEscapes kByteEscapes[2] = {makeByteEscapes('\''), makeByteEscapes('"')};

} // namespace

QString reprFloat(double value)
{
    if (std::isnan(value))
        return QStringLiteral("nan");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");

    // Shortest round-trip digits, as "[-]d[.ddd]e[+-]XX".
    char buf[40];
    const auto res = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
    const char* p = buf;
    const char* end = res.ptr;
    const bool negative = *p == '-';
    if (negative)
        ++p;
    char digits[24];
    int ndigits = 0;
    while (p < end && *p != 'e') {
        if (*p != '.')
            digits[ndigits++] = *p;
        ++p;
    }
    int exponent = 0;
    std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), end, exponent);

    QString out;
    out.reserve(32);
    if (negative)
        out.append(QLatin1Char('-'));
    if (exponent >= -4 && exponent < 16) {
        if (exponent >= 0) {
            for (int k = 0; k <= exponent; ++k)
                out.append(QLatin1Char(k < ndigits ? digits[k] : '0'));
            out.append(QLatin1Char('.'));
            if (ndigits > exponent + 1)
                out.append(QLatin1String(digits + exponent + 1, ndigits - exponent - 1));
            else
                out.append(QLatin1Char('0'));
        } else {
            out.append(QLatin1String("0."));
            for (int k = 0; k < -exponent - 1; ++k)
                out.append(QLatin1Char('0'));
            out.append(QLatin1String(digits, ndigits));
        }
    } else {
        out.append(QLatin1Char(digits[0]));
        if (ndigits > 1) {
            out.append(QLatin1Char('.'));
            out.append(QLatin1String(digits + 1, ndigits - 1));
        }
        out.append(QLatin1Char('e'));
        out.append(QLatin1Char(exponent < 0 ? '-' : '+'));
        const int magnitude = exponent < 0 ? -exponent : exponent;
        if (magnitude < 10)
            out.append(QLatin1Char('0'));
        out.append(QString::number(magnitude));
    }
    return out;
}

QString reprStr(QStringView text)
{
    const char16_t quote = pickQuote(text);
    QString out;
    out.reserve(text.size() + 2);
    out.append(QChar(quote));
    for (qsizetype i = 0; i < text.size(); ++i) {
        char32_t cp = text[i].unicode();
        if (QChar::isHighSurrogate(cp) && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            cp = QChar::surrogateToUcs4(text[i], text[i + 1]);
            ++i;
        }
        appendReprCodePoint(out, cp, quote);
    }
    out.append(QChar(quote));
    return out;
}

QString reprStrUtf8(QByteArrayView utf8)
{
    const char16_t quote = pickQuote(utf8);
    const auto* data = reinterpret_cast<const unsigned char*>(utf8.data());
    const qsizetype size = utf8.size();
    QString out;
    out.reserve(size + 2);
    out.append(QChar(quote));
    for (qsizetype i = 0; i < size;)
        appendReprCodePoint(out, nextCodePoint(data, size, i), quote);
    out.append(QChar(quote));
    return out;
}

void appendReprBytes(QByteArray& out, QByteArrayView bytes)
{
    // The quote needs only two memchr() scans, not a branch per byte.
    const bool single = bytes.contains('\'');
    const bool dbl = single && bytes.contains('"');
    const char quote = single && !dbl ? '"' : '\'';
    const ByteEscapes& escapes = kByteEscapes[quote == '"' ? 1 : 0];
    // At most four characters a byte: size the output once, then write each byte's escape as four
    // characters and advance by its real length (every byte message's preview comes here).
    const qsizetype start = out.size();
    out.resize(start + 3 + 4 * bytes.size());
    char* p = out.data() + start;
    *p++ = 'b';
    *p++ = quote;
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        std::memcpy(p, escapes.text[c], 4);
        p += escapes.length[c];
    }
    *p++ = quote;
    out.truncate(p - out.constData());
}

void appendReprBytes(QString& out, QByteArrayView bytes, qsizetype limit, bool& cut)
{
    // At most four characters a byte: when that fits, no check per escape.
    if (limit - out.size() >= 4 * bytes.size() + 3) {
        out.append(reprBytes(bytes));
        return;
    }
    const char quote = pickQuote(bytes) == u'"' ? '"' : '\'';
    const ByteEscapes& escapes = kByteEscapes[quote == '"' ? 1 : 0];
    out.append(QLatin1Char('b'));
    out.append(QLatin1Char(quote));
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (out.size() + escapes.length[c] > limit) {
            cut = true;
            return;
        }
        out.append(QLatin1String(escapes.text[c], escapes.length[c]));
    }
    out.append(QLatin1Char(quote));
}

void appendReprStrUtf8(QString& out, QByteArrayView utf8, qsizetype limit, bool& cut)
{
    // At most four characters a byte ("\x00"; "\U0001f600" takes four bytes): when that fits, no
    // check per escape.
    if (limit - out.size() >= 4 * utf8.size() + 2) {
        out.append(reprStrUtf8(utf8));
        return;
    }
    const char16_t quote = pickQuote(utf8);
    const auto* data = reinterpret_cast<const unsigned char*>(utf8.data());
    const qsizetype size = utf8.size();
    out.append(QChar(quote));
    QString escape;
    for (qsizetype i = 0; i < size;) {
        escape.clear();
        appendReprCodePoint(escape, nextCodePoint(data, size, i), quote);
        if (out.size() + escape.size() > limit) {
            cut = true;
            return;
        }
        out.append(escape);
    }
    out.append(QChar(quote));
}

QByteArray reprBytesPreview(QByteArrayView bytes, qsizetype maxLength, bool more)
{
    QByteArray out;
    appendReprBytes(out, bytes);
    if (!more && out.size() <= maxLength)
        return out;
    const char quote = out.back();
    const ByteEscapes& escapes = kByteEscapes[quote == '"' ? 1 : 0];
    // Room for the marker and the closing quote: "...'".
    const qsizetype room = maxLength - 4;
    qsizetype end = 2; // b'
    for (const char ch : bytes) {
        const qsizetype next = end + escapes.length[static_cast<unsigned char>(ch)];
        if (next > room)
            break;
        end = next;
    }
    out.truncate(end);
    out += "...";
    out += quote;
    return out;
}

QString reprBytes(QByteArrayView bytes)
{
    QByteArray out;
    appendReprBytes(out, bytes);
    return QString::fromLatin1(out);
}

bool isPyUtf8(QByteArrayView utf8)
{
    const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
    const auto* const end = p + utf8.size();
    while (p < end) {
        // Skip ASCII eight bytes at a time: most pickled text is ASCII.
        while (end - p >= 8) {
            quint64 word;
            std::memcpy(&word, p, 8);
            if (word & 0x8080808080808080ULL)
                break;
            p += 8;
        }
        if (p == end)
            break;
        const unsigned char lead = *p;
        if (lead < 0x80) {
            ++p;
            continue;
        }
        int extra = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            extra = 1;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            extra = 2;
            if (lead == 0xe0)
                lo = 0xa0; // no overlong forms; 0xED keeps 0xA0..0xBF: surrogatepass
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            extra = 3;
            if (lead == 0xf0)
                lo = 0x90;
            else if (lead == 0xf4)
                hi = 0x8f;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        if (p[1] < lo || p[1] > hi)
            return false;
        for (int k = 2; k <= extra; ++k) {
            if ((p[k] & 0xc0) != 0x80)
                return false;
        }
        p += extra + 1;
    }
    return true;
}

QString pyUtf8ToQString(QByteArrayView utf8)
{
    const auto* data = reinterpret_cast<const unsigned char*>(utf8.data());
    const qsizetype size = utf8.size();
    QString out;
    out.reserve(size);
    for (qsizetype i = 0; i < size;) {
        const char32_t cp = nextCodePoint(data, size, i);
        if (QChar::requiresSurrogates(cp)) {
            out.append(QChar(QChar::highSurrogate(cp)));
            out.append(QChar(QChar::lowSurrogate(cp)));
        } else {
            out.append(QChar(static_cast<char16_t>(cp)));
        }
    }
    return out;
}

QByteArray qStringToPyUtf8(QStringView text)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        char32_t cp = text[i].unicode();
        if (cp < 0x80) {
            out.append(static_cast<char>(cp));
            continue;
        }
        if (QChar::isHighSurrogate(cp) && i + 1 < text.size() && text[i + 1].isLowSurrogate()) {
            cp = QChar::surrogateToUcs4(text[i], text[i + 1]);
            ++i;
        }
        if (cp < 0x800) {
            out.append(static_cast<char>(0xc0 | (cp >> 6)));
        } else if (cp < 0x10000) {
            out.append(static_cast<char>(0xe0 | (cp >> 12)));
            out.append(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        } else {
            out.append(static_cast<char>(0xf0 | (cp >> 18)));
            out.append(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
            out.append(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        }
        out.append(static_cast<char>(0x80 | (cp & 0x3f)));
    }
    return out;
}

QByteArrayView cutUtf8(QByteArrayView utf8, qsizetype limit)
{
    if (utf8.size() <= limit)
        return utf8;
    qsizetype end = std::max<qsizetype>(limit, 0);
    while (end > 0 && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80)
        --end;
    return utf8.first(end);
}

} // namespace pipescope
