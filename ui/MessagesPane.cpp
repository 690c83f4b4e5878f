#include "MessagesPane.h"

#include "CurrentRun.h"
#include "MessageTableModel.h"
#include "Quantity.h"
#include "Run.h"
#include "VisibleTextDelegate.h"
#include "trace/TraceStore.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <algorithm>
#include <cstdlib>
#include <utility>

namespace pipescope {

MessagesPane::MessagesPane(const CurrentRun& current, QWidget* parent)
    : QWidget(parent)
    , m_messages(new MessageTableModel(this))
    , m_table(new QTableView(this))
    , m_filterEdit(new QLineEdit(this))
    , m_matches(new QLabel(this))
    , m_restriction(new QLabel(this))
    , m_showAll(new QToolButton(this))
{
    m_messages->watch(current);
    m_table->setModel(m_messages);
    m_table->setItemDelegate(new VisibleTextDelegate(m_table));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    setRowHeader();
    // The row header keeps room for the most rows it ever had (16 bytes each), though the next
    // run has fewer: a new one for each run lets a run that is removed take its rows' room along.
    connect(&current, &CurrentRun::changed, this, &MessagesPane::setRowHeader);
    m_table->setAlternatingRowColors(true);
    // One line a row: a value with spaces is cut at the column's edge, not at its first space.
    m_table->setWordWrap(false);
    sizeColumns();
    m_filterEdit->setPlaceholderText(tr("Filter messages (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);

    m_filterEdit->installEventFilter(this);
    m_matches->setForegroundRole(QPalette::PlaceholderText);

    m_showAll->setText(tr("Show all"));
    m_showAll->setToolTip(tr("Show every message again, not only the finding's"));
    m_restriction->hide();
    m_showAll->hide();
    connect(m_showAll, &QToolButton::clicked, this, [this] { showOnly({}); });

    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filterEdit, 1);
    filterRow->addWidget(m_matches);
    filterRow->addWidget(m_restriction);
    filterRow->addWidget(m_showAll);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(filterRow);
    layout->addWidget(m_table);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid() && !m_windowMoving)
                    Q_EMIT messageSelected(messageOf(current));
            });
    connect(m_filterEdit, &QLineEdit::textChanged, m_messages, &MessageTableModel::setText);
    connect(m_filterEdit, &QLineEdit::textChanged, this, &MessagesPane::updateMatches);
    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_messages, signal, this, &MessagesPane::updateMatches);
    connect(m_messages, &QAbstractItemModel::modelReset, this, &MessagesPane::updateMatches);
    // Another run: its messages are not the finding's. (The table's window moving resets the
    // model too, and keeps the finding's.)
    connect(&current, &CurrentRun::changed, this, [this] { showOnly({}); });
    // The table's window moving: the selected message stays selected if it is still a row, the
    // rows in sight stay in sight, and a table at a live run's end stays there; no message is
    // selected on the way. Another run starts afresh.
    connect(m_messages, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_windowMoving = true;
        const bool sameRun = !m_messages->changingStore();
        m_keptMessage = sameRun ? messageOf(m_table->currentIndex()) : -1;
        m_keptTop = sameRun ? messageOf(m_table->indexAt(QPoint(0, 0))) : -1;
        m_keptAtEnd = sameRun && (atEnd() || endOwed());
    });
    connect(m_messages, &QAbstractItemModel::modelReset, this, [this, &current] {
        // Another run that is still going: its table is shown at its end, where its new rows
        // come (queued: the row header is made anew for it after this).
        if (m_messages->changingStore() && current.run() && current.run()->live() &&
            m_messages->sortColumn() < 0) {
            m_endOwed = true;
            QMetaObject::invokeMethod(m_table, &QTableView::scrollToBottom, Qt::QueuedConnection);
        } else {
            m_endOwed = m_keptAtEnd;
        }
        const QModelIndex selected = indexOf(m_keptMessage);
        if (selected.isValid())
            m_table->selectionModel()->setCurrentIndex(
                selected, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        if (m_keptAtEnd)
            m_table->scrollToBottom();
        else if (const QModelIndex top = indexOf(m_keptTop); top.isValid())
            m_table->scrollTo(top, QAbstractItemView::PositionAtTop);
        m_windowMoving = false;
    });
    // New rows of a live run: a table at its end shows them (like tail -f).
    connect(m_messages, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
        if (atEnd())
            m_endOwed = true;
    });
    // Queued: the row header (a new one for each run, connected after this) takes in the rows
    // first.
    connect(
        m_messages, &QAbstractItemModel::rowsInserted, this,
        [this] {
            if (endOwed())
                m_table->scrollToBottom();
        },
        Qt::QueuedConnection);
    // The view lays its rows out later (and its scroll bar's range with them): a table that is
    // to show its end goes there when the range has grown. Scrolled back, it stays.
    QScrollBar* bar = m_table->verticalScrollBar();
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int maximum) {
        if (endOwed())
            bar->setValue(maximum);
    });
    connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) {
        if (value < bar->maximum())
            m_endOwed = false;
    });
    // Scrolling on past the window's first or last row moves the window on through the run: a
    // step of the wheel or of the scroll bar taken while it stands at that end already (the
    // person's own scrolling only, not the range changing under a filter, nor a drag).
    m_table->verticalScrollBar()->installEventFilter(this);
    // The scroll bar changes with every batch of rows a live run brings, and paints all of
    // itself: nothing under it needs painting (the tab widget's frame, a fill tall enough for
    // Qt to hand to its thread pool, at every batch).
    m_table->verticalScrollBar()->setAttribute(Qt::WA_OpaquePaintEvent);
    connect(m_table->verticalScrollBar(), &QAbstractSlider::actionTriggered, this,
            [this](int action) {
                // The scroll bar's value is still the one before the step.
                switch (action) {
                case QAbstractSlider::SliderSingleStepAdd:
                case QAbstractSlider::SliderPageStepAdd:
                case QAbstractSlider::SliderToMaximum:
                    pageAtEdge(1);
                    break;
                case QAbstractSlider::SliderSingleStepSub:
                case QAbstractSlider::SliderPageStepSub:
                case QAbstractSlider::SliderToMinimum:
                    pageAtEdge(-1);
                    break;
                default:
                    break;
                }
            });
}

