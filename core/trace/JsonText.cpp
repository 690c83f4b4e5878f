#include "trace/JsonText.h"

#include <cstdio>

namespace pipescope {

void appendJsonString(QByteArray& out, QByteArrayView text)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.append('"');
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (byte < 0x20) {
                out.append("\\u00");
                out.append(hex[byte >> 4]);
                out.append(hex[byte & 0xf]);
            } else {
                out.append(c);
            }
        }
    }
    out.append('"');
}

void appendMicroseconds(QByteArray& out, qint64 nanoseconds)
{
    char buffer[32];
    const bool negative = nanoseconds < 0;
    const qint64 magnitude = negative ? -nanoseconds : nanoseconds;
    const int length = std::snprintf(buffer, sizeof buffer, "%s%lld.%03lld", negative ? "-" : "",
                                     static_cast<long long>(magnitude / 1000),
                                     static_cast<long long>(magnitude % 1000));
    out.append(buffer, length);
}

} // namespace pipescope
