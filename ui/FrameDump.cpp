#include "FrameDump.h"

namespace pipescope {

namespace {

// The HTML of byte `i` as `text`, in the background of the range it is in.
QString marked(const QString& text, qsizetype i, const FrameDump::Range& header,
               const FrameDump::Range& selected)
{
    for (const FrameDump::Range* range : {&selected, &header}) {
        if (i >= range->begin && i < range->end)
            return QStringLiteral("<span style=\"background-color:%1;color:#000\">%2</span>")
                .arg(range->background.name(), text);
    }
    return text;
}

} // namespace

QString FrameDump::html(QByteArrayView bytes, int perLine, const Range& header,
                        const Range& selected)
{
    QString html = QStringLiteral("<pre style=\"margin:0\">");
    for (qsizetype line = 0; line < bytes.size(); line += qsizetype(perLine)) {
        const qsizetype end = std::min(bytes.size(), line + qsizetype(perLine));
        html += QStringLiteral("%1  ").arg(line, 4, 16, QLatin1Char('0'));
        for (qsizetype i = line; i < line + qsizetype(perLine); ++i) {
            // Short last lines keep the ASCII column where the others have it.
            html +=
                i < end
                    ? marked(QStringLiteral("%1").arg(quint8(bytes[i]), 2, 16, QLatin1Char('0')), i,
                             header, selected)
                    : QStringLiteral("  ");
            if (i + 1 < line + qsizetype(perLine))
                html += QLatin1Char(' ');
        }
        html += QStringLiteral("  ");
        for (qsizetype i = line; i < end; ++i) {
            const auto byte = quint8(bytes[i]);
            const QString ascii = byte >= 0x20 && byte < 0x7f
                                      ? QString(QChar(char16_t(byte))).toHtmlEscaped()
                                      : QStringLiteral(".");
            html += marked(ascii, i, header, selected);
        }
        html += QLatin1Char('\n');
    }
    return html + QStringLiteral("</pre>");
}

} // namespace pipescope
