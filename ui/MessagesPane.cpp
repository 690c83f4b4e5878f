#include "MessagesPane.h"

#include "MessageTableModel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace pipescope {

MessagesPane::MessagesPane(const CurrentRun& current, QWidget* parent)
    : QWidget(parent)
    , m_messages(new MessageTableModel(this))
    , m_filter(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_filterEdit(new QLineEdit(this))
{
    m_messages->watch(current);
    m_filter->setSourceModel(m_messages);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterKeyColumn(-1);
    m_filter->setSortRole(Qt::UserRole);
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setColumnWidth(MessageTableModel::Value, 220);
    m_table->setColumnWidth(MessageTableModel::Channel, 170);
    m_filterEdit->setPlaceholderText(tr("Filter messages (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_filterEdit);
    layout->addWidget(m_table);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    Q_EMIT messageSelected(m_filter->mapToSource(current).row());
            });
    connect(m_filterEdit, &QLineEdit::textChanged, m_filter,
            &QSortFilterProxyModel::setFilterFixedString);
}

void MessagesPane::showMessage(int message)
{
    if (message < 0) {
        m_table->clearSelection();
        return;
    }
    const QModelIndex row = m_filter->mapFromSource(m_messages->index(message, 0));
    if (row.isValid()) {
        m_table->selectionModel()->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect |
                                                            QItemSelectionModel::Rows);
        m_table->scrollTo(row);
    }
}

void MessagesPane::focusFilter()
{
    m_filterEdit->setFocus();
    m_filterEdit->selectAll();
}

} // namespace pipescope
