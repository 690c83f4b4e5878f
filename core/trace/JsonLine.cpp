#include "trace/JsonLine.h"

#include "wire/CharCodes.h"

#include <charconv>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <cstring>
#include <limits>

namespace pipescope {

namespace {

constexpr int kMaxDepth = 64;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

} // namespace

// Reads JSON from [p, end), keeping the first problem.
class JsonLine::Cursor
{
public:
    // `decoded` has room for the line's length: no escape makes a string longer.
    Cursor(const char* begin, const char* end, char* decoded)
        : p(begin)
        , m_end(end)
        , m_out(decoded)
    {}

    const char* p;
    QString problem;

    bool atEnd() const { return p == m_end; }
    // Where the next decoded string goes.
    const char* out() const { return m_out; }
    void skipSpace()
    {
        while (p != m_end && isSpace(*p))
            ++p;
    }
    bool expect(char c, const char* what)
    {
        skipSpace();
        if (p == m_end || *p != c)
            return fail(QLatin1String(what));
        ++p;
        return true;
    }
    bool fail(QLatin1String why)
    {
        if (problem.isEmpty())
            problem = why;
        return false;
    }

    // Moves p to the first quote, backslash or control character from p on (or the end), over
    // valid UTF-8 only: false at a byte that starts no valid UTF-8 sequence (QJsonDocument
    // refuses those too).
    bool skipPlain()
    {
        for (;;) {
#ifdef __SSE2__
            // 16 bytes at a time: most of a string is plain ASCII.
            const __m128i quote = _mm_set1_epi8('"');
            const __m128i backslash = _mm_set1_epi8('\\');
            const __m128i control = _mm_set1_epi8(0x1F);
            while (m_end - p >= 16) {
                const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
                const __m128i special = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                    _mm_cmpeq_epi8(_mm_max_epu8(bytes, control), control)); // byte <= 0x1F
                // Bytes of 0x80 and more have their top bit set: movemask finds them as well.
                const int mask = _mm_movemask_epi8(special) | _mm_movemask_epi8(bytes);
                if (mask != 0) {
                    p += __builtin_ctz(unsigned(mask));
                    break;
                }
                p += 16;
            }
#endif
            while (p != m_end && *p != '"' && *p != '\\' &&
                   static_cast<unsigned char>(*p) >= 0x20 && static_cast<unsigned char>(*p) < 0x80)
                ++p;
            if (p == m_end || static_cast<unsigned char>(*p) < 0x80)
                return true;
            const int length = utf8Length();
            if (length == 0)
                return fail(QLatin1String("invalid UTF-8 in a string"));
            p += length;
        }
    }

    // The length of the valid UTF-8 sequence at p (a byte of 0x80 or more), 0 for none: no
    // overlong form, no surrogate, nothing past U+10FFFF.
    int utf8Length() const
    {
        const auto byte = [this](int i) { return static_cast<unsigned char>(p[i]); };
        const auto continuation = [&](int i) { return p + i < m_end && (byte(i) & 0xC0) == 0x80; };
        const unsigned char first = byte(0);
        if (first >= 0xC2 && first <= 0xDF)
            return continuation(1) ? 2 : 0;
        if (first >= 0xE0 && first <= 0xEF) {
            if (!continuation(1) || !continuation(2))
                return 0;
            if ((first == 0xE0 && byte(1) < 0xA0) || (first == 0xED && byte(1) >= 0xA0))
                return 0;
            return 3;
        }
        if (first >= 0xF0 && first <= 0xF4) {
            if (!continuation(1) || !continuation(2) || !continuation(3))
                return 0;
            if ((first == 0xF0 && byte(1) < 0x90) || (first == 0xF4 && byte(1) >= 0x90))
                return 0;
            return 4;
        }
        return 0;
    }

