#pragma once

#include "trace/TimeRange.h"

#include <QFont>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <optional>

class QPainter;

namespace pipescope {

class Theme;
class TimelineLayout;
class TraceStore;

// What a track paints with: the geometry, the colours, the font and what the painter must cover.
struct TrackContext
{
    const TimelineLayout& layout;
    const Theme& theme;
    QFont font;
    QRectF exposed;           // the part being painted: tracks skip what lies outside it
    int selectedMessage = -1; // drawn on top, highlighted
    TimeRange selectedRange;  // shaded, its length on the ruler
};

// What is under a point: a message's arrow, a process's state, a poll, the queue depth.
struct TrackHit
{
    enum class Kind
    {
        Message,
        State,
        Poll,
        Depth,
    };
    Kind kind = Kind::Message;
    int index = -1; // the message, or the process
    QString tooltip;
};

// One kind of row of the timeline (or the arrows across them): paints itself from the layout and
// says what lies under a point. The view holds a list of them and only routes input.
class TimelineTrack
{
public:
    TimelineTrack() = default;
    TimelineTrack(const TimelineTrack&) = delete;
    TimelineTrack& operator=(const TimelineTrack&) = delete;
    virtual ~TimelineTrack() = default;

    // Not const: a track may keep what it worked out for the next paint (caches, counts).
    virtual void paint(QPainter& painter, const TrackContext& context) = 0;
    virtual std::optional<TrackHit> hitTest(QPointF position, const TrackContext& context) const
    {
        Q_UNUSED(position);
        Q_UNUSED(context);
        return std::nullopt;
    }
};

} // namespace pipescope
