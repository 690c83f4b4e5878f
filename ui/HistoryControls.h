#pragma once

#include <QObject>

class QAction;
class QListView;
class QWidget;

namespace pipescope {

class CurrentRun;
class RunHistoryModel;

// The commands on the run history: Remove Run (Delete on the run list, or the Run menu) drops the
// run on show and frees it; Limit History Memory… sets the resident memory above which the oldest
// finished runs are dropped when a run ends (remembered across sessions; 0: no limit); Compare
// Runs… shows two finished runs together (CompareWindow).
class HistoryControls : public QObject
{
    Q_OBJECT
public:
    // The settings key of the limit, in MiB.
    static constexpr const char* kLimitKey = "history/memoryLimitMiB";

    HistoryControls(RunHistoryModel& history, CurrentRun& current, QListView& list,
                    QAction& removeRun, QAction& limitMemory, QAction& compareRuns,
                    QWidget& dialogParent);

    // Sets the limit (MiB, 0: none), remembers it and applies it at once.
    void setLimitMiB(int mebibytes);

private:
    void updateRemoveRun();

    RunHistoryModel& m_history;
    CurrentRun& m_current;
    QAction& m_removeRun;
};

} // namespace pipescope
