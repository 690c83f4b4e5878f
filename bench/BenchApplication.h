#pragma once

#include <QApplication>
#include <QByteArray>
#include <QEvent>
#include <map>
#include <string>
#include <vector>

namespace pipescope::bench {

// The bench's QApplication. While watching, it times every event the event loop delivers (the
// outermost notify() calls, so a repaint counts once with everything it paints) and keeps, per
// kind of event and receiver, how many took longer than a threshold, their longest and their
// total: what the UI thread was doing when it stalled; and each event of outlierMs or more on
// its own.
class BenchApplication : public QApplication
{
    Q_OBJECT
public:
    struct Slow
    {
        std::string what; // "Timer to QTimer (16 ms)", "UpdateRequest to pipescope::MainWindow"
        int count = 0;
        double maxMs = 0;
        double totalMs = 0;
    };

    // One event that took outlierMs or more, on its own: when, what, which widget's paint took
    // most of it (a repaint of the window paints every widget that changed), and what the kernel
    // did to the UI thread meanwhile (page faults, being switched out involuntarily).
    struct Outlier
    {
        double seconds = 0; // since startWatching()
        double ms = 0;
        std::string what;
        std::string longestPaint; // "Paint to pipescope::TimelineView", or empty
        double longestPaintMs = 0;
        long minorFaults = 0;
        long majorFaults = 0;
        long involuntarySwitches = 0;
    };

    BenchApplication(int& argc, char** argv);

    void startWatching(double thresholdMs, double outlierMs = 50);
    void stopWatching();
    // The slow events seen, longest first.
    std::vector<Slow> slowEvents() const;
    // The longest kMaxOutliers outliers, in the order they happened, and how many shorter ones
    // were left out.
    const std::vector<Outlier>& outliers() const { return m_outliers; }
    int outliersLeftOut() const { return m_outliersDropped; }
    static constexpr std::size_t kMaxOutliers = 100;

    bool notify(QObject* receiver, QEvent* event) override;

private:
    // An event's receiver, as the reports name it: "Timer to QTimer (16 ms)",
    // "UpdateRequest to pipescope::MainWindow", "Paint to QWidget in pipescope::SidePanels",
    // "Timer to QTimer 'refresh'".
    struct Receiver
    {
        QEvent::Type type;
        const char* className;
        const char* parentClassName; // or null
        int interval;                // a QTimer's, or -1
        QByteArray timerName;        // a QTimer's objectName, if it has one: its interval varies
        std::string describe() const;
    };

    bool m_watching = false;
    double m_thresholdMs = 0;
    double m_outlierMs = 0;
    qint64 m_watchingSinceNs = 0;
    int m_depth = 0;
    std::map<std::string, Slow> m_slow;
    void keepOutlier(Outlier outlier);

    std::vector<Outlier> m_outliers;
    int m_outliersDropped = 0;
    // The longest paint inside the outermost event being delivered.
    const char* m_longestPaintClass = nullptr;
    double m_longestPaintMs = 0;
};

} // namespace pipescope::bench
