// The timeline's parts without a window: the layout's rectangles and arrow end points, the tracks'
// hit tests and paint (onto a QImage) over a synthetic store, and the theme's colours on light and
// dark palettes. An undelivered message is picked on the stub that is drawn, never along the line
// to the end of the run that is not.
#include "ArrowsTrack.h"
#include "DepthTrack.h"
#include "LegendTrack.h"
#include "PollsTrack.h"
#include "StatesTrack.h"
#include "Theme.h"
#include "TimelineLayout.h"
#include "trace/TraceStore.h"

#include <QImage>
#include <QPainter>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>

using namespace pipescope;

namespace {

constexpr QSize kSize(1168, 600); // the plot is 1000 px wide: x = 160 + t over 0..1000 ns
constexpr qint64 kEnd = 1000;

TelemetryRecord record(EventKind kind, qint64 start, qint64 t, quint16 channel = kNoChannel,
                       qint64 seq = -1, quint8 detail = 0)
{
    TelemetryRecord r;
    r.kind = kind;
    r.startNs = start;
    r.tNs = t;
    r.channel = channel;
    r.seq = seq;
    r.detail = detail;
    r.amount = kind == EventKind::Send || kind == EventKind::Recv ? 8 : 0;
    return r;
}

// Two processes, a -> b and b -> a: a delivered message down (0) and one up (1), one sent down at
// 600 ns and never received (2), a's states and one poll of b's.
struct Run
{
    TraceStore store;
    int down = -1;
    int up = -1;
    int undelivered = -1;
    bool ok = true; // every event fitted the store

    Run()
    {
        store.addProcess(QStringLiteral("a"), QStringLiteral("parent"));
        store.addProcess(QStringLiteral("b"), QStringLiteral("child"));
        store.addChannel(QStringLiteral("a->b"), 0, 1);
        store.addChannel(QStringLiteral("b->a"), 1, 0);
        const auto add = [&](int process, const TelemetryRecord& r, QByteArrayView text = {}) {
            const Result<qint32> event = store.append(process, r, text);
            ok = ok && bool(event);
            return event ? *event : -1;
        };
        add(0, record(EventKind::State, 0, 0, kNoChannel, -1, quint8(ProcessState::Running)));
        add(1, record(EventKind::State, 0, 0, kNoChannel, -1, quint8(ProcessState::Sleeping)));
        down = store.messageOf(add(0, record(EventKind::Send, 100, 100, 0, 0), "'ping'"));
        add(1, record(EventKind::Recv, 300, 300, 0, 0));
        up = store.messageOf(add(1, record(EventKind::Send, 400, 400, 1, 0), "'pong'"));
        add(0, record(EventKind::Recv, 450, 450, 1, 0));
        add(0,
            record(EventKind::State, 500, 500, kNoChannel, -1, quint8(ProcessState::BlockedRecv)));
        undelivered = store.messageOf(add(0, record(EventKind::Send, 600, 600, 0, 1), "'lost'"));
        TelemetryRecord poll = record(EventKind::Poll, 700, 800, kNoChannel, -1, 1);
        poll.amount = 100;
        poll.number = 0.5;
        add(1, poll);
    }

    TimelineLayout layout(bool live = false, qint64 now = 0) const
    {
        return {&store, 0, kEnd, kSize, live, now, kEnd};
    }
};

QPalette lightPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf5, 0xf5));
    palette.setColor(QPalette::Text, Qt::black);
    return palette;
}

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    palette.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2a, 0x2a));
    palette.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    palette.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    return palette;
}

bool near(QColor a, QColor b)
{
    return std::abs(a.red() - b.red()) < 40 && std::abs(a.green() - b.green()) < 40 &&
           std::abs(a.blue() - b.blue()) < 40;
}

// The top of a depth plot drawn in `colour` in column x of `image`, within `area`.
int plotTop(const QImage& image, const QRectF& area, QColor colour, int x)
{
    for (int y = int(area.top()); y < int(area.bottom()); ++y)
        if (near(image.pixelColor(x, y), colour))
            return y;
    return int(area.bottom());
}

// A track painted over the whole layout onto an image of the base colour.
QImage paint(TimelineTrack& track, const TimelineLayout& layout, const Theme& theme,
             int selected = -1)
{
    QImage image(layout.size(), QImage::Format_RGB32);
    image.fill(theme.base());
    QPainter painter(&image);
    const TrackContext context{layout,   theme, QFont(), QRectF(QPointF(), layout.size()),
                               selected, {}};
    track.paint(painter, context);
    return image;
}

