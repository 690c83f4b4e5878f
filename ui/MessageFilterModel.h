#pragma once

#include "trace/TimeRange.h"

#include <QSortFilterProxyModel>
#include <vector>

namespace pipescope {

// The messages table's filter: the rows whose text contains the filter line's (any column, any
// case) and, while a finding restricts it, only the messages that finding points at; while a
// range is selected, only the messages sent in it. Rows are
// the store's messages, in order (MessageTableModel, its source). Messages on channels the store
// does not show (multiprocessing's own) are never rows.
class MessageFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    // Only these messages of the store (empty: every message).
    void restrictTo(std::vector<int> messages);
    bool restricted() const { return !m_only.empty(); }
    // Only the messages sent within `range` (a message whose send is not known is in none);
    // empty: all.
    void restrictToRange(TimeRange range);
    TimeRange range() const { return m_range; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    std::vector<int> m_only; // sorted
    TimeRange m_range;
};

} // namespace pipescope
