#pragma once

#include <QWidget>
#include <optional>
#include <utility>

class QTableWidget;

namespace pipescope {

class Run;
class RunHistoryModel;
class TimeAxis;
class TimelineView;

// Two finished runs of the history one above the other (Run > Compare Runs…): e.g. two seeds of
// a scenario, or a traced program against the scenario it re-enacts. Their timelines share one
// time axis, each run's time from its first event (start-ups differ), so they zoom and pan
// together; their statistics stand side by side with the difference. The window closes by itself
// when either run is dropped from the history.
class CompareWindow : public QWidget
{
    Q_OBJECT
public:
    CompareWindow(RunHistoryModel& history, Run& first, Run& second, QWidget* parent = nullptr);

    // Asks which two finished runs to compare (the run on show and the one before it by
    // default); nothing when there are fewer than two or the user cancels.
    static std::optional<std::pair<Run*, Run*>> pick(const RunHistoryModel& history,
                                                     const Run* current, QWidget* parent);

    TimeAxis* axis() const { return m_axis; }
    TimelineView* timeline(int which) const { return which == 0 ? m_first : m_second; }
    QTableWidget* statistics() const { return m_statistics; }

private:
    void fillStatistics(const Run& first, const Run& second);

    TimeAxis* m_axis;
    TimelineView* m_first;
    TimelineView* m_second;
    QTableWidget* m_statistics;
};

} // namespace pipescope
