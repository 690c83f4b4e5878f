// The scenario runner with real pipescope-worker processes over real pipes: every scenario runs to
// its end, the recorded events keep their invariants, seeded values equal CPython's, and faults
// (a killed child, garbage telemetry, a deadlock, a stop) end the run cleanly with nothing lost.
#include "RunHelpers.h"
#include "run/ScenarioCatalog.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <csignal>

using namespace pipescope;
using namespace pipescope::testing;

namespace {

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::NoDotAndDotDot | QDir::AllEntries)
                   .size());
}

} // namespace

class TestRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyScenarioRunsToItsEnd_data();
    void everyScenarioRunsToItsEnd();
    void seededValuesEqualCPython_data();
    void seededValuesEqualCPython();
    void pingpongLeavesTheLastValueUndelivered();
    void aKilledChildIsReportedAndNothingIsLost();
    void aDeadlockIsReportedByName();
    void afterADeadlockAReaderWhoseWritersAreGoneGetsEof();
    void bytesRunsWithEveryMaxlength_data();
    void failedCallsNameTheirMessages();
    void aSendThatRaisesIsAnErrorAndNoMessage();
    void bytesRunsWithEveryMaxlength();
    void stopEndsALongRun();
    void aPacedFloodKeepsToItsRate();
    void runsSideBySideLeakNothing();
    void badRequestsSayWhatIsAllowed_data();
    void badRequestsSayWhatIsAllowed();
};

void TestRunner::everyScenarioRunsToItsEnd_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<ParameterValues>("parameters");
    QTest::addColumn<qsizetype>("undelivered");
    QTest::newRow("sender-receiver") << "sender-receiver" << ParameterValues{} << qsizetype(0);
    QTest::newRow("pingpong") << "pingpong" << ParameterValues{} << qsizetype(1);
    // The message recv_bytes(maxlength) refused stays in the pipe.
    QTest::newRow("bytes") << "bytes" << ParameterValues{} << qsizetype(1);
    QTest::newRow("poll") << "poll" << ParameterValues{} << qsizetype(0);
    QTest::newRow("flood") << "flood"
                           << ParameterValues{{"count", 3000}, {"size", 4096}, {"delay", 0}}
                           << qsizetype(0);
    QTest::newRow("fan-in") << "fan-in" << ParameterValues{{"producers", 4}} << qsizetype(0);
}

void TestRunner::everyScenarioRunsToItsEnd()
{
    QFETCH(QString, scenario);
    QFETCH(ParameterValues, parameters);
    QFETCH(qsizetype, undelivered);
    auto runner = makeRunner();
    QVERIFY(runner->start(settingsFor(scenario, 3, 0, parameters)).ok());
    QVERIFY(waitForEnd(*runner));
    QVERIFY2(runner->succeeded(), qPrintable(runner->problems().join(u'\n')));
    const TraceStore& store = runner->store();
    QCOMPARE(checkInvariants(store), QString());
    QCOMPARE(store.undeliveredCount(), undelivered);
    QVERIFY(!store.messages().empty());
    for (int p = 0; p < store.processCount(); ++p) {
        QVERIFY(store.process(p).ended);
        QVERIFY(store.process(p).pid > 0);
        QCOMPARE(store.process(p).exitCode, 0);
        QCOMPARE(store.process(p).state, ProcessState::Exited);
    }
}

