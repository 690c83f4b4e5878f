#pragma once

#include "TimelineTrack.h"

#include <QtGlobal>
#include <vector>

namespace pipescope {

// The events a selected finding points at, ringed where they happened: on their process's lane,
// from the call's start to its end (a state from its start), over everything else.
class HighlightTrack final : public TimelineTrack
{
public:
    // The store's events to ring (empty: none).
    void setEvents(std::vector<qint32> events) { m_events = std::move(events); }
    const std::vector<qint32>& events() const { return m_events; }

    void paint(QPainter& painter, const TrackContext& context) override;

private:
    std::vector<qint32> m_events;
};

} // namespace pipescope
