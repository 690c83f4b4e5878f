#include "MessageFilterModel.h"

#include "MessageTableModel.h"
#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

void MessageFilterModel::restrictTo(std::vector<int> messages)
{
    std::sort(messages.begin(), messages.end());
    messages.erase(std::unique(messages.begin(), messages.end()), messages.end());
    if (messages == m_only)
        return;
    m_only = std::move(messages);
    invalidateFilter();
}

bool MessageFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (!m_only.empty() && !std::binary_search(m_only.begin(), m_only.end(), sourceRow))
        return false;
    const TraceStore* store = static_cast<const MessageTableModel*>(sourceModel())->store();
    if (store && !store->channelShown(store->messages()[size_t(sourceRow)].channel))
        return false;
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace pipescope
