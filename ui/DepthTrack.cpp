#include "DepthTrack.h"

#include "CoveredPixels.h"
#include "Theme.h"
#include "TimelineLayout.h"

#include <QPainter>
#include <QStringList>
#include <algorithm>
#include <cmath>

namespace pipescope {

void DepthTrack::updatePeaks(const TraceStore& store)
{
    if (m_peaksGeneration == store.generation() && m_peaksInBytes == m_inBytes &&
        m_peaks.size() == size_t(store.channelCount()))
        return;
    m_peaks.assign(size_t(store.channelCount()), 0);
    for (int c = 0; c < store.channelCount(); ++c) {
        if (store.channelShown(c))
            m_peaks[size_t(c)] = m_inBytes
                                     ? store.maxDepthBytes(c)
                                     : std::max(store.maxDepth(c), store.channel(c).deepestQueued);
    }
    m_peaksGeneration = store.generation();
    m_peaksInBytes = m_inBytes;
}

void DepthTrack::paint(QPainter& painter, const TrackContext& context)
{
    const TimelineLayout& layout = context.layout;
    const QRectF area = layout.depthRect();
    if (!layout.store() || !area.intersects(context.exposed))
        return;
    const TraceStore& store = *layout.store();
    painter.fillRect(area, context.theme.alternateBase());
    painter.setFont(context.font);
    painter.setPen(context.theme.text());
    painter.drawText(QRectF(6, area.top() + 2, TimelineLayout::kLabelWidth - 10, 18),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     m_inBytes ? tr("queue depth (bytes)") : tr("queue depth"));
    updatePeaks(store);
    qint64 peak = 1;
    for (const qint64 channelPeak : m_peaks)
        peak = std::max(peak, channelPeak);
    painter.setPen(context.theme.dimText());
    painter.drawText(QRectF(6, area.top() + 20, TimelineLayout::kLabelWidth - 10, 16),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("max %1").arg(peak));
    std::vector<int> plotted;
    for (int c = 0; c < store.channelCount(); ++c) {
        if (!store.channel(c).sendTimes.empty() && store.channelShown(c))
            plotted.push_back(c);
    }
    for (size_t row = 0; row < plotted.size(); ++row) {
        const int c = plotted[row];
        paintChannel(painter, context, c, peak);
        if (!m_inBytes && !store.channel(c).putTimes.empty())
            paintQueued(painter, context, c, peak);
        paintName(painter, context, c, int(row), int(plotted.size()));
    }
}

void DepthTrack::paintChannel(QPainter& painter, const TrackContext& context, int c,
                              qint64 peak) const
{
    const TimelineLayout& layout = context.layout;
    const TraceStore& store = *layout.store();
    const TraceStore::Channel& channel = store.channel(c);
    const TimeScale& s = layout.scale();
    const QRectF area = layout.depthRect();
    const qint64 dataEnd = layout.dataEnd();
    // A line from (x0, y0) to (x1, y1), across or down, 1.5 px wide with square ends, as the
    // pixels it covers. One that covers the rows of the last line and goes on from it (a steady
    // depth, pixel after pixel) lengthens it instead.
    const auto line = [this](double x0, double y0, double x1, double y1) {
        constexpr double kHalf = 0.75;
        const QRect pixels =
            coveredPixels(QRectF(QPointF(std::min(x0, x1) - kHalf, std::min(y0, y1) - kHalf),
                                 QPointF(std::max(x0, x1) + kHalf, std::max(y0, y1) + kHalf)));
        if (!m_lines.empty()) {
            QRect& previous = m_lines.back();
            if (previous.top() == pixels.top() && previous.bottom() == pixels.bottom() &&
                pixels.left() >= previous.left() && pixels.left() <= previous.right() + 1) {
                previous.setRight(std::max(previous.right(), pixels.right()));
                return;
            }
        }
        m_lines.push_back(pixels);
    };
    double previousY = depthY(area, 0, peak);
    m_lines.clear(); // drawn at once below
    // Each pixel's end is the next one's start: two searches a pixel, not ten binary searches,
    // each going on from the last. A column with many buckets a pixel is counted there instead
    // (see TimeBuckets), to within a quarter of a pixel.
    const bool sendsByBucket = channel.sendBuckets.resolves(s.nsPerPixel(), s.start);
    const bool recvsByBucket = channel.recvBuckets.resolves(s.nsPerPixel(), s.start);
    const auto doneAt = [&](qint64 t, Done before, Done more) {
        return Done{sendsByBucket ? channel.sendBuckets.before(t).count
                                  : channel.sendTimes.upperBound(t, before.sends, more.sends),
                    recvsByBucket ? channel.recvBuckets.before(t).count
                                  : channel.recvTimes.upperBound(t, before.recvs, more.recvs)};
    };
    Done start = doneAt(s.toTime(s.left), Done(), Done());
    Done last; // what the last pixel held
    for (double x = s.left; x < s.left + s.width; x += 1) {
        const qint64 t0 = s.toTime(x);
        const qint64 t1 = s.toTime(x + 1);
        const Done end = doneAt(t1, start, last);
        last = {end.sends - start.sends, end.recvs - start.recvs};
        const qint64 high = pixelHigh(store, c, start, end, m_inBytes, m_peaks[size_t(c)]);
        const qint64 atEnd = store.depthAfter(c, end.sends, end.recvs, m_inBytes);
        const double y = depthY(area, high, peak);
        const double yEnd = depthY(area, atEnd, peak);
        // Down from the last pixel's end to the highest within this one, and on to its end: one
        // line down the pixel.
        const double from = x > s.left ? previousY : yEnd;
        line(x, std::min({from, y, yEnd}), x, std::max({from, y, yEnd}));
        previousY = yEnd;
        start = end;
        if (t0 > dataEnd)
            break;
        if (sendsByBucket || recvsByBucket)
            continue; // busy: a pixel at a time, without reading the columns
        // Until the channel's next send or recv the depth stays as it is: one line there, not a
        // pixel at a time (a run of many quiet channels costs a line each).
        qint64 nextChange = std::min(dataEnd, s.end);
        if (end.sends < channel.sendTimes.size())
            nextChange = std::min(nextChange, channel.sendTimes[end.sends]);
        if (end.recvs < channel.recvTimes.size())
            nextChange = std::min(nextChange, channel.recvTimes[end.recvs]);
        const double jumpX = std::min(std::floor(s.toX(nextChange)), s.left + s.width);
        if (jumpX > x + 2) {
            line(x, yEnd, jumpX - 1, yEnd);
            x = jumpX - 2; // the loop's step lands on the pixel before the change
            start = doneAt(s.toTime(x + 1), end, Done());
        }
    }
    painter.save();
    painter.setPen(Qt::NoPen);
    painter.setBrush(context.theme.channel(channel.ordinal));
    painter.drawRects(m_lines.data(), int(m_lines.size()));
    painter.restore();
}

double DepthTrack::depthY(const QRectF& area, qint64 depth, qint64 peak)
{
    // The plot keeps 20 px at the top for the labels and 4 at the bottom.
    return area.bottom() - 4 - (area.height() - 24) * double(depth) / double(peak);
}

void DepthTrack::paintQueued(QPainter& painter, const TrackContext& context, int c,
                             qint64 peak) const
{
    // Per pixel, the most items put and not yet received within it: at its start plus the puts
    // inside it, capped by the channel's deepest.
    const TimelineLayout& layout = context.layout;
    const TraceStore& store = *layout.store();
    const TraceStore::Channel& channel = store.channel(c);
    const TimeScale& s = layout.scale();
    const QRectF area = layout.depthRect();
    const qint64 dataEnd = layout.dataEnd();
    painter.setPen(QPen(context.theme.channel(store.channel(c).ordinal), 1.5, Qt::DotLine));
    const auto putsUpTo = [&](qint64 t) { return qint64(channel.putTimes.upperBound(t)); };
    QPolygonF line;
    for (double x = s.left; x < s.left + s.width; x += 1) {
        const qint64 t0 = s.toTime(x);
        const qint64 t1 = s.toTime(x + 1);
        if (t0 > dataEnd)
            break;
        const qint64 atStart = store.queuedAt(c, t0);
        const qint64 high = std::max(
            {atStart, store.queuedAt(c, t1),
             std::min<qint64>(atStart + (putsUpTo(t1) - putsUpTo(t0)), channel.deepestQueued)});
        const double y = depthY(area, high, peak);
        line << QPointF(x, y) << QPointF(x + 1, y);
    }
    painter.drawPolyline(line);
}

DepthTrack::Done DepthTrack::doneBy(const TraceStore& store, int channel, qint64 t, Done before,
                                    Done more)
{
    const TraceStore::Channel& c = store.channel(channel);
    return {c.sendTimes.upperBound(t, before.sends, more.sends),
            c.recvTimes.upperBound(t, before.recvs, more.recvs)};
}

qint64 DepthTrack::pixelHigh(const TraceStore& store, int c, qint64 t0, qint64 t1, bool inBytes,
                             qint64 peak)
{
    return pixelHigh(store, c, doneBy(store, c, t0, Done(), Done()),
                     doneBy(store, c, t1, Done(), Done()), inBytes, peak);
}

qint64 DepthTrack::pixelHigh(const TraceStore& store, int c, Done start, Done end, bool inBytes,
                             qint64 peak)
{
    // The highest depth within the pixel: at its start, plus what was sent inside it (capped by
    // the channel's peak), in messages or in bytes alike.
    const TraceStore::Channel& channel = store.channel(c);
    const qint64 atStart = store.depthAfter(c, start.sends, start.recvs, inBytes);
    const qint64 atEnd = store.depthAfter(c, end.sends, end.recvs, inBytes);
    const auto sentBy = [&](size_t sends) {
        return sends == 0 ? qint64(0) : channel.sentBytes[sends - 1]; // cumulative
    };
    const qint64 inside =
        inBytes ? sentBy(end.sends) - sentBy(start.sends) : qint64(end.sends - start.sends);
    return std::max({atStart, atEnd, std::min(atStart + inside, peak)});
}

void DepthTrack::paintName(QPainter& painter, const TrackContext& context, int c, int row,
                           int rows) const
{
    // The channel's name on a veil of the background, so the plot under it cannot hide it. Names
    // that would run past the track are summed up on its last line instead.
    const TraceStore& store = *context.layout.store();
    const QRectF area = context.layout.depthRect();
    const TimeScale& s = context.layout.scale();
    const int nameRows = std::max(1, int((area.height() - 4) / 14));
    if (row >= nameRows)
        return;
    const bool summary = row == nameRows - 1 && rows > nameRows;
    const QString name =
        summary ? tr("and %1 more channels").arg(rows - nameRows + 1) : store.channel(c).name;
    painter.setPen(summary ? context.theme.text()
                           : context.theme.channel(store.channel(c).ordinal));
    const QRectF nameRect(s.left + s.width - 260, area.top() + 2 + 14 * row, 256, 14);
    const QRectF textRect = painter.boundingRect(nameRect, Qt::AlignRight | Qt::AlignVCenter, name);
    painter.fillRect(textRect.adjusted(-3, 0, 2, 0), context.theme.veil());
    painter.drawText(nameRect, Qt::AlignRight | Qt::AlignVCenter, name);
}

std::optional<TrackHit> DepthTrack::hitTest(QPointF position, const TrackContext& context) const
{
    const TimelineLayout& layout = context.layout;
    if (!layout.store() || !layout.depthRect().contains(position))
        return std::nullopt;
    const TraceStore& store = *layout.store();
    const qint64 t = layout.scale().toTime(position.x());
    QStringList depths;
    for (int c = 0; c < store.channelCount(); ++c) {
        if (!store.channelShown(c))
            continue;
        depths.append(tr("%1: %2 in flight (%3 bytes)")
                          .arg(store.channel(c).name)
                          .arg(store.depthAt(c, t))
                          .arg(store.depthBytesAt(c, t)));
    }
    TrackHit hit;
    hit.kind = TrackHit::Kind::Depth;
    hit.tooltip = depths.join(QLatin1Char('\n'));
    return hit;
}

} // namespace pipescope
