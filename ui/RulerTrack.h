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
};

} // namespace pipescope
