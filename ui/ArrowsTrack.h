#pragma once

#include "TimelineLayout.h"
#include "TimelineTrack.h"

#include <QCoreApplication>
#include <array>
#include <vector>

namespace pipescope {

// An arrow from every send to its recv across the lanes (open and growing while in flight, a
// dashed stub when undelivered), with the value as a label where there is room and no other
// label. Dense channels are bundled: one arrow per few pixels, labelled with how many it stands
// for. Arrows that would cover the same pixels as one already drawn are not stroked again. The
// selected message's arrow is always drawn, on top. Nothing is allocated per arrow.
class ArrowsTrack final : public TimelineTrack
{
    Q_DECLARE_TR_FUNCTIONS(ArrowsTrack)
public:
    void paint(QPainter& painter, const TrackContext& context) override;
    // The message whose arrow, as painted, passes nearest the point: its channel, value and
    // latency (or in flight, or undelivered).
    std::optional<TrackHit> hitTest(QPointF position, const TrackContext& context) const override;

    // How many single arrows and bundles the last paint showed, and how many lines it stroked.
    int arrowsDrawn() const { return m_arrowsDrawn; }
    int bundlesDrawn() const { return m_bundlesDrawn; }
    int linesDrawn() const { return m_linesDrawn; }
    // The boxes of the value labels and bundle counts the last paint wrote (the selected
    // label's first).
    const std::vector<QRectF>& labelBoxes() const { return m_labelBoxes; }
    void resetCounts();

private:
    void paintChannel(QPainter& painter, const TrackContext& context, int channel);
    // Zoomed out so far that the channel's send buckets resolve a pixel (a long run): its
    // bundles counted and placed from its buckets, to within a quarter of a pixel, not from its
    // columns, which a long run has left cold (see TimeBuckets). For a channel between two
    // processes.
    void paintBundlesFromBuckets(QPainter& painter, const TrackContext& context, int channel,
                                 TimelineLayout::Span visible);
    // `message`: the one whose value labels the arrow (-1: a bundle, which has its count).
    void paintArrow(QPainter& painter, const TrackContext& context, int channel,
                    const ArrowGeometry& arrow, int message, bool selected, int bundled,
                    double labelRoom);
    // Whether a line just like this one was stroked in this paint; remembers it if not.
    bool alreadyDrawn(QPointF a, QPointF b, bool delivered);
    // A message's value label: its text (cut to the room), where it is written, and its box.
    struct Label
    {
        QString text;
        QPointF at;
        QRectF box;
    };
    static Label label(const TrackContext& context, const ArrowGeometry& arrow, int message,
                       double labelRoom);
    // No label or count drawn in this paint meets `box`.
    bool boxIsFree(const QRectF& box) const;
    void paintLabel(QPainter& painter, const TrackContext& context, const ArrowGeometry& arrow,
                    int message, bool selected, double labelRoom);

    int m_arrowsDrawn = 0;
    int m_bundlesDrawn = 0;
    int m_linesDrawn = 0;
    // Where the last bundle count label of the channel being painted ends: counts that would
    // overlap it are left out (6 px bundles cannot each carry one).
    double m_bundleLabelEnd = 0;
    // The on-screen lines of the arrows drawn in this paint (direct-mapped), and the labels' boxes.
    static constexpr size_t kDrawnLineSlots = 4093;
    std::array<quint64, kDrawnLineSlots> m_drawnLines{};
    std::vector<QRectF> m_labelBoxes;
};

} // namespace pipescope
