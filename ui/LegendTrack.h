#pragma once

#include "TimelineTrack.h"

#include <QCoreApplication>

namespace pipescope {

// The key under the tracks: a swatch per process state and what a dashed arrow means.
class LegendTrack final : public TimelineTrack
{
    Q_DECLARE_TR_FUNCTIONS(LegendTrack)
public:
    void paint(QPainter& painter, const TrackContext& context) override;
};

} // namespace pipescope
