#pragma once

#include "TimelineTrack.h"

#include <QCoreApplication>

namespace pipescope {

// Every poll() call of every process as a span on one row, coloured by its result (True or
// False); a pixel already filled by one poll is not filled again.
class PollsTrack final : public TimelineTrack
{
    Q_DECLARE_TR_FUNCTIONS(PollsTrack)
public:
    void paint(QPainter& painter, const TrackContext& context) override;
    // The poll whose span holds the point's time: its process, timeout, result and wait.
    std::optional<TrackHit> hitTest(QPointF position, const TrackContext& context) const override;
};

} // namespace pipescope
