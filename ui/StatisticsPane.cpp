#include "StatisticsPane.h"

#include "ChannelDepthModel.h"
#include "CurrentRun.h"
#include "LatencyHistogram.h"
#include "Quantity.h"
#include "Run.h"
#include "TimeScale.h"
#include "base/MonotonicClock.h"
#include "trace/TraceStore.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace pipescope {

StatisticsPane::StatisticsPane(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(tr("<b>Statistics</b>"), this))
    , m_summary(new QLabel(this))
    , m_depths(new ChannelDepthModel(this))
    , m_depthTable(new QTableView(this))
    , m_histogram(new LatencyHistogram(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_title);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_summary);
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
            showSummary(); // the counts, as the table and the status bar have them
        }
    });
}

void StatisticsPane::setStore(const TraceStore* store)
{
    m_store = store;
    m_builder = RunStatisticsBuilder();
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
        m_summary->clear();
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
    return m_summary->text();
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
    QString html = QStringLiteral("<table cellspacing=2>");
    auto row = [&](const QString& name, const QString& value) {
        html +=
            QStringLiteral("<tr><td>%1</td><td align=right><b>%2</b></td></tr>").arg(name, value);
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
    html += QStringLiteral("</table>");
    m_summary->setText(html);
    // Its numbers are read whole: the panel may not be narrowed past them (at 1024 px the
    // window's fitting cut their last digits off).
    m_summary->setMinimumWidth(m_summary->sizeHint().width());
}

} // namespace pipescope
