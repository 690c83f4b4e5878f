#pragma once

#include "trace/TimeRange.h"

#include <QPointer>
#include <QWidget>
#include <vector>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace pipescope {

class CurrentRun;
class Run;
class FindingsModel;
class TraceStore;
struct Finding;

// The Findings tab: what went wrong in the run on show, errors first, each with its
// explanation below the list. Analyzed again once a second while a run goes on (a deadlock is
// reported while it happens); once it has ended, the run's own findings (Run::findings(), which
// come a moment later). Selecting a finding emits findingSelected().
class FindingsPane : public QWidget
{
    Q_OBJECT

public:
    explicit FindingsPane(QWidget* parent = nullptr);
    void watch(const CurrentRun& current);
    const FindingsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    // "2 findings, 1 warning": the tab's and the status bar's words; empty with none.
    QString summary() const;
    // Only the findings with an event within `range` of `store`; empty: all.
    void setRange(const TraceStore* store, TimeRange range);

Q_SIGNALS:
    void findingSelected(const pipescope::Finding& finding);
    void summaryChanged(const QString& summary);
    // It selected a finding the user should see now (a teaching scenario's).
    void wantsToBeSeen();

private:
    void refresh(const CurrentRun& current);
    void showFindings(const std::vector<Finding>& findings);
    void updateSummary();
    void showSelected();
    void selectKind(const QString& kind);

    FindingsModel* m_model;
    QSortFilterProxyModel* m_sorted;
    QTableView* m_table;
    QLabel* m_explanation;
    qint64 m_analyzedAtNs = -1;
    QMetaObject::Connection m_findingsReady;
    QPointer<Run> m_shownRun; // the run last shown
    QString m_summary;
};

} // namespace pipescope
