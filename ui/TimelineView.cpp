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

#include <QContextMenuEvent>
#include <QCursor>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QMenu>
#include <QMetaMethod>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QToolTip>
#include <cmath>
#include <utility>

namespace pipescope {

TimelineView::TimelineView(TimeAxis& axis, QWidget* parent)
    : QWidget(parent)
    , m_axis(axis)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_tracks.push_back(std::make_unique<RulerTrack>()); // first: see paintStickyBand()
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
    connect(&m_axis, &TimeAxis::selectedRangeChanged, this, qOverload<>(&QWidget::update));
}

TimelineView::~TimelineView() = default;

void TimelineView::setStore(const TraceStore* store, bool live)
{
    if (store != m_store) {
        m_highlight->setEvents({}); // another run's events
        m_measure.reset();
        m_drag = Drag::None;
        m_collapsed.clear();
        m_pinned.clear();
    }
    m_store = store;
    m_live = live;
    updateGeometry();
    update();
}

void TimelineView::setTimeOffset(qint64 offset, qint64 dataEnd)
{
    m_offset = offset;
    m_ownDataEnd = dataEnd;
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
    TimelineLayout geometry(m_store, m_axis.start() + m_offset, m_axis.end() + m_offset, size(),
                            m_live, m_now + m_offset,
                            m_ownDataEnd >= 0 ? m_ownDataEnd : m_axis.dataEnd() + m_offset);
    if (m_store && !m_collapsed.isEmpty()) {
        auto tops = std::make_shared<std::vector<double>>();
        tops->reserve(size_t(m_store->rowCount()) + 1);
        double y = 0;
        for (int row = 0; row < m_store->rowCount(); ++row) {
            tops->push_back(y);
            y += m_collapsed.contains(m_store->processAtRow(row)) ? TimelineLayout::kCollapsedHeight
                                                                  : TimelineLayout::kLaneHeight;
        }
        tops->push_back(y);
        geometry.setRowTops(std::move(tops));
    }
    return geometry;
}

void TimelineView::setLaneCollapsed(int process, bool collapsed)
{
    if (collapsed)
        m_collapsed.insert(process);
    else
        m_collapsed.remove(process);
    updateGeometry();
    update();
}

bool TimelineView::lanePinned(int process) const
{
    if (!m_store || !m_pinned.contains(process))
        return false;
    const int row = m_store->rowOf(process);
    return row >= 0 && row < bandRows();
}

void TimelineView::setLanePinned(int process, bool pinned)
{
    dropStrayPins();
    // Only a process's own lane (its threads' go with it), and only a change.
    if (!m_store || process < 0 || process >= m_store->processCount() ||
        !m_store->process(process).thread.isEmpty() || pinned == lanePinned(process))
        return;
    // The pinned lanes stay together at the top: a lane pinned goes under them, one let go
    // right below those still pinned. Moving is the run's (see laneMoveRequested).
    const int pinnedLanes = pinnedAtTop();
    if (pinned) {
        Q_EMIT laneMoveRequested(process, -(1 << 20));
        Q_EMIT laneMoveRequested(process, pinnedLanes);
        m_pinned.insert(process);
    } else {
        int below = 0;
        for (int row = m_store->rowOf(process) + 1; row >= 1 && row < bandRows(); ++row)
            below += m_store->process(m_store->processAtRow(row)).thread.isEmpty() ? 1 : 0;
        m_pinned.remove(process);
        Q_EMIT laneMoveRequested(process, below);
    }
    update();
}

void TimelineView::dropStrayPins()
{
    // Pins that no longer hold (see lanePinned()) are let go, so that a lane that came back apart
    // from the band does not join it later unasked (a lane moved out of its way, another pinned);
    // a hidden one may yet come back in it.
    QList<int> stray;
    for (const int p : std::as_const(m_pinned)) {
        if (m_store && m_store->rowOf(p) >= 0 && !lanePinned(p))
            stray.append(p);
    }
    for (const int p : stray)
        m_pinned.remove(p);
}

int TimelineView::bandRows() const
{
    if (!m_store || m_pinned.isEmpty())
        return 0;
    int row = 0;
    for (; row < m_store->rowCount(); ++row) {
        const int process = m_store->processAtRow(row);
        // A thread's lane right under a pinned lane is its process's.
        const bool thread = !m_store->process(process).thread.isEmpty();
        if (!m_pinned.contains(process) && !(thread && row > 0))
            break;
    }
    return row;
}

int TimelineView::pinnedAtTop() const
{
    int lanes = 0;
    for (int row = 0; row < bandRows(); ++row)
        lanes += m_store->process(m_store->processAtRow(row)).thread.isEmpty() ? 1 : 0;
    return lanes;
}

double TimelineView::stickyHeight() const
{
    const int rows = bandRows();
    return rows > 0 ? layout().rowRect(rows - 1).bottom() : TimelineLayout::kRulerHeight;
}

int TimelineView::visibleTop() const
{
    // A scroll area moves its widget up as it scrolls down; a window's y() is on the screen.
    return isWindow() ? 0 : std::max(0, -y());
}