// A sender a and a receiver b, and channel 0 from a to b.
void addSenderAndReceiver(TraceStore& store)
{
    store.addProcess(QStringLiteral("a"), QStringLiteral("sender"));
    store.addProcess(QStringLiteral("b"), QStringLiteral("receiver"));
    store.addChannel(QStringLiteral("a->b"), 0, 1);
}

// Message `seq` on channel 0, sent by a at `sent` and received by b at `received`.
bool addMessage(TraceStore& store, qint64 seq, qint64 sent, qint64 received)
{
    return store.append(0, record(EventKind::Send, sent, sent, 0, seq), "x").ok() &&
           store.append(1, record(EventKind::Recv, received, received, 0, seq), "x").ok();
}

} // namespace

class TestTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void layoutStacksTheTracks();
    void arrowEndsAreWherePainted();
    void inFlightArrowGrowsToNow();
    void undeliveredIsPickedOnItsStubOnly();
    void tracksSayWhatIsUnderAPoint();
    void arrowsPaintWhereTheLayoutSays();
    void arrowsOverTheSamePixelsAreStrokedOnce();
    void statesPaintTheirColours();
    void themeKeepsTheLightColours();
    void darkPaletteGetsReadableColours();
    void depthInMessagesAndBytesHasOneShape();
    void pollsInARowReadAsSeveralAndTheLegendNamesThem();
    void aLanesStatesAreItsEvents();
    void crowdedPixelsFromTheBucketsShowTheStateThatHeldMostOfThem();
    void busyChannelsDepthFromTheBuckets();
    void denseBundlesFromTheBuckets();
    void anHourOldRunsLastHalfMinuteIsDrawnFromTheBuckets();
};

void TestTimeline::layoutStacksTheTracks()
{
    const Run run;
    QVERIFY(run.ok);
    const TimelineLayout layout = run.layout();
    QCOMPARE(layout.scale().left, double(TimelineLayout::kLabelWidth));
    QCOMPARE(layout.scale().width, 1000.0);
    QCOMPARE(layout.scale().toX(250), 410.0);
    QCOMPARE(layout.rulerRect(), QRectF(0, 0, kSize.width(), TimelineLayout::kRulerHeight));
    QCOMPARE(layout.laneRect(0).top(), double(TimelineLayout::kRulerHeight));
    QCOMPARE(layout.laneRect(1).top(), layout.laneRect(0).bottom());
    QCOMPARE(layout.barRect(1).top(), layout.laneRect(1).top() + TimelineLayout::kBarTop);
    QVERIFY(layout.depthRect().top() > layout.laneRect(1).bottom());
    QVERIFY(layout.pollRect().top() > layout.depthRect().bottom());
    QVERIFY(layout.legendRect().top() > layout.pollRect().bottom());
    QCOMPARE(layout.totalHeight(), int(layout.legendRect().bottom()) + 4);
    QCOMPARE(layout.rowsIn(layout.laneRect(1)), std::make_pair(1, 2));
    QCOMPARE(layout.rowsIn(layout.depthRect()), std::make_pair(2, 2));
}

void TestTimeline::arrowEndsAreWherePainted()
{
    const Run run;
    const TimelineLayout layout = run.layout();
    const double laneA = layout.laneRect(0).center().y();
    const double laneB = layout.laneRect(1).center().y();
    const ArrowGeometry down = *layout.arrow(run.down);
    QVERIFY(down.delivered && !down.stub);
    QCOMPARE(down.from, QPointF(260, laneA + TimelineLayout::kArrowInset));
    QCOMPARE(down.to, QPointF(460, laneB - TimelineLayout::kArrowInset));
    const ArrowGeometry up = *layout.arrow(run.up);
    QCOMPARE(up.from, QPointF(560, laneB - TimelineLayout::kArrowInset));
    QCOMPARE(up.to, QPointF(610, laneA + TimelineLayout::kArrowInset));
    const ArrowGeometry lost = *layout.arrow(run.undelivered);
    QVERIFY(!lost.delivered && lost.stub);
    QCOMPARE(lost.from, QPointF(760, laneA + TimelineLayout::kArrowInset));
    QCOMPARE(lost.to, QPointF(760 + TimelineLayout::kStubWidth,
                              laneA + (laneB - laneA) * TimelineLayout::kStubReach));
    QVERIFY(!layout.arrow(-1));
    QVERIFY(!layout.arrow(3));
}