void TestRunner::seededValuesEqualCPython_data()
{
    QFile file(QStringLiteral(PIPESCOPE_TEST_DATA_DIR "/scenario_golden.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("scenario_golden.json is missing");
    const QJsonObject golden = QJsonDocument::fromJson(file.readAll()).object();
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<QJsonObject>("expected");
    for (auto it = golden.begin(); it != golden.end(); ++it) {
        const QStringList parts = it.key().split(u' ');
        QTest::newRow(qPrintable(it.key()))
            << parts[0] << parts[1].toULongLong() << it.value().toObject();
    }
}

void TestRunner::seededValuesEqualCPython()
{
    QFETCH(QString, scenario);
    QFETCH(quint64, seed);
    QFETCH(QJsonObject, expected);
    auto runner = makeRunner();
    QVERIFY(runner->start(settingsFor(scenario, seed, 0)).ok());
    QVERIFY(waitForEnd(*runner));
    QVERIFY(runner->succeeded());
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        QStringList lines;
        for (const QJsonValue& line : it.value().toArray())
            lines.append(line.toString());
        QCOMPARE(linesOf(runner->store(), it.key()), lines);
    }
}

void TestRunner::pingpongLeavesTheLastValueUndelivered()
{
    auto runner = makeRunner();
    QVERIFY(runner->start(settingsFor(QStringLiteral("pingpong"), 7, 0)).ok());
    QVERIFY(waitForEnd(*runner));
    const TraceStore& store = runner->store();
    QCOMPARE(store.undeliveredCount(), 1);
    // The undelivered one is the last value sent, 11.305111911152222 for seed 7 (as CPython).
    const auto& messages = store.messages();
    const auto last = std::find_if(messages.begin(), messages.end(),
                                   [](const TraceStore::Message& m) { return m.recvEvent < 0; });
    QVERIFY(last != messages.end());
    QCOMPARE(store.text(last->sendEvent), QByteArrayView("11.305111911152222"));
    QCOMPARE(qsizetype(messages.size()), store.deliveredCount() + 1);
}

void TestRunner::aKilledChildIsReportedAndNothingIsLost()
{
    auto runner = makeRunner();
    // A slow receiver keeps the run going long enough to kill it in the middle.
    QVERIFY(runner
                ->start(settingsFor(QStringLiteral("flood"), 0, 1,
                                    {{"count", 100000}, {"size", 1024}, {"delay", 0.01}}))
                .ok());
    const TraceStore& store = runner->store();
    QTRY_VERIFY_WITH_TIMEOUT(store.deliveredCount() >= 5, 60000);
    const qsizetype eventsBefore = store.eventCount();
    const qint64 receiverPid = store.process(1).pid;
    QCOMPARE(store.process(1).name, QStringLiteral("receiver"));
    QCOMPARE(::kill(pid_t(receiverPid), SIGKILL), 0);
    QVERIFY(waitForEnd(*runner));
    QVERIFY(!runner->succeeded());
    QVERIFY(store.eventCount() >= eventsBefore);
    QVERIFY(store.process(1).crashed);
    QCOMPARE(store.process(1).signal, SIGKILL);
    QCOMPARE(store.process(1).state, ProcessState::Crashed);
    QVERIFY2(runner->problems().join(u'\n').contains(QLatin1String("receiver")) &&
                 runner->problems().join(u'\n').contains(QLatin1String("SIGKILL")),
             qPrintable(runner->problems().join(u'\n')));
    // Its peer saw the pipe break once the runner closed its copy, and ended too.
    QVERIFY(store.process(0).ended);
    QCOMPARE(checkInvariants(store), QString());
}

void TestRunner::aDeadlockIsReportedByName()
{
    // Two receivers on one pipe: each waits for the other.
    RunSettings settings = settingsFor(QStringLiteral("sender-receiver"), 0, 0);
    settings.plan.processes[0].role = QStringLiteral("receiver");
    settings.plan.processes[0].name = QStringLiteral("left");
    settings.plan.processes[1].name = QStringLiteral("right");
    settings.plan.pipes[0].kind = PipeKind::Duplex;
    auto runner = makeRunner();
    QVERIFY(runner->start(settings).ok());
    QVERIFY(waitForEnd(*runner));
    const QString problems = runner->problems().join(u'\n');
    QVERIFY2(problems.contains(QLatin1String("deadlock")) &&
                 problems.contains(QLatin1String("left is blocked in recv on right->left")) &&
                 problems.contains(QLatin1String("right is blocked in recv on left->right")),
             qPrintable(problems));
    // Each holds the end the other reads, so closing the runner's copies brings no EOF: the
    // runner says so and stops them (SIGTERM), as the README says.
    QVERIFY2(problems.contains(QLatin1String("left, right still wait")), qPrintable(problems));
    for (int p = 0; p < 2; ++p) {
        QVERIFY(runner->store().process(p).crashed);
        QCOMPARE(runner->store().process(p).signal, SIGTERM);
    }
    QVERIFY(!runner->succeeded());
}

void TestRunner::afterADeadlockAReaderWhoseWritersAreGoneGetsEof()
{
    // sender-receiver plus a reader of a second pipe whose only writer is the sender, which never
    // writes to it and exits normally: that reader waits for what no live process can send.
    RunSettings settings = settingsFor(QStringLiteral("sender-receiver"), 0, 0, {{"count", 3}});
    settings.plan.processes.append(
        ProcessPlan{QStringLiteral("forgotten"), QStringLiteral("receiver"), 0, {}});
    settings.plan.pipes.append(PipePlan{PipeKind::OneWay, 2, 0});
    auto runner = makeRunner();
    QVERIFY(runner->start(settings).ok());
    QVERIFY(waitForEnd(*runner));
    const TraceStore& store = runner->store();
    const QString problems = runner->problems().join(u'\n');
    QVERIFY2(problems.contains(QLatin1String(
                 "no EOF: forgotten is blocked in recv on sender->forgotten, whose writer sender "
                 "has ended, but a copy of its write end is still open in the runner")),
             qPrintable(problems));
    QVERIFY2(!problems.contains(QLatin1String("still wait")), qPrintable(problems));
    // Once the runner closed its copies, its recv() raised EOFError as CPython's would: it ended
    // by itself, not by a signal.
    const TraceStore::Process& forgotten = store.process(2);
    QVERIFY(forgotten.ended);
    QVERIFY(!forgotten.crashed);
    QCOMPARE(forgotten.exitCode, 1);
    bool sawEof = false;
    for (const quint32 e : forgotten.events)
        sawEof |= store.kind(e) == EventKind::Error && store.text(e).startsWith("EOFError");
    QVERIFY(sawEof);
    QCOMPARE(store.process(0).exitCode, 0);
    QCOMPARE(store.process(1).exitCode, 0);
}

void TestRunner::bytesRunsWithEveryMaxlength_data()
{
    // Whether the refused message fits the pipe's buffer: 0 no, 1 yes, 2 either (it depends on
    // the kernel's buffer size).
    QTest::addColumn<int>("maxlength");
    QTest::addColumn<int>("fits");
    QTest::newRow("1") << 1 << 1;
    QTest::newRow("default 100") << 100 << 1;
    QTest::newRow("130982") << 130982 << 2;
    QTest::newRow("1000000, the largest") << 1000000 << 0;
}

void TestRunner::failedCallsNameTheirMessages()
{
    auto runner = makeRunner();
    QVERIFY(runner->start(settingsFor(QStringLiteral("bytes"), 0, 0)).ok());
    QVERIFY(waitForEnd(*runner));
    const TraceStore& store = runner->store();
    // Both failed recvs of the receiver, each once, about the message it concerned: the one
    // recv_bytes_into() took and raised BufferTooShort for, the one recv_bytes(100) refused.
    const TraceStore::EventList& errors = store.process(1).errorEvents;
    QCOMPARE(errors.size(), size_t(2));
    QVERIFY(store.text(errors[0]).startsWith("BufferTooShort: b'xxx"));
    QCOMPARE(store.text(errors[1]), QByteArray("OSError: bad message length"));
    QCOMPARE(store.channelOf(errors[0]), 0);
    QCOMPARE(store.seq(errors[0]), 4);
    QCOMPARE(store.seq(errors[1]), 6);
    for (size_t m = 0; m < store.messages().size(); ++m) {
        const qint32 error = store.errorOf(store.messages()[m]);
        QCOMPARE(error, m == 4 ? qint32(errors[0]) : m == 6 ? qint32(errors[1]) : -1);
    }
    QVERIFY(store.messages()[4].recvEvent >= 0);   // taken, then raised
    QVERIFY(store.messages()[6].recvEvent < 0);    // refused
    QVERIFY(store.process(0).errorEvents.empty()); // the sender's sends all went in
}

void TestRunner::aSendThatRaisesIsAnErrorAndNoMessage()
{
    // The receiver's recv_bytes(1000000) closes its end before the sender's message of 1000001
    // bytes has gone in: the send raises BrokenPipeError.
    auto runner = makeRunner();
    QVERIFY(
        runner->start(settingsFor(QStringLiteral("bytes"), 0, 0, {{"maxlength", 1000000}})).ok());
    QVERIFY(waitForEnd(*runner));
    const TraceStore& store = runner->store();
    const TraceStore::EventList& errors = store.process(0).errorEvents;
    QCOMPARE(errors.size(), size_t(1));
    QVERIFY2(store.text(errors[0]).startsWith("BrokenPipeError"),
             store.text(errors[0]).constData());
    QCOMPARE(store.channelOf(errors[0]), 0);
    QCOMPARE(store.seq(errors[0]), qint64(store.channel(0).sendTimes.size()));
}

void TestRunner::bytesRunsWithEveryMaxlength()
{
    QFETCH(int, maxlength);
    QFETCH(int, fits);
    auto runner = makeRunner();
    QVERIFY(
        runner->start(settingsFor(QStringLiteral("bytes"), 0, 0, {{"maxlength", maxlength}})).ok());
    QVERIFY(waitForEnd(*runner));
    QVERIFY2(runner->succeeded(), qPrintable(runner->problems().join(u'\n')));
    const QStringList receiver = linesOf(runner->store(), QStringLiteral("receiver"));
    QVERIFY2(receiver.contains(QStringLiteral(">recv_bytes(maxlength=%1) raised OSError: bad "
                                              "message length; this end is now closed")
                                   .arg(maxlength)),
             qPrintable(receiver.join(u'\n')));
    const QStringList sender = linesOf(runner->store(), QStringLiteral("sender"));
    const QString refused = QStringLiteral(">send_bytes(%1 bytes)").arg(maxlength + 1);
    const bool sent = sender.contains(refused);
    const bool broken = std::any_of(sender.begin(), sender.end(), [&](const QString& line) {
        return line.startsWith(refused + QLatin1String(" raised BrokenPipeError"));
    });
    QVERIFY2(sent != broken, qPrintable(sender.join(u'\n')));
    if (fits != 2)
        QCOMPARE(sent, fits == 1);
    // A message that went in stays there, undelivered; one that could not is not a message.
    QCOMPARE(runner->store().undeliveredCount(), qsizetype(sent ? 1 : 0));
    QCOMPARE(sender.last(), QStringLiteral("Sender: Done"));
    QCOMPARE(checkInvariants(runner->store()), QString());
}

void TestRunner::stopEndsALongRun()
{
    auto runner = makeRunner();
    runner->setStopGrace(500);
    QVERIFY(runner->start(settingsFor(QStringLiteral("sender-receiver"), 0, 1, {{"count", 1000}}))
                .ok());
    QTRY_VERIFY_WITH_TIMEOUT(runner->store().eventCount() > 2, 60000);
    runner->stop();
    QVERIFY(waitForEnd(*runner));
    QVERIFY(runner->stopped());
    QVERIFY(!runner->succeeded());
    for (int p = 0; p < runner->store().processCount(); ++p)
        QVERIFY(runner->store().process(p).ended);
}

void TestRunner::aPacedFloodKeepsToItsRate()
{
    // 400 messages at 4000 a second: message i is not sent before i / 4000 s after the sender
    // started, less the millisecond it may run ahead. The sender starts its clock right after it
    // printed "Sender: Running": from that line's time the bound holds however late the first
    // send was. (A bound from below: a busy machine can only make the run slower; unpaced, the
    // 400 go out in well under a millisecond.)
    constexpr int kCount = 400;
    constexpr double kRate = 4000;
    auto runner = makeRunner();
    QVERIFY(
        runner
            ->start(settingsFor("flood", 1, 1.0,
                                {{"count", kCount}, {"size", 64}, {"delay", 0}, {"rate", kRate}}))
            .ok());
    QVERIFY(waitForEnd(*runner));
    QVERIFY2(runner->succeeded(), qPrintable(runner->problems().join(u'\n')));
    const TraceStore& store = runner->store();
    QCOMPARE(qsizetype(store.messages().size()), qsizetype(kCount + 1));
    const int sender = store.processOf(store.messages()[0].sendEvent);
    qint64 running = -1;
    for (qsizetype e = 0; e < store.eventCount() && running < 0; ++e) {
        if (store.processOf(e) == sender && store.kind(e) == EventKind::Stdout &&
            store.text(e) == "Sender: Running")
            running = store.time(e);
    }
    QVERIFY(running >= 0);
    for (qsizetype i = 1; i < kCount; i += 37) {
        const qint64 due = qint64(double(i) * 1e9 / kRate) - 1'000'000;
        QVERIFY2(store.startTime(store.messages()[i].sendEvent) - running >= due,
                 qPrintable(QStringLiteral("message %1 was sent early").arg(i)));
    }
    const qint64 last = store.startTime(store.messages()[kCount - 1].sendEvent);
    QVERIFY2(last - running >= qint64(double(kCount - 1) * 1e9 / kRate) - 1'000'000,
             "the last message was sent early");

    // At time scale 0, the rate is not kept: a run for the tests is not slowed by it. Paced, these
    // 20 messages at 1 a second would take 19 s.
    auto unpaced = makeRunner();
    QVERIFY(unpaced
                ->start(settingsFor("flood", 1, 0.0,
                                    {{"count", 20}, {"size", 64}, {"delay", 0}, {"rate", 1}}))
                .ok());
    QVERIFY(waitForEnd(*unpaced));
    QVERIFY(unpaced->succeeded());
    const TraceStore& fast = unpaced->store();
    QCOMPARE(qsizetype(fast.messages().size()), qsizetype(21));
    const qint64 span =
        fast.time(fast.messages()[19].sendEvent) - fast.startTime(fast.messages()[0].sendEvent);
    QVERIFY2(span < 5'000'000'000, qPrintable(QStringLiteral("20 sends took %1 ns").arg(span)));
}

void TestRunner::runsSideBySideLeakNothing()
{
    const int before = openDescriptors();
    for (int round = 0; round < 3; ++round) {
        auto first = makeRunner();
        auto second = makeRunner();
        QVERIFY(first->start(settingsFor(QStringLiteral("pingpong"), round, 0)).ok());
        QVERIFY(second->start(settingsFor(QStringLiteral("fan-in"), round, 0)).ok());
        QVERIFY(waitForEnd(*first));
        QVERIFY(waitForEnd(*second));
        QVERIFY(first->succeeded());
        QVERIFY(second->succeeded());
    }
    QCOMPARE(openDescriptors(), before);
}

void TestRunner::badRequestsSayWhatIsAllowed_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<ParameterValues>("parameters");
    QTest::addColumn<QString>("says");
    QTest::newRow("unknown scenario")
        << "juggle" << ParameterValues{}
        << "unknown scenario 'juggle'; the scenarios are: sender-receiver, pingpong";
    QTest::newRow("unknown parameter") << "pingpong" << ParameterValues{{"count", 3}}
                                       << "has no parameter 'count'; it has: threshold";
    QTest::newRow("out of range")
        << "sender-receiver" << ParameterValues{{"count", 0}}
        << "count=0 is not allowed: count is an integer from 1 to 1000000";
    QTest::newRow("not an integer") << "flood" << ParameterValues{{"count", 2.5}}
                                    << "count=2.5 is not allowed: count is an integer";
}

void TestRunner::badRequestsSayWhatIsAllowed()
{
    QFETCH(QString, scenario);
    QFETCH(ParameterValues, parameters);
    QFETCH(QString, says);
    RunRequest request;
    request.scenario = scenario;
    request.parameters = parameters;
    const auto settings = ScenarioCatalog::resolve(request);
    QVERIFY(!settings.ok());
    QCOMPARE(settings.error().kind(), ErrorKind::InvalidArgument);
    QVERIFY2(settings.error().message().contains(says), qPrintable(settings.error().message()));
}

QTEST_GUILESS_MAIN(TestRunner)
#include "tst_runner.moc"
