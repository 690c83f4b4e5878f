// The runner's decisions without a single process: how every scenario's pipe ends are wired into
// its children, and when a run is deadlocked, read from synthetic stores.
#include "findings/DeadlockDetector.h"
#include "run/DescriptorHandover.h"
#include "run/PipeWiring.h"
#include "run/ScenarioCatalog.h"
#include "run/SharedRecvOrder.h"
#include "trace/TraceStore.h"

#include <QTest>
#include <map>
#include <set>

using namespace pipescope;

namespace {

TelemetryRecord state(ProcessState what, qint64 t, quint16 channel = kNoChannel)
{
    TelemetryRecord record;
    record.kind = EventKind::State;
    record.detail = quint8(what);
    record.channel = channel;
    record.tNs = record.startNs = t;
    return record;
}

TelemetryRecord send(quint16 channel, qint64 seq, qint64 t)
{
    TelemetryRecord record;
    record.kind = EventKind::Send;
    record.channel = channel;
    record.seq = seq;
    record.tNs = record.startNs = t;
    record.amount = 8;
    return record;
}

TelemetryRecord exitRecord(qint64 t, int code)
{
    TelemetryRecord record;
    record.kind = EventKind::Exit;
    record.tNs = record.startNs = t;
    record.amount = code;
    return record;
}

// left and right, joined by one duplex pipe: channel 0 is left->right, 1 is right->left.
void addPair(TraceStore& store)
{
    store.addProcess(QStringLiteral("left"), QStringLiteral("receiver"));
    store.addProcess(QStringLiteral("right"), QStringLiteral("receiver"));
    store.addChannel(QStringLiteral("left->right"), 0, 1);
    store.addChannel(QStringLiteral("right->left"), 1, 0);
}

} // namespace

class TestRunPlan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyScenarioIsWiredEndToEnd_data();
    void everyScenarioIsWiredEndToEnd();
    void fanInHandsTheConsumerOneDescriptorPerPipe();
    void twoReceiversWaitingOnEachOtherAreADeadlock();
    void aMessageOnItsWayIsNoDeadlock();
    void aFullPipeIsADeadlockOnlyWhenItsReaderCannotRead();
    void aDeadlockIsDeclaredOnlyIfNothingHappensMeanwhile();
    void aReaderWhoseWriterEndedWaitsForEof();
    void joiningAProcessThatSendsToTheJoinerIsAJoinDeadlock();
    void joiningIsRecordedWithItsProcess();
    void recvsOnASharedEndGoInTheOrderTheyHappened();
};

void TestRunPlan::everyScenarioIsWiredEndToEnd_data()
{
    QTest::addColumn<QString>("scenario");
    for (const Scenario& scenario : ScenarioCatalog::all())
        QTest::newRow(qPrintable(scenario.name)) << scenario.name;
}