    // A string at p (its opening quote): its UTF-8, a view of the line or of the decoded text.
    bool string(QByteArrayView& out)
    {
        ++p; // the opening quote
        const char* start = p;
        if (!skipPlain())
            return false;
        if (p == m_end)
            return fail(QLatin1String("unterminated string"));
        if (*p == '"') {
            out = QByteArrayView(start, p - start);
            ++p;
            return true;
        }
        if (*p != '\\')
            return fail(QLatin1String("control character in a string"));
        // Escapes: decoded behind what earlier strings of the line left, runs of plain
        // characters copied at once.
        char* const from = m_out;
        const char* run = start;
        for (;;) {
            const std::size_t plain = std::size_t(p - run);
            std::memcpy(m_out, run, plain);
            m_out += plain;
            if (p == m_end)
                return fail(QLatin1String("unterminated string"));
            if (*p == '"')
                break;
            if (*p != '\\')
                return fail(QLatin1String("control character in a string"));
            if (++p == m_end)
                return fail(QLatin1String("unterminated string"));
            const char escape = *p++;
            switch (escape) {
            case '"':
            case '\\':
            case '/':
                *m_out++ = escape;
                break;
            case 'b':
                *m_out++ = '\b';
                break;
            case 'f':
                *m_out++ = '\f';
                break;
            case 'n':
                *m_out++ = '\n';
                break;
            case 'r':
                *m_out++ = '\r';
                break;
            case 't':
                *m_out++ = '\t';
                break;
            case 'u': {
                char32_t code = 0;
                if (!hex4(code))
                    return false;
                if (code >= 0xD800 && code < 0xDC00 && m_end - p >= 6 && p[0] == '\\' &&
                    p[1] == 'u') {
                    const char* low = p;
                    p += 2;
                    char32_t second = 0;
                    if (!hex4(second))
                        return false;
                    if (second >= 0xDC00 && second < 0xE000)
                        code = 0x10000 + ((code - 0xD800) << 10) + (second - 0xDC00);
                    else
                        p = low; // not a pair: the high half alone, the next escape read next
                }
                if (code >= 0xD800 && code < 0xE000)
                    code = 0xFFFD; // a lone surrogate
                // At most 4 bytes for the 6 or 12 of the escape.
                m_out = putUtf8(m_out, code);
                break;
            }
            default:
                return fail(QLatin1String("invalid escape in a string"));
            }
            run = p;
            if (!skipPlain())
                return false;
        }
        ++p;
        out = QByteArrayView(from, m_out - from);
        return true;
    }

    // A number at p, as JSON writes one.
    bool number(Field& field)
    {
        const char* start = p;
        if (p != m_end && *p == '-')
            ++p;
        if (p == m_end || *p < '0' || *p > '9')
            return fail(QLatin1String("invalid number"));
        if (*p == '0')
            ++p;
        else
            while (p != m_end && *p >= '0' && *p <= '9')
                ++p;
        bool integral = true;
        if (p != m_end && *p == '.') {
            integral = false;
            ++p;
            if (p == m_end || *p < '0' || *p > '9')
                return fail(QLatin1String("invalid number"));
            while (p != m_end && *p >= '0' && *p <= '9')
                ++p;
        }
        if (p != m_end && (*p == 'e' || *p == 'E')) {
            integral = false;
            ++p;
            if (p != m_end && (*p == '+' || *p == '-'))
                ++p;
            if (p == m_end || *p < '0' || *p > '9')
                return fail(QLatin1String("invalid number"));
            while (p != m_end && *p >= '0' && *p <= '9')
                ++p;
        }
        if (integral) {
            qint64 value = 0;
            const auto [end, error] = std::from_chars(start, p, value);
            if (error == std::errc() && end == p) {
                field.type = Type::Integer;
                field.integer = value;
                field.number = double(value);
                return true;
            }
        }
        double value = 0;
        const auto [end, error] = std::from_chars(start, p, value);
        if (error == std::errc::result_out_of_range)
            return fail(QLatin1String("number out of range"));
        if (end != p || error != std::errc())
            return fail(QLatin1String("invalid number"));
        field.type = Type::Number;
        field.number = value;
        return true;
    }

    // Any value at p; an array or an object is only checked.
    bool value(Field& field, int depth)
    {
        skipSpace();
        if (p == m_end)
            return fail(QLatin1String("a value is missing"));
        switch (*p) {
        case '"':
            field.type = Type::String;
            return string(field.text);
        case '{':
        case '[':
            field.type = Type::Other;
            return nested(depth + 1);
        case 't':
            field.type = Type::True;
            return word("true");
        case 'f':
            field.type = Type::False;
            return word("false");
        case 'n':
            field.type = Type::Null;
            return word("null");
        default:
            return number(field);
        }
    }

private:
    bool hex4(char32_t& code)
    {
        if (m_end - p < 4)
            return fail(QLatin1String("invalid escape in a string"));
        for (int i = 0; i < 4; ++i) {
            const int digit = hexDigit(*p++);
            if (digit < 0)
                return fail(QLatin1String("invalid escape in a string"));
            code = code << 4 | char32_t(digit);
        }
        return true;
    }

