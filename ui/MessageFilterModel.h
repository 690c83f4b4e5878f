#pragma once

#include "trace/TimeRange.h"

#include <QSortFilterProxyModel>
#include <vector>

namespace pipescope {

// The messages table's filter: the rows whose text contains the filter line's (any column, any
// case) and, while a finding restricts it, only the messages that finding points at; while a
// range is selected, only the messages sent in it. Its rows keep the order of its source,
// MessageTableModel (the messages' order, or the column it is sorted by). Messages on channels the
// store does not show (multiprocessing's own) are never rows.
class MessageFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    // Only the rows with a cell that shows `text`, in any case (empty: every row). Checked by
    // MessageTableModel::rowContains(), without a QVariant or a regular expression per cell.
    void setText(const QString& text);
    const QString& text() const { return m_text; }
    // Only these messages of the store (empty: every message).
    void restrictTo(std::vector<int> messages);
    bool restricted() const { return !m_only.empty(); }
    // Only the messages sent within `range` (a message whose send is not known is in none);
    // empty: all.
    void restrictToRange(TimeRange range);
    TimeRange range() const { return m_range; }
    // The table's sort, passed on to the messages' model, which sorts by keys (see
    // MessageTableModel); this model keeps its source's order.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    std::vector<int> m_only; // sorted
    TimeRange m_range;
};

} // namespace pipescope
