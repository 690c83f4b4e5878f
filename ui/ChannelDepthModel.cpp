#include "ChannelDepthModel.h"

#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

ChannelDepthModel::ChannelDepthModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void ChannelDepthModel::setDepths(const TraceStore* store, const std::vector<qint64>& maxDepth)
{
    const size_t rows = store ? std::min(maxDepth.size(), size_t(store->channelCount())) : 0;
    if (store != m_store || rows < m_maxDepth.size()) {
        beginResetModel();
        m_store = store;
        m_maxDepth.assign(maxDepth.begin(), maxDepth.begin() + qsizetype(rows));
        endResetModel();
        return;
    }
    const size_t before = m_maxDepth.size();
    const bool changed = !std::equal(m_maxDepth.begin(), m_maxDepth.end(), maxDepth.begin());
    if (rows > before) {
        beginInsertRows({}, int(before), int(rows) - 1);
        m_maxDepth.insert(m_maxDepth.end(), maxDepth.begin() + qsizetype(before),
                          maxDepth.begin() + qsizetype(rows));
        endInsertRows();
    }
    if (changed && before > 0) {
        std::copy(maxDepth.begin(), maxDepth.begin() + qsizetype(before), m_maxDepth.begin());
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
        return m_store->channel(index.row()).name;
    return QString::number(m_maxDepth[size_t(index.row())]);
}

QVariant ChannelDepthModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == Channel ? tr("channel") : tr("max depth");
}

} // namespace pipescope
