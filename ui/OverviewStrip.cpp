#include "OverviewStrip.h"

#include "CoveredPixels.h"
#include "CurrentRun.h"
#include "Theme.h"
#include "TimeAxis.h"
#include "TimelineLayout.h"
#include "trace/TraceStore.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace pipescope {

OverviewStrip::OverviewStrip(TimeAxis& axis, QWidget* parent)
    : QWidget(parent)
    , m_axis(axis)
    , m_buckets(size_t(kBuckets), 0)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("The whole run: messages sent over time; the part the timeline shows is "
                  "marked. Click or drag to move there, wheel to zoom."));
    connect(&m_axis, &TimeAxis::rangeChanged, this, qOverload<>(&QWidget::update));
}

void OverviewStrip::watch(const CurrentRun& current)
{
    connect(&current, &CurrentRun::changed, this, [this, &current] { setStore(current.store()); });
    connect(&current, &CurrentRun::refreshed, this, &OverviewStrip::refresh);
}

void OverviewStrip::setStore(const TraceStore* store)
{
    m_store = store;
    std::fill(m_buckets.begin(), m_buckets.end(), 0);
    m_bucketNs = 1'000;
    m_base = 0;
    m_total = 0;
    m_known = 0;
    m_waiting.clear();
    refresh();
}

void OverviewStrip::refresh()
{
    if (!m_store)
        return update();
    const auto count = [this](qint64 t) {
        // From the first message on (a long start-up would make the buckets coarse).
        if (m_total == 0)
            m_base = std::max<qint64>(0, t);
        t = std::max<qint64>(0, t - m_base);
        // Twice as wide until the time fits: pairs of buckets merged into the first half.
        while (t / m_bucketNs >= kBuckets) {
            for (int i = 0; i < kBuckets / 2; ++i)
                m_buckets[size_t(i)] = m_buckets[size_t(2 * i)] + m_buckets[size_t(2 * i + 1)];
            std::fill(m_buckets.begin() + kBuckets / 2, m_buckets.end(), 0);
            m_bucketNs *= 2;
        }
        ++m_buckets[size_t(t / m_bucketNs)];
        ++m_total;
    };
    const auto& messages = m_store->messages();
    // A message is counted when its send is in (its recv may come first).
    std::erase_if(m_waiting, [&](int message) {
        const TraceStore::Message& m = messages[size_t(message)];
        if (m.sendEvent < 0)
            return false;
        count(m_store->startTime(m.sendEvent));
        return true;
    });
    for (; m_known < messages.size(); ++m_known) {
        const TraceStore::Message& m = messages[m_known];
        if (!m_store->channelShown(m.channel))
            continue;
        if (m.sendEvent >= 0)
            count(m_store->startTime(m.sendEvent));
        else
            m_waiting.push_back(int(m_known));
    }
    update();
}

qint64 OverviewStrip::countIn(qint64 from, qint64 to) const
{
    qint64 sum = 0;
    for (qint64 i = std::max<qint64>(0, (from - m_base) / m_bucketNs);
         i < kBuckets && m_base + i * m_bucketNs < to; ++i)
        sum += m_buckets[size_t(i)];
    return sum;
}

qint64 OverviewStrip::extentStart() const
{
    return m_axis.dataStart();
}

qint64 OverviewStrip::extentEnd() const
{
    return std::max(m_axis.dataEnd(), extentStart() + TimeAxis::kMinimumSpan);
}

double OverviewStrip::plotLeft() const
{
    return TimelineLayout::kLabelWidth;
}

double OverviewStrip::plotWidth() const
{
    return std::max(1.0, double(width()) - plotLeft() - 8);
}

qint64 OverviewStrip::timeAt(double x) const
{
    const double share = std::clamp((x - plotLeft()) / plotWidth(), 0.0, 1.0);
    return extentStart() + qint64(share * double(extentEnd() - extentStart()));
}

double OverviewStrip::xOf(qint64 t) const
{
    return plotLeft() +
           double(t - extentStart()) / double(extentEnd() - extentStart()) * plotWidth();
}

void OverviewStrip::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const Theme theme(palette());
    const QRectF plot(plotLeft(), 0, plotWidth(), height());
    painter.fillRect(plot, theme.alternateBase());
    painter.setPen(theme.dimText());
    painter.drawText(QRectF(6, 0, plotLeft() - 12, height()), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("overview"));
    if (!m_store)
        return;
    // Each pixel's messages: a bucket's at the pixel where it begins (inside the strip).
    const int w = int(plot.width());
    std::vector<qint64> perPixel(size_t(std::max(w, 1)), 0);
    const double nsPerPixel = double(extentEnd() - extentStart()) / double(std::max(w, 1));
    for (int i = 0; i < kBuckets; ++i) {
        if (m_buckets[size_t(i)] == 0)
            continue;
        const qint64 begin = m_base + i * m_bucketNs;
        if (begin + m_bucketNs <= extentStart() || begin > extentEnd())
            continue;
        const int x =
            std::clamp(int(std::floor(double(begin - extentStart()) / nsPerPixel)), 0, w - 1);
        perPixel[size_t(x)] += m_buckets[size_t(i)];
    }
    const qint64 peak = std::max<qint64>(1, *std::max_element(perPixel.begin(), perPixel.end()));
    const double h = height() - 4;
    for (int x = 0; x < w; ++x) {
        if (perPixel[size_t(x)] == 0)
            continue;
        // Square-root scale: a quiet stretch next to a flood still shows.
        const double bar = std::max(1.0, h * std::sqrt(double(perPixel[size_t(x)]) / double(peak)));
        painter.fillRect(coveredPixels(QRectF(plot.left() + x, height() - 2 - bar, 1, bar)),
                         theme.channel(0));
    }
    // The timeline's window: the rest veiled, the window framed.
    const double left = std::clamp(xOf(m_axis.start()), plot.left(), plot.right());
    const double right = std::clamp(xOf(m_axis.end()), left + 2, plot.right());
    QColor veil = theme.base();
    veil.setAlpha(150);
    painter.fillRect(QRectF(plot.left(), 0, left - plot.left(), height()), veil);
    painter.fillRect(QRectF(right, 0, plot.right() - right, height()), veil);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(theme.highlight(), 2));
    painter.drawRect(QRectF(left, 1, right - left, height() - 2));
}

void OverviewStrip::centreOn(qint64 t)
{
    const qint64 span = m_axis.span();
    m_axis.setFollowLive(false);
    m_axis.setRange(t - span / 2, t - span / 2 + span);
}

void OverviewStrip::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        centreOn(timeAt(event->position().x()));
}

void OverviewStrip::mouseMoveEvent(QMouseEvent* event)
{
    if (event->buttons() & Qt::LeftButton)
        centreOn(timeAt(event->position().x()));
}

void OverviewStrip::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    m_axis.zoom(std::pow(0.8, steps), timeAt(event->position().x()));
    event->accept();
}

} // namespace pipescope
