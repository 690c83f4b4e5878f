#include "PollsTrack.h"

#include "Theme.h"
#include "TimelineLayout.h"
#include "wire/PyRepr.h"

#include <QPainter>
#include <cmath>

namespace pipescope {

void PollsTrack::paint(QPainter& painter, const TrackContext& context)
{
    const TimelineLayout& layout = context.layout;
    const TimeScale& s = layout.scale();
    const QRectF area = layout.pollRect();
    if (!layout.store() || !area.intersects(context.exposed))
        return;
    const TraceStore& store = *layout.store();
    painter.setFont(context.font);
    painter.setPen(context.theme.text());
    painter.drawText(QRectF(6, area.top(), TimelineLayout::kLabelWidth - 10, area.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("poll()"));
    const QColor yes = context.theme.pollTrue();
    const QColor no = context.theme.pollFalse();
    for (int p = 0; p < store.processCount(); ++p) {
        const TraceStore::EventList& polls = store.process(p).pollEvents;
        size_t i = polls.empty()
                       ? 0
                       : std::max<size_t>(TimelineLayout::firstAfter(store, polls, s.start), 1) - 1;
        double lastPixel = -1;
        for (; i < polls.size(); ++i) {
            const qint64 start = store.startTime(polls[i]);
            const qint64 end = store.time(polls[i]);
            if (start > s.end)
                break;
            if (end < s.start || !store.eventShown(polls[i]))
                continue;
            const double x0 = std::max(s.toX(start), s.left);
            const double x1 = std::max(std::min(s.toX(end), s.left + s.width), x0 + 1);
            if (std::floor(x1) <= lastPixel)
                continue; // another poll already filled this pixel
            lastPixel = std::floor(x1);
            // Polls wide enough to see keep a pixel's gap before them, so that two in a row
            // read as two, not as one long poll.
            const double gap = x1 - x0 >= 4 ? 1 : 0;
            painter.fillRect(QRectF(x0 + gap, area.top() + 6, x1 - x0 - gap, area.height() - 12),
                             store.detail(polls[i]) ? yes : no);
        }
    }
}

std::optional<TrackHit> PollsTrack::hitTest(QPointF position, const TrackContext& context) const
{
    const TimelineLayout& layout = context.layout;
    if (!layout.store() || !layout.pollRect().contains(position))
        return std::nullopt;
    const TraceStore& store = *layout.store();
    const qint64 t = layout.scale().toTime(position.x());
    for (int p = 0; p < store.processCount(); ++p) {
        for (const quint32 e : store.process(p).pollEvents) {
            if (store.startTime(e) <= t && t <= store.time(e) && store.eventShown(e)) {
                TrackHit hit;
                hit.kind = TrackHit::Kind::Poll;
                hit.index = p;
                if (!store.text(e).isEmpty()) { // connection.wait(), as the program called it
                    hit.tooltip = tr("%1: %2 after %3")
                                      .arg(store.process(p).name, QString::fromUtf8(store.text(e)),
                                           TimeScale::formatDuration(store.pollWaitNs(e)));
                    return hit;
                }
                hit.tooltip =
                    tr("%1: poll(%2) -> %3 after %4")
                        .arg(store.process(p).name,
                             std::isinf(store.pollTimeoutSeconds(e))
                                 ? QStringLiteral("None")
                                 : reprFloat(store.pollTimeoutSeconds(e)), // as Python prints it
                             store.detail(e) ? QStringLiteral("True") : QStringLiteral("False"),
                             TimeScale::formatDuration(store.pollWaitNs(e)));
                return hit;
            }
        }
    }
    return std::nullopt;
}

} // namespace pipescope
