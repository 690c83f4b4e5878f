#include "LatencyHistogram.h"

#include "TimeScale.h"

#include <QPainter>
#include <algorithm>

namespace pipescope {

LatencyHistogram::LatencyHistogram(QWidget* parent)
    : QWidget(parent)
{
    setToolTip(tr("Latency of delivered messages: from the send call to the recv's return"));
}

void LatencyHistogram::setCounts(const std::array<qint64, RunStatistics::kLatencyBuckets>& counts)
{
    m_counts = counts;
    update();
}

QSize LatencyHistogram::sizeHint() const
{
    return {260, 110};
}

void LatencyHistogram::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QRectF area = rect().adjusted(4, 4, -4, -20);
    if (std::all_of(m_counts.begin(), m_counts.end(), [](qint64 n) { return n == 0; })) {
        // Nothing to draw, and no made-up axis either.
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("no message delivered yet"));
        return;
    }
    const qint64 highest = std::max<qint64>(1, *std::max_element(m_counts.begin(), m_counts.end()));
    // Only the buckets from the first to the last used one, so the bars are wide enough to see.
    int first = 0;
    int last = RunStatistics::kLatencyBuckets - 1;
    while (first < last && m_counts[size_t(first)] == 0)
        ++first;
    while (last > first && m_counts[size_t(last)] == 0)
        --last;
    const int shown = last - first + 1;
    const double barWidth = area.width() / shown;
    painter.setPen(Qt::NoPen);
    painter.setBrush(palette().color(QPalette::Highlight));
    for (int i = first; i <= last; ++i) {
        const double h = area.height() * double(m_counts[size_t(i)]) / double(highest);
        painter.drawRect(
            QRectF(area.left() + (i - first) * barWidth + 1, area.bottom() - h, barWidth - 2, h));
    }
    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width() / 2, 16), Qt::AlignLeft,
                     TimeScale::formatDuration(RunStatistics::kLatencyEdgesNs[size_t(first)]));
    painter.drawText(QRectF(area.center().x(), area.bottom() + 2, area.width() / 2, 16),
                     Qt::AlignRight,
                     TimeScale::formatDuration(RunStatistics::kLatencyEdgesNs[size_t(last + 1)]));
}

} // namespace pipescope
