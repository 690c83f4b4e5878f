#pragma once

#include "Theme.h"
#include "TimeScale.h"
#include "TimelineLayout.h"

#include <QWidget>
#include <array>
#include <vector>

namespace pipescope {

class TimeAxis;
class TraceStore;

// The timeline: a ruler, one lane per process with its state as bars (running, sleeping, blocked
// in recv or send, polling, exited, crashed in red), an arrow from every send to its recv (open and
// growing while in flight, open and marked when undelivered), the queue depth per direction as a
// step plot, and every poll call as a span coloured by its result. All of them on one TimeAxis.
//
// It draws only what is visible and reduces it to pixels: only the lanes and tracks on screen are
// painted, binary search finds the visible part of every lane and channel, state changes closer
// than a pixel merge, the depth plot skips from change to change, and dense arrows are bundled
// with a count (the selected message's arrow is always drawn). Nothing is allocated per event.
class TimelineView : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kLabelWidth = TimelineLayout::kLabelWidth;
    static constexpr int kRulerHeight = TimelineLayout::kRulerHeight;
    static constexpr int kLaneHeight = TimelineLayout::kLaneHeight;
    static constexpr int kBarTop = TimelineLayout::kBarTop;
    static constexpr int kBarHeight = TimelineLayout::kBarHeight;
    static constexpr int kDepthHeight = TimelineLayout::kDepthHeight;
    static constexpr int kPollHeight = TimelineLayout::kPollHeight;

    explicit TimelineView(TimeAxis& axis, QWidget* parent = nullptr);

    // The run to show (null: none), and whether it is still going.
    void setStore(const TraceStore* store, bool live);
    // The current time of a live run: in-flight arrows grow to it.
    void setNow(qint64 now, bool live);
    // The queue depth in bytes instead of messages.
    void setDepthInBytes(bool bytes);
    bool depthInBytes() const { return m_depthInBytes; }

    // The geometry as it is now: what painting and hit tests use.
    TimelineLayout layout() const;

    // Shorthands for the layout's geometry, for the window and the tests.
    TimeScale scale() const { return layout().scale(); }
    QRectF laneRect(int process) const { return layout().laneRect(process); }
    QRectF depthRect() const { return layout().depthRect(); }
    QRectF pollRect() const { return layout().pollRect(); }
    QRectF legendRect() const { return layout().legendRect(); }
    // Where a message's arrow starts (its send dot) and ends (its head, or an undelivered stub's
    // open end), as painted.
    QPointF sendPoint(int message) const;
    QPointF recvPoint(int message) const;
    // The message whose arrow, as painted, passes nearest `position` (within a few pixels), or -1.
    int messageAt(QPointF position) const { return layout().messageAt(position); }
    // How many single arrows and bundles the last paint showed, and how many lines it stroked
    // for them (arrows that would cover the same pixels as one already drawn share its line).
    int arrowsDrawn() const { return m_arrowsDrawn; }
    int bundlesDrawn() const { return m_bundlesDrawn; }
    int linesDrawn() const { return m_linesDrawn; }

    // Where keyboard zooming centres: the mouse cursor when it is over the lanes, else the middle.
    qint64 zoomAnchor() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void messageClicked(int message);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;

private:
    using Visible = TimelineLayout::Span;

    // The lanes that meet the part being painted: a run of thousands of processes paints only
    // the few lanes on screen.
    std::pair<int, int> exposedLanes() const;
    // Whether a channel's arrows, which run between its two lanes, can cross the painted part.
    bool channelExposed(int channel) const;
    void paintRuler(QPainter& painter, const TimeScale& scale) const;
    void paintLanes(QPainter& painter, const TimeScale& scale) const;
    void paintArrows(QPainter& painter, const TimeScale& scale);
    void paintArrow(QPainter& painter, int channel, qint64 seq, bool selected, int bundled,
                    double labelRoom);
    void paintDepth(QPainter& painter, const TimeScale& scale);
    void paintPolls(QPainter& painter, const TimeScale& scale) const;
    void paintLegend(QPainter& painter) const;
    QString tooltipAt(QPointF position) const;

    TimeAxis& m_axis;
    const TraceStore* m_store = nullptr;
    bool m_live = false;
    qint64 m_now = 0;
    bool m_depthInBytes = false;
    int m_arrowsDrawn = 0;
    int m_bundlesDrawn = 0;
    int m_linesDrawn = 0;
    // Where the last bundle count label of the channel being painted ends: counts that would
    // overlap it are left out (6 px bundles cannot each carry one).
    double m_bundleLabelEnd = 0;
    QRectF m_exposed;          // the part of the widget being painted
    Theme m_theme{QPalette()}; // from the palette, at each paint
    // The on-screen lines of the arrows drawn in this paint, and the labels' boxes.
    static constexpr size_t kDrawnLineSlots = 4093;
    std::array<quint64, kDrawnLineSlots> m_drawnLines{};
    std::vector<QRectF> m_labelBoxes;
    bool m_dragging = false;
    double m_dragX = 0;
    double m_pressX = 0;
    std::vector<qint64> m_peaks; // per channel, for the depth track's scale
    quint64 m_peaksGeneration = ~0ULL;
    bool m_peaksInBytes = false;
};

} // namespace pipescope
