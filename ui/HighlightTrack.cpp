#include "HighlightTrack.h"

#include "Theme.h"
#include "TimelineLayout.h"

#include <QPainter>

namespace pipescope {

void HighlightTrack::paint(QPainter& painter, const TrackContext& context)
{
    const TimelineLayout& layout = context.layout;
    if (!layout.store() || m_events.empty())
        return;
    const TraceStore& store = *layout.store();
    const TimeScale& s = layout.scale();
    QPen pen(context.theme.highlight(), 2);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    painter.setRenderHint(QPainter::Antialiasing, true);
    for (const qint32 e : m_events) {
        if (e < 0 || e >= store.eventCount())
            continue;
        const int process = store.processOf(e);
        if (process == TraceStore::kRunner || process >= store.processCount() ||
            store.rowOf(process) < 0 || !store.eventShown(e))
            continue; // the runner's own words have no lane, nor what is not shown
        const QRectF bar = layout.barRect(process);
        const double x0 = s.toX(store.startTime(e));
        const double x1 = s.toX(store.time(e));
        if (x1 < s.left - 4 || x0 > s.left + s.width + 4)
            continue;
        const QRectF ring(std::max(x0, s.left - 4) - 4, bar.top() - 4,
                          std::min(x1, s.left + s.width + 4) - std::max(x0, s.left - 4) + 8,
                          bar.height() + 8);
        if (ring.intersects(context.exposed))
            painter.drawRoundedRect(ring, 4, 4);
    }
    painter.setRenderHint(QPainter::Antialiasing, false);
}

} // namespace pipescope