void TestTimeline::inFlightArrowGrowsToNow()
{
    const Run run;
    const TimelineLayout layout = run.layout(true, 900);
    const ArrowGeometry flying = *layout.arrow(run.undelivered);
    QVERIFY(!flying.delivered && !flying.stub);
    QCOMPARE(flying.to,
             QPointF(1060, layout.laneRect(1).center().y() - TimelineLayout::kArrowInset));
    QCOMPARE(layout.messageAt((flying.from + flying.to) / 2), run.undelivered);
}

void TestTimeline::undeliveredIsPickedOnItsStubOnly()
{
    const Run run;
    const TimelineLayout layout = run.layout();
    const ArrowGeometry stub = *layout.arrow(run.undelivered);
    // Where an arrow to the end of the run would pass: nothing is drawn there.
    const QPointF end(layout.scale().toX(kEnd),
                      layout.laneRect(1).center().y() - TimelineLayout::kArrowInset);
    const QPointF alongTheLongLine = (stub.from + end) / 2;
    QVERIFY(TimelineLayout::distanceToSegment(alongTheLongLine, stub.from, stub.to) > 100);
    QCOMPARE(layout.messageAt(alongTheLongLine), -1);
    QCOMPARE(layout.messageAt((stub.from + stub.to) / 2), run.undelivered);
    QCOMPARE(layout.messageAt(stub.to + QPointF(2, 2)), run.undelivered);
    const ArrowGeometry down = *layout.arrow(run.down);
    QCOMPARE(layout.messageAt((down.from + down.to) / 2 + QPointF(0, 3)), run.down);
    QCOMPARE(layout.messageAt(QPointF(1100, 10)), -1);
}

void TestTimeline::tracksSayWhatIsUnderAPoint()
{
    const Run run;
    const TimelineLayout layout = run.layout();
    const Theme theme(lightPalette());
    const TrackContext context{layout, theme, QFont(), QRectF(QPointF(), kSize), -1, {}};
    const ArrowGeometry stub = *layout.arrow(run.undelivered);

    const std::optional<TrackHit> message =
        ArrowsTrack().hitTest((stub.from + stub.to) / 2, context);
    QVERIFY(message);
    QCOMPARE(message->kind, TrackHit::Kind::Message);
    QCOMPARE(message->index, run.undelivered);
    QVERIFY2(message->tooltip.contains(QLatin1String("'lost'")) &&
                 message->tooltip.contains(QLatin1String("undelivered")),
             qPrintable(message->tooltip));
    QVERIFY(!ArrowsTrack().hitTest(QPointF(1100, 10), context));

    const std::optional<TrackHit> state = StatesTrack().hitTest(
        QPointF(layout.scale().toX(550), layout.barRect(0).center().y()), context);
    QVERIFY(state);
    QCOMPARE(state->kind, TrackHit::Kind::State);
    QCOMPARE(state->index, 0);
    QVERIFY2(state->tooltip.contains(QLatin1String("blocked in recv")), qPrintable(state->tooltip));
    QVERIFY(!StatesTrack().hitTest(layout.pollRect().center(), context));

    const QPointF inPoll(layout.scale().toX(750), layout.pollRect().center().y());
    const std::optional<TrackHit> poll = PollsTrack().hitTest(inPoll, context);
    QVERIFY(poll);
    QCOMPARE(poll->kind, TrackHit::Kind::Poll);
    QCOMPARE(poll->index, 1);
    QVERIFY2(poll->tooltip.startsWith(QLatin1String("b: poll(0.5) -> True")),
             qPrintable(poll->tooltip));
    QVERIFY(!PollsTrack().hitTest(QPointF(layout.scale().toX(650), inPoll.y()), context));

    const std::optional<TrackHit> depth = DepthTrack().hitTest(
        QPointF(layout.scale().toX(650), layout.depthRect().center().y()), context);
    QVERIFY(depth);
    QVERIFY2(depth->tooltip.contains(QLatin1String("a->b: 1 in flight")),
             qPrintable(depth->tooltip));
}

