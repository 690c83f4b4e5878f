#include "TimelineView.h"

#include "TimeAxis.h"
#include "trace/TraceStore.h"

#include <QCursor>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

namespace pipescope {

namespace {

// Arrows closer than this (in pixels, by their send) are bundled.
constexpr double kBundleWidth = 6;
// An arrow with this much room before the next one on its channel gets its value as a label.
constexpr double kLabelMinimumRoom = 40;

// The part of the segment a-b inside `clip` (Liang-Barsky), or nothing when it misses it.
std::optional<std::pair<QPointF, QPointF>> clipSegment(QPointF a, QPointF b, const QRectF& clip)
{
    double t0 = 0;
    double t1 = 1;
    const double dx = b.x() - a.x();
    const double dy = b.y() - a.y();
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {a.x() - clip.left(), clip.right() - a.x(), a.y() - clip.top(),
                         clip.bottom() - a.y()};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return std::nullopt;
            continue;
        }
        const double r = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, r);
        else
            t1 = std::min(t1, r);
        if (t0 > t1)
            return std::nullopt;
    }
    return std::pair(QPointF(a.x() + t0 * dx, a.y() + t0 * dy),
                     QPointF(a.x() + t1 * dx, a.y() + t1 * dy));
}

} // namespace

TimelineView::TimelineView(TimeAxis& axis, QWidget* parent)
    : QWidget(parent)
    , m_axis(axis)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(&m_axis, &TimeAxis::rangeChanged, this, qOverload<>(&QWidget::update));
    connect(&m_axis, &TimeAxis::selectedMessageChanged, this, qOverload<>(&QWidget::update));
}

void TimelineView::setStore(const TraceStore* store, bool live)
{
    m_store = store;
    m_live = live;
    updateGeometry();
    update();
}

void TimelineView::setNow(qint64 now, bool live)
{
    m_now = now;
    m_live = live;
    update();
}

void TimelineView::setDepthInBytes(bool bytes)
{
    m_depthInBytes = bytes;
    update();
}

TimelineLayout TimelineView::layout() const
{
    return {m_store, m_axis.start(), m_axis.end(), size(), m_live, m_now, m_axis.dataEnd()};
}

QSize TimelineView::sizeHint() const
{
    return {900, layout().totalHeight()};
}

