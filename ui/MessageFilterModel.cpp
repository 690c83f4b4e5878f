#include "MessageFilterModel.h"

#include "MessageTableModel.h"
#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

void MessageFilterModel::setText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateFilter();
}

void MessageFilterModel::restrictTo(std::vector<int> messages)
{
    std::sort(messages.begin(), messages.end());
    messages.erase(std::unique(messages.begin(), messages.end()), messages.end());
    if (messages == m_only)
        return;
    m_only = std::move(messages);
    invalidateFilter();
}

void MessageFilterModel::restrictToRange(TimeRange range)
{
    if (range == m_range)
        return;
    m_range = range;
    invalidateFilter();
}

void MessageFilterModel::sort(int column, Qt::SortOrder order)
{
    sourceModel()->sort(column, order);
}

bool MessageFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    const auto* messages = static_cast<const MessageTableModel*>(sourceModel());
    const int message = messages->messageAt(sourceRow);
    if (message < 0)
        return false;
    if (!m_only.empty() && !std::binary_search(m_only.begin(), m_only.end(), message))
        return false;
    if (const TraceStore* store = messages->store()) {
        const TraceStore::Message& m = store->messages()[size_t(message)];
        if (!store->channelShown(m.channel))
            return false;
        // As RunStatistics::ofRange counts them: by when their send began.
        if (!m_range.empty() &&
            (m.sendEvent < 0 || !m_range.contains(store->startTime(m.sendEvent))))
            return false;
    }
    return m_text.isEmpty() || messages->rowContains(sourceRow, m_text);
}

} // namespace pipescope