QPointF TimelineView::contentPoint(QPointF position) const
{
    const int top = visibleTop();
    if (top > 0 && position.y() >= top && position.y() < top + stickyHeight())
        return {position.x(), position.y() - top};
    return position;
}

void TimelineView::moveEvent(QMoveEvent* event)
{
    // Scrolled: the band on top is painted again where the view now begins.
    update();
    QWidget::moveEvent(event);
}

int TimelineView::laneAt(QPointF widgetPosition) const
{
    if (!m_store)
        return -1;
    const QPointF position = contentPoint(widgetPosition);
    const TimelineLayout geometry = layout();
    const auto [first, end] = geometry.rowsIn(QRectF(position, position));
    for (int row = first; row < end; ++row) {
        if (geometry.rowRect(row).contains(position))
            return m_store->processAtRow(row);
    }
    return -1;
}

void TimelineView::contextMenuEvent(QContextMenuEvent* event)
{
    const int process = event->pos().x() < TimelineLayout::kLabelWidth ? laneAt(event->pos()) : -1;
    if (process < 0)
        return QWidget::contextMenuEvent(event);
    const std::unique_ptr<QMenu> menu = laneMenu(process);
    menu->exec(event->globalPos());
}

std::unique_ptr<QMenu> TimelineView::laneMenu(int process)
{
    auto menu = std::make_unique<QMenu>(this);
    if (!m_store || process < 0 || process >= m_store->processCount())
        return menu;
    const bool collapsed = laneCollapsed(process);
    menu->addAction(collapsed ? tr("Expand lane") : tr("Collapse lane"), this,
                    [this, process, collapsed] { setLaneCollapsed(process, !collapsed); });
    // Moving is the run's (its store keeps the order): only where someone moves it.
    if (!isSignalConnected(QMetaMethod::fromSignal(&TimelineView::laneMoveRequested)))
        return menu;
    menu->addSeparator();
    dropStrayPins();           // before a move below can bring a stray pin back to the band
    if (lanePinned(process)) { // it stays with the pinned lanes until it is let go
        menu->addAction(tr("Unpin lane"), this, [this, process] { setLanePinned(process, false); });
        return menu;
    }
    if (m_store->process(process).thread.isEmpty())
        menu->addAction(tr("Pin to top"), this, [this, process] { setLanePinned(process, true); });
    // A process's lane moves stop at the pinned lanes: to the top is right under them. A
    // thread's lane moves among its siblings only, pinned or not.
    const bool thread = !m_store->process(process).thread.isEmpty();
    const int pinnedLanes = thread ? 0 : pinnedAtTop();
    menu->addAction(tr("Move to top"), this, [this, process, pinnedLanes] {
        Q_EMIT laneMoveRequested(process, -(1 << 20));
        if (pinnedLanes > 0)
            Q_EMIT laneMoveRequested(process, pinnedLanes);
    });
    QAction* up = menu->addAction(tr("Move up"), this,
                                  [this, process] { Q_EMIT laneMoveRequested(process, -1); });
    up->setEnabled(thread || m_store->rowOf(process) > bandRows());
    menu->addAction(tr("Move down"), this,
                    [this, process] { Q_EMIT laneMoveRequested(process, 1); });
    return menu;
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

const std::vector<QRectF>& TimelineView::labelBoxes() const
{
    return m_arrows->labelBoxes();
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
    // A pin that no longer holds is let go before the store can move its lane back into the
    // band (lanes shown, hidden or moved by the run), as the menu does before its moves.
    dropStrayPins();
    const TimelineLayout geometry = layout();
    const Theme colours = theme();
    // While a range is being dragged it is only shaded: the views that cover it take it in once
    // it is let go (each would walk its messages at every move).
    TimeRange range = m_drag == Drag::Range ? m_dragRange : m_axis.selectedRange();
    if (!range.empty()) // the axis's time, the store's here
        range = {range.start + m_offset, range.end + m_offset};
    const TrackContext context{
        geometry, colours, font(), QRectF(event->rect()), m_axis.selectedMessage(), range};
    QPainter painter(this);
    painter.fillRect(rect(), colours.base());
    for (const std::unique_ptr<TimelineTrack>& track : m_tracks)
        track->paint(painter, context);
    if (const int top = visibleTop(); top > 0)
        paintStickyBand(painter, context, top);
    if (m_measure)
        paintMeasure(painter, geometry, colours);
}

void TimelineView::paintStickyBand(QPainter& painter, const TrackContext& context, int top) const
{
    // The ruler and the pinned lanes once more, over what is scrolled under them, with a line
    // below.
    const QRectF band(0, 0, width(), stickyHeight());
    painter.save();
    painter.translate(0, top);
    painter.setClipRect(band);
    painter.fillRect(band, context.theme.base());
    const TrackContext bandContext{context.layout, context.theme,           context.font,
                                   band,           context.selectedMessage, context.selectedRange};
    // Only the ruler when no lane is pinned: the other tracks draw nothing there.
    if (bandRows() == 0)
        m_tracks.front()->paint(painter, bandContext);
    else
        for (const std::unique_ptr<TimelineTrack>& track : m_tracks)
            track->paint(painter, bandContext);
    painter.setClipping(false);
    painter.setPen(context.theme.text());
    painter.drawLine(QPointF(0, band.bottom()), QPointF(width(), band.bottom()));
    painter.restore();
}

void TimelineView::paintMeasure(QPainter& painter, const TimelineLayout& geometry,
                                const Theme& colours) const
{
    // A ruler between the two times, with their distance above it, over everything.
    const TimeScale& s = geometry.scale();
    const double x0 = s.toX(std::min(m_measure->from, m_measure->to));
    const double x1 = s.toX(std::max(m_measure->from, m_measure->to));
    const double y = m_measure->y;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setPen(QPen(colours.text(), 1.5));
    painter.drawLine(QPointF(x0, y), QPointF(x1, y));
    painter.drawLine(QPointF(x0, y - 6), QPointF(x0, y + 6));
    painter.drawLine(QPointF(x1, y - 6), QPointF(x1, y + 6));
    const QString text = TimeScale::formatDuration(std::abs(m_measure->to - m_measure->from));
    const QFontMetricsF metrics(font());
    const QRectF box(std::max(x0, (x0 + x1) / 2 - metrics.horizontalAdvance(text) / 2 - 4),
                     y - metrics.height() - 6, metrics.horizontalAdvance(text) + 8,
                     metrics.height() + 2);
    painter.fillRect(box, colours.veil());
    painter.drawText(box, Qt::AlignCenter, text);
    painter.restore();
}

QString TimelineView::tooltipAt(QPointF widgetPosition) const
{
    if (!m_store)
        return {};
    const QPointF position = contentPoint(widgetPosition);
    const TimelineLayout geometry = layout();
    const Theme colours = theme();
    const TrackContext context{geometry,
                               colours,
                               font(),
                               QRectF(rect()),
                               m_axis.selectedMessage(),
                               m_axis.selectedRange()};
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
        m_axis.zoom(std::pow(0.8, steps), scale().toTime(event->position().x()) - m_offset);
    } else {
        const double delta = event->angleDelta().x() != 0 ? event->angleDelta().x() / 120.0 : steps;
        m_axis.pan(-qint64(delta * 0.1 * double(m_axis.span())));
    }
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_dragX = m_pressX = event->position().x();
    const qint64 t = scale().toTime(m_pressX);
    // Shift: measure from here; on the ruler: select a range from here; elsewhere: pan.
    if (event->modifiers() & Qt::ShiftModifier) {
        m_drag = Drag::Measure;
        m_measure = Measure{t, t, event->position().y()};
        update();
    } else if (contentPoint(event->position()).y() < TimelineLayout::kRulerHeight) {
        m_drag = Drag::Range;
        m_rangeAnchor = std::max<qint64>(0, t - m_offset);
        m_dragRange = m_axis.selectedRange();
    } else {
        m_drag = Drag::Pan;
    }
}

