#pragma once

#include "TimelineTrack.h"

#include <QCoreApplication>

namespace pipescope {

// One lane per process: its name, pid and how it ended beside the plot, and its states as bars
// (running, sleeping, blocked in recv or send, polling; crashed in red to the end). Only the lanes
// on screen are painted, binary search finds the visible part of each, and state changes closer
// than a pixel merge into it.
class StatesTrack final : public TimelineTrack
{
    Q_DECLARE_TR_FUNCTIONS(StatesTrack)
public:
    void paint(QPainter& painter, const TrackContext& context) override;
    // The state the process whose lane holds the point was in at the point's time.
    std::optional<TrackHit> hitTest(QPointF position, const TrackContext& context) const override;

private:
    static void paintLabel(QPainter& painter, const TrackContext& context, int process);
    static void paintBars(QPainter& painter, const TrackContext& context, int process);
    // A tick above the bar per Queue.put() (one per pixel at most), in its channel's colour.
    static void paintPuts(QPainter& painter, const TrackContext& context, int process);
    // The put under `position` in `process`'s lane, or -1.
    static qint32 putAt(QPointF position, const TrackContext& context, int process);
};

} // namespace pipescope