void TestTimeline::arrowsPaintWhereTheLayoutSays()
{
    const Run run;
    const TimelineLayout layout = run.layout();
    const Theme theme(lightPalette());
    ArrowsTrack arrows;
    const QImage image = paint(arrows, layout, theme);
    QCOMPARE(arrows.arrowsDrawn(), 3);
    QCOMPARE(arrows.bundlesDrawn(), 0);
    QCOMPARE(arrows.linesDrawn(), 3);
    for (const int message : {run.down, run.up, run.undelivered}) {
        const ArrowGeometry arrow = *layout.arrow(message);
        QVERIFY2(near(image.pixelColor(arrow.from.toPoint()), theme.channel(message == run.up)),
                 qPrintable(QStringLiteral("send dot of %1").arg(message)));
    }
    const ArrowGeometry down = *layout.arrow(run.down);
    // Just inside the head's tip.
    const QPointF along = (down.to - down.from) / std::hypot(200.0, down.to.y() - down.from.y());
    QVERIFY(near(image.pixelColor((down.to - 3 * along).toPoint()), theme.channel(0)));
    // The undelivered message's line to the end of the run is never drawn.
    const ArrowGeometry stub = *layout.arrow(run.undelivered);
    const QPointF end(layout.scale().toX(kEnd),
                      layout.laneRect(1).center().y() - TimelineLayout::kArrowInset);
    QCOMPARE(image.pixelColor(((stub.from + end) / 2).toPoint()), theme.base());

    // The selected arrow is drawn on top in the highlight colour.
    ArrowsTrack selected;
    const QImage highlighted = paint(selected, layout, theme, run.down);
    QVERIFY(near(highlighted.pixelColor(((down.from + down.to) / 2).toPoint()), theme.highlight()));
    QCOMPARE(selected.arrowsDrawn(), 4);
}

void TestTimeline::arrowsOverTheSamePixelsAreStrokedOnce()
{
    // Ten channels a -> b, each with one message at the same times: ten arrows, one line.
    TraceStore store;
    store.addProcess(QStringLiteral("a"), {});
    store.addProcess(QStringLiteral("b"), {});
    for (int c = 0; c < 10; ++c) {
        store.addChannel(QStringLiteral("a->b%1").arg(c), 0, 1);
        QVERIFY(store.append(0, record(EventKind::Send, 100, 100, quint16(c), 0), "1"));
        QVERIFY(store.append(1, record(EventKind::Recv, 300, 300, quint16(c), 0), {}));
    }
    const TimelineLayout layout(&store, 0, kEnd, kSize, false, 0, kEnd);
    ArrowsTrack arrows;
    paint(arrows, layout, Theme(lightPalette()));
    QCOMPARE(arrows.arrowsDrawn(), 10);
    QCOMPARE(arrows.linesDrawn(), 1);
}

void TestTimeline::statesPaintTheirColours()
{
    const Run run;
    const TimelineLayout layout = run.layout();
    for (const QPalette& palette : {lightPalette(), darkPalette()}) {
        const Theme theme(palette);
        StatesTrack states;
        const QImage image = paint(states, layout, theme);
        const double barA = layout.barRect(0).center().y();
        QCOMPARE(image.pixelColor(int(layout.scale().toX(200)), int(barA)),
                 theme.state(ProcessState::Running));
        QCOMPARE(image.pixelColor(int(layout.scale().toX(550)), int(barA)),
                 theme.state(ProcessState::BlockedRecv));
        // a's lane ends with its last event (600 ns): nothing after it.
        QCOMPARE(image.pixelColor(int(layout.scale().toX(700)), int(barA)), theme.base());
        QCOMPARE(
            image.pixelColor(int(layout.scale().toX(200)), int(layout.barRect(1).center().y())),
            theme.state(ProcessState::Sleeping));
    }
}

void TestTimeline::themeKeepsTheLightColours()
{
    const Theme theme(lightPalette());
    QVERIFY(!theme.isDark());
    QCOMPARE(theme.state(ProcessState::Crashed), QColor(0xd0, 0x1c, 0x1c));
    QCOMPARE(theme.state(ProcessState::Running), QColor(0x5b, 0xa8, 0x5b));
    QCOMPARE(theme.channel(0), QColor(0x1f, 0x6f, 0xd0));
    QCOMPARE(theme.channel(6), theme.channel(0));
    QCOMPARE(theme.undelivered(), QColor(0xb0, 0x40, 0x40));
    QCOMPARE(theme.pollTrue(), QColor(0x1b, 0x8f, 0xa8));
    // A poll that returned True is not painted in the colour of a running process.
    QVERIFY(theme.pollTrue() != theme.state(ProcessState::Running));
    QCOMPARE(theme.base(), QColor(Qt::white));
    QCOMPARE(theme.text(), QColor(Qt::black));
}

