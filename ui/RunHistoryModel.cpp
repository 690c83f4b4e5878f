#include "RunHistoryModel.h"

#include "Quantity.h"
#include "Run.h"
#include "base/ProcessMemory.h"

#include <QColor>
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

bool RunHistoryModel::remove(Run* run)
{
    const int row = rowOf(run);
    if (row < 0 || run->live())
        return false;
    Q_EMIT aboutToRemove(run);
    beginRemoveRows({}, row, row);
    const auto found =
        std::find_if(m_runs.begin(), m_runs.end(),
                     [run](const std::unique_ptr<Run>& r) { return r.get() == run; });
    std::unique_ptr<Run> removed = std::move(*found);
    m_runs.erase(found);
    endRemoveRows();
    removed.reset();
    ProcessMemory::returnFreedMemory();
    return true;
}

void RunHistoryModel::setMemoryLimit(qint64 bytes)
{
    m_memoryLimit = std::max<qint64>(0, bytes);
}

void RunHistoryModel::enforceMemoryLimit(const Run* keep)
{
    if (m_memoryLimit <= 0)
        return;
    int dropped = 0;
    while (ProcessMemory::residentBytes() > m_memoryLimit) {
        const auto oldest = std::find_if(m_runs.begin(), m_runs.end(), [keep](const auto& run) {
            return run.get() != keep && !run->live();
        });
        if (oldest == m_runs.end() || !remove(oldest->get()))
            break;
        ++dropped;
    }
    if (dropped == 0)
        return;
    // The note row: added with the first drop, its count updated with later ones.
    const int note = int(m_runs.size());
    if (m_dropped == 0) {
        beginInsertRows({}, note, note);
        m_dropped = dropped;
        endInsertRows();
    } else {
        m_dropped += dropped;
        Q_EMIT dataChanged(index(note), index(note));
    }
}

int RunHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size()) + (m_dropped > 0 ? 1 : 0);
}

Qt::ItemFlags RunHistoryModel::flags(const QModelIndex& index) const
{
    // The note of dropped runs is there to be read, not selected.
    if (index.isValid() && !run(index.row()))
        return Qt::ItemIsEnabled;
    return QAbstractListModel::flags(index);
}

QVariant RunHistoryModel::data(const QModelIndex& index, int role) const
{
    const Run* shown = index.isValid() ? run(index.row()) : nullptr;
    if (!shown) {
        if (!index.isValid() || index.row() != int(m_runs.size()) || m_dropped == 0)
            return {};
        if (role == Qt::DisplayRole)
            return tr("%1 dropped: over the memory limit")
                .arg(Quantity::count(m_dropped, tr("older run"), tr("older runs")));
        if (role == Qt::ToolTipRole)
            return tr("The oldest finished runs are dropped while PipeScope uses more than %1 "
                      "(Run > Limit History Memory…)")
                .arg(Quantity::bytes(m_memoryLimit));
        if (role == Qt::ForegroundRole)
            return QColor(Qt::gray);
        return {};
    }
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
