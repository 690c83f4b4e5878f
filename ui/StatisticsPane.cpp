#include "StatisticsPane.h"

#include "ChannelDepthModel.h"
#include "CurrentRun.h"
#include "LatencyHistogram.h"
#include "Quantity.h"
#include "Run.h"
#include "SteadyLabel.h"
#include "TimeScale.h"
#include "base/MonotonicClock.h"
#include "trace/TraceStore.h"

#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace pipescope {

StatisticsPane::StatisticsPane(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(tr("<b>Statistics</b>"), this))
    , m_depths(new ChannelDepthModel(this))
    , m_depthTable(new QTableView(this))
    , m_histogram(new LatencyHistogram(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_title);
    // Its numbers are read whole: the grid may not be narrowed past them.
    auto* summary = new QGridLayout;
    summary->setContentsMargins(0, 0, 0, 0);
    summary->setHorizontalSpacing(8);
    summary->setVerticalSpacing(2);
    QFont bold = font();
    bold.setBold(true);
    for (int row = 0; row < kSummaryRows; ++row) {
        m_summaryNames[size_t(row)] = new QLabel(this);
        m_summaryNames[size_t(row)]->setTextFormat(Qt::PlainText);
        auto* value = new SteadyLabel(this);
        value->setFont(bold);
        value->setTextFormat(Qt::PlainText);
        value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_summaryValues[size_t(row)] = value;
        summary->addWidget(m_summaryNames[size_t(row)], row, 0);
        // Its width fixed to its text (a SteadyLabel), right-aligned in the column, which takes
        // the pane's width.
        summary->addWidget(value, row, 1, Qt::AlignRight);
    }
    summary->setColumnStretch(1, 1);
    layout->addLayout(summary);
    m_depthTable->setModel(m_depths);
    m_depthTable->verticalHeader()->hide();
    m_depthTable->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_depthTable->horizontalHeader()->setSectionResizeMode(ChannelDepthModel::Channel,
                                                           QHeaderView::Stretch);
    m_depthTable->horizontalHeader()->setSectionResizeMode(ChannelDepthModel::MaxDepth,
                                                           QHeaderView::ResizeToContents);
    m_depthTable->setSelectionMode(QAbstractItemView::NoSelection);
    m_depthTable->setAlternatingRowColors(true);
    // A few rows high whatever the number of channels; more scroll.
    m_depthTable->setFixedHeight(m_depthTable->horizontalHeader()->sizeHint().height() +
                                 5 * m_depthTable->verticalHeader()->defaultSectionSize() + 4);
    layout->addWidget(m_depthTable);
    layout->addWidget(new QLabel(tr("Latency histogram"), this));
    layout->addWidget(m_histogram);
    layout->addStretch(1);
}

void StatisticsPane::watch(const CurrentRun& current)
{
    static constexpr qint64 kLiveIntervalNs = 250'000'000;
    connect(&current, &CurrentRun::changed, this, [this, &current] {
        setStore(current.store());
        m_refreshedAtNs = 0;
    });
    connect(&current, &CurrentRun::refreshed, this, [this, &current] {
        const Run* run = current.run();
        if (!run)
            return;
        // Throttled by the wall clock: a file's run, read live, has a clock of its own (its
        // latest event) that can leap or stand still.
        const qint64 wall = monotonicNs();
        m_live = run->live();
        if (!run->live() || wall - m_refreshedAtNs >= kLiveIntervalNs) {
            refresh(run->elapsedNs(), run->live());
            m_refreshedAtNs = wall;
        } else {
            // What came is taken in now, a little at every refresh, not all at once with the
            // next result.
            if (m_store)
                m_builder.update(*m_store);
            showSummary(); // the counts, as the table and the status bar have them
        }
    });
}

void StatisticsPane::setStore(const TraceStore* store)
{
    m_store = store;
    m_builder = RunStatisticsBuilder();
    for (SteadyLabel* value : m_summaryValues)
        value->release();
    refresh(0);
}

void StatisticsPane::setRange(TimeRange range)
{
    m_range = range;
    refresh(m_durationNs, m_live);
}

void StatisticsPane::refresh(qint64 durationNs, bool live)
{
    m_live = live;
    m_durationNs = durationNs;
    if (!m_store) {
        for (int row = 0; row < kSummaryRows; ++row) {
            m_summaryNames[size_t(row)]->clear();
            m_summaryValues[size_t(row)]->clear();
        }
        m_depths->setDepths(nullptr, {});
        return;
    }
    m_builder.update(*m_store);
    m_statistics = m_range.empty() ? m_builder.result(*m_store, durationNs)
                                   : RunStatistics::ofRange(*m_store, m_range);
    showSummary();
    m_depths->setDepths(m_store, m_statistics.maxDepth);
    m_histogram->setCounts(m_statistics.latencyHistogram);
}

QString StatisticsPane::titleText() const
{
    return m_title->text();
}

QString StatisticsPane::summaryText() const
{
    QStringList lines;
    for (int row = 0; row < kSummaryRows; ++row) {
        lines.append(QStringLiteral("%1: %2").arg(m_summaryNames[size_t(row)]->text(),
                                                  m_summaryValues[size_t(row)]->text()));
    }
    return lines.join(QLatin1Char('\n'));
}

void StatisticsPane::showSummary()
{
    if (!m_store)
        return;
    const RunStatistics& s = m_statistics;
    // The whole run's counts as the store has them now; a range's as it was computed.
    const bool ranged = !m_range.empty();
    const auto messages = ranged ? s.messages : qint64(m_store->messageCount());
    const auto notReceived = ranged ? s.undelivered : messages - m_store->deliveredCount();
    // The range in the title, not a line more: the pane is short.
    m_title->setText(ranged ? tr("<b>Statistics</b> of the %1 selected")
                                  .arg(TimeScale::formatDuration(m_range.end - m_range.start))
                            : tr("<b>Statistics</b>"));
    m_title->setToolTip(ranged ? tr("Messages sent from %1 to %2")
                                     .arg(TimeScale::formatSeconds(m_range.start),
                                          TimeScale::formatSeconds(m_range.end))
                               : QString());
    int rows = 0;
    // QLabel::setText() does nothing for the text it has; a number that changed is repainted,
    // the pane laid out again only when it needs a wider column.
    auto row = [&](const QString& name, const QString& value) {
        m_summaryNames[size_t(rows)]->setText(name);
        m_summaryValues[size_t(rows)]->setSteadyText(value);
        ++rows;
    };
    row(tr("messages"), Quantity::count(messages));
    row(m_live ? tr("in flight") : tr("undelivered"), Quantity::count(notReceived));
    row(tr("rate"), Quantity::rate(s.messagesPerSecond, tr("msg")));
    row(tr("sent"), Quantity::bytes(s.bytesSent));
    row(tr("latency p50"), TimeScale::formatDuration(s.latencyP50Ns));
    row(tr("latency p90"), TimeScale::formatDuration(s.latencyP90Ns));
    row(tr("latency p99"), TimeScale::formatDuration(s.latencyP99Ns));
    row(tr("latency max"), TimeScale::formatDuration(s.latencyMaxNs));
    row(tr("polls True / False"),
        QStringLiteral("%1 / %2").arg(Quantity::count(s.pollsTrue), Quantity::count(s.pollsFalse)));
    row(tr("blocked in send"), TimeScale::formatDuration(s.totalBlockedSendNs));
    Q_ASSERT(rows == kSummaryRows);
}

} // namespace pipescope
