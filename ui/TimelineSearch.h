#pragma once

#include <QObject>
#include <QTimer>

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
    void ring();

    MessagesPane& m_messages;
    TimelineView& m_timeline;
    const CurrentRun& m_current;
    QTimer m_delay;
    bool m_ringing = false; // the timeline's rings are this search's
};

} // namespace pipescope
