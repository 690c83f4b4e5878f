// RunStatistics over hand-built runs, every number worked out by hand.
#include "trace/RunStatistics.h"
#include "trace/RunStatisticsBuilder.h"
#include "trace/SortedRuns.h"
#include "trace/TraceStore.h"

#include <QRandomGenerator>
#include <QTest>
#include <algorithm>

using namespace pipescope;

namespace {

struct Pending
{
    int process;
    TelemetryRecord record;
};

// Collects events, then appends them in time order (as a run records them).
class RunBuilder
{
public:
    void message(int process, EventKind kind, quint16 channel, qint64 seq, qint64 start, qint64 t,
                 qint64 bytes)
    {
        TelemetryRecord r;
        r.kind = kind;
        r.channel = channel;
        r.seq = seq;
        r.startNs = start;
        r.tNs = t;
        r.amount = bytes;
        m_pending.push_back({process, r});
    }
    void state(int process, qint64 t, ProcessState state)
    {
        TelemetryRecord r;
        r.kind = EventKind::State;
        r.detail = quint8(state);
        r.tNs = r.startNs = t;
        m_pending.push_back({process, r});
    }
    void poll(int process, qint64 t, bool result)
    {
        TelemetryRecord r;
        r.kind = EventKind::Poll;
        r.detail = result ? 1 : 0;
        r.tNs = r.startNs = t;
        m_pending.push_back({process, r});
    }
    void other(int process, EventKind kind, qint64 t)
    {
        TelemetryRecord r;
        r.kind = kind;
        r.tNs = r.startNs = t;
        m_pending.push_back({process, r});
    }
    bool appendTo(TraceStore& store)
    {
        std::stable_sort(
            m_pending.begin(), m_pending.end(),
            [](const Pending& a, const Pending& b) { return a.record.tNs < b.record.tNs; });
        for (const Pending& p : m_pending) {
            const Result<qint32> appended = store.append(p.process, p.record, {});
            if (!appended) {
                qWarning("%s", qPrintable(appended.error().message()));
                return false;
            }
        }
        return true;
    }

private:
    std::vector<Pending> m_pending;
};

constexpr qint64 kSecond = 1'000'000'000;

} // namespace

class TestRunStatistics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aRunSummedUp();
    void latencyBuckets_data();
    void latencyBuckets();
    void nearestRankPercentiles();
    void emptyRun();
    void builtUpLiveOrOverARangeEqualsOnePass();
    void sortedRunsAnswerAsOneSortedVector();
};

