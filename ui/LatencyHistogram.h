#pragma once

#include "trace/RunStatistics.h"

#include <QWidget>

namespace pipescope {

// Bars of the latency histogram (RunStatistics' 1-2-5 buckets from 1 µs to 10 s).
class LatencyHistogram : public QWidget
{
    Q_OBJECT
public:
    explicit LatencyHistogram(QWidget* parent = nullptr);

    void setCounts(const std::array<qint64, RunStatistics::kLatencyBuckets>& counts);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::array<qint64, RunStatistics::kLatencyBuckets> m_counts{};
};

} // namespace pipescope
