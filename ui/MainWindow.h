#pragma once

#include "RunExports.h"
#include "findings/Finding.h"
#include "pytrace/ProgramTracer.h"
#include "run/ScenarioRunner.h"

#include <QMainWindow>
#include <memory>
#include <vector>

class QAction;
class QLabel;
class QSplitter;
class QTableView;
class QTabWidget;

namespace pipescope {

class ConsoleView;
class OverviewStrip;
class SequenceView;
class CurrentRun;
class DetailsPane;
class FindingsPane;
class MessageTableModel;
class MessagesPane;
class Run;
class RunHistoryModel;
class RunStatusBar;
class SidePanels;
class ScenarioGallery;
class StatisticsPane;
class TimeAxis;
class TimelineView;
class WindowActions;

// The PipeScope window: the scenario gallery on the left, the timeline (lanes, arrows, queue
// depth, polls) in the centre over the messages table and the console, the selected message's
// details and the run's statistics on the right, and a status bar. One click runs a scenario;
// it joins the run history and becomes the current run, which the views follow by themselves.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Runs `request` (the gallery's form when none is given); false, with the reason in the
    // status bar, if it cannot start.
    bool startRun(const RunRequest& request);
    bool startRunFromGallery();
    // Traces a program (File > Trace a program..., pipescope --watch); false, with the reason
    // in the status bar, if it cannot start.
    bool startTrace(const TraceRequest& request);
    void stopRun();
    // Shows a saved events file as a run of the history.
    bool openEvents(const QString& path);
    // Once the current run has ended and everything is drawn, saves a PNG of the whole window
    // to `path` and emits captured().
    void captureWhenFinished(const QString& path);

    ScenarioGallery* gallery() const { return m_gallery; }
    RunHistoryModel* history() const { return m_history; }
    CurrentRun* currentRun() const { return m_current; }
    TimeAxis* axis() const { return m_axis; }
    TimelineView* timeline() const { return m_timeline; }
    MessageTableModel* messageModel() const;
    QTableView* messageTable() const;
    MessagesPane* messagesPane() const { return m_messagesPane; }
    DetailsPane* details() const { return m_details; }
    StatisticsPane* statistics() const { return m_statistics; }
    FindingsPane* findings() const { return m_findings; }
    ConsoleView* console() const { return m_console; }
    SequenceView* sequence() const { return m_sequence; }
    OverviewStrip* overview() const { return m_overview; }
    QLabel* stateLabel() const;
    QLabel* rateLabel() const;
    const std::vector<RunExport>& exports() const { return m_exports; }
    // The run on show (null when none, or when it was loaded from a file) and its store.
    const ScenarioRunner* currentRunner() const;
    const TraceStore* currentStore() const;
    int runCount() const;
    // Help > About PipeScope: its text names PipeScope's version and Qt's (the one it runs on).
    static QString aboutText();
    QAction* aboutAction() const;

Q_SIGNALS:
    void runFinished();
    void captured(bool saved);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildLayout();
    Run* addRun(std::unique_ptr<Run> run);
    void showRun(const Run* run);
    void showProgress();
    void showFinding(const Finding& finding);
    void fitTimelineHeight();
    void updateRunControls();
    void selectMessage(int message, bool fromTable);
    void exportTo(const RunExport& kind);

    RunHistoryModel* m_history;
    CurrentRun* m_current;
    TimeAxis* m_axis;
    ScenarioGallery* m_gallery;
    TimelineView* m_timeline;
    MessagesPane* m_messagesPane;
    OverviewStrip* m_overview;
    SequenceView* m_sequence;
    ConsoleView* m_console;
    DetailsPane* m_details;
    StatisticsPane* m_statistics;
    FindingsPane* m_findings;
    QTabWidget* m_bottomTabs;
    QSplitter* m_centre = nullptr;
    int m_fittedLanes = 0; // the lanes the timeline's height was fitted to
    bool m_userSizedSplitter = false;
    SidePanels* m_panels = nullptr;
    std::unique_ptr<RunStatusBar> m_status;
    std::vector<RunExport> m_exports;
    std::unique_ptr<WindowActions> m_actions;

    bool m_selecting = false;
};

} // namespace pipescope
