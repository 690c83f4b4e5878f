#include "FindingsPane.h"

#include "CurrentRun.h"
#include "FindingsModel.h"
#include "Quantity.h"
#include "Run.h"
#include "base/MonotonicClock.h"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace pipescope {

FindingsPane::FindingsPane(QWidget* parent)
    : QWidget(parent)
    , m_model(new FindingsModel(this))
    , m_sorted(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_explanation(new QLabel(this))
{
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(Qt::UserRole);
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FindingsModel::SeverityColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(FindingsModel::SeverityColumn, 100);
    m_table->setColumnWidth(FindingsModel::Kind, 130);
    m_explanation->setWordWrap(true);
    m_explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_explanation->setText(tr("Select a finding to read what happened, why, and what to change."));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_explanation);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &FindingsPane::showSelected);
}

void FindingsPane::watch(const CurrentRun& current)
{
    connect(&current, &CurrentRun::changed, this, [this, &current](Run* run) {
        m_analyzedAtNs = -1;
        // Not the last run's findings while this one's are on their way (the same run shown
        // again keeps its findings and selection).
        if (run != m_shownRun) {
            showFindings({});
            m_explanation->setText(
                tr("Select a finding to read what happened, why, and what to change."));
        }
        m_shownRun = run;
        disconnect(m_findingsReady);
        // A run that ends while on show: its findings come from its own analysis.
        if (run) {
            m_findingsReady = connect(run, &Run::findingsReady, this, [this, run] {
                showFindings(*run->findings());
                // A teaching scenario's finding is its point: shown as soon as the run has made it.
                if (!run->demonstrates().isEmpty())
                    selectKind(run->demonstrates());
            });
        }
        refresh(current);
    });
    connect(&current, &CurrentRun::refreshed, this, [this, &current] { refresh(current); });
}

void FindingsPane::refresh(const CurrentRun& current)
{
    // Once a second while live: the analysis reads what came since the last one.
    static constexpr qint64 kLiveIntervalNs = 1'000'000'000;
    const Run* run = current.run();
    const qint64 now = monotonicNs();
    if (run && !run->live()) {
        // A finished run's findings do not change: its own, once they are there.
        if (m_analyzedAtNs < 0 && run->findings()) {
            m_analyzedAtNs = now;
            showFindings(*run->findings());
        }
        return;
    }
    if (run && m_analyzedAtNs >= 0 && now - m_analyzedAtNs < kLiveIntervalNs)
        return;
    m_analyzedAtNs = now;
    m_model->analyze(current.store(), false, run ? run->elapsedNs() : 0);
    updateSummary();
}

void FindingsPane::setRange(const TraceStore* store, TimeRange range)
{
    m_model->setRange(store, range);
    updateSummary();
}

void FindingsPane::showFindings(const std::vector<Finding>& findings)
{
    m_model->setFindings(findings);
    updateSummary();
}

void FindingsPane::updateSummary()
{
    const QString summary = this->summary();
    if (summary != m_summary) {
        m_summary = summary;
        Q_EMIT summaryChanged(summary);
    }
}

QString FindingsPane::summary() const
{
    const int all = m_model->rowCount();
    if (all == 0)
        return {};
    const int above = m_model->aboveInfo();
    const QString findings = Quantity::count(all, tr("finding"), tr("findings"));
    return above > 0 ? tr("%1, %2 above info").arg(findings).arg(above) : findings;
}

void FindingsPane::selectKind(const QString& kind)
{
    const std::vector<Finding>& findings = m_model->findings();
    for (size_t i = 0; i < findings.size(); ++i) {
        if (findings[i].kind == kind) {
            m_table->setCurrentIndex(m_sorted->mapFromSource(m_model->index(int(i), 0)));
            Q_EMIT wantsToBeSeen();
            return;
        }
    }
}

void FindingsPane::showSelected()
{
    const QModelIndex index = m_sorted->mapToSource(m_table->currentIndex());
    if (!index.isValid())
        return;
    const Finding& finding = m_model->findings()[size_t(index.row())];
    m_explanation->setText(
        QStringLiteral("<b>%1</b><br>%2")
            .arg(finding.title.toHtmlEscaped(), finding.explanation.toHtmlEscaped()));
    Q_EMIT findingSelected(finding);
}

} // namespace pipescope
