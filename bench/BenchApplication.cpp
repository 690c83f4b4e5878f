#include "BenchApplication.h"

#include "base/MonotonicClock.h"

#include <QEvent>
#include <QMetaEnum>
#include <QTimer>
#include <algorithm>
#include <sys/resource.h>

namespace pipescope::bench {

BenchApplication::BenchApplication(int& argc, char** argv)
    : QApplication(argc, argv)
{}

void BenchApplication::startWatching(double thresholdMs, double outlierMs)
{
    m_slow.clear();
    m_outliers.clear();
    m_outliersDropped = 0;
    m_thresholdMs = thresholdMs;
    m_outlierMs = outlierMs;
    m_watchingSinceNs = monotonicNs();
    m_watching = true;
}

void BenchApplication::stopWatching()
{
    m_watching = false;
}

void BenchApplication::keepOutlier(Outlier outlier)
{
    // The longest kMaxOutliers, in the order they happened.
    if (m_outliers.size() < kMaxOutliers) {
        m_outliers.push_back(std::move(outlier));
        return;
    }
    ++m_outliersDropped;
    const auto shortest =
        std::min_element(m_outliers.begin(), m_outliers.end(),
                         [](const Outlier& a, const Outlier& b) { return a.ms < b.ms; });
    if (shortest->ms >= outlier.ms)
        return;
    m_outliers.erase(shortest);
    m_outliers.push_back(std::move(outlier));
}

std::vector<BenchApplication::Slow> BenchApplication::slowEvents() const
{
    std::vector<Slow> slow;
    for (const auto& entry : m_slow)
        slow.push_back(entry.second);
    std::sort(slow.begin(), slow.end(),
              [](const Slow& a, const Slow& b) { return a.maxMs > b.maxMs; });
    return slow;
}

std::string BenchApplication::Receiver::describe() const
{
    const char* typeName = QMetaEnum::fromType<QEvent::Type>().valueToKey(type);
    std::string what = typeName ? typeName : "event " + std::to_string(int(type));
    what += std::string(" to ") + className;
    if (!timerName.isEmpty())
        what += " '" + timerName.toStdString() + "'";
    else if (interval >= 0)
        what += " (" + std::to_string(interval) + " ms)";
    else if (parentClassName)
        what += std::string(" in ") + parentClassName;
    return what;
}

bool BenchApplication::notify(QObject* receiver, QEvent* event)
{
    if (!m_watching || m_depth > 0) {
        // Inside an event: only the paints are timed, to say which widget a slow repaint was.
        const bool paint = m_watching && event->type() == QEvent::Paint;
        const qint64 started = paint ? monotonicNs() : 0;
        const char* className = paint ? receiver->metaObject()->className() : nullptr;
        ++m_depth;
        const bool handled = QApplication::notify(receiver, event);
        --m_depth;
        if (paint) {
            const double ms = double(monotonicNs() - started) / 1e6;
            if (ms > m_longestPaintMs) {
                m_longestPaintMs = ms;
                m_longestPaintClass = className;
            }
        }
        return handled;
    }
    // What is needed to describe it, taken before delivery: the receiver may delete itself.
    // (Class names live in static meta-objects.)
    const auto* timer = qobject_cast<const QTimer*>(receiver);
    const Receiver described{
        event->type(), receiver->metaObject()->className(),
        receiver->parent() ? receiver->parent()->metaObject()->className() : nullptr,
        timer ? timer->interval() : -1,
        timer && !timer->objectName().isEmpty() ? timer->objectName().toUtf8() : QByteArray()};
    m_longestPaintMs = 0;
    m_longestPaintClass = nullptr;
    rusage before{};
    getrusage(RUSAGE_THREAD, &before);

    const qint64 started = monotonicNs();
    ++m_depth;
    const bool handled = QApplication::notify(receiver, event);
    --m_depth;
    const qint64 ended = monotonicNs();
    const double ms = double(ended - started) / 1e6;
    const std::string what = ms >= m_thresholdMs ? described.describe() : std::string();
    if (ms >= m_thresholdMs) {
        Slow& slow = m_slow[what];
        slow.what = what;
        ++slow.count;
        slow.maxMs = std::max(slow.maxMs, ms);
        slow.totalMs += ms;
    }
    if (ms >= m_outlierMs) {
        rusage after{};
        getrusage(RUSAGE_THREAD, &after);
        Outlier outlier;
        outlier.seconds = double(started - m_watchingSinceNs) / 1e9;
        outlier.ms = ms;
        outlier.what = what.empty() ? described.describe() : what;
        if (m_longestPaintClass) {
            outlier.longestPaint = std::string("Paint to ") + m_longestPaintClass;
            outlier.longestPaintMs = m_longestPaintMs;
        }
        outlier.minorFaults = after.ru_minflt - before.ru_minflt;
        outlier.majorFaults = after.ru_majflt - before.ru_majflt;
        outlier.involuntarySwitches = after.ru_nivcsw - before.ru_nivcsw;
        keepOutlier(std::move(outlier));
    }
    return handled;
}

} // namespace pipescope::bench
