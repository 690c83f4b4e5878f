#pragma once

#include <QApplication>
#include <map>
#include <string>
#include <vector>

namespace pipescope::bench {

// The bench's QApplication. While watching, it times every event the event loop delivers (the
// outermost notify() calls, so a repaint counts once with everything it paints) and keeps, per
// kind of event and receiver, how many took longer than a threshold, their longest and their
// total: what the UI thread was doing when it stalled.
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

    BenchApplication(int& argc, char** argv);

    void startWatching(double thresholdMs);
    void stopWatching();
    // The slow events seen, longest first.
    std::vector<Slow> slowEvents() const;

    bool notify(QObject* receiver, QEvent* event) override;

private:
    bool m_watching = false;
    double m_thresholdMs = 0;
    int m_depth = 0;
    std::map<std::string, Slow> m_slow;
};

} // namespace pipescope::bench
