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
    m_rows = std::min(total - m_first, m_maxRows);
    m_following = m_first + m_rows == total;
    m_changedFirst = std::numeric_limits<int>::max(); // every row is new to the views
    m_changedLast = -1;
    sortRows();
}

void MessageTableModel::sort(int column, Qt::SortOrder order)
{
    column = column >= 0 && column < ColumnCount ? column : -1;
    if (column == m_sortColumn && order == m_sortOrder && !m_sortStale)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    resortRows();
}

void MessageTableModel::sortRows()
{
    m_order.clear();
    m_rowOf.clear();
    m_sortStale = false;
    if (m_sortColumn < 0 || !m_store || m_rows == 0)
        return;
    const qint64 began = monotonicNs();
    m_order.resize(size_t(m_rows));
    std::iota(m_order.begin(), m_order.end(), m_first);
    const auto& messages = m_store->messages();
    // The key of each message taken once; then only the keys are compared.
    const auto arrange = [&](const auto& keys) {
        const auto key = [&](int message) -> const auto&
        {
            return keys[size_t(message - m_first)];
        };
        if (m_sortOrder == Qt::AscendingOrder)
            std::stable_sort(m_order.begin(), m_order.end(),
                             [&](int a, int b) { return key(a) < key(b); });
        else
            std::stable_sort(m_order.begin(), m_order.end(),
                             [&](int a, int b) { return key(b) < key(a); });
    };
    const auto keysOf = [&](auto keyOf) {
        std::vector<decltype(keyOf(messages[0]))> keys;
        keys.reserve(size_t(m_rows));
        for (int message = m_first; message < m_first + m_rows; ++message)
            keys.push_back(keyOf(messages[size_t(message)]));
        return keys;
    };
    switch (m_sortColumn) {
    case Value:
        arrange(keysOf([this](const TraceStore::Message& m) { return valueKey(m); }));
        break;
    case Channel:
    case From:
    case To:
        arrange(keysOf([this](const TraceStore::Message& m) { return name(m, m_sortColumn); }));
        break;
    default:
        arrange(keysOf([this](const TraceStore::Message& m) {
            return number(m, m_sortColumn).value_or(std::numeric_limits<qint64>::max());
        }));
        break;
    }
    m_rowOf.resize(size_t(m_rows));
    for (int row = 0; row < m_rows; ++row)
        m_rowOf[size_t(m_order[size_t(row)] - m_first)] = row;
    m_sortedAtNs = began;
    m_sortCostNs = monotonicNs() - began;
}

void MessageTableModel::resortRows()
{
    const qint64 began = monotonicNs();
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    std::vector<int> kept;
    kept.reserve(size_t(before.size()));
    for (const QModelIndex& index : before)
        kept.push_back(messageAt(index.row()));
    sortRows();
    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype i = 0; i < before.size(); ++i) {
        const int row = rowOf(kept[size_t(i)]);
        after.push_back(row >= 0 ? index(row, before[i].column()) : QModelIndex());
    }
    changePersistentIndexList(before, after);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    // What it cost includes the views taking in the new order (the filter checks every row).
    m_sortedAtNs = began;
    m_sortCostNs = monotonicNs() - began;
}

bool MessageTableModel::windowed() const
{
    return m_store && (m_first > 0 || int(m_store->messages().size()) > m_maxRows);
}

int MessageTableModel::rowOf(int message) const
{
    if (message < m_first || message >= m_first + m_rows)
        return -1;
    return m_order.empty() ? message - m_first : m_rowOf[size_t(message - m_first)];
}

void MessageTableModel::showAround(int message)
{
    if (!m_store || message < 0 || message >= int(m_store->messages().size()) ||
        rowOf(message) >= 0)
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
        if (rowOf(message) >= 0) {
            m_changedFirst = std::min(m_changedFirst, message);
            m_changedLast = std::max(m_changedLast, message);
        }
    }
    const qint64 now = monotonicNs();
    if (!all && m_rows >= kEagerRows && now - m_insertedAtNs < kInsertIntervalNs)
        return;
    // Sorted again at most a third of the time (CurrentRun's budget): sorting 500,000 rows by
    // value, and the filter taking in the new order, take a third of a second.
    const bool resortDue = all || now - m_sortedAtNs >= CurrentRun::kBusyFactor * m_sortCostNs;
    bool updated = false;
    if (m_changedLast >= 0) {
        // A message's seq and channel stay; its times, size, value and ends may come with its
        // other event.
        m_sortStale =
            m_sortStale || (m_sortColumn >= 0 && m_sortColumn != Seq && m_sortColumn != Channel);
        // Sorted again below: the new layout repaints and filters every row anyway.
        if (!(m_sortStale && resortDue)) {
            int firstRow = m_rows;
            int lastRow = -1;
            if (m_order.empty()) {
                firstRow = std::max(0, m_changedFirst - m_first);
                lastRow = std::min(m_rows - 1, m_changedLast - m_first);
            } else { // sorted: the changed messages' rows are anywhere
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
    if (total > m_first + m_rows && m_following) {
        m_insertedAtNs = now;
        // Full: the window moves on by a quarter of itself (or what it takes) to the end.
        const int room = m_maxRows - m_rows;
        const int coming = total - (m_first + m_rows);
        // Reset, not rows removed: a sorted table would take the removed rows as thousands of
        // ranges.
        if (coming > room) {
            // A quarter of it left free, so that the next moves are as far apart.
            resetWindow(std::max(m_first + m_maxRows / 4, total - m_maxRows + m_maxRows / 4), true);
            return;
        }
        const int rows = std::min(total - m_first, m_maxRows);
        beginInsertRows({}, m_rows, rows - 1);
        // Sorted, they come in last, and are sorted in below.
        for (int message = m_first + m_rows; !m_order.empty() && message < m_first + rows;
             ++message) {
            m_rowOf.push_back(int(m_order.size()));
            m_order.push_back(message);
        }
        m_rows = rows;
        endInsertRows();
        m_sortStale = m_sortColumn >= 0;
    }
    if (m_sortStale && resortDue) {
        resortRows();
        updated = true;
    }
    // Quiet for a while, what comes next is shown at the next refresh.
    if (updated)
        m_insertedAtNs = now;
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

bool MessageTableModel::rowContains(int row, QStringView needle) const
{
    if (!m_store || row < 0 || row >= m_rows)
        return false;
    const TraceStore::Message& m = m_store->messages()[size_t(messageAt(row))];
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
