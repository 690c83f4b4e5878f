#pragma once

#include <QByteArrayView>
#include <QColor>
#include <QString>

namespace pipescope {

// A frame's bytes as an HTML hex dump, as a packet analyser shows them: `perLine` bytes a line
// (16, or 8 where that is too wide), each line with its offset, the bytes in hex and the same
// bytes as ASCII ('.' for the rest). Two
// ranges are marked, each with its background: the length header, and a selected part (an
// opcode of the pickle; empty: none).
struct FrameDump
{
    struct Range
    {
        qsizetype begin = 0;
        qsizetype end = 0; // exclusive
        QColor background;
    };

    static QString html(QByteArrayView bytes, int perLine, const Range& header,
                        const Range& selected);
    // How many characters wide a line of `perLine` bytes is.
    static int lineWidth(int perLine) { return 4 + 2 + 3 * perLine - 1 + 2 + perLine; }
};

} // namespace pipescope
