#include "BenchApplication.h"

#include "base/MonotonicClock.h"

#include <QEvent>
#include <QMetaEnum>
#include <QTimer>
#include <algorithm>

namespace pipescope::bench {

BenchApplication::BenchApplication(int& argc, char** argv)
    : QApplication(argc, argv)
{}

void BenchApplication::startWatching(double thresholdMs)
{
    m_slow.clear();
    m_thresholdMs = thresholdMs;
    m_watching = true;
}

void BenchApplication::stopWatching()
{
    m_watching = false;
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

bool BenchApplication::notify(QObject* receiver, QEvent* event)
{
    if (!m_watching || m_depth > 0) {
        ++m_depth;
        const bool handled = QApplication::notify(receiver, event);
        --m_depth;
        return handled;
    }
    // What is needed to describe it, taken before delivery: the receiver may delete itself.
    // (Class names live in static meta-objects.)
    const QEvent::Type type = event->type();
    const char* receiverClass = receiver->metaObject()->className();
    const char* parentClass =
        receiver->parent() ? receiver->parent()->metaObject()->className() : nullptr;
    const auto* timer = qobject_cast<const QTimer*>(receiver);
    const int interval = timer ? timer->interval() : -1;

    const qint64 started = monotonicNs();
    ++m_depth;
    const bool handled = QApplication::notify(receiver, event);
    --m_depth;
    const double ms = double(monotonicNs() - started) / 1e6;
    if (ms >= m_thresholdMs) {
        const char* typeName = QMetaEnum::fromType<QEvent::Type>().valueToKey(type);
        std::string what = typeName ? typeName : "event " + std::to_string(int(type));
        what += std::string(" to ") + receiverClass;
        if (interval >= 0)
            what += " (" + std::to_string(interval) + " ms)";
        else if (parentClass)
            what += std::string(" in ") + parentClass;
        Slow& slow = m_slow[what];
        slow.what = what;
        ++slow.count;
        slow.maxMs = std::max(slow.maxMs, ms);
        slow.totalMs += ms;
    }
    return handled;
}

} // namespace pipescope::bench