QSize TimelineView::minimumSizeHint() const
{
    return {kLabelWidth + 200, layout().totalHeight()};
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

std::pair<int, int> TimelineView::exposedLanes() const
{
    const int count = m_store ? m_store->processCount() : 0;
    const auto lane = [&](double y) {
        return std::clamp(int(std::floor((y - kRulerHeight) / kLaneHeight)), 0, count);
    };
    return {lane(m_exposed.top()), std::min(count, lane(m_exposed.bottom()) + 1)};
}

bool TimelineView::channelExposed(int channel) const
{
    const TraceStore::Channel& c = m_store->channel(channel);
    const QRectF from = laneRect(c.from);
    const QRectF to = laneRect(c.to);
    return std::max(from.bottom(), to.bottom()) >= m_exposed.top() &&
           std::min(from.top(), to.top()) <= m_exposed.bottom();
}

void TimelineView::paintEvent(QPaintEvent* event)
{
    m_exposed = QRectF(event->rect());
    m_theme = Theme(palette());
    m_drawnLines.fill(0);
    m_labelBoxes.clear();
    QPainter painter(this);
    painter.fillRect(rect(), m_theme.base());
    m_arrowsDrawn = 0;
    m_bundlesDrawn = 0;
    m_linesDrawn = 0;
    const TimeScale s = scale();
    paintRuler(painter, s);
    if (!m_store)
        return;
    paintLanes(painter, s);
    paintDepth(painter, s);
    paintPolls(painter, s);
    paintLegend(painter);
    painter.setRenderHint(QPainter::Antialiasing, true);
    paintArrows(painter, s);
}

void TimelineView::paintRuler(QPainter& painter, const TimeScale& s) const
{
    const QColor text = m_theme.text();
    const QColor grid = m_theme.grid();
    painter.fillRect(QRectF(0, 0, width(), kRulerHeight), m_theme.alternateBase());
    const qint64 step = TimeScale::tickStep(s.nsPerPixel(), 90);
    const qint64 first = (s.start / step) * step;
    painter.setFont(font());
    for (qint64 t = first; t <= s.end; t += step) {
        const double x = s.toX(t);
        if (x < s.left)
            continue;
        painter.setPen(grid);
        painter.drawLine(QPointF(x, kRulerHeight - 6), QPointF(x, height()));
        painter.setPen(text);
        painter.drawText(QRectF(x + 3, 2, 120, kRulerHeight - 6), Qt::AlignLeft | Qt::AlignVCenter,
                         TimeScale::formatTick(t, step));
    }
    painter.setPen(text);
    painter.drawText(QRectF(6, 2, kLabelWidth - 12, kRulerHeight - 6),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("time"));
}

void TimelineView::paintLanes(QPainter& painter, const TimeScale& s) const
{
    const QColor text = m_theme.text();
    const auto [firstLane, endLane] = exposedLanes();
    for (int p = firstLane; p < endLane; ++p) {
        const TraceStore::Process& process = m_store->process(p);
        const QRectF lane = laneRect(p);
        if (p % 2)
            painter.fillRect(lane, m_theme.alternateBase());
        painter.setPen(text);
        QFont bold = font();
        bold.setBold(true);
        painter.setFont(bold);
        painter.drawText(QRectF(6, lane.top() + 4, kLabelWidth - 10, 18),
                         Qt::AlignLeft | Qt::AlignVCenter, process.name);
        painter.setFont(font());
        QString sub = process.pid ? tr("pid %1").arg(process.pid) : QString();
        if (process.ended)
            sub += process.crashed ? tr(" · %1").arg(signalName(process.signal))
                                   : tr(" · exit %1").arg(process.exitCode);
        painter.setPen(process.crashed || process.exitCode != 0
                           ? m_theme.state(ProcessState::Crashed)
                           : m_theme.dimText());
        painter.drawText(QRectF(6, lane.top() + 22, kLabelWidth - 10, 18),
                         Qt::AlignLeft | Qt::AlignVCenter, sub);

        // State bars, merged to pixels.
        const double barTop = lane.top() + kBarTop;
        const double barHeight = kBarHeight;
        const TraceStore::EventList& states = process.stateEvents;
        if (states.empty())
            continue;
        size_t i = TimelineLayout::firstAfter(*m_store, states, s.start);
        i = i > 0 ? i - 1 : 0;
        const qint64 laneEnd = layout().endOf(p);
        qint64 drawnUntil = s.start;
        while (i < states.size()) {
            const qint64 from = std::max(m_store->time(states[i]), drawnUntil);
            if (from > s.end)
                break;
            const auto state = static_cast<ProcessState>(m_store->detail(states[i]));
            const qint64 until =
                i + 1 < states.size() ? m_store->time(states[i + 1]) : std::max(laneEnd, from);
            double x0 = std::max(s.toX(from), s.left);
            double x1 = std::min(s.toX(until), s.left + s.width);
            if (state == ProcessState::Exited) {
                ++i;
                continue; // nothing to show after a clean exit
            }
            if (state == ProcessState::Crashed)
                x1 = s.left + s.width;
            if (x1 - x0 < 1) {
                // Several changes within one pixel: one pixel in the state it starts with, then
                // go on from the next pixel with the state in effect there.
                painter.fillRect(QRectF(std::floor(x0), barTop, 1, barHeight),
                                 m_theme.state(state));
                drawnUntil = s.toTime(std::floor(x0) + 1);
                const size_t jump = TimelineLayout::firstAfter(*m_store, states, drawnUntil);
                i = std::max(i + 1, jump > 0 ? jump - 1 : 0);
                continue;
            }
            painter.fillRect(QRectF(x0, barTop, x1 - x0, barHeight), m_theme.state(state));
            if (state == ProcessState::Crashed) {
                painter.setPen(m_theme.onState());
                painter.drawText(QRectF(x0 + 4, barTop, std::max(0.0, x1 - x0 - 8), barHeight),
                                 Qt::AlignLeft | Qt::AlignVCenter,
                                 process.signal ? tr("crashed: %1").arg(signalName(process.signal))
                                                : tr("exited with code %1").arg(process.exitCode));
            }
            ++i;
        }
    }
}

void TimelineView::paintArrows(QPainter& painter, const TimeScale& s)
{
    const int selected = m_axis.selectedMessage();
    for (int c = 0; c < m_store->channelCount(); ++c) {
        if (!channelExposed(c))
            continue;
        const Visible visible = layout().visibleMessages(c);
        const qint64 count = visible.last - visible.first;
        if (count <= 0)
            continue;
        const TraceStore::Channel& channel = m_store->channel(c);
        if (double(count) * kBundleWidth <= s.width) {
            for (qint64 seq = visible.first; seq < visible.last; ++seq) {
                // A value label may use the room up to this channel's next arrow.
                const double x = s.toX(channel.sendTimes[size_t(seq)]);
                const double next = seq + 1 < qint64(channel.sendTimes.size())
                                        ? s.toX(channel.sendTimes[size_t(seq + 1)])
                                        : s.left + s.width;
                paintArrow(painter, c, seq, false, 1, next - x);
            }
            continue;
        }
        // Dense: one arrow per bucket of sends, labelled with how many it stands for.
        m_bundleLabelEnd = -std::numeric_limits<double>::infinity();
        qint64 seq = visible.first;
        while (seq < visible.last) {
            const double x = std::max(s.toX(channel.sendTimes[size_t(seq)]), s.left);
            const qint64 bucketEnd = s.toTime(x + kBundleWidth);
            auto next =
                qint64(std::upper_bound(channel.sendTimes.begin() + seq,
                                        channel.sendTimes.begin() + visible.last, bucketEnd) -
                       channel.sendTimes.begin());
            next = std::max(next, seq + 1);
            paintArrow(painter, c, seq, false, int(std::min<qint64>(next - seq, 1 << 30)), 0);
            seq = next;
        }
    }
    if (selected >= 0 && selected < qsizetype(m_store->messages().size())) {
        const TraceStore::Message& m = m_store->messages()[size_t(selected)];
        if (m.sendEvent >= 0)
            paintArrow(painter, m.channel, m.seq, true, 1, 240);
    }
}

void TimelineView::paintArrow(QPainter& painter, int channel, qint64 seq, bool selected,
                              int bundled, double labelRoom)
{
    const TraceStore::Channel& c = m_store->channel(channel);
    const TraceStore::Message& m = m_store->messages()[size_t(c.messageBySeq[size_t(seq)])];
    if (m.sendEvent < 0)
        return;
    const ArrowGeometry arrow = layout().arrow(channel, seq);
    const bool delivered = arrow.delivered;
    const QPointF a = arrow.from;
    const QPointF b = arrow.to;
    // What of it is on screen, to the pixel: an arrow that would cover exactly the pixels of one
    // already drawn in this paint (thousands of channels leaving one lane for lanes far below,
    // say) is not drawn again.
    const std::optional<std::pair<QPointF, QPointF>> shown =
        clipSegment(a, b, m_exposed.adjusted(-8, -8, 8, 8));
    if (!shown)
        return;
    ++(bundled > 1 ? m_bundlesDrawn : m_arrowsDrawn);
    if (!selected) {
        const auto pixel = [](double v) { return quint64(quint16(qint16(std::lround(v)))); };
        const quint64 key = pixel(shown->first.x()) | pixel(shown->first.y()) << 16 |
                            pixel(shown->second.x()) << 32 | pixel(shown->second.y()) << 48;
        // A direct-mapped cache of the lines drawn: a collision only draws a line twice.
        quint64& slot = m_drawnLines[(key ^ (key >> 29) ^ quint64(delivered)) % kDrawnLineSlots];
        if (slot == (key | quint64(!delivered)))
            return;
        slot = key | quint64(!delivered);
    }
    ++m_linesDrawn;
    const QColor color = selected ? m_theme.highlight() : m_theme.channel(channel);
    QPen pen(color, selected ? 3.0 : (bundled > 1 ? 2.0 : 1.4));
    if (!delivered)
        pen.setStyle(Qt::DashLine);
    painter.setPen(pen);
    painter.drawLine(a, b);
    // The marks: a dot where it was sent, a head where it arrived.
    painter.setBrush(color);
    painter.drawEllipse(a, 2.5, 2.5);
    if (delivered) {
        const QPointF direction = (b - a) / std::max(1.0, std::hypot(b.x() - a.x(), b.y() - a.y()));
        const QPointF normal(-direction.y(), direction.x());
        const QPointF head[3] = {b, b - direction * 8 + normal * 4, b - direction * 8 - normal * 4};
        painter.setPen(Qt::NoPen);
        painter.drawPolygon(head, 3);
    } else {
        painter.setBrush(m_theme.base());
        painter.drawEllipse(b, 3.5, 3.5);
    }
    if (bundled > 1) {
        const QPointF at((a.x() + b.x()) / 2 + 3, (a.y() + b.y()) / 2);
        if (at.x() >= m_bundleLabelEnd) {
            const QString count = QStringLiteral("×%1").arg(bundled);
            painter.setPen(m_theme.text());
            painter.drawText(at, count);
            m_bundleLabelEnd = at.x() + QFontMetrics(font()).horizontalAdvance(count) + 8;
        }
    } else {
        if (labelRoom >= kLabelMinimumRoom) {
            // The label goes beside the sender's state bar, on the side the arrow leaves by:
            // below it for a downward arrow, above it for an upward one, so the two directions
            // of a duplex pipe write on separate lines.
            QString label = QString::fromUtf8(m_store->text(m.sendEvent));
            if (arrow.stub)
                label = tr("undelivered: %1").arg(label);
            const QFontMetrics metrics(font());
            const QString text = metrics.elidedText(label, Qt::ElideRight, int(labelRoom - 10));
            const QRectF lane = laneRect(c.from);
            const double y = b.y() > a.y()
                                 ? lane.top() + kBarTop + kBarHeight + metrics.ascent() + 1
                                 : lane.top() + kBarTop - metrics.descent() - 1;
            const double share = std::abs(b.y() - a.y()) > 1 ? (y - a.y()) / (b.y() - a.y()) : 0;
            const double x = a.x() + (b.x() - a.x()) * std::clamp(share, 0.0, 1.0);
            // Never over another label: this one is left to the tooltip then.
            const QRectF box(x + 5, y - metrics.ascent(), metrics.horizontalAdvance(text),
                             metrics.height());
            const bool free = selected || std::none_of(m_labelBoxes.begin(), m_labelBoxes.end(),
                                                       [&](const QRectF& other) {
                                                           return other.intersects(box);
                                                       });
            if (free) {
                m_labelBoxes.push_back(box);
                painter.setPen(m_theme.text());
                painter.drawText(QPointF(x + 5, y), text);
            }
        }
    }
    painter.setBrush(Qt::NoBrush);
}

void TimelineView::paintDepth(QPainter& painter, const TimeScale& s)
{
    const QRectF area = depthRect();
    if (!area.intersects(m_exposed))
        return;
    painter.fillRect(QRectF(0, area.top(), width(), area.height()), m_theme.alternateBase());
    painter.setPen(m_theme.text());
    painter.drawText(QRectF(6, area.top() + 2, kLabelWidth - 10, 18),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     m_depthInBytes ? tr("queue depth (bytes)") : tr("queue depth"));
    // The peaks walk every message: computed once per change of the store, not per paint.
    if (m_peaksGeneration != m_store->generation() || m_peaksInBytes != m_depthInBytes ||
        m_peaks.size() != size_t(m_store->channelCount())) {
        m_peaks.assign(size_t(m_store->channelCount()), 0);
        for (int c = 0; c < m_store->channelCount(); ++c)
            m_peaks[size_t(c)] = m_depthInBytes ? m_store->maxDepthBytes(c) : m_store->maxDepth(c);
        m_peaksGeneration = m_store->generation();
        m_peaksInBytes = m_depthInBytes;
    }
    qint64 peak = 1;
    for (const qint64 channelPeak : m_peaks)
        peak = std::max(peak, channelPeak);
    const double bottom = area.bottom() - 4;
    const double plotHeight = area.height() - 24;
    painter.setPen(m_theme.dimText());
    painter.drawText(QRectF(6, area.top() + 20, kLabelWidth - 10, 16),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("max %1").arg(peak));
    for (int c = 0; c < m_store->channelCount(); ++c) {
        const TraceStore::Channel& channel = m_store->channel(c);
        if (channel.sendTimes.empty())
            continue;
        painter.setPen(QPen(m_theme.channel(c), 1.5));
        double previousY = bottom;
        for (double x = s.left; x < s.left + s.width; x += 1) {
            const qint64 t0 = s.toTime(x);
            const qint64 t1 = s.toTime(x + 1);
            // The highest depth within the pixel: at its start, plus the sends inside it (a
            // peak is never lost to downsampling).
            const qint64 atStart =
                m_depthInBytes ? m_store->depthBytesAt(c, t0) : m_store->depthAt(c, t0);
            const qint64 atEnd =
                m_depthInBytes ? m_store->depthBytesAt(c, t1) : m_store->depthAt(c, t1);
            qint64 high = std::max(atStart, atEnd);
            if (!m_depthInBytes) {
                const auto sendsInside =
                    std::upper_bound(channel.sendTimes.begin(), channel.sendTimes.end(), t1) -
                    std::upper_bound(channel.sendTimes.begin(), channel.sendTimes.end(), t0);
                high = std::max(high, std::min<qint64>(atStart + sendsInside, m_peaks[size_t(c)]));
            }
            const double y = bottom - plotHeight * double(high) / double(peak);
            const double yEnd = bottom - plotHeight * double(atEnd) / double(peak);
            if (x > s.left)
                painter.drawLine(QPointF(x, previousY), QPointF(x, y));
            painter.drawLine(QPointF(x, y), QPointF(x, yEnd));
            previousY = yEnd;
            if (t0 > m_axis.dataEnd())
                break;
            // Until the channel's next send or recv the depth stays as it is: one line there,
            // not a pixel at a time (a run of many quiet channels costs a line each).
            const auto nextSend =
                std::upper_bound(channel.sendTimes.begin(), channel.sendTimes.end(), t1);
            const auto nextRecv =
                std::upper_bound(channel.recvTimes.begin(), channel.recvTimes.end(), t1);
            qint64 nextChange = std::min(m_axis.dataEnd(), s.end);
            if (nextSend != channel.sendTimes.end())
                nextChange = std::min(nextChange, *nextSend);
            if (nextRecv != channel.recvTimes.end())
                nextChange = std::min(nextChange, *nextRecv);
            const double jumpX = std::min(std::floor(s.toX(nextChange)), s.left + s.width);
            if (jumpX > x + 2) {
                painter.drawLine(QPointF(x, yEnd), QPointF(jumpX - 1, yEnd));
                x = jumpX - 2; // the loop's step lands on the pixel before the change
            }
        }
        // The channel's name on a veil of the background, so the plot under it cannot hide it.
        // Names that would run past the track are summed up on its last line instead.
        const int nameRows = std::max(1, int((area.height() - 4) / 14));
        if (c >= nameRows)
            continue;
        const bool summary = c == nameRows - 1 && m_store->channelCount() > nameRows;
        const QString name =
            summary ? tr("and %1 more channels").arg(m_store->channelCount() - nameRows + 1)
                    : channel.name;
        if (summary)
            painter.setPen(m_theme.text());
        const QRectF nameRect(s.left + s.width - 260, area.top() + 2 + 14 * c, 256, 14);
        const QColor veil = m_theme.veil();
        const QRectF textRect =
            painter.boundingRect(nameRect, Qt::AlignRight | Qt::AlignVCenter, name);
        painter.fillRect(textRect.adjusted(-3, 0, 2, 0), veil);
        painter.drawText(nameRect, Qt::AlignRight | Qt::AlignVCenter, name);
    }
}

void TimelineView::paintLegend(QPainter& painter) const
{
    static constexpr ProcessState states[] = {ProcessState::Running,     ProcessState::Sleeping,
                                              ProcessState::BlockedRecv, ProcessState::BlockedSend,
                                              ProcessState::Polling,     ProcessState::Crashed};
    const QRectF area = legendRect();
    if (!area.intersects(m_exposed))
        return;
    const QFontMetrics metrics(font());
    double x = kLabelWidth;
    for (const ProcessState state : states) {
        painter.fillRect(QRectF(x, area.top() + 5, 12, 12), m_theme.state(state));
        painter.setPen(m_theme.text());
        const QString name = processStateName(state);
        painter.drawText(
            QRectF(x + 16, area.top(), metrics.horizontalAdvance(name) + 4, area.height()),
            Qt::AlignLeft | Qt::AlignVCenter, name);
        x += 16 + metrics.horizontalAdvance(name) + 18;
    }
    painter.drawText(QRectF(x, area.top(), 400, area.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("dashed arrow: not received"));
}

void TimelineView::paintPolls(QPainter& painter, const TimeScale& s) const
{
    const QRectF area = pollRect();
    if (!area.intersects(m_exposed))
        return;
    painter.setPen(m_theme.text());
    painter.drawText(QRectF(6, area.top(), kLabelWidth - 10, area.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("poll()"));
    const QColor yes = m_theme.pollTrue();
    const QColor no = m_theme.pollFalse();
    for (int p = 0; p < m_store->processCount(); ++p) {
        const TraceStore::EventList& polls = m_store->process(p).pollEvents;
        size_t i =
            polls.empty()
                ? 0
                : std::max<size_t>(TimelineLayout::firstAfter(*m_store, polls, s.start), 1) - 1;
        double lastPixel = -1;
        for (; i < polls.size(); ++i) {
            const qint64 start = m_store->startTime(polls[i]);
            const qint64 end = m_store->time(polls[i]);
            if (start > s.end)
                break;
            if (end < s.start)
                continue;
            const double x0 = std::max(s.toX(start), s.left);
            const double x1 = std::max(std::min(s.toX(end), s.left + s.width), x0 + 1);
            if (std::floor(x1) <= lastPixel)
                continue; // another poll already filled this pixel
            lastPixel = std::floor(x1);
            painter.fillRect(QRectF(x0, area.top() + 6, x1 - x0, area.height() - 12),
                             m_store->detail(polls[i]) ? yes : no);
        }
    }
}

QString TimelineView::tooltipAt(QPointF position) const
{
    const int message = messageAt(position);
    if (message >= 0) {
        const TraceStore::Message& m = m_store->messages()[size_t(message)];
        const TraceStore::Channel& c = m_store->channel(m.channel);
        QString text = tr("%1 #%2: %3 (%4 bytes)")
                           .arg(c.name)
                           .arg(m.seq)
                           .arg(QString::fromUtf8(m_store->text(m.sendEvent)))
                           .arg(m_store->amount(m.sendEvent));
        if (m.recvEvent >= 0)
            text += tr("\nlatency %1")
                        .arg(TimeScale::formatDuration(m_store->time(m.recvEvent) -
                                                       m_store->startTime(m.sendEvent)));
        else
            text += m_live ? tr("\nin flight") : tr("\nundelivered");
        return text;
    }
    if (!m_store)
        return {};
    const TimeScale s = scale();
    const qint64 t = s.toTime(position.x());
    for (int p = 0; p < m_store->processCount(); ++p) {
        if (!laneRect(p).contains(position))
            continue;
        const TraceStore::EventList& states = m_store->process(p).stateEvents;
        const size_t i = TimelineLayout::firstAfter(*m_store, states, t);
        if (i == 0)
            return {};
        return tr("%1 at %2: %3")
            .arg(m_store->process(p).name, TimeScale::formatDuration(t),
                 processStateName(static_cast<ProcessState>(m_store->detail(states[i - 1]))));
    }
    if (pollRect().contains(position)) {
        for (int p = 0; p < m_store->processCount(); ++p) {
            for (const quint32 e : m_store->process(p).pollEvents) {
                if (m_store->startTime(e) <= t && t <= m_store->time(e))
                    return tr("%1: poll(%2) -> %3 after %4")
                        .arg(m_store->process(p).name,
                             std::isinf(m_store->number(e)) ? QStringLiteral("None")
                                                            : QString::number(m_store->number(e)),
                             m_store->detail(e) ? QStringLiteral("True") : QStringLiteral("False"),
                             TimeScale::formatDuration(m_store->amount(e)));
            }
        }
    }
    if (depthRect().contains(position)) {
        QStringList depths;
        for (int c = 0; c < m_store->channelCount(); ++c)
            depths.append(tr("%1: %2 in flight (%3 bytes)")
                              .arg(m_store->channel(c).name)
                              .arg(m_store->depthAt(c, t))
                              .arg(m_store->depthBytesAt(c, t)));
        return depths.join(QLatin1Char('\n'));
    }
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
