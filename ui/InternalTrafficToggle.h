#pragma once

#include <QObject>

class QAction;

namespace pipescope {

class CurrentRun;
class RunHistoryModel;
class TimeAxis;

// View > Show Internal Traffic: whether the runs show what multiprocessing does for itself in a
// traced program (its forkserver and resource tracker, authkey challenges, the resource sharer:
// TraceStore's internal traffic). Off by default and remembered across sessions; every run of
// the history follows it, a new one as it comes. The run on show is shown again at once (its
// lanes, arrows, table, statistics and counts), at the same zoom, range and selection.
class InternalTrafficToggle : public QObject
{
    Q_OBJECT
public:
    // The settings key.
    static constexpr const char* kSettingsKey = "view/showInternalTraffic";

    InternalTrafficToggle(RunHistoryModel& history, CurrentRun& current, TimeAxis& axis,
                          QAction& action);

private:
    void apply(bool shown);

    RunHistoryModel& m_history;
    CurrentRun& m_current;
    TimeAxis& m_axis;
    QAction& m_action;
};

} // namespace pipescope