void TestTimeline::darkPaletteGetsReadableColours()
{
    const Theme light(lightPalette());
    const Theme dark(darkPalette());
    QVERIFY(dark.isDark());
    QCOMPARE(dark.base(), QColor(0x1e, 0x1e, 0x1e));
    QCOMPARE(dark.text(), QColor(0xe8, 0xe8, 0xe8));
    // The light palette's undelivered red is hard to read on a dark base; the dark one's is not.
    QVERIFY(Theme::contrast(light.undelivered(), dark.base()) < 4.5);
    QVERIFY(Theme::contrast(dark.undelivered(), dark.base()) >= 4.5);
    QVERIFY(dark.undelivered() != light.undelivered());
    for (int s = 0; s < kProcessStateCount; ++s) {
        const auto state = ProcessState(s);
        QVERIFY2(Theme::contrast(dark.state(state), dark.base()) >= 3,
                 qPrintable(processStateName(state)));
    }
    QVERIFY(dark.pollFalse() != light.pollFalse());
    for (int c = 0; c < 6; ++c)
        QVERIFY2(Theme::contrast(dark.channel(c), dark.base()) >= 4.5,
                 qPrintable(QString::number(c)));
    QVERIFY(Theme::contrast(dark.pollTrue(), dark.base()) >= 3);
    QVERIFY(Theme::contrast(dark.pollFalse(), dark.base()) > 1.5);
}

void TestTimeline::depthInMessagesAndBytesHasOneShape()
{
    // A burst of equal-sized messages, several inside one pixel, read at once and later: shown
    // in bytes, every pixel must be exactly the size times what it shows in messages.
    TraceStore store;
    addSenderAndReceiver(store);
    constexpr qint64 kSize = 8;
    const qint64 sendTimes[] = {10, 11, 12, 13, 40, 41, 90, 200, 201, 202, 203, 204};
    const qint64 recvTimes[] = {30, 31, 32, 33, 60, 61, 95, 300, 301, 302, 303, 304};
    for (qint64 seq = 0; seq < 12; ++seq) {
        QVERIFY(addMessage(store, seq, sendTimes[seq], recvTimes[seq]));
    }
    const qint64 peak = store.maxDepth(0);
    QCOMPARE(store.maxDepthBytes(0), kSize * peak);
    for (const qint64 width : {1, 3, 7, 10, 25}) {
        for (qint64 t0 = 0; t0 < 320; t0 += width) {
            const qint64 messages = DepthTrack::pixelHigh(store, 0, t0, t0 + width, false, peak);
            const qint64 bytes =
                DepthTrack::pixelHigh(store, 0, t0, t0 + width, true, kSize * peak);
            QVERIFY2(bytes == kSize * messages,
                     qPrintable(QStringLiteral("pixel (%1, %2]: %3 messages, %4 bytes")
                                    .arg(t0)
                                    .arg(t0 + width)
                                    .arg(messages)
                                    .arg(bytes)));
        }
    }
    // The burst of four inside one pixel shows as four, not as what was left at its end.
    QCOMPARE(DepthTrack::pixelHigh(store, 0, 9, 19, false, peak), 4);
}

void TestTimeline::pollsInARowReadAsSeveralAndTheLegendNamesThem()
{
    // Two polls of b's back to back, both False, 100 ns (100 px) each.
    TraceStore store;
    store.addProcess(QStringLiteral("a"), QStringLiteral("sender"));
    store.addProcess(QStringLiteral("b"), QStringLiteral("receiver"));
    QVERIFY(store.append(1, record(EventKind::Poll, 100, 200, kNoChannel, -1, 0), {}).ok());
    QVERIFY(store.append(1, record(EventKind::Poll, 200, 300, kNoChannel, -1, 0), {}).ok());
    const TimelineLayout layout(&store, 0, kEnd, kSize, false, 0, kEnd);
    const Theme theme(lightPalette());
    PollsTrack polls;
    const QImage image = paint(polls, layout, theme);
    const int y = int(layout.pollRect().center().y());
    const double x = layout.scale().toX(200);
    QVERIFY(near(image.pixelColor(int(x) - 5, y), theme.pollFalse()));
    QVERIFY(near(image.pixelColor(int(x) + 5, y), theme.pollFalse()));
    QVERIFY2(!near(image.pixelColor(int(x), y), theme.pollFalse()),
             "the second poll starts without a gap: the two read as one");

    // The legend shows the colours of a poll's two results.
    LegendTrack legend;
    const QImage legendImage = paint(legend, layout, theme);
    const int legendY = int(layout.legendRect().center().y());
    bool pollTrue = false;
    bool pollFalse = false;
    for (int px = 0; px < legendImage.width(); ++px) {
        pollTrue |= legendImage.pixelColor(px, legendY) == theme.pollTrue();
        pollFalse |= legendImage.pixelColor(px, legendY) == theme.pollFalse();
    }
    QVERIFY(pollTrue);
    QVERIFY(pollFalse);
}