void TestRunPlan::everyScenarioIsWiredEndToEnd()
{
    QFETCH(QString, scenario);
    RunRequest request;
    request.scenario = scenario;
    request.seed = 1;
    const auto settings = ScenarioCatalog::resolve(request);
    QVERIFY(settings.ok());
    const ScenarioPlan& plan = settings->plan;
    const QList<ChannelPlan> channels = plan.channels();
    const QList<EndWiring> ends = wirePipes(plan);
    qsizetype copies = 0;
    for (const PipePlan& pipe : plan.pipes)
        copies += pipe.firstCopies.size() + pipe.secondCopies.size() + pipe.firstSharers.size();
    QCOMPARE(ends.size(), 2 * plan.pipes.size() + copies);

    std::map<int, int> writers; // channel -> ends writing it
    std::map<int, int> readers;
    std::map<int, std::vector<int>> descriptors; // process -> its ends' descriptors, in order
    for (const EndWiring& end : ends) {
        const PipePlan& pipe = plan.pipes[end.pipe];
        descriptors[end.process].push_back(end.childDescriptor);
        const QList<int>& copiesOfEnd = end.side == 0 ? pipe.firstCopies : pipe.secondCopies;
        const bool sharer = end.side == 0 && pipe.firstSharers.contains(end.process);
        if (!sharer && end.process != (end.side == 0 ? pipe.firstProcess : pipe.secondProcess)) {
            // A forgotten copy: held, never used.
            QVERIFY(copiesOfEnd.contains(end.process));
            QCOMPARE(end.argument(), QStringLiteral("%1:-:-").arg(end.childDescriptor));
            continue;
        }
        if (end.writes >= 0) {
            ++writers[end.writes];
            QCOMPARE(channels[end.writes].from, end.process);
            QCOMPARE(channels[end.writes].pipe, end.pipe);
        }
        if (end.reads >= 0) {
            ++readers[end.reads];
            QVERIFY(channels[end.reads].to == end.process ||
                    (channels[end.reads].sharedReaders && pipe.firstSharers.contains(end.process)));
        }
        if (pipe.kind == PipeKind::OneWay) {
            // Pipe(duplex=False): the first end only reads, the second only writes.
            QCOMPARE(end.writes >= 0, end.side == 1);
            QCOMPARE(end.reads >= 0, end.side == 0);
        } else if (pipe.kind == PipeKind::Sentinel) {
            QVERIFY(end.writes < 0 && end.reads < 0); // no messages, only its EOF
        } else {
            QVERIFY(end.writes >= 0 && end.reads >= 0);
        }
        QCOMPARE(end.argument(),
                 QStringLiteral("%1:%2:%3")
                     .arg(end.childDescriptor)
                     .arg(end.writes < 0 ? QStringLiteral("-") : QString::number(end.writes),
                          end.reads < 0 ? QStringLiteral("-") : QString::number(end.reads)));
    }
    // Every direction has exactly one writing end and one reading end.
    for (int c = 0; c < channels.size(); ++c) {
        QCOMPARE(writers[c], 1);
        QCOMPARE(readers[c], 1 + int(plan.pipes[channels[c].pipe].firstSharers.size()));
    }
    // Each child's ends follow its telemetry descriptors, one after another.
    for (const auto& [process, numbers] : descriptors) {
        for (size_t i = 0; i < numbers.size(); ++i)
            QCOMPARE(numbers[i],
                     DescriptorHandover::childDescriptor(kTelemetryDescriptors + int(i)));
    }
}

void TestRunPlan::fanInHandsTheConsumerOneDescriptorPerPipe()
{
    RunRequest request;
    request.scenario = QStringLiteral("fan-in");
    request.parameters = {{QStringLiteral("producers"), 3}};
    const auto settings = ScenarioCatalog::resolve(request);
    QVERIFY(settings.ok());
    QStringList consumer;
    for (const EndWiring& end : wirePipes(settings->plan)) {
        if (end.process == 0)
            consumer.append(end.argument());
    }
    const auto fd = [](int i) {
        return DescriptorHandover::childDescriptor(kTelemetryDescriptors - 1 + i);
    };
    QCOMPARE(consumer,
             (QStringList{QStringLiteral("%1:-:0").arg(fd(1)), QStringLiteral("%1:-:1").arg(fd(2)),
                          QStringLiteral("%1:-:2").arg(fd(3))}));
}

void TestRunPlan::twoReceiversWaitingOnEachOtherAreADeadlock()
{
    TraceStore store;
    addPair(store);
    QVERIFY(store.append(0, state(ProcessState::BlockedRecv, 10, 1), {}).ok());
    QVERIFY(store.append(1, state(ProcessState::BlockedRecv, 11, 0), {}).ok());
    const int live[] = {0, 1};
    QCOMPARE(DeadlockDetector::find(store, live, 20),
             std::optional(QStringLiteral("deadlock: left is blocked in recv on right->left; right "
                                          "is blocked in recv on left->right, and no live process "
                                          "can send what they wait for")));
    // One of them still running: it may yet send.
    QVERIFY(store.append(1, state(ProcessState::Running, 12), {}).ok());
    QCOMPARE(DeadlockDetector::find(store, live, 20), std::nullopt);
    QCOMPARE(DeadlockDetector::find(store, {}, 20), std::nullopt);
}

void TestRunPlan::aMessageOnItsWayIsNoDeadlock()
{
    TraceStore store;
    addPair(store);
    QVERIFY(store.append(1, send(1, 0, 5), "1").ok());
    QVERIFY(store.append(1, state(ProcessState::BlockedRecv, 6, 0), {}).ok());
    QVERIFY(store.append(0, state(ProcessState::BlockedRecv, 7, 1), {}).ok());
    const int live[] = {0, 1};
    // left waits on right->left, where a message is in flight: it will get it.
    QCOMPARE(DeadlockDetector::find(store, live, 20), std::nullopt);
}

