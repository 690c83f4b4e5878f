#pragma once

#include "TimelineTrack.h"

#include <QCoreApplication>
#include <QRectF>
#include <QtGlobal>
#include <vector>

namespace pipescope {

// The queue depth of every channel (messages or bytes in flight) as a step plot on one scale: per
// pixel the highest depth within it (a peak is never lost to downsampling), and from a change to
// the channel's next one a single line. A Queue's items put and not yet received (its process's
// buffer and its pipe) are a dotted line above its pipe's. The channels' names sit at the right
// on a veil.
class DepthTrack final : public TimelineTrack
{
    Q_DECLARE_TR_FUNCTIONS(DepthTrack)
public:
    void setInBytes(bool bytes) { m_inBytes = bytes; }
    bool inBytes() const { return m_inBytes; }

    void paint(QPainter& painter, const TrackContext& context) override;
    // Every channel's depth at the point's time.
    std::optional<TrackHit> hitTest(QPointF position, const TrackContext& context) const override;

    // What a pixel covering (t0, t1] shows of `channel`: the highest depth within it, in messages
    // or in bytes (the same way for both, so equal-sized messages draw the same shape), capped
    // by the channel's `peak`.
    static qint64 pixelHigh(const TraceStore& store, int channel, qint64 t0, qint64 t1,
                            bool inBytes, qint64 peak);
    // How many of a channel's sends and recvs are done by a time.
    struct Done
    {
        size_t sends = 0;
        size_t recvs = 0;
    };
    // Given what was done by an earlier time (or Done()), the search goes on from there; given
    // also about how many more were done by t (`more`: the last pixel's; or Done()), it starts
    // there.
    static Done doneBy(const TraceStore& store, int channel, qint64 t, Done before, Done more);
    // pixelHigh() of the pixel from `start` to `end` (done by t0 and by t1).
    static qint64 pixelHigh(const TraceStore& store, int channel, Done start, Done end,
                            bool inBytes, qint64 peak);

private:
    void updatePeaks(const TraceStore& store);
    void paintChannel(QPainter& painter, const TrackContext& context, int channel,
                      qint64 peak) const;
    void paintQueued(QPainter& painter, const TrackContext& context, int channel,
                     qint64 peak) const;
    // The y of a depth on the plot of `area`, on a scale up to `peak`.
    static double depthY(const QRectF& area, qint64 depth, qint64 peak);
    // At `row` of the `rows` channels plotted.
    void paintName(QPainter& painter, const TrackContext& context, int channel, int row,
                   int rows) const;

    bool m_inBytes = false;
    // The peaks walk every message: computed once per change of the store, not per paint.
    std::vector<qint64> m_peaks; // per channel, for the scale
    quint64 m_peaksGeneration = ~0ULL;
    bool m_peaksInBytes = false;
    // paintChannel()'s lines, kept for the next paint. Each is the pixels a 1.5 px line with
    // square ends covers (coveredPixels()): filled, the same pixels as the line stroked, at a
    // small part of the cost (a pen wider than 1 px is stroked as a path per line: 10 ms for a
    // live run's plot).
    mutable std::vector<QRect> m_lines;
};

} // namespace pipescope
