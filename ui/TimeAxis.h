#pragma once

#include "trace/TimeRange.h"

#include <QObject>
#include <algorithm>

namespace pipescope {

// The one time axis the timeline, the queue-depth track and the poll lane share: the visible
// window, the selected message, the selected range and "follow live". Zooming or panning any
// view moves them all.
class TimeAxis : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMinimumSpan = 1'000; // 1 µs across the view
    // While following: the whole run up to this long, then a window of this length.
    static constexpr qint64 kFollowWindow = 30'000'000'000;
    static constexpr qint64 kFollowMinimum = 100'000'000;

    explicit TimeAxis(QObject* parent = nullptr);

    qint64 start() const { return m_start; }
    qint64 end() const { return m_end; }
    qint64 span() const { return m_end - m_start; }
    qint64 dataStart() const { return m_dataStart; }
    qint64 dataEnd() const { return m_dataEnd; }

    void setRange(qint64 start, qint64 end);
    // Zooms by `factor` (< 1 zooms in) around `anchor`, which stays put.
    void zoom(double factor, qint64 anchor);
    // A user's pan: moves the window and turns following off.
    void pan(qint64 delta);
    // Shows what the run did, from its first event to its end, with a small margin (not the
    // runner's start-up before the first event).
    void fit();
    // The first recorded time: where the activity starts.
    void setDataStart(qint64 t) { m_dataStart = std::max<qint64>(t, 0); }
    // The newest recorded time; while following, the window slides to keep it in view.
    void setDataEnd(qint64 t);

    bool followLive() const { return m_followLive; }
    void setFollowLive(bool follow);

    // The selected message's number in the TraceStore, or -1.
    int selectedMessage() const { return m_selectedMessage; }
    void setSelectedMessage(int message);
    // The stretch of time selected on the ruler (empty: none): the statistics, the histogram, the
    // messages table and the findings cover only it.
    TimeRange selectedRange() const { return m_selectedRange; }
    void setSelectedRange(TimeRange range);

Q_SIGNALS:
    void rangeChanged();
    void followLiveChanged(bool follow);
    void selectedMessageChanged(int message);
    void selectedRangeChanged(pipescope::TimeRange range);

private:
    qint64 m_start = 0;
    qint64 m_end = 1'000'000'000;
    qint64 m_dataStart = 0;
    qint64 m_dataEnd = 0;
    bool m_followLive = true;
    int m_selectedMessage = -1;
    TimeRange m_selectedRange;
};

} // namespace pipescope
