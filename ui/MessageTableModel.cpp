#include "MessageTableModel.h"

#include "CurrentRun.h"
#include "Run.h"
#include "Theme.h"
#include "TimeScale.h"
#include "base/MonotonicClock.h"
#include "trace/TraceStore.h"

#include <QColor>
#include <QGuiApplication>
#include <algorithm>
#include <limits>
#include <numeric>

namespace pipescope {

MessageTableModel::MessageTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void MessageTableModel::watch(const CurrentRun& current)
{
    connect(&current, &CurrentRun::changed, this, [this, &current] {
        setStore(current.store(), current.run() && current.run()->live());
    });
    connect(&current, &CurrentRun::refreshed, this, [this] { refresh(false); });
    connect(&current, &CurrentRun::ended, this, [this] { refresh(true); });
}

void MessageTableModel::setStore(const TraceStore* store, bool live)
{
    // The store changes within the reset: whoever keeps a row across it sees the old store at
    // its start, and changingStore() says that the rows after it are of another run.
    m_changingStore = true;
    beginResetModel();
    m_store = store;
    m_eventsRead = store ? store->eventCount() : 0;
    // A live run's window follows its end; a finished run is looked at from its start.
    placeWindow(live ? std::numeric_limits<int>::max() : 0, false);
    endResetModel();
    m_changingStore = false;
}

void MessageTableModel::setMaxRows(int rows)
{
    m_maxRows = std::max(1, rows);
    resetWindow(m_first);
}

void MessageTableModel::resetWindow(int first, bool leaveRoom)
{
    beginResetModel();
    placeWindow(first, leaveRoom);
    endResetModel();
}

void MessageTableModel::placeWindow(int first, bool leaveRoom)
{
    const int total = m_store ? int(m_store->messages().size()) : 0;
    m_first = std::clamp(first, 0, std::max(0, leaveRoom ? total - 1 : total - m_maxRows));
    m_count = std::min(total - m_first, m_maxRows);
    m_following = m_first + m_count == total;
    m_changedFirst = std::numeric_limits<int>::max(); // every row is new to the views
    m_changedLast = -1;
    arrange(acceptedMessages());
}

void MessageTableModel::setText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    refilter();
}

void MessageTableModel::restrictTo(std::vector<int> messages)
{
    std::sort(messages.begin(), messages.end());
    messages.erase(std::unique(messages.begin(), messages.end()), messages.end());
    if (messages == m_only)
        return;
    m_only = std::move(messages);
    refilter();
}

void MessageTableModel::restrictToRange(TimeRange range)
{
    if (range == m_range)
        return;
    m_range = range;
    refilter();
}

void MessageTableModel::refilter()
{
    // The window stays; one that follows a live run takes in what came meanwhile.
    const int total = m_store ? int(m_store->messages().size()) : 0;
    resetWindow(m_following ? std::max(m_first, total - m_maxRows) : m_first, true);
}

bool MessageTableModel::hides() const
{
    return filtered() || hiddenChannels() > 0;
}

int MessageTableModel::hiddenChannels() const
{
    int hidden = 0;
    for (int c = 0; m_store && c < m_store->channelCount(); ++c)
        hidden += m_store->channelShown(c) ? 0 : 1;
    return hidden;
}

bool MessageTableModel::accepts(int message) const
{
    const TraceStore::Message& m = m_store->messages()[size_t(message)];
    if (!m_store->channelShown(m.channel))
        return false;
    if (!m_only.empty() && !std::binary_search(m_only.begin(), m_only.end(), message))
        return false;
    if (!m_range.empty() && (m.sendEvent < 0 || !m_range.contains(m_store->startTime(m.sendEvent))))
        return false;
    return m_text.isEmpty() || contains(message, m_text);
}

std::vector<int> MessageTableModel::acceptedMessages() const
{
    std::vector<int> messages;
    const bool filtering = hides();
    // Every message a row, as they are: no list (a window of 500,000 would be 2 MB).
    if (!m_store || m_count == 0 || (!filtering && m_sortColumn < 0))
        return messages;
    messages.reserve(size_t(m_count));
    for (int message = m_first; message < m_first + m_count; ++message) {
        if (!filtering || accepts(message))
            messages.push_back(message);
    }
    return messages;
}

void MessageTableModel::sort(int column, Qt::SortOrder order)
{
    column = column >= 0 && column < ColumnCount ? column : -1;
    if (column == m_sortColumn && order == m_sortOrder && !m_arrangeStale)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    rearrange();
}