void TestRunPlan::aFullPipeIsADeadlockOnlyWhenItsReaderCannotRead()
{
    TraceStore store;
    addPair(store);
    QVERIFY(store.append(0, state(ProcessState::BlockedSend, 10, 0), {}).ok());
    QVERIFY(store.append(1, state(ProcessState::Sleeping, 10), {}).ok());
    const int both[] = {0, 1};
    QCOMPARE(DeadlockDetector::find(store, both, 20), std::nullopt); // right will read
    QVERIFY(store.append(1, exitRecord(15, 0), {}).ok());
    const int onlyLeft[] = {0};
    QCOMPARE(DeadlockDetector::find(store, onlyLeft, 20),
             std::optional(QStringLiteral("deadlock: left is blocked in send on left->right, and "
                                          "no live process can send what they wait for")));
}

void TestRunPlan::aDeadlockIsDeclaredOnlyIfNothingHappensMeanwhile()
{
    TraceStore store;
    addPair(store);
    QVERIFY(store.append(0, state(ProcessState::BlockedRecv, 10, 1), {}).ok());
    QVERIFY(store.append(1, state(ProcessState::BlockedRecv, 11, 0), {}).ok());
    const int live[] = {0, 1};
    DeadlockDetector detector;
    QCOMPARE(detector.check(store, live, 20), DeadlockDetector::Verdict::Suspected);
    // Something was recorded in between (a line printed): suspected afresh, not declared.
    TelemetryRecord line;
    line.kind = EventKind::Stdout;
    line.tNs = line.startNs = 21;
    QVERIFY(store.append(0, line, "still here").ok());
    QCOMPARE(detector.check(store, live, 30), DeadlockDetector::Verdict::Suspected);
    QCOMPARE(detector.check(store, live, 40), DeadlockDetector::Verdict::Declared);
    QVERIFY(detector.description().startsWith(QLatin1String("deadlock: left is blocked")));
    // Once someone can go on, it is no longer suspected.
    QVERIFY(store.append(1, state(ProcessState::Running, 41), {}).ok());
    QCOMPARE(detector.check(store, live, 50), DeadlockDetector::Verdict::None);
}

QTEST_GUILESS_MAIN(TestRunPlan)
#include "tst_runplan.moc"

void TestRunPlan::aReaderWhoseWriterEndedWaitsForEof()
{
    TraceStore store;
    addPair(store);
    QVERIFY(store.append(1, exitRecord(5, 0), {}).ok());
    QVERIFY(store.append(0, state(ProcessState::BlockedRecv, 10, 1), {}).ok());
    const int live[] = {0};
    const auto holders = [](int channel) {
        return channel == 1 ? QStringList{QStringLiteral("left")} : QStringList();
    };
    const std::optional<QString> found = DeadlockDetector::find(store, live, 20, holders);
    QCOMPARE(found, std::optional(QStringLiteral(
                        "no EOF: left is blocked in recv on right->left, whose writer right has "
                        "ended, but a copy of its write end is still open in left: recv() raises "
                        "EOFError only once every copy of the write end is closed")));
    QCOMPARE(DeadlockDetector::kindOf(*found), DeadlockDetector::Kind::NoEof);
    // Without knowing who holds the end, the wait is still named.
    QVERIFY(DeadlockDetector::find(store, live, 20)
                ->startsWith(QLatin1String(
                    "no EOF: left is blocked in recv on right->left, whose writer right has "
                    "ended: recv()")));
    // A writer that is still there may yet send: a plain deadlock only if it is stuck too.
    TraceStore both;
    addPair(both);
    QVERIFY(both.append(0, state(ProcessState::BlockedRecv, 10, 1), {}).ok());
    QVERIFY(both.append(1, state(ProcessState::BlockedRecv, 11, 0), {}).ok());
    const int pair[] = {0, 1};
    QCOMPARE(DeadlockDetector::kindOf(*DeadlockDetector::find(both, pair, 20, holders)),
             DeadlockDetector::Kind::Deadlock);
}

