#include "TimeAxis.h"

#include "TimeScale.h"

#include <algorithm>

namespace pipescope {

TimeAxis::TimeAxis(QObject* parent)
    : QObject(parent)
{}

void TimeAxis::setRange(qint64 start, qint64 end)
{
    end = std::max(end, start + kMinimumSpan);
    if (start == m_start && end == m_end)
        return;
    m_start = start;
    m_end = end;
    Q_EMIT rangeChanged();
}

void TimeAxis::zoom(double factor, qint64 anchor)
{
    const auto [start, end] = TimeScale::zoomed(m_start, m_end, anchor, factor, kMinimumSpan);
    // Zooming in while following would be undone by the next slide: stop following.
    if (factor < 1)
        setFollowLive(false);
    setRange(start, end);
}

void TimeAxis::pan(qint64 delta)
{
    setFollowLive(false);
    setRange(m_start + delta, m_end + delta);
}

void TimeAxis::fit()
{
    // A small margin on the left, a larger one on the right for what is drawn after the last
    // event (an undelivered message and its label).
    const qint64 start = std::min(m_dataStart, m_dataEnd);
    const qint64 span = std::max<qint64>(m_dataEnd - start, kMinimumSpan);
    setRange(std::max<qint64>(start - span / 20, 0), start + span + span / 7);
}

void TimeAxis::setDataEnd(qint64 t)
{
    m_dataEnd = std::max<qint64>(t, 0);
    if (!m_followLive)
        return;
    // A run shows whole while it is short, then the latest kFollowWindow of it.
    if (m_dataEnd <= kFollowWindow)
        setRange(0, std::max(m_dataEnd + m_dataEnd / 20, kFollowMinimum));
    else
        setRange(m_dataEnd - kFollowWindow, m_dataEnd + kFollowWindow / 20);
}

void TimeAxis::setFollowLive(bool follow)
{
    if (follow == m_followLive)
        return;
    m_followLive = follow;
    Q_EMIT followLiveChanged(follow);
    if (follow)
        setDataEnd(m_dataEnd);
}

void TimeAxis::setSelectedRange(TimeRange range)
{
    if (range.empty())
        range = {};
    if (range == m_selectedRange)
        return;
    m_selectedRange = range;
    Q_EMIT selectedRangeChanged(range);
}

void TimeAxis::setSelectedMessage(int message)
{
    if (message == m_selectedMessage)
        return;
    m_selectedMessage = message;
    Q_EMIT selectedMessageChanged(message);
}

} // namespace pipescope
