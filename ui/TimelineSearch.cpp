#include "TimelineSearch.h"

#include "CurrentRun.h"
#include "MessagesPane.h"
#include "TimelineView.h"
#include "trace/TraceStore.h"

#include <QAbstractItemModel>
#include <QLineEdit>
#include <QTableView>
#include <utility>

namespace pipescope {

TimelineSearch::TimelineSearch(MessagesPane& messages, TimelineView& timeline,
                               const CurrentRun& current, QObject* parent)
    : QObject(parent)
    , m_messages(messages)
    , m_timeline(timeline)
    , m_current(current)
{
    m_delay.setSingleShot(true);
    m_delay.setInterval(kDelayMs);
    connect(&m_delay, &QTimer::timeout, this, [this] { ring(std::exchange(m_typed, false)); });
    connect(messages.filterEdit(), &QLineEdit::textChanged, this, [this] {
        m_typed = true;
        m_delay.start();
    });
    // A live run's new rows may match, and so may those of the table's window moved elsewhere.
    const QAbstractItemModel* rows = messages.table()->model();
    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(rows, signal, this, &TimelineSearch::rowsChanged);
    connect(rows, &QAbstractItemModel::modelReset, this, &TimelineSearch::rowsChanged);
    // Another run: the filter's rings are of its messages now.
    connect(&m_current, &CurrentRun::changed, this, [this] {
        m_typed = true;
        m_delay.start();
    });
}

void TimelineSearch::rowsChanged()
{
    if (!m_delay.isActive() && !m_messages.filterEdit()->text().isEmpty())
        m_delay.start();
}

void TimelineSearch::ring(bool typed)
{
    // A finding's rings (set since) are not this search's to replace or clear, unless the
    // filter itself changed.
    const bool ours = m_timeline.highlighted() == m_rung;
    if (!typed && !ours)
        return;
    const TraceStore* store = m_current.store();
    std::vector<qint32> events;
    if (!m_messages.filterEdit()->text().isEmpty() && store) {
        for (const int message : m_messages.matchingMessages(kMaxRinged)) {
            const TraceStore::Message& m = store->messages()[size_t(message)];
            events.push_back(m.sendEvent >= 0 ? m.sendEvent : m.recvEvent);
            if (m.sendEvent >= 0 && m.recvEvent >= 0)
                events.push_back(m.recvEvent);
        }
    } else if (!ours) {
        return; // no filter: a finding's rings stay
    }
    m_rung = events;
    m_timeline.setHighlighted(std::move(events));
}

} // namespace pipescope
