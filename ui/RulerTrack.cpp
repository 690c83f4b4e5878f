#include "RulerTrack.h"

#include "Theme.h"
#include "TimelineLayout.h"

#include <QFontMetricsF>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace pipescope {

void RulerTrack::paint(QPainter& painter, const TrackContext& context)
{
    const TimelineLayout& layout = context.layout;
    const TimeScale& s = layout.scale();
    const QRectF ruler = layout.rulerRect();
    const double height = layout.size().height();
    painter.fillRect(ruler, context.theme.alternateBase());
    const TimeRange range = context.selectedRange;
    const double rangeLeft = std::max(s.left, s.toX(range.start));
    const double rangeRight = std::min(s.left + s.width, s.toX(range.end));
    const bool rangeShown = !range.empty() && rangeRight > rangeLeft;
    if (rangeShown) {
        QColor shade = context.theme.highlight();
        shade.setAlpha(36);
        fillInBands(painter, QRectF(rangeLeft, ruler.top(), rangeRight - rangeLeft, height), shade);
    }
    const qint64 step = TimeScale::tickStep(s.nsPerPixel(), 90);
    const qint64 first = (s.start / step) * step;
    painter.setFont(context.font);
    painter.setPen(context.theme.text());
    const double top = ruler.bottom() - 6; // of the grid lines
    for (qint64 t = first; t <= s.end; t += step) {
        const double x = s.toX(t);
        if (x < s.left)
            continue;
        // One pixel wide, where an aliased line at x is drawn.
        fillInBands(painter, QRectF(std::floor(x), top, 1, height - top), context.theme.grid());
        painter.drawText(QRectF(x + 3, 2, 120, ruler.height() - 6),
                         Qt::AlignLeft | Qt::AlignVCenter, TimeScale::formatTick(t, step));
    }
    painter.setPen(context.theme.text());
    painter.drawText(QRectF(6, 2, TimelineLayout::kLabelWidth - 12, ruler.height() - 6),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("time"));
    if (rangeShown) {
        // Its length on a band across the ruler, where the ticks' labels would be.
        const QRectF band(rangeLeft, ruler.top() + 3, rangeRight - rangeLeft, ruler.height() - 6);
        painter.fillRect(band, context.theme.highlight());
        painter.setPen(context.theme.base());
        painter.drawText(band, Qt::AlignCenter,
                         QFontMetricsF(context.font)
                             .elidedText(TimeScale::formatDuration(range.end - range.start),
                                         Qt::ElideRight, band.width() - 4));
    }
}

void RulerTrack::fillInBands(QPainter& painter, const QRectF& area, const QColor& color)
{
    for (double top = area.top(); top < area.bottom(); top += kBandRows)
        painter.fillRect(QRectF(area.left(), top, area.width(),
                                std::min<double>(kBandRows, area.bottom() - top)),
                         color);
}

} // namespace pipescope