void TimelineView::mouseMoveEvent(QMouseEvent* event)
{
    const double x = event->position().x();
    const double dx = x - m_dragX;
    m_dragX = x;
    const bool moved = std::abs(m_dragX - m_pressX) > 3;
    switch (m_drag) {
    case Drag::None:
        break;
    case Drag::Pan:
        if (moved)
            m_axis.pan(-qint64(dx * scale().nsPerPixel()));
        break;
    case Drag::Range:
        if (moved) {
            const qint64 t = std::max<qint64>(0, scale().toTime(x) - m_offset);
            m_dragRange = {std::min(t, m_rangeAnchor), std::max(t, m_rangeAnchor)};
            update();
        }
        break;
    case Drag::Measure:
        m_measure->to = scale().toTime(x);
        update();
        break;
    }
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || m_drag == Drag::None)
        return;
    const Drag drag = std::exchange(m_drag, Drag::None);
    if (std::abs(event->position().x() - m_pressX) > 3) {
        if (drag == Drag::Range) { // to where it was let go
            const qint64 t = std::max<qint64>(0, scale().toTime(event->position().x()) - m_offset);
            m_axis.setSelectedRange({std::min(t, m_rangeAnchor), std::max(t, m_rangeAnchor)});
            update();
        }
        return;
    }
    // A click: on the ruler it clears the range; elsewhere it selects what is under it and
    // takes the measure away.
    if (drag == Drag::Range) {
        m_axis.setSelectedRange({});
    } else if (drag == Drag::Pan) {
        m_measure.reset();
        const int message = messageAt(event->position());
        m_axis.setSelectedMessage(message);
        Q_EMIT messageClicked(message);
        update();
    } else {
        m_measure.reset();
        update();
    }
}

qint64 TimelineView::zoomAnchor() const
{
    const QPoint cursor = mapFromGlobal(QCursor::pos());
    const TimeScale s = scale();
    if (rect().contains(cursor) && cursor.x() >= s.left)
        return s.toTime(cursor.x()) - m_offset;
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
