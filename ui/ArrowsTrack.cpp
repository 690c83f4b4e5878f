#include "ArrowsTrack.h"

#include "Theme.h"
#include "TimelineLayout.h"

#include <QFontMetrics>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <limits>

namespace pipescope {

namespace {

// Arrows closer than this (in pixels, by their send) are bundled.
constexpr double kBundleWidth = 6;
// An arrow with this much room before the next one on its channel gets its value as a label.
constexpr double kLabelMinimumRoom = 40;
// The selected arrow's label has this much room, whatever is next.
constexpr double kSelectedLabelRoom = 240;

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

void ArrowsTrack::resetCounts()
{
    m_arrowsDrawn = 0;
    m_bundlesDrawn = 0;
    m_linesDrawn = 0;
}

void ArrowsTrack::paint(QPainter& painter, const TrackContext& context)
{
    resetCounts();
    m_drawnLines.fill(0);
    m_labelBoxes.clear();
    if (!context.layout.store())
        return;
    const TraceStore& store = *context.layout.store();
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setFont(context.font);
    // The selected message's label is drawn whatever is there: its place is taken first, so
    // that no other label is put under it.
    const int selected = context.selectedMessage;
    const bool selectedShown = selected >= 0 && selected < qsizetype(store.messages().size()) &&
                               store.messages()[size_t(selected)].sendEvent >= 0 &&
                               store.channelShown(store.messages()[size_t(selected)].channel);
    if (selectedShown) {
        if (const std::optional<ArrowGeometry> arrow = context.layout.arrow(selected))
            m_labelBoxes.push_back(label(context, *arrow, selected, kSelectedLabelRoom).box);
    }
    for (int c = 0; c < store.channelCount(); ++c)
        if (store.channelShown(c) && context.layout.channelMeets(c, context.exposed))
            paintChannel(painter, context, c);
    if (selectedShown) {
        const TraceStore::Message& m = store.messages()[size_t(selected)];
        paintArrow(painter, context, m.channel, context.layout.arrow(m.channel, m.seq), selected,
                   true, 1, kSelectedLabelRoom);
    }
    painter.restore();
}

void ArrowsTrack::paintChannel(QPainter& painter, const TrackContext& context, int c)
{
    const TimelineLayout& layout = context.layout;
    const TimeScale& s = layout.scale();
    const TimelineLayout::Span visible = layout.visibleMessages(c);
    const qint64 count = visible.last - visible.first;
    if (count <= 0)
        return;
    const TraceStore::Channel& channel = layout.store()->channel(c);
    if (double(count) * kBundleWidth <= s.width) {
        for (qint64 seq = visible.first; seq < visible.last; ++seq) {
            // A value label may use the room up to this channel's next arrow.
            const double x = s.toX(channel.sendTimes[size_t(seq)]);
            const double next = seq + 1 < qint64(channel.sendTimes.size())
                                    ? s.toX(channel.sendTimes[size_t(seq + 1)])
                                    : s.left + s.width;
            paintArrow(painter, context, c, layout.arrow(c, seq), channel.messageBySeq[size_t(seq)],
                       false, 1, next - x);
        }
        return;
    }
    // Dense: one arrow per bundle of sends, labelled with how many it stands for.
    m_bundleLabelEnd = -std::numeric_limits<double>::infinity();
    if (channel.sendBuckets.resolves(s.nsPerPixel(), s.start) && !channel.manyWriters &&
        !channel.manyReaders && channel.from >= 0) {
        paintBundlesFromBuckets(painter, context, c, visible);
        return;
    }
    qint64 seq = visible.first;
    size_t lastBundle = 0; // a bucket mostly holds about as many as the one before
    while (seq < visible.last) {
        const double x = std::max(s.toX(channel.sendTimes[size_t(seq)]), s.left);
        const qint64 bucketEnd = s.toTime(x + kBundleWidth);
        const size_t after = channel.sendTimes.upperBound(bucketEnd, size_t(seq), lastBundle);
        const qint64 next = std::max(std::min(qint64(after), visible.last), seq + 1);
        lastBundle = size_t(next - seq);
        paintArrow(painter, context, c, layout.arrow(c, seq), -1, false,
                   int(std::min<qint64>(next - seq, 1 << 30)), 0);
        seq = next;
    }
}

void ArrowsTrack::paintBundlesFromBuckets(QPainter& painter, const TrackContext& context, int c,
                                          TimelineLayout::Span visible)
{
    const TimelineLayout& layout = context.layout;
    const TimeScale& s = layout.scale();
    const TraceStore::Channel& channel = layout.store()->channel(c);
    const bool recvsByBucket = channel.recvBuckets.resolves(s.nsPerPixel(), s.start);
    // Each bundle spans the same whole number of buckets, kBundleWidth to within half a bucket (an
    // eighth of a pixel): a steady rate gives steady counts. The first takes the sends before the
    // view whose arrows reach into it; each is drawn from the bucket of its first send to the
    // bucket of that message's recv.
    const auto width = qint64(channel.sendBuckets.widthFrom(s.start));
    const qint64 span =
        width * std::max<qint64>(1, std::llround(kBundleWidth * s.nsPerPixel() / double(width)));
    qint64 seq = visible.first;
    qint64 from = s.start;
    while (seq < visible.last) {
        // The last bundle ends with the view (no time past it is computed: it may not fit).
        const bool last = s.end - from <= span;
        const qint64 next = last ? visible.last
                                 : std::clamp(qint64(channel.sendBuckets.before(from + span).count),
                                              seq, visible.last);
        if (!last)
            from += span;
        if (next == seq)
            continue;
        const qint64 sendT = channel.sendBuckets.startOfBucketHolding(size_t(seq));
        std::optional<qint64> recvT;
        if (size_t(seq) < channel.recvTimes.size())
            recvT = recvsByBucket ? channel.recvBuckets.startOfBucketHolding(size_t(seq))
                                  : channel.recvTimes[size_t(seq)];
        paintArrow(painter, context, c, layout.arrow(channel.from, channel.to, sendT, recvT), -1,
                   false, int(std::min<qint64>(next - seq, 1 << 30)), 0);
        seq = next;
    }
}

bool ArrowsTrack::alreadyDrawn(QPointF a, QPointF b, bool delivered)
{
    const auto pixel = [](double v) { return quint64(quint16(qint16(std::lround(v)))); };
    const quint64 key = pixel(a.x()) | pixel(a.y()) << 16 | pixel(b.x()) << 32 | pixel(b.y()) << 48;
    // A direct-mapped cache of the lines drawn: a collision only draws a line twice.
    quint64& slot = m_drawnLines[(key ^ (key >> 29) ^ quint64(delivered)) % kDrawnLineSlots];
    if (slot == (key | quint64(!delivered)))
        return true;
    slot = key | quint64(!delivered);
    return false;
}

void ArrowsTrack::paintArrow(QPainter& painter, const TrackContext& context, int channel,
                             const ArrowGeometry& arrow, int message, bool selected, int bundled,
                             double labelRoom)
{
    const QPointF a = arrow.from;
    const QPointF b = arrow.to;
    // What of it is on screen, to the pixel: an arrow that would cover exactly the pixels of one
    // already drawn in this paint (thousands of channels leaving one lane for lanes far below,
    // say) is not drawn again.
    const std::optional<std::pair<QPointF, QPointF>> shown =
        clipSegment(a, b, context.exposed.adjusted(-8, -8, 8, 8));
    if (!shown)
        return;
    ++(bundled > 1 ? m_bundlesDrawn : m_arrowsDrawn);
    if (!selected && alreadyDrawn(shown->first, shown->second, arrow.delivered))
        return;
    ++m_linesDrawn;
    const QColor color =
        selected ? context.theme.highlight()
                 : context.theme.channel(context.layout.store()->channel(channel).ordinal);
    QPen pen(color, selected ? 3.0 : (bundled > 1 ? 2.0 : 1.4));
    if (!arrow.delivered)
        pen.setStyle(Qt::DashLine);
    painter.setPen(pen);
    painter.drawLine(a, b);
    // The marks: a dot where it was sent, a head where it arrived. The dot is filled to where
    // its outline in the line's pen would reach: filling costs a fraction of stroking.
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    const double dot = 2.5 + pen.widthF() / 2;
    painter.drawEllipse(a, dot, dot);
    if (arrow.delivered) {
        const QPointF direction = (b - a) / std::max(1.0, std::hypot(b.x() - a.x(), b.y() - a.y()));
        const QPointF normal(-direction.y(), direction.x());
        const QPointF head[3] = {b, b - direction * 8 + normal * 4, b - direction * 8 - normal * 4};
        painter.drawPolygon(head, 3);
    } else { // an open ring where it would have arrived
        painter.setPen(pen);
        painter.setBrush(context.theme.base());
        painter.drawEllipse(b, 3.5, 3.5);
    }
    if (bundled > 1) {
        const QPointF at((a.x() + b.x()) / 2 + 3, (a.y() + b.y()) / 2);
        if (at.x() >= m_bundleLabelEnd) {
            // A count, like a label, is never written over another label (the selected one's
            // above all), nor one over it.
            const QString count = QStringLiteral("×%1").arg(bundled);
            const QFontMetrics metrics(context.font);
            const QRectF box(at.x(), at.y() - metrics.ascent(), metrics.horizontalAdvance(count),
                             metrics.height());
            if (boxIsFree(box)) {
                m_labelBoxes.push_back(box);
                painter.setPen(context.theme.text());
                painter.drawText(at, count);
                m_bundleLabelEnd = box.right() + 8;
            }
        }
    } else if (message >= 0 && labelRoom >= kLabelMinimumRoom) {
        paintLabel(painter, context, arrow, message, selected, labelRoom);
    }
    painter.setBrush(Qt::NoBrush);
}

ArrowsTrack::Label ArrowsTrack::label(const TrackContext& context, const ArrowGeometry& arrow,
                                      int message, double labelRoom)
{
    // The label goes beside the sender's state bar, on the side the arrow leaves by: below it for
    // a downward arrow, above it for an upward one, so the two directions of a duplex pipe write
    // on separate lines.
    const TimelineLayout& layout = context.layout;
    const TraceStore& store = *layout.store();
    const QPointF a = arrow.from;
    const QPointF b = arrow.to;
    QString text = QString::fromUtf8(store.text(store.messages()[size_t(message)].sendEvent));
    if (arrow.stub)
        text = tr("undelivered: %1").arg(text);
    const QFontMetrics metrics(context.font);
    text = metrics.elidedText(text, Qt::ElideRight, int(labelRoom - 10));
    const QRectF bar = layout.barRect(store.senderOf(store.messages()[size_t(message)]));
    const double y =
        b.y() > a.y() ? bar.bottom() + metrics.ascent() + 1 : bar.top() - metrics.descent() - 1;
    const double share = std::abs(b.y() - a.y()) > 1 ? (y - a.y()) / (b.y() - a.y()) : 0;
    const double x = a.x() + (b.x() - a.x()) * std::clamp(share, 0.0, 1.0) + 5;
    return {text, QPointF(x, y),
            QRectF(x, y - metrics.ascent(), metrics.horizontalAdvance(text), metrics.height())};
}

void ArrowsTrack::paintLabel(QPainter& painter, const TrackContext& context,
                             const ArrowGeometry& arrow, int message, bool selected,
                             double labelRoom)
{
    const Label placed = label(context, arrow, message, labelRoom);
    // Never over another label: this one is left to the tooltip then. The selected one's place
    // was taken before any other (see paint()).
    if (!selected && !boxIsFree(placed.box))
        return;
    if (!selected)
        m_labelBoxes.push_back(placed.box);
    painter.setPen(context.theme.text());
    painter.drawText(placed.at, placed.text);
}

bool ArrowsTrack::boxIsFree(const QRectF& box) const
{
    return std::none_of(m_labelBoxes.begin(), m_labelBoxes.end(),
                        [&](const QRectF& other) { return other.intersects(box); });
}

std::optional<TrackHit> ArrowsTrack::hitTest(QPointF position, const TrackContext& context) const
{
    const TimelineLayout& layout = context.layout;
    const int message = layout.messageAt(position);
    if (message < 0)
        return std::nullopt;
    const TraceStore& store = *layout.store();
    const TraceStore::Message& m = store.messages()[size_t(message)];
    const TraceStore::Channel& c = store.channel(m.channel);
    TrackHit hit;
    hit.kind = TrackHit::Kind::Message;
    hit.index = message;
    hit.tooltip = tr("%1 #%2: %3 (%4 bytes)")
                      .arg(c.name)
                      .arg(m.seq)
                      .arg(QString::fromUtf8(store.text(m.sendEvent)))
                      .arg(store.messageBytes(m.sendEvent));
    if (m.recvEvent >= 0)
        hit.tooltip += tr("\nlatency %1")
                           .arg(TimeScale::formatDuration(store.time(m.recvEvent) -
                                                          store.startTime(m.sendEvent)));
    else
        hit.tooltip += layout.live() ? tr("\nin flight") : tr("\nundelivered");
    return hit;
}

} // namespace pipescope
