#pragma once

#include "trace/RunStatistics.h"
#include "trace/RunStatisticsBuilder.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace pipescope {

class ChannelDepthModel;
class CurrentRun;
class LatencyHistogram;
class TraceStore;

// The run in numbers: messages, undelivered, rate, bytes, latency percentiles with a histogram,
// polls that returned True and False, time blocked in send, and the deepest queue per direction in
// a table of its own that scrolls (a run may have tens of thousands of channels).
class StatisticsPane : public QWidget
{
    Q_OBJECT
public:
    explicit StatisticsPane(QWidget* parent = nullptr);

    // Follows the run on show: from scratch when it changes, then a few times a second of
    // its time while it is live (the statistics walk every message), and once at its end.
    void watch(const CurrentRun& current);
    void setStore(const TraceStore* store);
    // Takes in what the store gained, for a run that has lasted `durationNs` so far.
    void refresh(qint64 durationNs);
    const RunStatistics& statistics() const { return m_statistics; }

private:
    const TraceStore* m_store = nullptr;
    RunStatisticsBuilder m_builder;
    RunStatistics m_statistics;
    qint64 m_refreshedAtNs = 0;
    QLabel* m_summary;
    ChannelDepthModel* m_depths;
    QTableView* m_depthTable;
    LatencyHistogram* m_histogram;
};

} // namespace pipescope
