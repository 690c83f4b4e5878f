#pragma once

#include <QString>
#include <QtGlobal>

namespace pipescope {

// Time <-> pixel math for one horizontal axis: the times [start, end] (ns) fill the pixels
// [left, left + width]. Plain and copyable; every view of the time axis paints with one.
struct TimeScale
{
    qint64 start = 0;
    qint64 end = 1;
    double left = 0;
    double width = 1;

    double toX(qint64 t) const;
    qint64 toTime(double x) const;
    double nsPerPixel() const;

    // The range after zooming by `factor` (< 1 zooms in) around `anchor`, which stays where it
    // is on screen; never narrower than `minimumSpan`.
    static std::pair<qint64, qint64> zoomed(qint64 start, qint64 end, qint64 anchor, double factor,
                                            qint64 minimumSpan);
    // A ruler step of 1, 2 or 5 times a power of ten nanoseconds, at least `minimumPixels` wide.
    static qint64 tickStep(double nsPerPixel, double minimumPixels);
    // A time for the ruler, in the unit that fits `step`: "250 ns", "1.5 µs", "20 ms", "3 s".
    static QString formatTick(qint64 t, qint64 step);
    // A duration for people: "412 ns", "3.21 µs", "18.4 ms", "2.503 s".
    static QString formatDuration(qint64 ns);
    // A time in the run to the microsecond, in seconds: "0.006001 s".
    static QString formatSeconds(qint64 ns);
};

} // namespace pipescope
