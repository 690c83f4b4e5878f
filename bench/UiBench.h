#pragma once

#include "BenchApplication.h"

#include <QString>
#include <QtGlobal>
#include <functional>
#include <vector>

namespace pipescope {
class MainWindow;
}

namespace pipescope::bench {

// The window's side: how long the timeline takes to draw a big run, and how long the UI thread
// stalls while a run streams in. Needs the QApplication.
class UiBench
{
public:
    struct Paint
    {
        qint64 messages = 0;
        qint64 events = 0;
        double firstFullMs = 0; // the first paint also computes the depth track's peaks
        double fullMs = 0;      // median of the paints after it, whole run in view
        double windowMs = 0;    // median, a 1 ms window in the middle of the run
        int fullArrows = 0;
        int fullBundles = 0;
        int windowArrows = 0;
        int windowBundles = 0;
    };

    struct Stall
    {
        double maxGapMs = 0;          // between ticks of a 1 ms timer, from start to end + 300 ms
        double maxGapStreamingMs = 0; // the same until the run finished
        qint64 gapsOver16Ms = 0;
        qint64 gapsOver50Ms = 0;
        qint64 events = 0;
        qint64 messages = 0;
        double seconds = 0;
        bool finished = false; // false: stopped at the time limit
        bool succeeded = false;
        // The process's resident memory: what the run added (from before it started to after it
        // ended) and what removing it from the history gave back.
        qint64 residentGrowth = 0;
        qint64 residentFreed = 0;
        // The events that kept the UI thread busy for 10 ms or more, longest first.
        std::vector<BenchApplication::Slow> slowEvents;
        // The events of 50 ms or more, one by one.
        std::vector<BenchApplication::Outlier> outliers;
        int outliersLeftOut = 0; // shorter ones beyond BenchApplication::kMaxOutliers
        // The run as it went (paced runs only): every sampleSeconds, from the start.
        struct Sample
        {
            double seconds = 0;
            qint64 messages = 0;
            qint64 residentGrowth = 0;
        };
        std::vector<Sample> samples;
    };

    // Renders a TimelineView of 1400x500 into a QImage: a synthetic run of `messages` (see
    // SyntheticRun), at full zoom-out and with a 1 ms window, `repeats` times each.
    static Paint paint(qint64 messages, int repeats);
    // Runs `flood` (count `count`, 64-byte messages, delay 0) with pipescope-worker in a shown
    // MainWindow and measures the longest gap between ticks of a 1 ms timer on the UI thread,
    // with BenchApplication naming the events that took the time.
    static Stall stall(qint64 count, int limitMs);
    // A flood paced by its sender at `rate` 64-byte messages a second for `seconds`, in the window:
    // the same measurements, and the run's messages and memory every `sampleSeconds`.
    static Stall paced(int rate, int seconds, int sampleSeconds);
    // The same as stall() while the window traces a Python program (`python script flood COUNT`:
    // a child sends COUNT small ints through a Pipe), live.
    static Stall tracedStall(const QString& python, const QString& script, qint64 count,
                             int limitMs);

private:
    // Shows the window, starts what `start` starts in it and times the UI thread until it ends
    // (or stops it after limitMs); then removes the run from the history.
    static Stall watch(const std::function<bool(MainWindow&)>& start, int limitMs,
                       int sampleSeconds = 0);
};

} // namespace pipescope::bench