QModelIndex MessagesPane::indexOf(int message) const
{
    const int row = message >= 0 ? m_messages->rowOf(message) : -1;
    return row >= 0 ? m_messages->index(row, 0) : QModelIndex();
}

int MessagesPane::messageOf(const QModelIndex& index) const
{
    return index.isValid() ? m_messages->messageAt(index.row()) : -1;
}

bool MessagesPane::endOwed() const
{
    return m_endOwed && m_messages->following() && m_messages->sortColumn() < 0;
}

bool MessagesPane::atEnd() const
{
    // Sorted, the end is not where the new rows are.
    const QScrollBar* bar = m_table->verticalScrollBar();
    return m_messages->following() && m_messages->sortColumn() < 0 &&
           bar->value() == bar->maximum();
}

void MessagesPane::pageAtEdge(int direction)
{
    const QScrollBar* bar = m_table->verticalScrollBar();
    if (m_pagePending || bar->value() != (direction > 0 ? bar->maximum() : bar->minimum()))
        return;
    // After the scroll bar has taken the step (which a reset in the middle of it would undo).
    m_pagePending = true;
    QMetaObject::invokeMethod(
        this,
        [this, direction] {
            m_pagePending = false;
            m_messages->page(direction);
        },
        Qt::QueuedConnection);
}

void MessagesPane::setRowHeader()
{
    auto* header = new QHeaderView(Qt::Vertical, m_table);
    header->hide();
    header->setDefaultSectionSize(fontMetrics().height() + 6);
    // Rows of one height that the user cannot resize: the header finds a row by arithmetic,
    // not by walking millions of sections.
    header->setSectionResizeMode(QHeaderView::Fixed);
    m_table->setVerticalHeader(header); // deletes the one before
}

void MessagesPane::sizeColumns()
{
    // Every column but the value as wide as what it usually holds (measured on samples, not on
    // the rows: a million rows are not measured); the value takes what is left, so the times on
    // the right need no sideways scrolling.
    QHeaderView* header = m_table->horizontalHeader();
    header->setStretchLastSection(false);
    header->setMinimumSectionSize(fontMetrics().horizontalAdvance(QStringLiteral("seq")) + 16);
    const auto fit = [&](int column, const QString& sample) {
        const QString title =
            m_messages->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        const int text = std::max(fontMetrics().horizontalAdvance(sample),
                                  fontMetrics().horizontalAdvance(title) + 20);
        m_table->setColumnWidth(column, text + 14);
    };
    fit(MessageTableModel::Seq, QStringLiteral("00000000")); // a flood of ten million
    fit(MessageTableModel::Channel, QStringLiteral("producer1->consumer"));
    fit(MessageTableModel::From, QStringLiteral("consumer12"));
    fit(MessageTableModel::To, QStringLiteral("consumer12"));
    fit(MessageTableModel::Bytes, QStringLiteral("1,048,585"));
    fit(MessageTableModel::Sent, QStringLiteral("10.000000 s"));
    fit(MessageTableModel::Received, QStringLiteral("refused: OSError"));
    fit(MessageTableModel::Latency, QStringLiteral("100.0 ms"));
    header->setSectionResizeMode(MessageTableModel::Value, QHeaderView::Stretch);
}

