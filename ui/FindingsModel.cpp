#include "FindingsModel.h"

#include "trace/TraceStore.h"

#include <QApplication>
#include <QStyle>
#include <algorithm>

namespace pipescope {

void FindingsModel::analyze(const TraceStore* store, bool ended, qint64 now)
{
    setFindings(store ? m_analyzer.update(*store, ended, now) : std::vector<Finding>());
}

void FindingsModel::setFindings(const std::vector<Finding>& findings)
{
    m_all = findings;
    show();
}

void FindingsModel::setRange(const TraceStore* store, TimeRange range)
{
    m_store = store;
    m_range = range;
    show();
}

void FindingsModel::show()
{
    std::vector<Finding> shown;
    for (const Finding& finding : m_all) {
        const bool inRange =
            m_range.empty() ||
            (m_store && std::any_of(finding.events.begin(), finding.events.end(), [&](qint32 e) {
                 return e < m_store->eventCount() && m_range.contains(m_store->time(e));
             }));
        if (inRange)
            shown.push_back(finding);
    }
    // Nothing changed (the usual case while a run goes on): the view keeps its selection.
    const auto same = [](const Finding& a, const Finding& b) {
        return a.kind == b.kind && a.title == b.title && a.events == b.events;
    };
    if (std::equal(shown.begin(), shown.end(), m_findings.begin(), m_findings.end(), same))
        return;
    beginResetModel();
    m_findings = std::move(shown);
    endResetModel();
}

int FindingsModel::aboveInfo() const
{
    return int(std::count_if(m_findings.begin(), m_findings.end(),
                             [](const Finding& f) { return f.severity != Severity::Info; }));
}

int FindingsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_findings.size());
}

int FindingsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : kColumns;
}

QVariant FindingsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_findings.size()))
        return {};
    const Finding& finding = m_findings[size_t(index.row())];
    if (role == Qt::DecorationRole && index.column() == SeverityColumn) {
        const QStyle::StandardPixmap icon =
            finding.severity == Severity::Error     ? QStyle::SP_MessageBoxCritical
            : finding.severity == Severity::Warning ? QStyle::SP_MessageBoxWarning
                                                    : QStyle::SP_MessageBoxInformation;
        return QApplication::style()->standardIcon(icon);
    }
    if (role == Qt::ToolTipRole)
        return finding.explanation;
    if (role == Qt::UserRole) // sorting: errors before warnings before info
        return index.column() == SeverityColumn ? QVariant(int(finding.severity))
                                                : data(index, Qt::DisplayRole);
    if (role == Qt::UserRole + 1)
        return finding.explanation;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case SeverityColumn:
        return QString(severityName(finding.severity));
    case Kind:
        return finding.kind;
    case Title:
        return finding.title;
    default:
        return {};
    }
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeverityColumn:
        return tr("severity");
    case Kind:
        return tr("kind");
    case Title:
        return tr("finding");
    default:
        return {};
    }
}

} // namespace pipescope
