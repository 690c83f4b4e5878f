#pragma once

#include "trace/TimeRange.h"
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
// insertion makes the table's row header take in the new rows, which at 60 Hz would take much
// of the window's time. Qt::UserRole gives each cell's raw value (times and sizes as numbers).
//
// The model filters and sorts its rows itself, with no proxy model between it and the table.
// QSortFilterProxyModel keeps two mappings of every row and walked or reallocated them at each
// insert and each move of the window (at 500,000 rows, most of a live table's cost), and sorted
// by two QVariants per comparison (seconds for 500,000 rows by value). Here the rows are
// the messages themselves while nothing is filtered or sorted (row r is message first() + r),
// and otherwise a list of messages: those that pass the filter (setText(), restrictTo(),
// restrictToRange(), and never those on a channel the store does not show), sorted by a key
// per row taken once. A message that has no value in the column (not received) comes last in
// ascending order and first in descending, as Qt's proxy had it; ties keep the messages' order.
// While a live run is sorted or filtered by what can change, its changed messages are sorted
// in, and come or go, spaced by three times what the last arrangement cost.
//
// A run of more than maxRows() messages is shown through a window of at most that many
// consecutive messages: Qt's item views keep something for every row (QHeaderView a section
// each) and walk all of it at a reset, which at tens of millions of rows stalls the window for
// hundreds of milliseconds. While a run is live the window follows its end, moving on by a
// quarter of itself at a time (a model reset); showAround() moves it to any message (the
// timeline's, a finding's).
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

    // Up to this many rows, a live run's new messages are rows at every refresh; past it, they
    // come in batches at least kInsertIntervalNs apart (each insert costs the view a walk of
    // its rows).
    static constexpr int kEagerRows = 100'000;
    static constexpr qint64 kInsertIntervalNs = 250'000'000;

    explicit MessageTableModel(QObject* parent = nullptr);

    // Follows the run on show: its store when it changes, its new messages as they come.
    void watch(const CurrentRun& current);
    // `live`: the window starts at the run's end and follows it; else at its start.
    void setStore(const TraceStore* store, bool live = false);
    const TraceStore* store() const { return m_store; }
    // `all`: every new row now (the run has ended).
    void refresh(bool all = false);

    // The window: its first message, how many it holds (filtered or not), and the most it may
    // hold (kMaxRows; smaller for tests).
    int first() const { return m_first; }
    int windowSize() const { return m_count; }
    int maxRows() const { return m_maxRows; }
    void setMaxRows(int rows);
    // True when the store has messages outside the window.
    bool windowed() const;
    // The message of `row`, and the row of `message` (-1 outside the window).
    int messageAt(int row) const
    {
        if (row < 0 || row >= m_rows)
            return -1;
        return listed() ? m_order[size_t(row)] : m_first + row;
    }
    // The row of `message`: -1 outside the window or filtered out.
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

    // The filter. Only the rows with a cell that shows `text`, in any case (empty: every row),
    // checked without a QVariant or a regular expression per cell.
    void setText(const QString& text);
    const QString& text() const { return m_text; }
    // Only these messages of the store (a finding's; empty: every message).
    void restrictTo(std::vector<int> messages);
    bool restricted() const { return !m_only.empty(); }
    // Only the messages sent within `range` (a message whose send is not known is in none);
    // empty: all. As RunStatistics::ofRange counts them: by when their send began.
    void restrictToRange(TimeRange range);
    TimeRange range() const { return m_range; }
    // True while the text, a restriction or a range filters the rows.
    bool filtered() const { return !m_text.isEmpty() || restricted() || !m_range.empty(); }

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

    static constexpr int kMaxRows = 500'000;
    // The window from message `first`, as many rows as it may have: moved back to be full unless
    // `leaveRoom` (a live run's window moved on, with room for what comes). placeWindow() only
    // sets it, within a reset of the model.
    void resetWindow(int first, bool leaveRoom = false);
    void placeWindow(int first, bool leaveRoom);
    // The rows again for a changed filter (a reset).
    void refilter();
    // The window's messages that the filter keeps, in the messages' order; none listed when all
    // of them are rows as they are (unsorted, nothing hidden).
    std::vector<int> acceptedMessages() const;
    bool accepts(int message) const;
    // True if a cell of message `message` shows `needle` (in any case).
    bool contains(int message, QStringView needle) const;
    // True when a message of the window may not be a row: filtered, or a channel not shown.
    bool hides() const;
    // Channels whose messages are never rows (multiprocessing's own, unless shown).
    int hiddenChannels() const;
    // True when what the filter keeps depends on what a message's other event brings.
    bool filterCanChange() const { return !m_text.isEmpty() || !m_range.empty(); }
    // The rows: `messages` (acceptedMessages()) in the sort column's order (m_order and m_rowOf;
    // both empty when the rows are the window's messages as they are).
    void arrange(std::vector<int> messages);
    // arrange() again: as a layout change (persistent indexes kept on their messages) when the
    // same messages are rows, else as a reset.
    void rearrange();
    // m_order and m_rowOf for rows that were the window's messages as they are.
    void listRows();
    bool listed() const { return !m_rowOf.empty(); }
    // The messages from the window's end up to message `total` come in (as rows if the filter
    // keeps them).
    void appendMessages(int total);
    // A message's raw value in a column: a number (Seq, Bytes and the times; none where it has
    // none yet), a name (Channel, From, To), the bytes its value sorts by (Value).
    std::optional<qint64> number(const TraceStore::Message& m, int column) const;
    QString name(const TraceStore::Message& m, int column) const;
    // What a cell shows.
    QString text(const TraceStore::Message& m, int column) const;
    QByteArray valueKey(const TraceStore::Message& m) const;

    int m_maxRows = kMaxRows;
    int m_first = 0;
    int m_count = 0;         // messages in the window
    int m_rows = 0;          // of them rows
    bool m_following = true; // the window ends at the run's end, and stays there as it grows
    bool m_changingStore = false;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QString m_text;
    std::vector<int> m_only; // sorted
    TimeRange m_range;
    // Messages changed since the rows were arranged, in the sort column or in what the filter
    // looks at.
    bool m_arrangeStale = false;
    int m_hiddenChannels = 0;  // as the rows were arranged
    qint64 m_arrangedAtNs = 0; // when the last arrangement began, and what it took
    qint64 m_arrangeCostNs = 0;
    std::vector<int> m_order;  // arranged: the message of each row
    std::vector<int> m_rowOf;  // arranged: the row of each message of the window (-1: none)
    qint64 m_insertedAtNs = 0; // when rows last came in or were updated
    // The first and last message of the window changed since its rows were last updated.
    int m_changedFirst = std::numeric_limits<int>::max();
    int m_changedLast = -1;
    qsizetype m_eventsRead = 0; // events looked at for the messages they change
};

} // namespace pipescope