void TestRunStatistics::aRunSummedUp()
{
    TraceStore store;
    const int a = store.addProcess(QStringLiteral("a"), {});
    const int b = store.addProcess(QStringLiteral("b"), {});
    const int c = store.addProcess(QStringLiteral("c"), {});
    store.addChannel(QStringLiteral("a->b"), a, b);
    store.addChannel(QStringLiteral("c->b"), c, b);
    RunBuilder run;

    // a->b: ten messages sent 10 ns apart, each received its latency after its send began, then
    // two never received. All ten are in flight at 90 ns, twelve at 110 ns.
    const qint64 latencies[] = {500,    1000,      1999,        2000,         7000,
                                150000, 3'000'000, 999'999'999, 10 * kSecond, 20 * kSecond};
    for (int seq = 0; seq < 10; ++seq) {
        const qint64 start = 10 * seq;
        run.message(a, EventKind::Send, 0, seq, start, start + 1, 100);
        run.message(b, EventKind::Recv, 0, seq, start, start + latencies[seq], 100);
    }
    run.message(a, EventKind::Send, 0, 10, 100, 101, 100);
    run.message(a, EventKind::Send, 0, 11, 110, 111, 100);
    // c->b: one message, 40 µs.
    run.message(c, EventKind::Send, 1, 0, 1000, 1005, 50);
    run.message(b, EventKind::Recv, 1, 0, 30000, 41000, 50);

    // a blocks in send for 500 ns, then twice in a row (100 + 200 ns) until it exits.
    run.state(a, 200, ProcessState::BlockedSend);
    run.state(a, 700, ProcessState::Running);
    run.state(a, 1000, ProcessState::BlockedSend);
    run.state(a, 1100, ProcessState::BlockedSend);
    run.state(a, 1300, ProcessState::Exited);
    // b blocks in recv only; c blocks in send until the run ends.
    run.state(b, 400, ProcessState::BlockedRecv);
    run.state(b, 500, ProcessState::Running);
    run.state(c, 0, ProcessState::Running);
    run.state(c, 1000, ProcessState::BlockedSend);

    for (const qint64 t : {600, 800, 900})
        run.poll(b, t, true);
    for (const qint64 t : {650, 850})
        run.poll(b, t, false);
    run.other(b, EventKind::Stdout, 950);
    run.other(TraceStore::kRunner, EventKind::Error, 960);
    QVERIFY(run.appendTo(store));

    const RunStatistics statistics = RunStatistics::compute(store, 26 * kSecond);
    QCOMPARE(statistics.durationNs, 26 * kSecond);
    QCOMPARE(statistics.messages, 13);
    QCOMPARE(statistics.delivered, 11);
    QCOMPARE(statistics.undelivered, 2);
    QCOMPARE(statistics.bytesSent, 12 * 100 + 50);
    QCOMPARE(statistics.messagesPerSecond, 0.5);

    // Sorted: 500 1000 1999 2000 7000 40000 150000 3e6 999999999 1e10 2e10. Ranks ceil(5.5) = 6,
    // ceil(9.9) = 10, ceil(10.89) = 11.
    QCOMPARE(statistics.latencyP50Ns, 40000);
    QCOMPARE(statistics.latencyP90Ns, 10 * kSecond);
    QCOMPARE(statistics.latencyP99Ns, 20 * kSecond);
    QCOMPARE(statistics.latencyMaxNs, 20 * kSecond);
    std::array<qint64, RunStatistics::kLatencyBuckets> histogram{};
    histogram[0] = 3;  // 500 (below 1 µs), 1000, 1999
    histogram[1] = 1;  // 2000
    histogram[2] = 1;  // 7000
    histogram[4] = 1;  // 40000
    histogram[6] = 1;  // 150000
    histogram[10] = 1; // 3 ms
    histogram[17] = 1; // just under 1 s
    histogram[20] = 2; // 10 s and more
    QCOMPARE(statistics.latencyHistogram, histogram);

    QCOMPARE(statistics.maxDepth, (std::vector<qint64>{12, 1}));
    QCOMPARE(statistics.pollsTrue, 3);
    QCOMPARE(statistics.pollsFalse, 2);
    QCOMPARE(statistics.blockedSendNs, (std::vector<qint64>{800, 0, 26 * kSecond - 1000}));
    QCOMPARE(statistics.totalBlockedSendNs, 26 * kSecond - 1000 + 800);
}

void TestRunStatistics::latencyBuckets_data()
{
    QTest::addColumn<qint64>("latency");
    QTest::addColumn<int>("bucket");
    QTest::newRow("negative") << qint64(-5) << 0;
    QTest::newRow("zero") << qint64(0) << 0;
    QTest::newRow("1 us") << qint64(1000) << 0;
    QTest::newRow("just under 2 us") << qint64(1999) << 0;
    QTest::newRow("2 us") << qint64(2000) << 1;
    QTest::newRow("5 us") << qint64(5000) << 2;
    QTest::newRow("1 ms") << qint64(1'000'000) << 9;
    QTest::newRow("just under 10 s") << qint64(10 * kSecond - 1) << 20;
    QTest::newRow("10 s") << qint64(10 * kSecond) << 20;
    QTest::newRow("an hour") << qint64(3600 * kSecond) << 20;
}

