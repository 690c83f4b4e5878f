#pragma once

#include <QObject>
#include <QTimer>
#include <vector>

namespace pipescope {

class CurrentRun;
class MessagesPane;
class TimelineView;

// The messages filter, seen on the timeline: while the filter line has text, the messages it
// matches are ringed on their lanes (the first kMaxRinged of them in the table's order), kept up
// to date as a live run adds rows (at most every kDelayMs). F3 / Shift+F3 (MessagesPane::
// selectMatch) then walk through them. Emptying the filter takes the rings away again, leaving a
// finding's rings (which are set elsewhere) alone.
class TimelineSearch : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxRinged = 10'000;
    static constexpr int kDelayMs = 150;

    TimelineSearch(MessagesPane& messages, TimelineView& timeline, const CurrentRun& current,
                   QObject* parent = nullptr);

private:
    // The filter's matches ringed (no rings for no filter). `typed`: the filter changed, and its
    // rings replace any; else (new rows) only rings of its own are brought up to date.
    void ring(bool typed);
    // Rows came or went (a live run, the table's window moved): the rings again, if filtering.
    void rowsChanged();

    MessagesPane& m_messages;
    TimelineView& m_timeline;
    const CurrentRun& m_current;
    QTimer m_delay;
    bool m_typed = false;       // the pending update follows a change of the filter
    std::vector<qint32> m_rung; // the rings this search set last
};

} // namespace pipescope
