#pragma once

#include <QAbstractTableModel>

namespace pipescope {

class CurrentRun;
class TraceStore;

// The messages of a run, a row each, over the TraceStore: seq, channel, from, to, value, bytes,
// sent, received, latency. refresh() adds the rows of new messages and updates the rows whose
// recv has arrived, reading only the store's log of message changes since the last refresh.
// Once the table is long, new rows come in a few times a second, not at every refresh: each
// insertion makes the table's header walk all its rows once more (QHeaderView recomputes every
// section's position), which at millions of rows would take the window's time at 60 Hz.
// Qt::UserRole gives each cell's raw value for sorting (times and sizes as numbers).
class MessageTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Seq,
        Channel,
        From,
        To,
        Value,
        Bytes,
        Sent,
        Received,
        Latency,
        ColumnCount
    };

    explicit MessageTableModel(QObject* parent = nullptr);

    // Follows the run on show: its store when it changes, its new messages as they come.
    void watch(const CurrentRun& current);
    void setStore(const TraceStore* store);
    const TraceStore* store() const { return m_store; }
    // `all`: every new row now (the run has ended).
    void refresh(bool all = false);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    const TraceStore* m_store = nullptr;
    static constexpr int kEagerRows = 100'000;
    // While live, rows come in batches at least this far apart, and further apart the more rows
    // there are: a table view lays out every row again when rows come in (QHeaderView recomputes
    // each row's position, about 1 ms per million rows), so at kInsertNsPerRow a batch the table
    // takes about 2 % of the window's thread however long the run (1.8 s apart at 36 million).
    static constexpr qint64 kInsertIntervalNs = 250'000'000;
    static constexpr qint64 kInsertNsPerRow = 50;

    int m_rows = 0;
    qint64 m_insertedAtNs = 0;
    qsizetype m_eventsRead = 0; // events looked at for the messages they change
};

} // namespace pipescope
