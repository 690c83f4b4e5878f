#pragma once

#include "trace/TraceStore.h"

#include <QAbstractTableModel>
#include <limits>
#include <optional>
#include <vector>

namespace pipescope {

class CurrentRun;

// The messages of a run, a row each, over the TraceStore: seq, channel, from, to, value, bytes,
// sent, received, latency. refresh() adds the rows of new messages and updates the rows whose
// recv has arrived, reading only the store's log of message changes since the last refresh.
// Once the table is long, new rows come in a few times a second, not at every refresh: each
// insertion makes the table's header walk all its rows once more (QHeaderView recomputes every
// section's position), which at millions of rows would take the window's time at 60 Hz.
// Qt::UserRole gives each cell's raw value (times and sizes as numbers).
//
// The model sorts its rows itself (sort(), which the table's filter passes on): by a key per row
// taken once, not by two QVariants per comparison (QSortFilterProxyModel's way took seconds for
// a window of 500,000 rows, and again at every move of the window). A message that has no value
// in the column (not received) comes last in ascending order and first in descending, as
// QSortFilterProxyModel had it; ties keep the messages' order. While a live run is sorted, its
// new rows and changed values are sorted in, the sorts spaced by three times what the last one
// cost.
//
// A run of more than maxRows() messages is shown through a window of at most that many
// consecutive messages (unsorted, row r is message first() + r): Qt's item views keep something for
// every row (QHeaderView a position, QSortFilterProxyModel two mappings) and walk or reallocate all
// of it as rows come in, which at tens of millions of rows stalls the window for hundreds of
// milliseconds. While a run is live the window follows its end, moving on by a quarter of itself
// at a time (a model reset); showAround() moves it to any message (the timeline's, a finding's).
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
    // `live`: the window starts at the run's end and follows it; else at its start.
    void setStore(const TraceStore* store, bool live = false);
    const TraceStore* store() const { return m_store; }
    // `all`: every new row now (the run has ended).
    void refresh(bool all = false);

    // The window: the first message shown and the most rows shown (kMaxRows; smaller for tests).
    int first() const { return m_first; }
    int maxRows() const { return m_maxRows; }
    void setMaxRows(int rows);
    // True when the store has messages outside the window.
    bool windowed() const;
    // The message of `row`, and the row of `message` (-1 outside the window).
    int messageAt(int row) const
    {
        if (row < 0 || row >= m_rows)
            return -1;
        return m_order.empty() ? m_first + row : m_order[size_t(row)];
    }
    int rowOf(int message) const;
    // Moves the window so that it holds `message` (about in its middle), if it does not already.
    void showAround(int message);
    // Moves the window a quarter of itself towards the run's end (`direction` 1) or its start
    // (-1), as far as there are messages; true if it moved. Reaching a live run's end, it
    // follows it again.
    bool page(int direction);
    // True while the window ends at the run's end and moves on with it.
    bool following() const { return m_following; }
    // True during the reset for another store (not the window moving within the same run).
    bool changingStore() const { return m_changingStore; }

    // True if a cell of `row` shows `needle` (in any case): what the table's filter keeps.
    bool rowContains(int row, QStringView needle) const;
    // Sorts the rows by `column` (-1: the messages' order).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    const TraceStore* m_store = nullptr;
    static constexpr int kEagerRows = 100'000;
    // Past kEagerRows, a live run's rows come in batches this far apart.
    static constexpr qint64 kInsertIntervalNs = 250'000'000;

    static constexpr int kMaxRows = 500'000;
    // The window from message `first`, as many rows as it may have: moved back to be full unless
    // `leaveRoom` (a live run's window moved on, with room for what comes). placeWindow() only
    // sets it, within a reset of the model.
    void resetWindow(int first, bool leaveRoom = false);
    void placeWindow(int first, bool leaveRoom);
    // The rows' order by the sort column (m_order and m_rowOf; both empty unsorted), and the same
    // as a layout change (persistent indexes kept on their messages).
    void sortRows();
    void resortRows();
    // A message's raw value in a column: a number (Seq, Bytes and the times; none where it has
    // none yet), a name (Channel, From, To), the bytes its value sorts by (Value).
    std::optional<qint64> number(const TraceStore::Message& m, int column) const;
    QString name(const TraceStore::Message& m, int column) const;
    // What a cell shows.
    QString text(const TraceStore::Message& m, int column) const;
    QByteArray valueKey(const TraceStore::Message& m) const;

    int m_maxRows = kMaxRows;
    int m_first = 0;
    int m_rows = 0;
    bool m_following = true; // the window ends at the run's end, and stays there as it grows
    bool m_changingStore = false;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    bool m_sortStale = false; // values of the sort column changed since the rows were sorted
    qint64 m_sortedAtNs = 0;  // when the last sort began, and what it took
    qint64 m_sortCostNs = 0;
    std::vector<int> m_order;  // sorted: the message of each row
    std::vector<int> m_rowOf;  // sorted: the row of each message of the window, from first
    qint64 m_insertedAtNs = 0; // when rows last came in or were updated
    // The first and last message of the window changed since its rows were last updated.
    int m_changedFirst = std::numeric_limits<int>::max();
    int m_changedLast = -1;
    qsizetype m_eventsRead = 0; // events looked at for the messages they change
};

} // namespace pipescope