void MessagesPane::showOnly(std::vector<int> messages)
{
    const bool restricting = !messages.empty();
    const qsizetype count = qsizetype(messages.size());
    m_messages->restrictTo(std::move(messages));
    m_restriction->setText(restricting
                               ? tr("only %1 of the finding's")
                                     .arg(Quantity::count(count, tr("message"), tr("messages")))
                               : QString());
    m_restriction->setVisible(restricting);
    m_showAll->setVisible(restricting);
    updateMatches();
}

void MessagesPane::showRange(TimeRange range)
{
    m_messages->restrictToRange(range);
    updateMatches();
}

QString MessagesPane::matchText() const
{
    // A run too long for one table says which of its messages the table holds (and filters).
    const QString window =
        m_messages->windowed() && m_messages->windowSize() > 0
            ? tr("messages %1 to %2 of %3")
                  .arg(Quantity::count(m_messages->first()),
                       Quantity::count(m_messages->first() + m_messages->windowSize() - 1),
                       Quantity::count(qint64(m_messages->store()->messages().size())))
            : QString();
    if (!m_messages->filtered())
        return window;
    const QString matches =
        tr("%1 of %2")
            .arg(Quantity::count(m_messages->rowCount()),
                 Quantity::count(m_messages->store() ? m_messages->store()->messageCount() : 0,
                                 tr("message"), tr("messages")));
    return window.isEmpty() ? matches : tr("%1 in %2").arg(matches, window);
}

void MessagesPane::updateMatches()
{
    m_matches->setText(matchText());
}

bool MessagesPane::eventFilter(QObject* watched, QEvent* event)
{
    // The wheel turned on by a notch at the scroll bar's end (the table's wheel comes to it
    // too; a touchpad's small steps added up, its momentum after the fingers left ignored): the
    // scroll bar itself says nothing where it cannot move.
    if (watched == m_table->verticalScrollBar() && event->type() == QEvent::Wheel) {
        const auto* wheel = static_cast<QWheelEvent*>(event);
        const int delta = wheel->phase() == Qt::ScrollMomentum ? 0 : wheel->angleDelta().y();
        if (delta != 0 && (m_wheelTurned == 0 || (delta > 0) == (m_wheelTurned > 0)))
            m_wheelTurned += delta;
        else
            m_wheelTurned = delta;
        if (std::abs(m_wheelTurned) >= QWheelEvent::DefaultDeltasPerStep) {
            pageAtEdge(m_wheelTurned < 0 ? 1 : -1);
            m_wheelTurned = 0;
        }
    }
    // Esc in a filter with text clears it, before the window's Esc (Stop) can take it.
    if (watched == m_filterEdit && !m_filterEdit->text().isEmpty() &&
        (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress) &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
        event->accept();
        if (event->type() == QEvent::KeyPress)
            m_filterEdit->clear();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void MessagesPane::showMessage(int message)
{
    if (message < 0) {
        m_table->clearSelection();
        return;
    }
    m_messages->showAround(message); // a message outside the table's window moves it there
    const QModelIndex row = indexOf(message);
    if (!row.isValid()) { // filtered out, or not shown: no other row stays selected
        m_table->clearSelection();
        return;
    }
    m_table->selectionModel()->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect |
                                                        QItemSelectionModel::Rows);
    m_table->scrollTo(row);
}

std::vector<int> MessagesPane::matchingMessages(int limit) const
{
    std::vector<int> messages;
    const int rows = std::min(m_messages->rowCount(), limit);
    messages.reserve(size_t(std::max(rows, 0)));
    for (int row = 0; row < rows; ++row)
        messages.push_back(messageOf(m_messages->index(row, 0)));
    return messages;
}

void MessagesPane::selectMatch(int step)
{
    const int rows = m_messages->rowCount();
    if (rows == 0)
        return;
    const QModelIndex current = m_table->currentIndex();
    const int row = !current.isValid() ? (step > 0 ? 0 : rows - 1)
                                       : ((current.row() + step) % rows + rows) % rows;
    const QModelIndex next = m_messages->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(next, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_table->scrollTo(next);
}

void MessagesPane::focusFilter()
{
    m_filterEdit->setFocus();
    m_filterEdit->selectAll();
}

} // namespace pipescope
