#include "TimelineSearch.h"

#include "CurrentRun.h"
#include "MessagesPane.h"
#include "TimelineView.h"
#include "trace/TraceStore.h"

#include <QAbstractItemModel>
#include <QLineEdit>
#include <QTableView>

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
    connect(&m_delay, &QTimer::timeout, this, &TimelineSearch::ring);
    connect(messages.filterEdit(), &QLineEdit::textChanged, this, [this] { m_delay.start(); });
    // A live run's new rows may match; another run has other messages.
    const QAbstractItemModel* rows = messages.table()->model();
    connect(rows, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_delay.isActive() && !m_messages.filterEdit()->text().isEmpty())
            m_delay.start();
    });
    connect(rows, &QAbstractItemModel::modelReset, this, [this] { m_delay.start(); });
}

void TimelineSearch::ring()
{
    const TraceStore* store = m_current.store();
    if (m_messages.filterEdit()->text().isEmpty() || !store) {
        if (m_ringing)
            m_timeline.setHighlighted({});
        m_ringing = false;
        return;
    }
    std::vector<qint32> events;
    for (const int message : m_messages.matchingMessages(kMaxRinged)) {
        const TraceStore::Message& m = store->messages()[size_t(message)];
        events.push_back(m.sendEvent >= 0 ? m.sendEvent : m.recvEvent);
        if (m.sendEvent >= 0 && m.recvEvent >= 0)
            events.push_back(m.recvEvent);
    }
    m_timeline.setHighlighted(std::move(events));
    m_ringing = true;
}

} // namespace pipescope
