#include "CompareWindow.h"

#include "Quantity.h"
#include "Run.h"
#include "RunHistoryModel.h"
#include "TimeAxis.h"
#include "TimeScale.h"
#include "TimelineView.h"
#include "trace/RunStatistics.h"
#include "trace/TraceStore.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <functional>

namespace pipescope {

namespace {

QWidget* titled(const QString& title, TimelineView* timeline, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()), box));
    auto* scroll = new QScrollArea(box);
    scroll->setWidget(timeline);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll, 1);
    return box;
}

} // namespace

CompareWindow::CompareWindow(RunHistoryModel& history, Run& first, Run& second, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_axis(new TimeAxis(this))
    , m_first(new TimelineView(*m_axis))
    , m_second(new TimelineView(*m_axis))
    , m_statistics(new QTableWidget(this))
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("Compare %1 and %2").arg(first.title(), second.title()));
    m_first->setStore(&first.store(), false);
    m_second->setStore(&second.store(), false);
    // One axis from each run's first event (their start-ups differ) to the later end of the two.
    m_first->setTimeOffset(first.store().firstTime(), first.dataEndNs());
    m_second->setTimeOffset(second.store().firstTime(), second.dataEndNs());
    m_axis->setFollowLive(false);
    m_axis->setDataStart(0);
    m_axis->setDataEnd(std::max(first.dataEndNs() - first.store().firstTime(),
                                second.dataEndNs() - second.store().firstTime()));
    m_axis->fit();

    auto* timelines = new QSplitter(Qt::Vertical, this);
    timelines->addWidget(titled(first.title(), m_first, timelines));
    timelines->addWidget(titled(second.title(), m_second, timelines));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(timelines);
    split->addWidget(m_statistics);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);
    fillStatistics(first, second);
    m_statistics->setMinimumWidth(m_statistics->horizontalHeader()->length() + 24);
    resize(1400, 900);

    // A message number means another message in the other run: nothing is selected here.
    connect(m_axis, &TimeAxis::selectedMessageChanged, m_axis,
            [this] { m_axis->setSelectedMessage(-1); });
    connect(&history, &RunHistoryModel::aboutToRemove, this, [this, &first, &second](Run* run) {
        if (run != &first && run != &second)
            return;
        // The run goes now, the window a moment later (deleted on close): nothing of it may be
        // read meanwhile (a layout request reads the store).
        m_first->setStore(nullptr, false);
        m_second->setStore(nullptr, false);
        close();
    });
}

void CompareWindow::fillStatistics(const Run& first, const Run& second)
{
    const RunStatistics a = RunStatistics::compute(first.store(), first.dataEndNs());
    const RunStatistics b = RunStatistics::compute(second.store(), second.dataEndNs());
    struct Row
    {
        QString name;
        std::function<QString(qint64)> format;
        qint64 first;
        qint64 second;
    };
    const auto count = [](qint64 n) { return Quantity::count(n); };
    const auto duration = [](qint64 ns) { return TimeScale::formatDuration(ns); };
    const auto bytes = [](qint64 n) { return Quantity::bytes(n); };
    const std::vector<Row> rows = {
        {tr("duration"), duration, a.durationNs, b.durationNs},
        {tr("messages"), count, a.messages, b.messages},
        {tr("undelivered"), count, a.undelivered, b.undelivered},
        {tr("rate (msg/s)"), count, qint64(a.messagesPerSecond), qint64(b.messagesPerSecond)},
        {tr("sent"), bytes, a.bytesSent, b.bytesSent},
        {tr("latency p50"), duration, a.latencyP50Ns, b.latencyP50Ns},
        {tr("latency p90"), duration, a.latencyP90Ns, b.latencyP90Ns},
        {tr("latency p99"), duration, a.latencyP99Ns, b.latencyP99Ns},
        {tr("latency max"), duration, a.latencyMaxNs, b.latencyMaxNs},
        {tr("polls True"), count, a.pollsTrue, b.pollsTrue},
        {tr("polls False"), count, a.pollsFalse, b.pollsFalse},
        {tr("blocked in send"), duration, a.totalBlockedSendNs, b.totalBlockedSendNs},
    };
    m_statistics->setColumnCount(4);
    m_statistics->setRowCount(int(rows.size()));
    m_statistics->setHorizontalHeaderLabels({tr(""), tr("first"), tr("second"), tr("difference")});
    m_statistics->horizontalHeaderItem(1)->setToolTip(first.title());
    m_statistics->horizontalHeaderItem(2)->setToolTip(second.title());
    m_statistics->verticalHeader()->hide();
    m_statistics->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (size_t r = 0; r < rows.size(); ++r) {
        const Row& row = rows[r];
        const qint64 difference = row.second - row.first;
        const QString change = difference == 0  ? QStringLiteral("=")
                               : difference > 0 ? QStringLiteral("+") + row.format(difference)
                                                : QStringLiteral("-") + row.format(-difference);
        const QStringList cells = {row.name, row.format(row.first), row.format(row.second), change};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_statistics->setItem(int(r), c, item);
        }
    }
    m_statistics->resizeColumnsToContents();
}

std::optional<std::pair<Run*, Run*>> CompareWindow::pick(const RunHistoryModel& history,
                                                         const Run* current, QWidget* parent)
{
    // Guarded: a run may be dropped from the history while the dialog is open.
    QList<QPointer<Run>> finished;
    for (int row = 0; row < history.runCount(); ++row) {
        if (Run* run = history.run(row); run && !run->live())
            finished.append(run);
    }
    if (finished.size() < 2)
        return std::nullopt;
    QDialog dialog(parent);
    dialog.setWindowTitle(tr("Compare Runs"));
    auto* first = new QComboBox(&dialog);
    auto* second = new QComboBox(&dialog);
    int shown = 0;
    for (qsizetype i = 0; i < finished.size(); ++i) {
        first->addItem(finished[i]->historyText());
        second->addItem(finished[i]->historyText());
        if (finished[i] == current)
            shown = int(i);
    }
    // The run on show against the one before it (newest first in the history).
    first->setCurrentIndex(shown + 1 < finished.size() ? shown + 1 : shown - 1);
    second->setCurrentIndex(shown);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* form = new QFormLayout(&dialog);
    form->addRow(tr("First (above):"), first);
    form->addRow(tr("Second (below):"), second);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted || first->currentIndex() == second->currentIndex())
        return std::nullopt;
    Run* a = finished[first->currentIndex()];
    Run* b = finished[second->currentIndex()];
    if (!a || !b)
        return std::nullopt;
    return std::pair(a, b);
}

} // namespace pipescope
