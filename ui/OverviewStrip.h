#pragma once

#include <QWidget>
#include <vector>

namespace pipescope {

class CurrentRun;
class TimeAxis;
class TraceStore;

// A strip above the timeline with the whole run in it, as Perfetto's overview: how many messages
// were sent in each stretch of time (bars), and the part the timeline shows marked. A click
// centres the timeline there, a drag moves it along, the wheel zooms it.
//
// Messages are counted into a fixed number of buckets, from the first message's time, whose width
// doubles (pairs merged) when the run outgrows them, as they arrive: each message is counted once,
// and a paint reads the buckets, never the store, however long the run.
class OverviewStrip : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kBuckets = 4096;
    static constexpr int kHeight = 30;

    OverviewStrip(TimeAxis& axis, QWidget* parent = nullptr);

    // Follows the run on show: its messages from the start when it changes, new ones as they
    // come.
    void watch(const CurrentRun& current);
    void setStore(const TraceStore* store);
    void refresh();

    // Messages counted so far, and those sent in [from, to) as the buckets have them.
    qint64 counted() const { return m_total; }
    qint64 countIn(qint64 from, qint64 to) const;
    // The time at a point of the strip, and the point of a time.
    qint64 timeAt(double x) const;
    double xOf(qint64 t) const;

    QSize sizeHint() const override { return {400, kHeight}; }
    QSize minimumSizeHint() const override { return {100, kHeight}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    // The stretch the strip shows: the run's first event to its end.
    qint64 extentStart() const;
    qint64 extentEnd() const;
    // Where the time axis runs, as the timeline's plot does (after its lanes' labels).
    double plotLeft() const;
    double plotWidth() const;
    void centreOn(qint64 t);

    TimeAxis& m_axis;
    const TraceStore* m_store = nullptr;
    // Bucket i: sends in [m_base + i * m_bucketNs, m_base + (i + 1) * m_bucketNs); m_base is
    // the first message's time (earlier ones go in bucket 0).
    std::vector<qint64> m_buckets;
    qint64 m_bucketNs = 1'000;
    qint64 m_base = 0;
    qint64 m_total = 0;
    size_t m_known = 0;         // messages of the store looked at
    std::vector<int> m_waiting; // messages whose send has not come yet
};

} // namespace pipescope
