#pragma once

#include "trace/RunStatistics.h"
#include "trace/RunStatisticsBuilder.h"

#include <QWidget>
#include <array>

class QLabel;
class QTableView;

namespace pipescope {

class ChannelDepthModel;
class CurrentRun;
class LatencyHistogram;
class SteadyLabel;
class TraceStore;

// The run in numbers: messages, undelivered, rate, bytes, latency percentiles with a histogram,
// polls that returned True and False, time blocked in send, and the deepest queue per direction in
// a table of its own that scrolls (a run may have tens of thousands of channels).
class StatisticsPane : public QWidget
{
    Q_OBJECT
public:
    explicit StatisticsPane(QWidget* parent = nullptr);

    // Follows the run on show: from scratch when it changes; while it is live, the counts at
    // every refresh (the same generation of the store as the table and the status bar) and the
    // latencies and rates a few times a second of its time (they walk every message); once more
    // at its end.
    void watch(const CurrentRun& current);
    void setStore(const TraceStore* store);
    // Takes in what the store gained, for a run that has lasted `durationNs` so far and is live
    // or not (messages not received yet are "in flight" while it is, "undelivered" after).
    void refresh(qint64 durationNs, bool live = false);
    // Only what happened within `range` (the timeline's selected range: RunStatistics::ofRange);
    // empty: the whole run.
    void setRange(TimeRange range);
    // What the pane shows, as text, a "name: value" line per row (for tests).
    QString summaryText() const;
    QString titleText() const;
    const RunStatistics& statistics() const { return m_statistics; }

private:
    const TraceStore* m_store = nullptr;
    RunStatisticsBuilder m_builder;
    RunStatistics m_statistics;
    qint64 m_refreshedAtNs = 0;
    bool m_live = false;
    TimeRange m_range;
    qint64 m_durationNs = 0;

    // The table of numbers: counts read from the store now, the rest from m_statistics. Plain
    // labels in a grid, each set only when it changed: while a run is live the counts change at
    // every refresh, and a rich-text label laid its whole table out again each time (a fifth of
    // the window's thread in a long run).
    void showSummary();
    static constexpr int kSummaryRows = 10;
    QLabel* m_title;
    std::array<QLabel*, kSummaryRows> m_summaryNames{};
    std::array<SteadyLabel*, kSummaryRows> m_summaryValues{};
    ChannelDepthModel* m_depths;
    QTableView* m_depthTable;
    LatencyHistogram* m_histogram;
};

} // namespace pipescope
