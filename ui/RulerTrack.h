#pragma once

#include "TimelineTrack.h"

#include <QCoreApplication>

namespace pipescope {

// The time ruler along the top, and its grid lines down through every track below it; the
// selected range as a shade under everything, its length written on the ruler.
class RulerTrack final : public TimelineTrack
{
    Q_DECLARE_TR_FUNCTIONS(RulerTrack)
public:
    void paint(QPainter& painter, const TrackContext& context) override;

private:
    // Fills `area` (translucent) in bands of at most kBandRows rows. Qt's raster engine (6.4)
    // hands a blended fill of 96 rows or more to its thread pool and waits for it: two context
    // switches a fill, which on a busy machine cost more than the fill (a paced run's grid
    // lines had the window's thread preempted some 400 times a second by the pool's threads).
    static void fillInBands(QPainter& painter, const QRectF& area, const QColor& color);
    static constexpr int kBandRows = 64;
};

} // namespace pipescope
