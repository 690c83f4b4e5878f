#include "TimelineLayout.h"

#include "trace/GallopSearch.h"

#include <algorithm>
#include <cmath>

namespace pipescope {

TimelineLayout::TimelineLayout(const TraceStore* store, qint64 start, qint64 end, QSize size,
                               bool live, qint64 now, qint64 dataEnd)
    : m_store(store)
    , m_size(size)
    , m_live(live)
    , m_now(now)
    , m_dataEnd(dataEnd)
{
    m_scale.start = start;
    m_scale.end = end;
    m_scale.left = kLabelWidth;
    m_scale.width = std::max(1, size.width() - kLabelWidth - 8);
}

QRectF TimelineLayout::rulerRect() const
{
    return {0, 0, double(m_size.width()), double(kRulerHeight)};
}

QRectF TimelineLayout::laneRect(int process) const
{
    return rowRect(m_store ? m_store->rowOf(process) : process);
}

QRectF TimelineLayout::rowRect(int row) const
{
    if (m_rowTops && row >= 0 && size_t(row) + 1 < m_rowTops->size())
        return {0, kRulerHeight + (*m_rowTops)[size_t(row)], double(m_size.width()),
                (*m_rowTops)[size_t(row) + 1] - (*m_rowTops)[size_t(row)]};
    if (m_rowTops && !m_rowTops->empty() && row >= int(m_rowTops->size()) - 1) // below the lanes
        return {0,
                kRulerHeight + m_rowTops->back() + (row - int(m_rowTops->size()) + 1) * kLaneHeight,
                double(m_size.width()), double(kLaneHeight)};
    return {0, double(kRulerHeight + row * kLaneHeight), double(m_size.width()),
            double(kLaneHeight)};
}

QRectF TimelineLayout::barRect(int process) const
{
    const QRectF lane = laneRect(process);
    if (lane.height() < kLaneHeight) // collapsed: the bar fills the lane but a margin
        return {m_scale.left, lane.top() + 4, m_scale.width, lane.height() - 8};
    return {m_scale.left, lane.top() + kBarTop, m_scale.width, double(kBarHeight)};
}

double TimelineLayout::lanesHeight() const
{
    if (m_rowTops && !m_rowTops->empty())
        return m_rowTops->back();
    return double((m_store ? m_store->rowCount() : 0) * kLaneHeight);
}

QRectF TimelineLayout::depthRect() const
{
    return {0, kRulerHeight + lanesHeight() + 6, double(m_size.width()), double(kDepthHeight)};
}

QRectF TimelineLayout::pollRect() const
{
    return {0, depthRect().bottom() + 4, double(m_size.width()), double(kPollHeight)};
}

QRectF TimelineLayout::legendRect() const
{
    return {0, pollRect().bottom() + 2, double(m_size.width()), double(kLegendHeight)};
}

int TimelineLayout::totalHeight() const
{
    return int(legendRect().bottom()) + 4;
}

std::pair<int, int> TimelineLayout::rowsIn(const QRectF& area) const
{
    const int count = m_store ? m_store->rowCount() : 0;
    const auto lane = [&](double y) {
        if (m_rowTops && m_rowTops->size() == size_t(count) + 1) {
            const auto above =
                std::upper_bound(m_rowTops->begin(), m_rowTops->end() - 1, y - kRulerHeight);
            return std::clamp(int(above - m_rowTops->begin()) - 1, 0, count);
        }
        return std::clamp(int(std::floor((y - kRulerHeight) / kLaneHeight)), 0, count);
    };
    return {lane(area.top()), std::min(count, lane(area.bottom()) + 1)};
}

bool TimelineLayout::channelMeets(int channel, const QRectF& area) const
{
    const TraceStore::Channel& c = m_store->channel(channel);
    // A shared channel's messages go between any of its users' lanes.
    if (c.manyWriters || c.manyReaders || c.from < 0 || c.to < 0)
        return true;
    const QRectF from = laneRect(c.from);
    const QRectF to = laneRect(c.to);
    return std::max(from.bottom(), to.bottom()) >= area.top() &&
           std::min(from.top(), to.top()) <= area.bottom();
}

TimelineLayout::Span TimelineLayout::visibleMessages(int channel) const
{
    const TraceStore::Channel& c = m_store->channel(channel);
    // Messages received before the view starts are gone from it; those sent after it ends have
    // not come yet. (Messages not yet received have no recv time and stay visible.)
    const auto first =
        qint64(std::lower_bound(c.recvTimes.begin(), c.recvTimes.end(), m_scale.start) -
               c.recvTimes.begin());
    const auto last = qint64(c.sendTimes.upperBound(m_scale.end));
    return {first, std::max(first, last)};
}

qint64 TimelineLayout::endOf(int process) const
{
    const TraceStore::Process& p = m_store->process(process);
    if (p.ended && !p.events.empty())
        return m_store->time(p.events.back());
    return m_live ? m_now : (p.events.empty() ? 0 : m_store->time(p.events.back()));
}

ArrowGeometry TimelineLayout::arrow(int channel, qint64 seq) const
{
    const TraceStore::Channel& c = m_store->channel(channel);
    const bool delivered = size_t(seq) < c.recvTimes.size();
    // Each message between its own sender and receiver (a shared channel has several).
    const TraceStore::Message& m = m_store->messages()[size_t(c.messageBySeq[size_t(seq)])];
    return arrow(m_store->senderOf(m), m_store->receiverOf(m), c.sendTimes[size_t(seq)],
                 delivered ? std::optional(c.recvTimes[size_t(seq)]) : std::nullopt);
}

ArrowGeometry TimelineLayout::arrow(int sender, int receiver, qint64 sendT,
                                    std::optional<qint64> recvT) const
{
    ArrowGeometry arrow;
    arrow.delivered = recvT.has_value();
    // One whose receiver is not known yet points towards the lane below its sender.
    const double fromY = laneRect(sender).center().y();
    const double toY =
        (receiver >= 0 ? laneRect(receiver) : rowRect(m_store->rowOf(sender) + 1)).center().y();
    const double inset = toY > fromY ? kArrowInset : -kArrowInset;
    arrow.from = QPointF(m_scale.toX(sendT), fromY + inset);
    arrow.to = QPointF(m_scale.toX(recvT.value_or(m_live ? m_now : m_dataEnd)), toY - inset);
    if (!arrow.delivered && !m_live) {
        arrow.stub = true;
        arrow.to = QPointF(arrow.from.x() + kStubWidth, fromY + (toY - fromY) * kStubReach);
    }
    return arrow;
}

std::optional<ArrowGeometry> TimelineLayout::arrow(int message) const
{
    if (!m_store || message < 0 || message >= qsizetype(m_store->messages().size()))
        return std::nullopt;
    const TraceStore::Message& m = m_store->messages()[size_t(message)];
    if (m.sendEvent < 0)
        return std::nullopt;
    return arrow(m.channel, m.seq);
}

int TimelineLayout::messageAt(QPointF position) const
{
    if (!m_store)
        return -1;
    double best = kPickDistance;
    int found = -1;
    for (int c = 0; c < m_store->channelCount(); ++c) {
        if (!m_store->channelShown(c))
            continue;
        const Span visible = visibleMessages(c);
        const TraceStore::Channel& channel = m_store->channel(c);
        // Only arrows whose send lies left of the point can pass through it.
        const auto last = std::min<qint64>(visible.last, qint64(channel.sendTimes.upperBound(
                                                             m_scale.toTime(position.x() + best))));
        for (qint64 seq = std::max(visible.first, last - 20000); seq < last; ++seq) {
            const ArrowGeometry a = arrow(c, seq);
            const double distance = distanceToSegment(position, a.from, a.to);
            if (distance < best) {
                best = distance;
                found = channel.messageBySeq[size_t(seq)];
            }
        }
    }
    return found;
}

size_t TimelineLayout::firstAfter(const TraceStore& store, const TraceStore::EventList& events,
                                  qint64 t)
{
    return gallopToFirst(0, events.size(), 0, [&](size_t i) { return store.time(events[i]) > t; });
}

double TimelineLayout::distanceToSegment(QPointF p, QPointF a, QPointF b)
{
    const QPointF ab = b - a;
    const double length2 = QPointF::dotProduct(ab, ab);
    const double t =
        length2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / length2, 0.0, 1.0) : 0.0;
    const QPointF nearest = a + t * ab;
    return std::hypot(p.x() - nearest.x(), p.y() - nearest.y());
}

} // namespace pipescope
