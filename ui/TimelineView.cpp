#include "TimelineView.h"

#include "ArrowsTrack.h"
#include "DepthTrack.h"
#include "HighlightTrack.h"
#include "LegendTrack.h"
#include "PollsTrack.h"
#include "RulerTrack.h"
#include "StatesTrack.h"
#include "TimeAxis.h"
#include "trace/TraceStore.h"

#include <QCursor>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QToolTip>
#include <cmath>

namespace pipescope {

TimelineView::TimelineView(TimeAxis& axis, QWidget* parent)
    : QWidget(parent)
    , m_axis(axis)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_tracks.push_back(std::make_unique<RulerTrack>());
    m_tracks.push_back(std::make_unique<StatesTrack>());
    auto depth = std::make_unique<DepthTrack>();
    m_depth = depth.get();
    m_tracks.push_back(std::move(depth));
    m_tracks.push_back(std::make_unique<PollsTrack>());
    m_tracks.push_back(std::make_unique<LegendTrack>());
    auto arrows = std::make_unique<ArrowsTrack>();
    m_arrows = arrows.get();
    m_tracks.push_back(std::move(arrows));
    auto highlight = std::make_unique<HighlightTrack>();
    m_highlight = highlight.get();
    m_tracks.push_back(std::move(highlight));
    connect(&m_axis, &TimeAxis::rangeChanged, this, qOverload<>(&QWidget::update));
    connect(&m_axis, &TimeAxis::selectedMessageChanged, this, qOverload<>(&QWidget::update));
}

TimelineView::~TimelineView() = default;

void TimelineView::setStore(const TraceStore* store, bool live)
{
    if (store != m_store)
        m_highlight->setEvents({}); // another run's events
    m_store = store;
    m_live = live;
    updateGeometry();
    update();
}

void TimelineView::setHighlighted(std::vector<qint32> events)
{
    m_highlight->setEvents(std::move(events));
    update();
}

const std::vector<qint32>& TimelineView::highlighted() const
{
    return m_highlight->events();
}

void TimelineView::setNow(qint64 now, bool live)
{
    m_now = now;
    m_live = live;
    update();
}

void TimelineView::setDepthInBytes(bool bytes)
{
    m_depth->setInBytes(bytes);
    update();
}

bool TimelineView::depthInBytes() const
{
    return m_depth->inBytes();
}

TimelineLayout TimelineView::layout() const
{
    return {m_store, m_axis.start(), m_axis.end(), size(), m_live, m_now, m_axis.dataEnd()};
}

QPointF TimelineView::sendPoint(int message) const
{
    const std::optional<ArrowGeometry> arrow = layout().arrow(message);
    return arrow ? arrow->from : QPointF();
}

QPointF TimelineView::recvPoint(int message) const
{
    const std::optional<ArrowGeometry> arrow = layout().arrow(message);
    return arrow ? arrow->to : QPointF();
}

int TimelineView::arrowsDrawn() const
{
    return m_arrows->arrowsDrawn();
}

int TimelineView::bundlesDrawn() const
{
    return m_arrows->bundlesDrawn();
}

int TimelineView::linesDrawn() const
{
    return m_arrows->linesDrawn();
}

QSize TimelineView::sizeHint() const
{
    return {900, layout().totalHeight()};
}

QSize TimelineView::minimumSizeHint() const
{
    return {TimelineLayout::kLabelWidth + 200, layout().totalHeight()};
}

void TimelineView::paintEvent(QPaintEvent* event)
{
    const TimelineLayout geometry = layout();
    const Theme colours = theme();
    const TrackContext context{geometry, colours, font(), QRectF(event->rect()),
                               m_axis.selectedMessage()};
    QPainter painter(this);
    painter.fillRect(rect(), colours.base());
    for (const std::unique_ptr<TimelineTrack>& track : m_tracks)
        track->paint(painter, context);
}

QString TimelineView::tooltipAt(QPointF position) const
{
    if (!m_store)
        return {};
    const TimelineLayout geometry = layout();
    const Theme colours = theme();
    const TrackContext context{geometry, colours, font(), QRectF(rect()), m_axis.selectedMessage()};
    for (auto track = m_tracks.rbegin(); track != m_tracks.rend(); ++track)
        if (const std::optional<TrackHit> hit = (*track)->hitTest(position, context))
            return hit->tooltip;
    return {};
}

bool TimelineView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = tooltipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void TimelineView::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (event->modifiers() & Qt::ControlModifier) {
        m_axis.zoom(std::pow(0.8, steps), scale().toTime(event->position().x()));
    } else {
        const double delta = event->angleDelta().x() != 0 ? event->angleDelta().x() / 120.0 : steps;
        m_axis.pan(-qint64(delta * 0.1 * double(m_axis.span())));
    }
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        m_dragging = true;
        m_dragX = m_pressX = event->position().x();
    }
}

void TimelineView::mouseMoveEvent(QMouseEvent* event)
{
    if (!m_dragging)
        return;
    const double dx = event->position().x() - m_dragX;
    m_dragX = event->position().x();
    if (std::abs(m_dragX - m_pressX) > 3)
        m_axis.pan(-qint64(dx * scale().nsPerPixel()));
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !m_dragging)
        return;
    m_dragging = false;
    if (std::abs(event->position().x() - m_pressX) <= 3) {
        const int message = messageAt(event->position());
        m_axis.setSelectedMessage(message);
        Q_EMIT messageClicked(message);
    }
}

qint64 TimelineView::zoomAnchor() const
{
    const QPoint cursor = mapFromGlobal(QCursor::pos());
    const TimeScale s = scale();
    if (rect().contains(cursor) && cursor.x() >= s.left)
        return s.toTime(cursor.x());
    return (m_axis.start() + m_axis.end()) / 2;
}

void TimelineView::keyPressEvent(QKeyEvent* event)
{
    // Zooming (+, -) and fitting (F) are the window's actions; the arrow keys pan here.
    switch (event->key()) {
    case Qt::Key_Left:
        m_axis.pan(-m_axis.span() / 10);
        break;
    case Qt::Key_Right:
        m_axis.pan(m_axis.span() / 10);
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace pipescope
