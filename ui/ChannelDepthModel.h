#pragma once

#include <QAbstractTableModel>
#include <vector>

namespace pipescope {

class TraceStore;

// The deepest queue of every channel, one row each, for a table view: a run with tens of
// thousands of channels costs a row count, not a widget or a line of text per channel, and the
// view draws only the rows on screen.
class ChannelDepthModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Channel,
        MaxDepth,
        ColumnCount
    };

    explicit ChannelDepthModel(QObject* parent = nullptr);

    // The run's channels (null: none) and their deepest queues, by channel: a row for each
    // channel the store shows, in channel order.
    void setDepths(const TraceStore* store, const std::vector<qint64>& maxDepth);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    const TraceStore* m_store = nullptr;
    std::vector<int> m_channels; // by row
    std::vector<qint64> m_maxDepth;
};

} // namespace pipescope