void TestRunPlan::joiningAProcessThatSendsToTheJoinerIsAJoinDeadlock()
{
    TraceStore store;
    addPair(store);
    TelemetryRecord join = state(ProcessState::Joining, 10);
    join.amount = 1;
    QVERIFY(store.append(0, join, {}).ok());
    const int live[] = {0, 1};
    // right is still running: it may end, and the join return.
    QCOMPARE(DeadlockDetector::find(store, live, 20), std::nullopt);
    // right blocks sending to left, which will not read until right has ended.
    QVERIFY(store.append(1, state(ProcessState::BlockedSend, 11, 1), {}).ok());
    const std::optional<QString> found = DeadlockDetector::find(store, live, 20);
    QCOMPARE(found, std::optional(QStringLiteral(
                        "deadlock in join: left is joining right; right is blocked in send on "
                        "right->left, and no live process can send what they wait for")));
    QCOMPARE(DeadlockDetector::kindOf(*found), DeadlockDetector::Kind::JoinPending);
    // Once right has ended, the join returns: no deadlock.
    QVERIFY(store.append(1, exitRecord(15, 0), {}).ok());
    const int onlyLeft[] = {0};
    QCOMPARE(DeadlockDetector::find(store, onlyLeft, 20), std::nullopt);
}

void TestRunPlan::joiningIsRecordedWithItsProcess()
{
    TraceStore store;
    addPair(store);
    TelemetryRecord join = state(ProcessState::Joining, 10);
    join.amount = 1;
    QVERIFY(store.append(0, join, {}).ok());
    QCOMPARE(store.process(0).state, ProcessState::Joining);
    QCOMPARE(store.process(0).joins, 1);
    QCOMPARE(store.joinedProcess(store.process(0).stateEvents.back()), 1);
    QVERIFY(store.append(0, state(ProcessState::Running, 11), {}).ok());
    QCOMPARE(store.process(0).joins, -1);
    // Joining itself, or a process that does not exist, is refused.
    for (const qint64 bad : {qint64(0), qint64(2), qint64(-1)}) {
        join.amount = bad;
        QVERIFY(!store.append(0, join, {}).ok());
    }
}

void TestRunPlan::recvsOnASharedEndGoInTheOrderTheyHappened()
{
    // Readers 1 and 2 share channel 0; their telemetry arrives out of time order.
    SharedRecvOrder order;
    order.addChannel(0, {1, 2});
    QVERIFY(order.isShared(0));
    QVERIFY(!order.isShared(1));
    const auto recvAt = [](qint64 t) {
        TelemetryRecord record;
        record.kind = EventKind::Recv;
        record.channel = 0;
        record.seq = 0; // each reader's own count
        record.tNs = record.startNs = t;
        return record;
    };
    QStringList released;
    const auto append = [&](int process, const TelemetryRecord& record, QByteArrayView text,
                            QByteArrayView) {
        released.append(QStringLiteral("%1@%2:%3")
                            .arg(process)
                            .arg(record.tNs)
                            .arg(QString::fromUtf8(text.toByteArray())));
    };
    const qint64 now = 1'000'000'000;
    order.reported(2, now - 1000);
    order.hold(2, recvAt(now - 1000), "b", {});
    order.reported(1, now - 2000);
    order.hold(1, recvAt(now - 2000), "a", {});
    // Reader 1 has reported up to its recv only: reader 2's, later, waits for it.
    order.release(now, false, append);
    QCOMPARE(released, QStringList{"1@999998000:a"});
    order.reported(1, now - 500);
    order.release(now, false, append);
    QCOMPARE(released, (QStringList{"1@999998000:a", "2@999999000:b"}));
    QVERIFY(order.empty());
    // A reader that says nothing more: held for kHoldBackNs, then let go.
    order.hold(1, recvAt(now), "c", {});
    order.release(now + 1000, false, append);
    QCOMPARE(released.size(), 2);
    order.release(now + SharedRecvOrder::kHoldBackNs, false, append);
    QCOMPARE(released.size(), 3);
    // An ended reader holds nothing back; at the end, everything goes.
    order.hold(2, recvAt(now + 10), "d", {});
    order.hold(1, recvAt(now + 20), "e", {});
    order.ended(1);
    order.release(now + 30, false, append);
    QCOMPARE(released.size(), 4);
    order.release(now + 30, true, append);
    QCOMPARE(released.last(), QStringLiteral("1@1000000020:e"));
    QVERIFY(order.empty());
}
