#include "ChannelDepthModel.h"

#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

ChannelDepthModel::ChannelDepthModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void ChannelDepthModel::setDepths(const TraceStore* store, const std::vector<qint64>& maxDepth)
{
    const int known = store ? int(std::min(maxDepth.size(), size_t(store->channelCount()))) : 0;
    std::vector<int> channels;
    for (int c = 0; c < known; ++c) {
        if (store->channelShown(c))
            channels.push_back(c);
    }
    std::vector<qint64> depths;
    depths.reserve(channels.size());
    for (const int c : channels)
        depths.push_back(maxDepth[size_t(c)]);
    // The same rows, and maybe more: updated in place, else anew.
    if (store != m_store || channels.size() < m_channels.size() ||
        !std::equal(m_channels.begin(), m_channels.end(), channels.begin())) {
        beginResetModel();
        m_store = store;
        m_channels = std::move(channels);
        m_maxDepth = std::move(depths);
        endResetModel();
        return;
    }
    const size_t before = m_maxDepth.size();
    const bool changed = !std::equal(m_maxDepth.begin(), m_maxDepth.end(), depths.begin());
    if (depths.size() > before) {
        beginInsertRows({}, int(before), int(depths.size()) - 1);
        m_channels = std::move(channels);
        m_maxDepth.insert(m_maxDepth.end(), depths.begin() + qsizetype(before), depths.end());
        endInsertRows();
    }
    if (changed && before > 0) {
        std::copy(depths.begin(), depths.begin() + qsizetype(before), m_maxDepth.begin());
        Q_EMIT dataChanged(index(0, MaxDepth), index(int(before) - 1, MaxDepth));
    }
}

int ChannelDepthModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_maxDepth.size());
}

int ChannelDepthModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChannelDepthModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || !m_store)
        return {};
    if (role == Qt::TextAlignmentRole && index.column() == MaxDepth)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (index.column() == Channel)
        return m_store->channel(m_channels[size_t(index.row())]).name;
    return QString::number(m_maxDepth[size_t(index.row())]);
}

QVariant ChannelDepthModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == Channel ? tr("channel") : tr("max depth");
}

} // namespace pipescope