void TestRunStatistics::latencyBuckets()
{
    QFETCH(qint64, latency);
    QFETCH(int, bucket);
    QCOMPARE(RunStatistics::latencyBucket(latency), bucket);
    QCOMPARE(RunStatistics::kLatencyEdgesNs.front(), 1000);
    QCOMPARE(RunStatistics::kLatencyEdgesNs.back(), 10 * kSecond);
}

void TestRunStatistics::nearestRankPercentiles()
{
    // Latencies 1..100 ns (given in reverse): the p-th percentile is p itself.
    TraceStore store;
    store.addProcess(QStringLiteral("a"), {});
    store.addProcess(QStringLiteral("b"), {});
    store.addChannel(QStringLiteral("a->b"), 0, 1);
    RunBuilder run;
    for (int seq = 0; seq < 100; ++seq) {
        const qint64 start = 1000 * seq;
        run.message(0, EventKind::Send, 0, seq, start, start, 1);
        run.message(1, EventKind::Recv, 0, seq, start, start + 100 - seq, 1);
    }
    QVERIFY(run.appendTo(store));
    const RunStatistics statistics = RunStatistics::compute(store, 4 * kSecond);
    QCOMPARE(statistics.latencyP50Ns, 50);
    QCOMPARE(statistics.latencyP90Ns, 90);
    QCOMPARE(statistics.latencyP99Ns, 99);
    QCOMPARE(statistics.latencyMaxNs, 100);
    QCOMPARE(statistics.latencyHistogram[0], 100);
    QCOMPARE(statistics.messagesPerSecond, 25.0);
    QCOMPARE(statistics.maxDepth, (std::vector<qint64>{1}));

    // One message: every percentile is it.
    TraceStore one;
    one.addProcess(QStringLiteral("a"), {});
    one.addProcess(QStringLiteral("b"), {});
    one.addChannel(QStringLiteral("a->b"), 0, 1);
    RunBuilder single;
    single.message(0, EventKind::Send, 0, 0, 10, 10, 1);
    single.message(1, EventKind::Recv, 0, 0, 10, 77, 1);
    QVERIFY(single.appendTo(one));
    const RunStatistics alone = RunStatistics::compute(one, 0);
    QCOMPARE(alone.latencyP50Ns, 67);
    QCOMPARE(alone.latencyP99Ns, 67);
    QCOMPARE(alone.messagesPerSecond, 0.0); // no duration
}

void TestRunStatistics::emptyRun()
{
    TraceStore store;
    store.addProcess(QStringLiteral("a"), {});
    const RunStatistics statistics = RunStatistics::compute(store, kSecond);
    QCOMPARE(statistics.messages, 0);
    QCOMPARE(statistics.delivered, 0);
    QCOMPARE(statistics.messagesPerSecond, 0.0);
    QCOMPARE(statistics.latencyP50Ns, 0);
    QCOMPARE(statistics.latencyMaxNs, 0);
    QCOMPARE(statistics.latencyHistogram, (std::array<qint64, RunStatistics::kLatencyBuckets>{}));
    QVERIFY(statistics.maxDepth.empty());
    QCOMPARE(statistics.blockedSendNs, (std::vector<qint64>{0}));
    QCOMPARE(statistics.totalBlockedSendNs, 0);
}

