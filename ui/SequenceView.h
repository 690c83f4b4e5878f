#pragma once

#include <QAbstractScrollArea>
#include <vector>

namespace pipescope {

class CurrentRun;
class TimeAxis;
class TraceStore;

// The run as a conversation, as Wireshark's flow graph shows one: a row per message in the order
// they were sent, a column per lane, an arrow from the sender's column to the receiver's with the
// value above it. Logical time: a run whose latencies are microseconds and whose sleeps are
// seconds reads row by row. A message not received ends in a cross short of its receiver (in a
// live run, a dashed arrow: in flight); a failed call about it is named after its value.
//
// It shows what the store shows (not multiprocessing's own traffic unless asked), paints only
// the rows on screen, takes in new messages as they come (sorting only those, by the time kept
// with each row), does nothing while it is not on screen, and shares the selection with every
// other view (TimeAxis::selectedMessage()): a click selects, and a message selected elsewhere is
// scrolled to. A message whose recv came before its send waits for its send (for the end of the
// run, if it never comes: then it goes by its recv).
class SequenceView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    static constexpr int kHeaderHeight = 28;
    static constexpr int kRowHeight = 26;
    static constexpr int kTimeWidth = 104;
    static constexpr int kMinColumnWidth = 150;

    SequenceView(TimeAxis& axis, QWidget* parent = nullptr);

    // Follows the run on show: its messages from the start when it changes, new ones as they
    // come.
    void watch(const CurrentRun& current);
    void setStore(const TraceStore* store, bool live);
    void refresh(bool live);

    int rowCount() const { return int(m_rows.size()); }
    // The message at a row, and the row of a message (-1: not shown).
    int messageAtRow(int row) const { return m_rows[size_t(row)].second; }
    int rowOfMessage(int message) const;
    // The message whose row is at `position` (viewport coordinates), or -1.
    int messageAt(QPoint position) const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    // Where a message sits in the order: when its send began (its recv's, if it has none).
    qint64 orderTime(int message) const;
    void takeIn(bool live);
    double columnWidth() const;
    // The middle of a lane's column, in viewport coordinates; -1 for a lane not shown.
    double columnX(int process) const;
    void updateScrollBars();
    void scrollToMessage(int message);
    QString toolTipAt(QPoint position) const;

    TimeAxis& m_axis;
    const TraceStore* m_store = nullptr;
    bool m_live = false;
    std::vector<std::pair<qint64, int>> m_rows; // (orderTime, message), sorted
    std::vector<int> m_waiting;                 // messages whose send has not come yet
    size_t m_known = 0;                         // messages of the store looked at
};

} // namespace pipescope
