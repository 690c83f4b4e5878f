#include "RunHistoryModel.h"

#include "Run.h"

#include <algorithm>

namespace pipescope {

RunHistoryModel::RunHistoryModel(QObject* parent)
    : QAbstractListModel(parent)
{}

RunHistoryModel::~RunHistoryModel() = default;

Run* RunHistoryModel::add(std::unique_ptr<Run> run)
{
    Run* raw = run.get();
    connect(raw, &Run::finished, this, [this, raw] {
        const QModelIndex changed = index(rowOf(raw));
        Q_EMIT dataChanged(changed, changed, {Qt::DisplayRole});
        Q_EMIT runFinished(raw);
    });
    beginInsertRows({}, 0, 0);
    m_runs.push_back(std::move(run));
    ++m_added;
    endInsertRows();
    return raw;
}

Run* RunHistoryModel::run(int row) const
{
    if (row < 0 || row >= int(m_runs.size()))
        return nullptr;
    return m_runs[m_runs.size() - 1 - size_t(row)].get();
}

int RunHistoryModel::rowOf(const Run* run) const
{
    for (size_t i = 0; i < m_runs.size(); ++i) {
        if (m_runs[i].get() == run)
            return int(m_runs.size() - 1 - i);
    }
    return -1;
}

bool RunHistoryModel::anyLive() const
{
    return std::any_of(m_runs.begin(), m_runs.end(),
                       [](const std::unique_ptr<Run>& run) { return run->live(); });
}

void RunHistoryModel::stopAll()
{
    for (const auto& run : m_runs)
        run->stop();
}

int RunHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

QVariant RunHistoryModel::data(const QModelIndex& index, int role) const
{
    const Run* shown = index.isValid() ? run(index.row()) : nullptr;
    if (!shown)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return shown->historyText();
    case Qt::ToolTipRole:
        return shown->toolTip();
    default:
        return {};
    }
}

} // namespace pipescope