void TestRunStatistics::builtUpLiveOrOverARangeEqualsOnePass()
{
    // A run recorded as a live one is: the receiver's events sometimes before the sender's,
    // statistics taken between batches. At the end they equal one pass over the whole store.
    QRandomGenerator random(7);
    TraceStore store;
    store.addProcess(QStringLiteral("a"), {});
    store.addProcess(QStringLiteral("b"), {});
    store.addChannel(QStringLiteral("a->b"), 0, 1);
    std::vector<std::pair<int, TelemetryRecord>> events[2];
    qint64 t = 0;
    qint64 lastRecv = 0;
    for (int seq = 0; seq < 2000; ++seq) {
        TelemetryRecord blocked;
        blocked.kind = EventKind::State;
        blocked.detail = quint8(seq % 3 ? ProcessState::Running : ProcessState::BlockedSend);
        blocked.tNs = blocked.startNs = (t += random.bounded(50));
        events[0].emplace_back(0, blocked);
        TelemetryRecord send;
        send.kind = EventKind::Send;
        send.channel = 0;
        send.seq = seq;
        send.amount = random.bounded(1000);
        send.startNs = (t += random.bounded(50));
        send.tNs = (t += random.bounded(50));
        events[0].emplace_back(0, send);
        TelemetryRecord recv = send;
        recv.kind = EventKind::Recv;
        recv.startNs = send.startNs + random.bounded(20);
        recv.tNs = lastRecv =
            std::max({lastRecv, send.tNs, recv.startNs}) + random.bounded(100'000);
        if (seq < 1990)
            events[1].emplace_back(1, recv);
        if (seq % 7 == 0) {
            TelemetryRecord poll;
            poll.kind = EventKind::Poll;
            poll.detail = quint8(seq % 2);
            poll.tNs = poll.startNs = recv.startNs;
            events[1].emplace_back(1, poll);
        }
    }
    std::stable_sort(events[1].begin(), events[1].end(),
                     [](const auto& a, const auto& b) { return a.second.tNs < b.second.tNs; });
    RunStatisticsBuilder builder;
    size_t next[2] = {0, 0};
    while (next[0] < events[0].size() || next[1] < events[1].size()) {
        const int side = next[1] == events[1].size()   ? 0
                         : next[0] == events[0].size() ? 1
                                                       : int(random.bounded(2));
        for (size_t n = 1 + random.bounded(30); n > 0 && next[side] < events[side].size(); --n) {
            const auto& [process, record] = events[side][next[side]++];
            QVERIFY(store.append(process, record, {}).ok());
        }
        builder.update(store);
        if (random.bounded(3) == 0)
            builder.result(store, t);
    }
    const RunStatistics built = builder.result(store, t);
    const RunStatistics whole = RunStatistics::compute(store, t);
    QCOMPARE(built.messages, 2000);
    QCOMPARE(built.delivered, 1990);
    QCOMPARE(built.bytesSent, whole.bytesSent);
    QVERIFY(whole.bytesSent > 0);
    QCOMPARE(built.latencyP50Ns, whole.latencyP50Ns);
    QCOMPARE(built.latencyP90Ns, whole.latencyP90Ns);
    QCOMPARE(built.latencyP99Ns, whole.latencyP99Ns);
    QCOMPARE(built.latencyMaxNs, whole.latencyMaxNs);
    QCOMPARE(built.latencyHistogram, whole.latencyHistogram);
    qint64 counted = 0;
    for (const qint64 n : built.latencyHistogram)
        counted += n;
    QCOMPARE(counted, 1990);
    QCOMPARE(built.maxDepth, whole.maxDepth);
    QCOMPARE(built.pollsTrue + built.pollsFalse, 286);
    QCOMPARE(built.pollsTrue, whole.pollsTrue);
    QCOMPARE(built.blockedSendNs, whole.blockedSendNs);
    QVERIFY(whole.totalBlockedSendNs > 0);

    // The whole run as a range is the whole run.
    const RunStatistics all = RunStatistics::ofRange(store, {0, t});
    QCOMPARE(all.messages, whole.messages);
    QCOMPARE(all.delivered, whole.delivered);
    QCOMPARE(all.bytesSent, whole.bytesSent);
    QCOMPARE(all.latencyP50Ns, whole.latencyP50Ns);
    QCOMPARE(all.latencyP99Ns, whole.latencyP99Ns);
    QCOMPARE(all.latencyHistogram, whole.latencyHistogram);
    QCOMPARE(all.maxDepth, whole.maxDepth);
    QCOMPARE(all.pollsTrue, whole.pollsTrue);
    QCOMPARE(all.pollsFalse, whole.pollsFalse);
    QCOMPARE(all.blockedSendNs, whole.blockedSendNs);

    // A part of it, against a walk over everything: the messages sent in it, their bytes and
    // latencies, the polls that ended in it, the deepest queue in it, blocked in send within it.
    const TimeRange range{t / 3, 2 * t / 3};
    const RunStatistics part = RunStatistics::ofRange(store, range);
    const TraceStore::Channel& channel = store.channel(0);
    qint64 messages = 0;
    qint64 delivered = 0;
    qint64 bytes = 0;
    qint64 longest = 0;
    for (size_t seq = 0; seq < channel.sendTimes.size(); ++seq) {
        if (!range.contains(channel.sendTimes[seq]))
            continue;
        ++messages;
        bytes += channel.sentBytes[seq] - (seq > 0 ? channel.sentBytes[seq - 1] : 0);
        if (seq < channel.recvTimes.size()) {
            ++delivered;
            longest = std::max(longest, channel.recvTimes[seq] - channel.sendTimes[seq]);
        }
    }
    QVERIFY(messages > 100 && messages < 2000);
    QCOMPARE(part.messages, messages);
    QCOMPARE(part.delivered, delivered);
    QCOMPARE(part.bytesSent, bytes);
    QCOMPARE(part.latencyMaxNs, longest);
    QCOMPARE(part.durationNs, range.end - range.start);
    qint64 polls = 0;
    for (const quint32 e : store.process(1).pollEvents)
        polls += range.contains(store.time(e)) ? 1 : 0;
    QCOMPARE(part.pollsTrue + part.pollsFalse, polls);
    qint64 deepest = 0;
    for (qint64 at = range.start; at <= range.end; ++at)
        deepest = std::max(deepest, store.depthAt(0, at));
    QCOMPARE(part.maxDepth.front(), deepest);
    qint64 blocked = 0;
    for (qint64 at = range.start; at < range.end; ++at) {
        const TraceStore::EventList& states = store.process(0).stateEvents;
        const auto after = std::upper_bound(states.begin(), states.end(), at,
                                            [&](qint64 v, quint32 e) { return v < store.time(e); });
        if (after != states.begin() &&
            ProcessState(store.detail(*(after - 1))) == ProcessState::BlockedSend)
            ++blocked;
    }
    QCOMPARE(part.blockedSendNs.front(), blocked);
}

void TestRunStatistics::sortedRunsAnswerAsOneSortedVector()
{
    // Batches of every size, duplicates and negatives, and one of any 64-bit numbers: each order
    // statistic is the sorted vector's, and however many numbers, the runs stay few (none
    // merged beyond kMaxMerge).
    QRandomGenerator random(7);
    SortedRuns runs;
    std::vector<qint64> all;
    for (int batch = 0; batch < 400; ++batch) {
        const int count = batch % 50 == 0 ? 200'000 : int(random.bounded(2000));
        for (int i = 0; i < count; ++i) {
            const qint64 value =
                batch == 50 ? qint64(random.generate64())
                            : qint64(random.bounded(100'000)) - 1000 + (batch % 7 == 0 ? 1 : 0);
            runs.add(value);
            all.push_back(value);
        }
        runs.settle();
        QCOMPARE(runs.size(), all.size());
        if (all.empty() || (batch % 50 != 0 && batch != 399))
            continue;
        std::vector<qint64> sorted = all;
        std::sort(sorted.begin(), sorted.end());
        for (const size_t k : {size_t(0), sorted.size() / 2, sorted.size() * 99 / 100,
                               sorted.size() - 1, size_t(random.bounded(quint32(sorted.size())))})
            QCOMPARE(runs.nth(k), sorted[k]);
        QCOMPARE(runs.max(), sorted.back());
    }
    QVERIFY(all.size() > SortedRuns::kMaxMerge);
    QVERIFY2(runs.runCount() <= all.size() / (SortedRuns::kMaxMerge / 2) + 24,
             qPrintable(QString::number(runs.runCount())));
}

QTEST_APPLESS_MAIN(TestRunStatistics)
#include "tst_runstatistics.moc"
