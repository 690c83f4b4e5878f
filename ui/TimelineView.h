#pragma once

#include "Theme.h"
#include "TimeScale.h"
#include "TimelineLayout.h"
#include "trace/TimeRange.h"

#include <QSet>
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

class QMenu;

namespace pipescope {

class ArrowsTrack;
class DepthTrack;
class HighlightTrack;
class TimeAxis;
class TimelineTrack;
struct TrackContext;
class TraceStore;

// The timeline: a ruler, one lane per process with its state as bars, an arrow from every send to
// its recv, the queue depth per direction as a step plot, every poll call as a span coloured by its
// result, and a legend; all of them on one TimeAxis.
//
// The widget only routes: a TimelineLayout says where everything is (for painting, hit-testing
// and the tests alike), one TimelineTrack per kind of row paints it and says what lies under a
// point, and a Theme made from the palette gives the colours. A lane's context menu (on its
// label) collapses it or moves it up, down or to the top. Input (wheel, drag, keys, clicks,
// tooltips) is handled here and turned into TimeAxis changes or hit tests: a drag pans, a drag on
// the ruler selects a range (a click there clears it), a Shift+drag measures the time between
// two points.
class TimelineView : public QWidget
{
    Q_OBJECT
public:
    explicit TimelineView(TimeAxis& axis, QWidget* parent = nullptr);
    ~TimelineView() override;

    // The run to show (null: none), and whether it is still going.
    void setStore(const TraceStore* store, bool live);
    // Rings these events of the store (a selected finding's); empty: none. Another store clears
    // them.
    void setHighlighted(std::vector<qint32> events);
    const std::vector<qint32>& highlighted() const;
    // The current time of a live run: in-flight arrows grow to it.
    void setNow(qint64 now, bool live);
    // A lane collapsed to its name and bar, or expanded again (another store expands them all).
    void setLaneCollapsed(int process, bool collapsed);
    bool laneCollapsed(int process) const { return m_collapsed.contains(process); }
    // A process's lane pinned to the top or let go: the pinned lanes stay together at the top
    // (a lane pinned is moved under them, one let go right below them; see laneMoveRequested),
    // and they and the ruler stay in view while the view is scrolled (in a QScrollArea): the
    // band they make is painted again at the top of what is shown.
    void setLanePinned(int process, bool pinned);
    // Pinned and in the band at the top: a pinned lane that was hidden (internal traffic) and came
    // back apart from the others, below lanes not pinned, is not pinned any more.
    bool lanePinned(int process) const;
    // The lane's context menu: collapse or expand; where someone moves lanes (laneMoveRequested),
    // pin or unpin, and move to the top, up or down.
    std::unique_ptr<QMenu> laneMenu(int process);
    // That band's height: the ruler's, and the pinned lanes' at the top with their threads'.
    double stickyHeight() const;
    // How far the view is scrolled down: where its visible part begins (0 when not scrolled).
    int visibleTop() const;
    // Where a point of the widget is in the layout: one on the band where it is painted again
    // is on the band where it really is. The hit tests below take widget points.
    QPointF contentPoint(QPointF position) const;
    // The process whose lane is at `position`, or -1.
    int laneAt(QPointF position) const;
    // Shows the store's time `offset` (ns) where the axis has 0: two runs compared from their
    // first events line up (CompareWindow), each ending at its own `dataEnd` (store time). The
    // ruler keeps the store's own times.
    void setTimeOffset(qint64 offset, qint64 dataEnd);
    // The queue depth in bytes instead of messages.
    void setDepthInBytes(bool bytes);
    bool depthInBytes() const;

    // The geometry as it is now: what the next paint and hit test use.
    TimelineLayout layout() const;
    // The colours, from the palette as it is now.
    Theme theme() const { return Theme(palette()); }

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
    int messageAt(QPointF position) const { return layout().messageAt(contentPoint(position)); }
    // How many single arrows and bundles the last paint showed, and how many lines it stroked
    // for them (arrows that would cover the same pixels as one already drawn share its line).
    int arrowsDrawn() const;
    int bundlesDrawn() const;
    int linesDrawn() const;
    // The boxes of the value labels the last paint wrote: never one over another.
    const std::vector<QRectF>& labelBoxes() const;

    // Where keyboard zooming centres: the mouse cursor when it is over the lanes, else the middle.
    qint64 zoomAnchor() const;
    // What the tooltip says at `position` (empty: none): the topmost track's hit there.
    QString tooltipAt(QPointF position) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void messageClicked(int message);
    // The lane's context menu asked to move it (TraceStore::moveLane): the window owns the run.
    void laneMoveRequested(int process, int steps);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void moveEvent(QMoveEvent* event) override;
    bool event(QEvent* event) override;

private:
    TimeAxis& m_axis;
    const TraceStore* m_store = nullptr;
    bool m_live = false;
    qint64 m_now = 0;
    qint64 m_offset = 0;
    qint64 m_ownDataEnd = -1; // -1: the axis's
    QSet<int> m_collapsed;    // processes
    QSet<int> m_pinned;       // processes
    // In paint order; hit tests ask them the other way round (what is drawn on top answers first).
    std::vector<std::unique_ptr<TimelineTrack>> m_tracks;
    ArrowsTrack* m_arrows = nullptr;       // in m_tracks
    HighlightTrack* m_highlight = nullptr; // in m_tracks
    DepthTrack* m_depth = nullptr;         // in m_tracks
    // What a left-button drag does: pan the view, select a range on the ruler, or (Shift)
    // measure the time between two points.
    enum class Drag
    {
        None,
        Pan,
        Range,
        Measure,
    };
    struct Measure
    {
        qint64 from = 0;
        qint64 to = 0;
        double y = 0;
    };
    void paintStickyBand(QPainter& painter, const TrackContext& context, int top) const;
    // The rows that stay in view (the pinned lanes at the top and their threads' lanes), and
    // how many of them are processes' lanes.
    int bandRows() const;
    // Lets go of the pins of lanes shown apart from the band (see setLanePinned).
    void dropStrayPins();
    int pinnedAtTop() const;
    void paintMeasure(QPainter& painter, const TimelineLayout& geometry,
                      const Theme& colours) const;

    Drag m_drag = Drag::None;
    double m_dragX = 0;
    double m_pressX = 0;
    qint64 m_rangeAnchor = 0;
    TimeRange m_dragRange;            // while a range is dragged
    std::optional<Measure> m_measure; // shown until the next click
};

} // namespace pipescope