void TestTimeline::aLanesStatesAreItsEvents()
{
    // A lane of 20,000 state changes at uneven times (some at the same time): the states track
    // reads the lane's own lists of their times and states, searching the times on from the last
    // pixel. They are the events' own, and the search finds the first after t where a search of
    // the events' times does, from any index at or before it and any guess of how far on it is.
    TraceStore store;
    store.setOrigin(5000);
    store.addProcess(QStringLiteral("a"), QStringLiteral("role"));
    std::mt19937 random(3);
    std::vector<qint64> times;
    qint64 t = 0;
    for (int i = 0; i < 20'000; ++i) {
        t += qint64(random() % 4 == 0 ? 0 : random() % 2000);
        times.push_back(t);
        const auto state = quint8(i % 2 ? ProcessState::Running : ProcessState::BlockedRecv);
        QVERIFY(store.append(0, record(EventKind::State, 5000 + t, 5000 + t, kNoChannel, -1, state),
                             {}));
    }
    const TraceStore::EventList& states = store.process(0).stateEvents;
    const TraceStore::TimeList& stateTimes = store.process(0).stateTimes;
    QCOMPARE(states.size(), times.size());
    QCOMPARE(stateTimes.size(), times.size());
    for (size_t i = 0; i < states.size(); ++i)
        QCOMPARE(store.process(0).stateKinds[i], ProcessState(store.detail(states[i])));
    for (int k = 0; k < 300; ++k) {
        const qint64 probe = qint64(random() % quint64(t + 2000)) - 1000;
        const auto expected =
            size_t(std::upper_bound(times.begin(), times.end(), probe) - times.begin());
        QCOMPARE(TimelineLayout::firstAfter(store, states, probe), expected);
        QCOMPARE(stateTimes.upperBound(probe), expected);
        for (const size_t from :
             {size_t(0), expected / 3, expected > 0 ? expected - 1 : 0, expected}) {
            const size_t distance = expected - from;
            for (const size_t guess : {size_t(0), size_t(1), distance / 2, distance, distance + 1,
                                       distance * 3 + 7, times.size()})
                QCOMPARE(stateTimes.upperBound(probe, from, guess), expected);
        }
    }
}

void TestTimeline::crowdedPixelsFromTheBucketsShowTheStateThatHeldMostOfThem()
{
    // A lane of 1,000 pixels of 1,024 ns each, every one crowded: 100 changes between Running and
    // BlockedRecv in its first 300 ns, then one at 400 ns to a state of its own (Sleeping,
    // Polling or BlockedSend by turns) that lasts the rest of it, most of its time. Zoomed out
    // this far, the lane is drawn from its buckets, and each pixel shows that state: the one
    // that held most of it.
    constexpr qint64 kPixel = 1024;
    constexpr int kPixels = 1000;
    const ProcessState quiet[] = {ProcessState::Sleeping, ProcessState::Polling,
                                  ProcessState::BlockedSend};
    TraceStore store;
    store.addProcess(QStringLiteral("a"), QStringLiteral("role"));
    for (int k = 0; k < kPixels; ++k) {
        for (int c = 0; c < 100; ++c) {
            const qint64 t = k * kPixel + 3 * c;
            const auto state = quint8(c % 2 ? ProcessState::BlockedRecv : ProcessState::Running);
            QVERIFY(store.append(0, record(EventKind::State, t, t, kNoChannel, -1, state), {}));
        }
        const qint64 t = k * kPixel + 400;
        QVERIFY(store.append(
            0, record(EventKind::State, t, t, kNoChannel, -1, quint8(quiet[k % 3])), {}));
    }
    const qint64 end = kPixels * kPixel;
    const TimelineLayout layout(&store, 0, end, kSize, false, 0, end);
    QCOMPARE(layout.scale().nsPerPixel(), double(kPixel));
    QVERIFY(
        store.process(0).stateBuckets.resolves(layout.scale().nsPerPixel(), layout.scale().start));
    const Theme theme(lightPalette());
    StatesTrack states;
    const QImage image = paint(states, layout, theme);
    const int y = int(layout.barRect(0).center().y());
    for (int k = 1; k < kPixels; ++k) { // the first pixel is drawn from the column
        const int x = int(layout.scale().toX(k * kPixel));
        QVERIFY2(image.pixelColor(x, y) == theme.state(quiet[k % 3]),
                 qPrintable(QStringLiteral("pixel %1").arg(k)));
    }
}