    bool word(const char* text)
    {
        for (; *text; ++text, ++p) {
            if (p == m_end || *p != *text)
                return fail(QLatin1String("invalid value"));
        }
        return true;
    }

    bool nested(int depth)
    {
        if (depth > kMaxDepth)
            return fail(QLatin1String("nested too deeply"));
        const char close = *p == '{' ? '}' : ']';
        const bool object = close == '}';
        ++p;
        skipSpace();
        if (p != m_end && *p == close) {
            ++p;
            return true;
        }
        Field inner;
        for (;;) {
            if (object) {
                skipSpace();
                QByteArrayView key;
                if (p == m_end || *p != '"')
                    return fail(QLatin1String("a key is missing"));
                if (!string(key) || !expect(':', "a colon is missing"))
                    return false;
            }
            if (!value(inner, depth))
                return false;
            skipSpace();
            if (p != m_end && *p == ',') {
                ++p;
                continue;
            }
            if (p != m_end && *p == close) {
                ++p;
                return true;
            }
            return fail(object ? QLatin1String("a comma or } is missing")
                               : QLatin1String("a comma or ] is missing"));
        }
    }

    const char* m_end;
    char* m_out;
};

bool JsonLine::fail(const QString& why)
{
    m_error = why;
    return false;
}

bool JsonLine::parse(QByteArrayView line)
{
    if (m_decoded.size() < std::size_t(line.size()))
        m_decoded.resize(std::size_t(line.size()));
    return parse(line, m_decoded.data());
}

bool JsonLine::parse(QByteArrayView line, char* decoded)
{
    m_fields.clear();
    m_decodedSize = 0;
    m_error.clear();
    Cursor cursor(line.data(), line.data() + line.size(), decoded);
    cursor.skipSpace();
    if (cursor.atEnd() || *cursor.p != '{') {
        // Valid JSON of another shape, or none at all.
        Field ignored;
        if (cursor.value(ignored, 0)) {
            cursor.skipSpace();
            if (cursor.atEnd())
                return fail(QStringLiteral("not a JSON object"));
        }
        return fail(QStringLiteral("not JSON (%1)")
                        .arg(cursor.problem.isEmpty() ? QStringLiteral("garbage at the end")
                                                      : cursor.problem));
    }
    ++cursor.p;
    cursor.skipSpace();
    bool ok = true;
    if (!cursor.atEnd() && *cursor.p == '}') {
        ++cursor.p;
    } else {
        for (;;) {
            cursor.skipSpace();
            Field field;
            if (cursor.atEnd() || *cursor.p != '"') {
                ok = cursor.fail(QLatin1String("a key is missing"));
                break;
            }
            if (!cursor.string(field.key) || !cursor.expect(':', "a colon is missing") ||
                !cursor.value(field, 0)) {
                ok = false;
                break;
            }
            m_fields.push_back(field);
            cursor.skipSpace();
            if (!cursor.atEnd() && *cursor.p == ',') {
                ++cursor.p;
                continue;
            }
            if (!cursor.atEnd() && *cursor.p == '}') {
                ++cursor.p;
                break;
            }
            ok = cursor.fail(QLatin1String("a comma or } is missing"));
            break;
        }
    }
    m_decodedSize = cursor.out() - decoded;
    cursor.skipSpace();
    if (ok && !cursor.atEnd())
        ok = cursor.fail(QLatin1String("garbage at the end"));
    if (!ok)
        return fail(QStringLiteral("not JSON (%1)").arg(cursor.problem));
    return true;
}

const JsonLine::Field* JsonLine::find(QByteArrayView key) const
{
    for (const Field& field : m_fields) {
        if (field.key.size() == key.size() &&
            std::memcmp(field.key.data(), key.data(), std::size_t(key.size())) == 0)
            return &field;
    }
    return nullptr;
}

} // namespace pipescope
