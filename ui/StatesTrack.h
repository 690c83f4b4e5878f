#pragma once

#include "TimelineTrack.h"
#include "trace/TraceStore.h"

#include <QCoreApplication>

namespace pipescope {

// One lane per process: its name, pid and how it ended beside the plot, and its states as bars
// (running, sleeping, blocked in recv or send, polling; crashed in red to the end). Only the lanes
// on screen are painted, binary search finds the visible part of each, and state changes closer
// than a pixel merge into it. Above a bar, a tick per Queue.put(); under it, a red triangle per
// failed call, whose tooltip says what was raised.
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
    // From pixel x on, the pixels of a lane that each hold two state changes or more, drawn from
    // its buckets (see TimeBuckets) in the state that held most of each: where they end, and how
    // many changes come before there.
    static std::pair<double, size_t> paintCrowded(QPainter& painter, const TrackContext& context,
                                                  int process, double x);
    enum class Mark
    {
        Put,   // a tick above the bar per Queue.put(), in its channel's colour
        Error, // a red triangle under the bar per failed call (an Error event)
    };
    // The marks of `process`'s events of both kinds, one per pixel at most.
    static void paintMarks(QPainter& painter, const TrackContext& context, int process);
    static const TraceStore::EventList& marked(const TraceStore& store, int process, Mark mark);
    // Where a mark is drawn: a put at its call, a failed call where it raised.
    static qint64 markTime(const TraceStore& store, qint32 event, Mark mark);
    // The event of kind `mark` under `position` in `process`'s lane, or -1.
    static qint32 markAt(QPointF position, const TrackContext& context, int process, Mark mark);
};

} // namespace pipescope
