#pragma once

#include <QSortFilterProxyModel>
#include <vector>

namespace pipescope {

// The messages table's filter: the rows whose text contains the filter line's (any column, any
// case) and, while a finding restricts it, only the messages that finding points at. Rows are
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

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    std::vector<int> m_only; // sorted
};

} // namespace pipescope