void MessageTableModel::arrange(std::vector<int> messages)
{
    const qint64 began = monotonicNs();
    m_arrangeStale = false;
    m_order.clear();
    m_rowOf.clear();
    m_hiddenChannels = hiddenChannels();
    if (!m_store || m_count == 0) {
        m_rows = 0;
        return;
    }
    const bool everyMessage = !hides();
    m_rows = everyMessage ? m_count : int(messages.size());
    if (everyMessage && m_sortColumn < 0) { // the window's messages as they are
        m_arrangedAtNs = began;
        m_arrangeCostNs = monotonicNs() - began;
        return;
    }
    m_order = std::move(messages);
    const auto& all = m_store->messages();
    // The key of each row taken once; then only the keys are compared (stably: the rows come
    // in the messages' order).
    const auto arrangeBy = [&](auto keyOf) {
        using Key = decltype(keyOf(all[0]));
        std::vector<std::pair<Key, int>> keyed;
        keyed.reserve(m_order.size());
        for (const int message : m_order)
            keyed.emplace_back(keyOf(all[size_t(message)]), message);
        if (m_sortOrder == Qt::AscendingOrder)
            std::stable_sort(keyed.begin(), keyed.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
        else
            std::stable_sort(keyed.begin(), keyed.end(),
                             [](const auto& a, const auto& b) { return b.first < a.first; });
        for (size_t row = 0; row < keyed.size(); ++row)
            m_order[row] = keyed[row].second;
    };
    switch (m_sortColumn) {
    case -1:
        break;
    case Value:
        arrangeBy([this](const TraceStore::Message& m) { return valueKey(m); });
        break;
    case Channel:
    case From:
    case To:
        arrangeBy([this](const TraceStore::Message& m) { return name(m, m_sortColumn); });
        break;
    default:
        arrangeBy([this](const TraceStore::Message& m) {
            return number(m, m_sortColumn).value_or(std::numeric_limits<qint64>::max());
        });
        break;
    }
    m_rowOf.assign(size_t(m_count), -1);
    for (int row = 0; row < m_rows; ++row)
        m_rowOf[size_t(m_order[size_t(row)] - m_first)] = row;
    m_arrangedAtNs = began;
    m_arrangeCostNs = monotonicNs() - began;
}

void MessageTableModel::rearrange()
{
    const qint64 began = monotonicNs();
    std::vector<int> messages = acceptedMessages();
    const bool sameRows = !hides() ? m_rows == m_count
                                   : int(messages.size()) == m_rows &&
                                         std::all_of(messages.begin(), messages.end(),
                                                     [this](int m) { return rowOf(m) >= 0; });
    if (!sameRows) { // rows come and go: the pane keeps the selection and the rows in sight
        beginResetModel();
        arrange(std::move(messages));
        endResetModel();
    } else {
        Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        const QModelIndexList before = persistentIndexList();
        std::vector<int> kept;
        kept.reserve(size_t(before.size()));
        for (const QModelIndex& index : before)
            kept.push_back(messageAt(index.row()));
        arrange(std::move(messages));
        QModelIndexList after;
        after.reserve(before.size());
        for (qsizetype i = 0; i < before.size(); ++i) {
            const int row = rowOf(kept[size_t(i)]);
            after.push_back(row >= 0 ? index(row, before[i].column()) : QModelIndex());
        }
        changePersistentIndexList(before, after);
        Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    }
    // What it cost includes the views taking it in.
    m_arrangedAtNs = began;
    m_arrangeCostNs = monotonicNs() - began;
}

void MessageTableModel::listRows()
{
    if (listed())
        return;
    m_order.resize(size_t(m_rows));
    std::iota(m_order.begin(), m_order.end(), m_first);
    m_rowOf.resize(size_t(m_rows));
    std::iota(m_rowOf.begin(), m_rowOf.end(), 0);
}

bool MessageTableModel::windowed() const
{
    return m_store && (m_first > 0 || int(m_store->messages().size()) > m_maxRows);
}

int MessageTableModel::rowOf(int message) const
{
    if (message < m_first || message >= m_first + m_count)
        return -1;
    return listed() ? m_rowOf[size_t(message - m_first)] : message - m_first;
}

void MessageTableModel::showAround(int message)
{
    if (!m_store || message < 0 || message >= int(m_store->messages().size()) ||
        (message >= m_first && message < m_first + m_count))
        return;
    resetWindow(message - m_maxRows / 2);
}

bool MessageTableModel::page(int direction)
{
    if (!m_store || (direction > 0 ? m_following : m_first == 0))
        return false;
    resetWindow(m_first + (direction > 0 ? 1 : -1) * std::max(1, m_maxRows / 4));
    return true;
}

void MessageTableModel::refresh(bool all)
{
    if (!m_store)
        return;
    // A message changes with each of its events (its send, its recv): the rows of those recorded
    // since are updated, once the table is long at the pace of its inserts (a table at a live
    // run's end would otherwise be painted again at every refresh).
    for (const qsizetype events = m_store->eventCount(); m_eventsRead < events; ++m_eventsRead) {
        const int message = m_store->messageOf(m_eventsRead);
        if (message >= m_first && message < m_first + m_count) {
            m_changedFirst = std::min(m_changedFirst, message);
            m_changedLast = std::max(m_changedLast, message);
        }
    }
    // A channel found to be multiprocessing's own while the run goes on: its messages that
    // are rows go (unless internal traffic is shown).
    if (hiddenChannels() != m_hiddenChannels)
        m_arrangeStale = true;
    const qint64 now = monotonicNs();
    if (!all && m_count >= kEagerRows && now - m_insertedAtNs < kInsertIntervalNs)
        return;
    // Arranged again at most a third of the time (CurrentRun's budget): sorting 500,000 rows by
    // value, or filtering them by text, takes a third of a second.
    const bool rearrangeDue =
        all || now - m_arrangedAtNs >= CurrentRun::kBusyFactor * m_arrangeCostNs;
    bool updated = false;
    if (m_changedLast >= 0) {
        // A message's seq and channel stay; its times, size, value and ends may come with its
        // other event, and with them what the text filter finds in it.
        m_arrangeStale = m_arrangeStale || filterCanChange() ||
                         (m_sortColumn >= 0 && m_sortColumn != Seq && m_sortColumn != Channel);
        // Arranged again below: the new layout repaints every row anyway.
        if (!(m_arrangeStale && rearrangeDue)) {
            int firstRow = m_rows;
            int lastRow = -1;
            if (!listed()) {
                firstRow = std::max(0, m_changedFirst - m_first);
                lastRow = std::min(m_rows - 1, m_changedLast - m_first);
            } else { // arranged: the changed messages' rows are anywhere, or none
                for (int message = m_changedFirst; message <= m_changedLast; ++message) {
                    if (const int row = rowOf(message); row >= 0) {
                        firstRow = std::min(firstRow, row);
                        lastRow = std::max(lastRow, row);
                    }
                }
            }
            if (firstRow <= lastRow)
                Q_EMIT dataChanged(index(firstRow, 0), index(lastRow, ColumnCount - 1));
        }
        m_changedFirst = std::numeric_limits<int>::max();
        m_changedLast = -1;
        updated = true;
    }
    // New rows only at the pace of the inserts, and only while the window reaches the run's end
    // (a window moved back stays put).
    const int total = int(m_store->messages().size());
    if (total > m_first + m_count && m_following) {
        m_insertedAtNs = now;
        updated = true;
        // Full: the window moves on by a quarter of itself (or what it takes) to the end.
        const int room = m_maxRows - m_count;
        const int coming = total - (m_first + m_count);
        // Reset, not rows removed: a sorted table would take the removed rows as thousands of
        // ranges.
        if (coming > room) {
            // A quarter of it left free, so that the next moves are as far apart.
            resetWindow(std::max(m_first + m_maxRows / 4, total - m_maxRows + m_maxRows / 4), true);
            return;
        }
        appendMessages(total);
    }
    if (m_arrangeStale && rearrangeDue) {
        rearrange();
        updated = true;
    }
    // Quiet for a while, what comes next is shown at the next refresh.
    if (updated)
        m_insertedAtNs = now;
}

void MessageTableModel::appendMessages(int total)
{
    // The messages from the window's end to `total` come in, as the filter has them (to be
    // sorted in later when sorted: they come last).
    const int end = m_first + m_count;
    const bool filtering = hides();
    std::vector<int> accepted;
    for (int message = end; filtering && message < total; ++message) {
        if (accepts(message))
            accepted.push_back(message);
    }
    const int rows = filtering ? int(accepted.size()) : total - end;
    if (filtering || listed()) {
        listRows();
        m_rowOf.resize(size_t(total - m_first), -1);
        if (!filtering) {
            accepted.resize(size_t(rows));
            std::iota(accepted.begin(), accepted.end(), end);
        }
    }
    if (rows > 0)
        beginInsertRows({}, m_rows, m_rows + rows - 1);
    for (const int message : accepted) {
        m_rowOf[size_t(message - m_first)] = int(m_order.size());
        m_order.push_back(message);
    }
    m_count = total - m_first;
    m_rows += rows;
    if (rows > 0)
        endInsertRows();
    m_arrangeStale = m_arrangeStale || (rows > 0 && m_sortColumn >= 0);
}

int MessageTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int MessageTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MessageTableModel::data(const QModelIndex& index, int role) const
{
    if (!m_store || !index.isValid() || index.row() >= m_rows)
        return {};
    const TraceStore::Message& m = m_store->messages()[size_t(messageAt(index.row()))];
    const bool received = m.recvEvent >= 0;
    if (role == Qt::UserRole) {
        switch (index.column()) {
        case Value:
            return valueKey(m);
        case Channel:
        case From:
        case To:
            return name(m, index.column());
        default: {
            const std::optional<qint64> value = number(m, index.column());
            return value ? QVariant(*value) : QVariant();
        }
        }
    }
    if (role == Qt::ForegroundRole && index.column() >= Received &&
        (!received || m_store->errorOf(m) >= 0))
        return Theme(QGuiApplication::palette()).undelivered();
    if (role == Qt::TextAlignmentRole && (index.column() == Seq || index.column() >= Bytes))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (index.column() == Seq || index.column() == Bytes)
        return *number(m, index.column()); // a number, which the view writes as it writes numbers
    return text(m, index.column());
}

QString MessageTableModel::text(const TraceStore::Message& m, int column) const
{
    const bool sent = m.sendEvent >= 0;
    const bool received = m.recvEvent >= 0;
    switch (column) {
    case Seq:
    case Bytes:
        return QString::number(*number(m, column));
    case Channel:
    case From:
    case To:
        return name(m, column);
    case Value:
        return QString::fromUtf8(m_store->text(sent ? m.sendEvent : m.recvEvent));
    case Sent:
        return sent ? TimeScale::formatSeconds(m_store->startTime(m.sendEvent)) : QString();
    case Received: {
        // A message whose recv (or send) raised: the exception is its state.
        const qint32 error = m_store->errorOf(m);
        const QString raised =
            error >= 0 ? QString::fromUtf8(m_store->text(error)).section(u':', 0, 0) : QString();
        const QString at =
            received ? TimeScale::formatSeconds(m_store->time(m.recvEvent)) : QString();
        if (received)
            return error >= 0 ? tr("%1 · %2").arg(at, raised) : at;
        return error >= 0 ? tr("refused: %1").arg(raised) : tr("not received");
    }
    case Latency:
        return sent && received ? TimeScale::formatDuration(*number(m, Latency)) : QString();
    default:
        return {};
    }
}

bool MessageTableModel::contains(int message, QStringView needle) const
{
    const TraceStore::Message& m = m_store->messages()[size_t(message)];
    // The cheap columns first; the first that holds it answers.
    for (const int column : {Seq, Bytes, Channel, From, To, Sent, Latency, Received, Value}) {
        if (text(m, column).contains(needle, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

std::optional<qint64> MessageTableModel::number(const TraceStore::Message& m, int column) const
{
    const bool sent = m.sendEvent >= 0;
    const bool received = m.recvEvent >= 0;
    switch (column) {
    case Seq:
        return m.seq;
    case Bytes:
        return m_store->messageBytes(sent ? m.sendEvent : m.recvEvent);
    case Sent:
        return sent ? std::optional(m_store->startTime(m.sendEvent)) : std::nullopt;
    case Received:
        return received ? std::optional(m_store->time(m.recvEvent)) : std::nullopt;
    case Latency:
        return sent && received
                   ? std::optional(m_store->time(m.recvEvent) - m_store->startTime(m.sendEvent))
                   : std::nullopt;
    default:
        return std::nullopt;
    }
}

QString MessageTableModel::name(const TraceStore::Message& m, int column) const
{
    switch (column) {
    case Channel:
        return m_store->channel(m.channel).name;
    case From:
        return m_store->processName(m_store->senderOf(m));
    case To:
        return m_store->processName(m_store->receiverOf(m));
    default:
        return {};
    }
}

QByteArray MessageTableModel::valueKey(const TraceStore::Message& m) const
{
    // A byte message by its payload's first bytes (the order of Python's bytes), so that its
    // preview is not written for the key.
    const qint32 known = m.sendEvent >= 0 ? m.sendEvent : m.recvEvent;
    return (m_store->detail(known) & kBytesPreview) ? m_store->payloadHead(known)
                                                    : m_store->text(known);
}

QVariant MessageTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Seq:
        return tr("seq");
    case Channel:
        return tr("channel");
    case From:
        return tr("from");
    case To:
        return tr("to");
    case Value:
        return tr("value");
    case Bytes:
        return tr("bytes");
    case Sent:
        return tr("sent");
    case Received:
        return tr("received");
    case Latency:
        return tr("latency");
    default:
        return {};
    }
}

} // namespace pipescope