void TestTimeline::busyChannelsDepthFromTheBuckets()
{
    // 100,000 messages over 1,000 pixels of 1,024 ns: pixel k sends 1 to 5 messages in its first
    // 100 ns (k % 5 + 1; many more in every hundredth, for the buckets' sake) and receives them
    // all at 500 ns. Drawn from the channel's buckets, each pixel's plot reaches what it sent:
    // higher as k % 5 grows.
    constexpr qint64 kPixel = 1024;
    constexpr int kPixels = 1000;
    TraceStore store;
    addSenderAndReceiver(store);
    qint64 seq = 0;
    std::vector<int> sent;
    for (int k = 0; k < kPixels; ++k) {
        const int n = k % 100 == 99 ? 5 : k % 5 + 1;
        const int burst = k % 100 == 99 ? 100'000 / 10 : 0; // sends and receives in one go
        sent.push_back(n);
        for (int m = 0; m < n + burst; ++m, ++seq) {
            const qint64 t = k * kPixel + (m < n ? 20 * m : 600 + (m - n) / 100);
            const qint64 r = m < n ? k * kPixel + 500 : t;
            QVERIFY(addMessage(store, seq, t, r));
        }
    }
    const qint64 end = kPixels * kPixel;
    const TimelineLayout layout(&store, 0, end, kSize, false, 0, end);
    const TraceStore::Channel& channel = store.channel(0);
    QVERIFY(channel.sendBuckets.resolves(layout.scale().nsPerPixel(), layout.scale().start));
    QVERIFY(channel.recvBuckets.resolves(layout.scale().nsPerPixel(), layout.scale().start));
    const Theme theme(lightPalette());
    DepthTrack depth;
    const QImage image = paint(depth, layout, theme);
    const QRectF area = layout.depthRect();
    const QColor colour = theme.channel(channel.ordinal);
    // The top of the plot in pixel k's column (left of the channel's name, at the right end).
    const auto top = [&](int k) {
        return plotTop(image, area, colour, int(layout.scale().toX(k * kPixel)));
    };
    for (int k = 300; k < 900; ++k) {
        // A pixel's 1.5 px lines reach into the column of the pixel before: column k shows the
        // higher of pixels k and k + 1, which rises for k % 5 from 0 to 3 (2, 3, 4, 5 sent).
        if (k % 100 >= 98 || k % 5 >= 3)
            continue; // the bursts too
        QVERIFY2(top(k) > top(k + 1),
                 qPrintable(QStringLiteral("pixel %1 (%2 sent) at %3, pixel %4 (%5 sent) at %6")
                                .arg(k)
                                .arg(sent[size_t(k)])
                                .arg(top(k))
                                .arg(k + 1)
                                .arg(sent[size_t(k + 1)])
                                .arg(top(k + 1))));
    }
}

void TestTimeline::denseBundlesFromTheBuckets()
{
    // 1,000 pixels of 1,024 ns; group g sends 9,999 or 10,000 messages at the start of pixel
    // 60g + 30 (a bundle's first pixel) and receives them 20 + g pixels later. Drawn from the
    // channel's buckets, each group is one bundle from its sends to its recvs, with its count.
    constexpr qint64 kPixel = 1024;
    constexpr int kGroups = 16;
    TraceStore store;
    addSenderAndReceiver(store);
    const auto sendPixel = [](int g) { return 60 * g + 30; };
    const auto recvPixel = [&](int g) { return sendPixel(g) + 20 + g; };
    // A count one more or less than the group's has a digit more or less.
    const auto size = [](int g) { return g % 2 ? 10'000 : 9'999; };
    qint64 seq = 0;
    for (int g = 0; g < kGroups; ++g) {
        for (int m = 0; m < size(g); ++m, ++seq) {
            const qint64 t = sendPixel(g) * kPixel + m / 20;
            const qint64 r = recvPixel(g) * kPixel + m / 20;
            QVERIFY(addMessage(store, seq, t, r));
        }
    }
    const qint64 end = 1000 * kPixel;
    const TimelineLayout layout(&store, 0, end, kSize, false, 0, end);
    const TraceStore::Channel& channel = store.channel(0);
    QVERIFY(channel.sendBuckets.resolves(layout.scale().nsPerPixel(), layout.scale().start));
    QVERIFY(channel.recvBuckets.resolves(layout.scale().nsPerPixel(), layout.scale().start));
    const Theme theme(lightPalette());
    ArrowsTrack arrows;
    const QImage image = paint(arrows, layout, theme);
    QCOMPARE(arrows.bundlesDrawn(), kGroups);
    QCOMPARE(arrows.arrowsDrawn(), 0);
    const QColor colour = theme.channel(channel.ordinal);
    const QFontMetrics metrics{QFont()};
    QCOMPARE(arrows.labelBoxes().size(), size_t(kGroups));
    for (int g = 0; g < kGroups; ++g) {
        const ArrowGeometry bundle =
            layout.arrow(0, 1, sendPixel(g) * kPixel, recvPixel(g) * kPixel);
        QCOMPARE(bundle.from.x(), layout.scale().left + sendPixel(g));
        const QPointF along =
            (bundle.to - bundle.from) /
            std::hypot(bundle.to.x() - bundle.from.x(), bundle.to.y() - bundle.from.y());
        const QString at = QStringLiteral("group %1").arg(g);
        QVERIFY2(near(image.pixelColor(bundle.from.toPoint()), colour), qPrintable(at));
        QVERIFY2(near(image.pixelColor((bundle.to - 3 * along).toPoint()), colour), qPrintable(at));
        // Its count, on its line.
        const QRectF box = arrows.labelBoxes()[size_t(g)];
        QCOMPARE(box.width(),
                 double(metrics.horizontalAdvance(QStringLiteral("×%1").arg(size(g)))));
        QCOMPARE(box.left(), (bundle.from.x() + bundle.to.x()) / 2 + 3);
    }
    // Nothing where a bundle drawn to its sends' pixel instead would have its head.
    const ArrowGeometry wrong = layout.arrow(0, 1, sendPixel(3) * kPixel, sendPixel(3) * kPixel);
    QCOMPARE(image.pixelColor((wrong.to - QPointF(0, 3)).toPoint()), theme.base());
}

