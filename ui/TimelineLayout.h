#pragma once

#include "TimeScale.h"
#include "trace/TraceStore.h"

#include <QPointF>
#include <QRectF>
#include <QSize>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace pipescope {

// Where one message's arrow is, exactly as the timeline paints it: from the sender's lane side of
// its send to the receiver's lane side of its recv, to "now" while in flight, and for a message
// never received only a short stub towards the lane it did not reach.
struct ArrowGeometry
{
    QPointF from; // the send dot
    QPointF to;   // the head, the in-flight end, or the stub's open end
    bool delivered = false;
    bool stub = false;
};

// The timeline's geometry for one store, one time scale and one size: the ruler, a lane per
// process, the depth, poll and legend tracks below them, and every arrow's end points. Painting,
// hit-testing and the tests all measure with it, so a click finds what is drawn. Plain and cheap
// to build (nothing is precomputed); it holds no widget.
class TimelineLayout
{
public:
    static constexpr int kLabelWidth = 160;
    static constexpr int kRulerHeight = 26;
    static constexpr int kLaneHeight = 54;
    static constexpr int kCollapsedHeight = 22; // a collapsed lane: its name and its bar
    static constexpr int kBarTop = 14;          // the state bar within its lane
    static constexpr int kBarHeight = 18;
    static constexpr int kDepthHeight = 90;
    static constexpr int kPollHeight = 28;
    static constexpr int kLegendHeight = 22;
    // An arrow's ends stand off its lanes' middles by this much, towards each other.
    static constexpr double kArrowInset = 9;
    // An undelivered arrow's stub: this long across, and this share of the way to its lane.
    static constexpr double kStubWidth = 28;
    static constexpr double kStubReach = 0.55;
    // How near (in pixels) a point must be to an arrow to pick it.
    static constexpr double kPickDistance = 6;

    struct Span
    {
        qint64 first; // seq range on a channel
        qint64 last;  // exclusive
    };

    // `live`: the run is still going and in-flight arrows grow to `now`; otherwise an arrow not
    // received by `dataEnd` is undelivered.
    TimelineLayout(const TraceStore* store, qint64 start, qint64 end, QSize size, bool live,
                   qint64 now, qint64 dataEnd);
    // Some lanes collapsed: `rowTops` has each row's top below the ruler and, last, the lanes'
    // bottom (rows + 1 entries); null: every lane kLaneHeight high.
    void setRowTops(std::shared_ptr<const std::vector<double>> rowTops)
    {
        m_rowTops = std::move(rowTops);
    }
    bool collapsed(int process) const { return laneRect(process).height() < kLaneHeight; }

    const TraceStore* store() const { return m_store; }
    const TimeScale& scale() const { return m_scale; }
    QSize size() const { return m_size; }
    bool live() const { return m_live; }
    qint64 now() const { return m_now; }
    qint64 dataEnd() const { return m_dataEnd; }

    QRectF rulerRect() const;
    // The lane of a process (at its row: TraceStore::rowOf()), and the lane at a row.
    QRectF laneRect(int process) const;
    QRectF rowRect(int row) const;
    QRectF barRect(int process) const;
    QRectF depthRect() const;
    QRectF pollRect() const;
    QRectF legendRect() const;
    // The height that shows everything.
    int totalHeight() const;

    // The rows [first, end) that meet `area` (TraceStore::processAtRow() says whose): a run of
    // thousands of processes paints only the few lanes on screen.
    std::pair<int, int> rowsIn(const QRectF& area) const;
    // Whether a channel's arrows, which run between its two lanes, can cross `area`.
    bool channelMeets(int channel, const QRectF& area) const;
    // The seqs of `channel` whose arrows can be in view.
    Span visibleMessages(int channel) const;
    // Where a process's lane ends: its last event, or now while it runs live.
    qint64 endOf(int process) const;

    ArrowGeometry arrow(int channel, qint64 seq) const;
    // An arrow from `sender`'s lane at sendT to `receiver`'s (-1: not known yet) at recvT, or in
    // flight or undelivered without one: as arrow(channel, seq) places a message's.
    ArrowGeometry arrow(int sender, int receiver, qint64 sendT, std::optional<qint64> recvT) const;
    // Nothing for a message whose send is not recorded (no arrow is drawn for it).
    std::optional<ArrowGeometry> arrow(int message) const;
    // The message whose arrow, as painted, passes nearest `position` (within kPickDistance),
    // or -1.
    int messageAt(QPointF position) const;

    // The index of the first event in `events` (time ordered) whose time is after `t`.
    static size_t firstAfter(const TraceStore& store, const TraceStore::EventList& events,
                             qint64 t);
    static double distanceToSegment(QPointF p, QPointF a, QPointF b);

private:
    const TraceStore* m_store;
    TimeScale m_scale;
    QSize m_size;
    bool m_live;
    qint64 m_now;
    qint64 m_dataEnd;
    std::shared_ptr<const std::vector<double>> m_rowTops;

    double lanesHeight() const;
};

} // namespace pipescope
