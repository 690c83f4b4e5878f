#include "StatesTrack.h"

#include "Theme.h"
#include "TimelineLayout.h"

#include <QPainter>
#include <cmath>

namespace pipescope {

void StatesTrack::paint(QPainter& painter, const TrackContext& context)
{
    const auto [firstRow, endRow] = context.layout.rowsIn(context.exposed);
    for (int row = firstRow; row < endRow; ++row) {
        if (row % 2)
            painter.fillRect(context.layout.rowRect(row), context.theme.alternateBase());
        const int p = context.layout.store()->processAtRow(row);
        paintLabel(painter, context, p);
        paintBars(painter, context, p);
        paintMarks(painter, context, p);
    }
}

void StatesTrack::paintMarks(QPainter& painter, const TrackContext& context, int process)
{
    const TimelineLayout& layout = context.layout;
    const TraceStore& store = *layout.store();
    const TimeScale& s = layout.scale();
    const QRectF bar = layout.barRect(process);
    for (const Mark mark : {Mark::Put, Mark::Error}) {
        const TraceStore::EventList& events = marked(store, process, mark);
        double lastPixel = -1;
        for (size_t i = TimelineLayout::firstAfter(store, events, s.start); i < events.size();
             ++i) {
            const qint64 t = markTime(store, events[i], mark);
            if (t > s.end)
                break;
            const double x = std::floor(s.toX(t));
            if (x <= lastPixel || x < s.left || !store.eventShown(events[i]))
                continue; // one mark a pixel
            lastPixel = x;
            if (mark == Mark::Put) {
                painter.fillRect(
                    QRectF(x, bar.top() - 5, 1.5, 5),
                    context.theme.channel(store.channel(store.channelOf(events[i])).ordinal));
                continue;
            }
            // A failed call: a triangle under the bar, pointing at its time.
            const QPointF tip(x + 0.5, bar.bottom());
            const QPointF triangle[3] = {tip, tip + QPointF(-4, 7), tip + QPointF(4, 7)};
            painter.setPen(Qt::NoPen);
            painter.setBrush(context.theme.state(ProcessState::Crashed));
            painter.drawPolygon(triangle, 3);
        }
    }
}

qint64 StatesTrack::markTime(const TraceStore& store, qint32 event, Mark mark)
{
    // A put when it was called; a failed call when it raised (a recv may wait long before).
    return mark == Mark::Put ? store.startTime(event) : store.time(event);
}

const TraceStore::EventList& StatesTrack::marked(const TraceStore& store, int process, Mark mark)
{
    const TraceStore::Process& p = store.process(process);
    return mark == Mark::Put ? p.putEvents : p.errorEvents;
}

qint32 StatesTrack::markAt(QPointF position, const TrackContext& context, int process, Mark mark)
{
    const TimelineLayout& layout = context.layout;
    const TraceStore& store = *layout.store();
    const TimeScale& s = layout.scale();
    const QRectF bar = layout.barRect(process);
    const bool inBand = mark == Mark::Put
                            ? position.y() >= bar.top() - 7 && position.y() <= bar.top() + 1
                            : position.y() >= bar.bottom() - 1 && position.y() <= bar.bottom() + 9;
    if (!inBand)
        return -1;
    const TraceStore::EventList& events = marked(store, process, mark);
    const double slack = mark == Mark::Put ? 3 : 5;
    // The nearest within the slack: marks a pixel apart are each found where they are drawn.
    qint32 nearest = -1;
    double best = slack;
    for (size_t i = TimelineLayout::firstAfter(store, events, s.toTime(position.x() - slack));
         i < events.size(); ++i) {
        const double distance = s.toX(markTime(store, qint32(events[i]), mark)) - position.x();
        if (distance > slack)
            break;
        if (std::abs(distance) <= best && store.eventShown(events[i])) {
            best = std::abs(distance);
            nearest = qint32(events[i]);
        }
    }
    return nearest;
}

void StatesTrack::paintLabel(QPainter& painter, const TrackContext& context, int process)
{
    const TraceStore::Process& p = context.layout.store()->process(process);
    const QRectF lane = context.layout.laneRect(process);
    const double width = TimelineLayout::kLabelWidth - 10;
    painter.setPen(context.theme.text());
    QFont bold = context.font;
    bold.setBold(true);
    painter.setFont(bold);
    // A traced program's thread with a lane of its own goes by its thread's name, its process
    // below (the full "Process · thread" is in the table and the tooltip).
    const QString title = p.thread.isEmpty() ? p.name : QStringLiteral("· ") + p.thread;
    const QFontMetrics metrics(bold);
    if (context.layout.collapsed(process)) { // its name only
        painter.drawText(QRectF(6, lane.top(), width, lane.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(title, Qt::ElideRight, int(width)));
        painter.setFont(context.font);
        return;
    }
    painter.drawText(QRectF(6, lane.top() + 4, width, 18), Qt::AlignLeft | Qt::AlignVCenter,
                     metrics.elidedText(title, Qt::ElideRight, int(width)));
    painter.setFont(context.font);
    QString sub = p.pid ? tr("pid %1").arg(p.pid) : QString();
    if (!p.thread.isEmpty())
        sub = tr("thread of pid %1").arg(p.pid);
    if (p.ended && p.stopped)
        sub += tr(" · stopped");
    else if (p.ended)
        sub += p.crashed ? tr(" · %1").arg(signalName(p.signal)) : tr(" · exit %1").arg(p.exitCode);
    const bool failed = !p.stopped && (p.crashed || p.exitCode != 0);
    painter.setPen(failed ? context.theme.state(ProcessState::Crashed) : context.theme.dimText());
    painter.drawText(QRectF(6, lane.top() + 22, width, 18), Qt::AlignLeft | Qt::AlignVCenter, sub);
}

void StatesTrack::paintBars(QPainter& painter, const TrackContext& context, int process)
{
    const TimelineLayout& layout = context.layout;
    const TraceStore& store = *layout.store();
    const TimeScale& s = layout.scale();
    const TraceStore::Process& p = store.process(process);
    const QRectF bar = layout.barRect(process);
    const TraceStore::TimeList& times = p.stateTimes;
    if (times.empty())
        return;
    size_t i = times.upperBound(s.start);
    i = i > 0 ? i - 1 : 0;
    const qint64 laneEnd = layout.endOf(process);
    qint64 drawnUntil = s.start;
    size_t lastJump = 0; // how many changes the last crowded pixel held
    while (i < times.size()) {
        const qint64 from = std::max(times[i], drawnUntil);
        if (from > s.end)
            break;
        const ProcessState state = p.stateKinds[i];
        const qint64 until = i + 1 < times.size() ? times[i + 1] : std::max(laneEnd, from);
        double x0 = std::max(s.toX(from), s.left);
        double x1 = std::min(s.toX(until), s.left + s.width);
        if (state == ProcessState::Exited) {
            ++i;
            continue; // nothing to show after a clean exit
        }
        // A crash is marked to the edge (the process is dead from there on); a stop ends where
        // the run's data ends, as the run itself did.
        const bool ending = state == ProcessState::Crashed || state == ProcessState::Stopped;
        if (state == ProcessState::Crashed)
            x1 = s.left + s.width;
        else if (state == ProcessState::Stopped)
            x1 = std::clamp(s.toX(std::max(layout.dataEnd(), from)), x0 + 1, s.left + s.width);
        if (x1 - x0 < 1) {
            // Several changes within one pixel: one pixel in the state it starts with, then go
            // on from the next pixel with the state in effect there.
            painter.fillRect(QRectF(std::floor(x0), bar.top(), 1, bar.height()),
                             context.theme.state(state));
            drawnUntil = s.toTime(std::floor(x0) + 1);
            if (p.stateBuckets.resolves(s.nsPerPixel(), s.start)) {
                // The crowded pixels that follow, from the lane's buckets; then the change in
                // effect where they end, from its columns.
                const auto [x, before] =
                    paintCrowded(painter, context, process, std::floor(x0) + 1);
                drawnUntil = s.toTime(x);
                const size_t at = times.upperBound(drawnUntil, before);
                i = std::max(i + 1, at > 0 ? at - 1 : 0);
                lastJump = 0;
                continue;
            }
            const size_t jump = times.upperBound(drawnUntil, i, lastJump);
            lastJump = jump > i ? jump - i : 0;
            i = std::max(i + 1, jump > 0 ? jump - 1 : 0);
            continue;
        }
        painter.fillRect(QRectF(x0, bar.top(), x1 - x0, bar.height()), context.theme.state(state));
        if (ending) {
            painter.setPen(context.theme.onState());
            const QString why = state == ProcessState::Stopped ? tr("stopped")
                                : p.signal ? tr("crashed: %1").arg(signalName(p.signal))
                                           : tr("exited with code %1").arg(p.exitCode);
            painter.drawText(QRectF(x0 + 4, bar.top(), std::max(0.0, x1 - x0 - 8), bar.height()),
                             Qt::AlignLeft | Qt::AlignVCenter, why);
        }
        ++i;
    }
}

std::pair<double, size_t> StatesTrack::paintCrowded(QPainter& painter, const TrackContext& context,
                                                    int process, double x)
{
    // A pixel holding two changes or more is drawn in the state the process was in most of its
    // time, as its buckets' boundaries sample it (four or more; sampled at the pixel's start
    // alone, a lane of a steady period came out in stripes where the boundaries' phase drifted).
    const TimeScale& s = context.layout.scale();
    const TimeBuckets& buckets = context.layout.store()->process(process).stateBuckets;
    const QRectF bar = context.layout.barRect(process);
    TimeBuckets::Before start = buckets.before(s.toTime(x));
    for (; x < s.left + s.width; x += 1) {
        const TimeBuckets::Before end = buckets.before(s.toTime(x + 1));
        if (end.count < start.count + 2)
            break;
        const auto state = ProcessState(buckets.commonestTag(s.toTime(x), s.toTime(x + 1)));
        if (state != ProcessState::Exited)
            painter.fillRect(QRectF(x, bar.top(), 1, bar.height()), context.theme.state(state));
        start = end;
    }
    return {x, start.count};
}

std::optional<TrackHit> StatesTrack::hitTest(QPointF position, const TrackContext& context) const
{
    const TimelineLayout& layout = context.layout;
    if (!layout.store())
        return std::nullopt;
    const TraceStore& store = *layout.store();
    const auto [first, end] = layout.rowsIn(QRectF(position, position));
    for (int row = first; row < end; ++row) {
        if (!layout.rowRect(row).contains(position))
            continue;
        const int p = store.processAtRow(row);
        // The lane's hit, saying `what` happened at the time of event `e`.
        const auto laneHit = [&](qint64 t, const QString& what) {
            TrackHit hit;
            hit.kind = TrackHit::Kind::State;
            hit.index = p;
            hit.tooltip =
                tr("%1 at %2: %3").arg(store.process(p).name, TimeScale::formatDuration(t), what);
            return hit;
        };
        if (const qint32 error = markAt(position, context, p, Mark::Error); error >= 0)
            return laneHit(store.time(error), QString::fromUtf8(store.text(error)).left(400));
        if (const qint32 put = markAt(position, context, p, Mark::Put); put >= 0)
            return laneHit(store.startTime(put),
                           tr("put() on %1, %2 in its buffer for the feeder thread")
                               .arg(store.channel(store.channelOf(put)).name)
                               .arg(store.bufferedAfter(put)));
        const qint64 t = layout.scale().toTime(position.x());
        const TraceStore::EventList& states = store.process(p).stateEvents;
        const size_t i = store.process(p).stateTimes.upperBound(t);
        if (i == 0)
            return std::nullopt;
        TrackHit hit;
        hit.kind = TrackHit::Kind::State;
        hit.index = p;
        const quint32 e = states[i - 1];
        const auto state = static_cast<ProcessState>(store.detail(e));
        QString what = processStateName(state);
        if (state == ProcessState::Joining)
            what += QLatin1Char(' ') + store.processName(store.joinedProcess(e));
        else if (store.channelOf(e) != kNoChannel)
            what += tr(" on %1").arg(store.channel(store.channelOf(e)).name);
        hit.tooltip =
            tr("%1 at %2: %3").arg(store.process(p).name, TimeScale::formatDuration(t), what);
        return hit;
    }
    return std::nullopt;
}

} // namespace pipescope