void TestTimeline::anHourOldRunsLastHalfMinuteIsDrawnFromTheBuckets()
{
    // An hour of a message every 10 ms, in flight for 3 ms, the receiver blocked in recv but for
    // 1 ms after each. A view of the last half minute across 1,000 pixels of 30 ms is drawn from
    // the buckets (the whole run's, 134 ms wide by now, cannot; the recent ones can): each pixel
    // plots one message in flight at most, and shows the receiver blocked, the state it was in
    // most of the pixel.
    constexpr qint64 kStep = 10'000'000;
    constexpr qint64 kHour = 3'600'000'000'000;
    TraceStore store;
    addSenderAndReceiver(store);
    qint64 seq = 0;
    for (qint64 t = 0; t < kHour; t += kStep, ++seq) {
        QVERIFY(addMessage(store, seq, t, t + 3'000'000));
        for (const auto& [at, state] : {std::pair(t + 3'000'000, ProcessState::Running),
                                        std::pair(t + 4'000'000, ProcessState::BlockedRecv)}) {
            QVERIFY(store.append(1, record(EventKind::State, at, at, kNoChannel, -1, quint8(state)),
                                 {}));
        }
    }
    const qint64 end = kHour;
    const qint64 start = end - 30'000'000'000;
    const TimelineLayout layout(&store, start, end, kSize, false, start, end);
    const TimeScale& s = layout.scale();
    const TraceStore::Channel& channel = store.channel(0);
    QVERIFY(double(channel.sendBuckets.width()) * TimeBuckets::kBucketsPerPixel > s.nsPerPixel());
    QVERIFY(channel.sendBuckets.resolves(s.nsPerPixel(), s.start));
    QVERIFY(channel.recvBuckets.resolves(s.nsPerPixel(), s.start));
    QVERIFY(store.process(1).stateBuckets.resolves(s.nsPerPixel(), s.start));
    const Theme theme(lightPalette());
    DepthTrack depth;
    const QImage plot = paint(depth, layout, theme);
    const QRectF area = layout.depthRect();
    const QColor colour = theme.channel(channel.ordinal);
    const auto top = [&](int x) { return plotTop(plot, area, colour, x); };
    const int peak = top(int(s.left) + 500);
    QVERIFY(peak < int(area.bottom()) - 4); // a message in flight is plotted
    StatesTrack states;
    const QImage lanes = paint(states, layout, theme);
    const int y = int(layout.barRect(1).center().y());
    for (int x = int(s.left) + 1; x < int(s.left + s.width) - 60; ++x) { // the names end it
        QVERIFY2(top(x) == peak,
                 qPrintable(QStringLiteral("pixel %1: %2, not %3").arg(x).arg(top(x)).arg(peak)));
        QVERIFY2(lanes.pixelColor(x, y) == theme.state(ProcessState::BlockedRecv),
                 qPrintable(QStringLiteral("pixel %1").arg(x)));
    }
}

QTEST_MAIN(TestTimeline)
#include "tst_timeline.moc"
