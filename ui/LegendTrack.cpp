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
                                              ProcessState::Polling,     ProcessState::Crashed,
                                              ProcessState::Stopped};
    const QRectF area = context.layout.legendRect();
    if (!context.layout.store() || !area.intersects(context.exposed))
        return;
    painter.setFont(context.font);
    const QFontMetrics metrics(context.font);
    double x = TimelineLayout::kLabelWidth;
    for (const ProcessState state : states) {
        painter.fillRect(QRectF(x, area.top() + 5, 12, 12), context.theme.state(state));
        painter.setPen(context.theme.text());
        const QString name = processStateName(state);
        painter.drawText(
            QRectF(x + 16, area.top(), metrics.horizontalAdvance(name) + 4, area.height()),
            Qt::AlignLeft | Qt::AlignVCenter, name);
        x += 16 + metrics.horizontalAdvance(name) + 18;
    }
    painter.drawText(QRectF(x, area.top(), 400, area.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("dashed arrow: not received"));
}

} // namespace pipescope
