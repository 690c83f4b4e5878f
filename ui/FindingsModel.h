#pragma once

#include "findings/Finding.h"
#include "findings/FindingsAnalyzer.h"
#include "trace/TimeRange.h"

#include <QAbstractTableModel>
#include <vector>

namespace pipescope {

class TraceStore;

// A run's findings (FindingsAnalyzer) as a sortable table: severity (with its icon), kind,
// title. The explanation is the title's tooltip and Qt::UserRole + 1.
class FindingsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        SeverityColumn,
        Kind,
        Title,
        kColumns
    };

    using QAbstractTableModel::QAbstractTableModel;

    // Analyzes `store` again (see FindingsAnalyzer::analyze()) and shows what it finds.
    void analyze(const TraceStore* store, bool ended, qint64 now);
    // Shows these (a finished run's).
    void setFindings(const std::vector<Finding>& findings);
    // Only the findings with an event within `range` of `store` (the timeline's selected range);
    // empty: all.
    void setRange(const TraceStore* store, TimeRange range);
    const std::vector<Finding>& findings() const { return m_findings; }
    // How many are above info.
    int aboveInfo() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void show();

    std::vector<Finding> m_all;      // as analyzed
    std::vector<Finding> m_findings; // those shown: in the range
    const TraceStore* m_store = nullptr;
    TimeRange m_range;
    FindingsAnalyzer m_analyzer; // follows the current run's store as it grows
};

} // namespace pipescope
