#pragma once

#include "trace/TimeRange.h"

#include <QWidget>
#include <vector>

class QLabel;
class QModelIndex;
class QLineEdit;
class QTableView;
class QToolButton;

namespace pipescope {

class CurrentRun;
class MessageTableModel;

// The messages tab: the messages of the current run in a sortable table, over a filter line that
// keeps the rows containing its text and says how many match ("12 of 2,001"); Esc in it clears
// it. A selected finding restricts the rows to its messages until Show all. The model follows
// the current run by itself.
class MessagesPane : public QWidget
{
    Q_OBJECT
public:
    explicit MessagesPane(const CurrentRun& current, QWidget* parent = nullptr);

    MessageTableModel* model() const { return m_messages; }
    QTableView* table() const { return m_table; }
    // Selects and scrolls to message `message` of the store, if the filter shows it (-1: none).
    void showMessage(int message);
    void focusFilter();
    QLineEdit* filterEdit() const { return m_filterEdit; }
    // "12 of 2,001 messages" while a filter, a finding or a range restricts the rows, empty
    // otherwise.
    QString matchText() const;
    // Only `messages` of the store (a finding's), until Show all or another run; empty: every
    // message again.
    void showOnly(std::vector<int> messages);
    // Only the messages sent within `range` (the timeline's selected range); empty: all.
    void showRange(TimeRange range);
    // The messages the table shows (the filter's matches), in its order, at most `limit`.
    std::vector<int> matchingMessages(int limit) const;
    // Selects the next (`step` 1) or previous (-1) row of the table, around from the end, and
    // shows its message everywhere (F3, Shift+F3).
    void selectMatch(int step);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    // The person selected the row of message `message` of the store.
    void messageSelected(int message);

private:
    void setRowHeader();
    void sizeColumns();

    MessageTableModel* m_messages;
    QTableView* m_table;
    QLineEdit* m_filterEdit;
    QLabel* m_matches;
    QLabel* m_restriction;
    QToolButton* m_showAll;

    void updateMatches();
    // The table's row of message `message` (invalid outside the window or filtered out), and
    // the message of a row.
    QModelIndex indexOf(int message) const;
    int messageOf(const QModelIndex& index) const;
    // The table shows a live run's newest rows: it follows the run and is scrolled to its end.
    bool atEnd() const;
    // m_endOwed, while the table follows the run's end, unsorted.
    bool endOwed() const;
    // Moves the table's window on towards the run's end (`direction` 1) or start (-1) if its
    // scroll bar stands at that end (queued, once at a time).
    void pageAtEdge(int direction);

    // Across a reset of the table's model (its window moved) and rows inserted: see the
    // constructor.
    bool m_windowMoving = false;
    int m_keptMessage = -1;
    int m_keptTop = -1;
    bool m_keptAtEnd = false;
    // The table is to show its end (like tail -f): it was there when rows came, or when its
    // window moved on, and has not been scrolled back since; it goes there when its rows are laid
    // out, which may be after a window move or a paint.
    bool m_endOwed = false;
    bool m_pagePending = false;
    int m_wheelTurned = 0; // the wheel's turn (angleDelta) one way, not yet a notch
};

} // namespace pipescope
