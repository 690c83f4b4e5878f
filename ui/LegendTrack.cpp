#include "LegendTrack.h"

#include "Theme.h"
#include "TimelineLayout.h"

#include <QFontMetrics>
#include <QPainter>

namespace pipescope {

void LegendTrack::paint(QPainter& painter, const TrackContext& context)
{
    static constexpr ProcessState states[] = {ProcessState::Running,     ProcessState::Sleeping,
                                              ProcessState::BlockedRecv, ProcessState::BlockedSend,
                                              ProcessState::Polling,     ProcessState::Joining,
                                              ProcessState::Crashed,     ProcessState::Stopped};
    const QRectF area = context.layout.legendRect();
    if (!context.layout.store() || !area.intersects(context.exposed))
        return;
    painter.setFont(context.font);
    const QFontMetrics metrics(context.font);
    double x = 6; // the label column is free on this row
    const double right = context.layout.scale().left + context.layout.scale().width;
    // An entry is drawn only where it fits whole: none is cut at the edge.
    const auto entry = [&](const QColor& swatch, const QString& name) {
        const double width = (swatch.isValid() ? 16 : 0) + metrics.horizontalAdvance(name) + 4;
        if (x + width > right)
            return;
        if (swatch.isValid())
            painter.fillRect(QRectF(x, area.top() + 5, 12, 12), swatch);
        painter.setPen(context.theme.text());
        painter.drawText(QRectF(x + (swatch.isValid() ? 16 : 0), area.top(), width, area.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, name);
        x += width + 14;
    };
    for (const ProcessState state : states)
        entry(context.theme.state(state), processStateName(state));
    entry(context.theme.pollTrue(), tr("poll True"));
    entry(context.theme.pollFalse(), tr("poll False"));
    entry(QColor(), tr("dashed arrow: not received"));
    entry(QColor(), tr("dotted depth: a Queue's items put, not yet received"));
}

} // namespace pipescope
