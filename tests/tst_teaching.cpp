// The teaching scenarios, run for real: each commits its mistake with real pipescope-worker
// processes, `pipescope run` exits 0 because the mistake played out, its finding is made (and
// no other finding above info that the mistake does not explain), the saved run gives the same
// findings to `pipescope check`; and a scenario whose mistake does not happen, or that the user
// stops, does not count as shown.
#include "RunHelpers.h"
#include "findings/FindingsAnalyzer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

using namespace pipescope;
using namespace pipescope::testing;

namespace {

struct Outcome
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Outcome runPipescope(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(PIPESCOPE_PATH), arguments);
    if (!process.waitForFinished(120000))
        qFatal("pipescope did not finish");
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

// "severity kind" of every finding in a findings file, in its order.
QStringList findingKinds(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {QStringLiteral("cannot read ") + path};
    QStringList kinds;
    for (const QJsonValue& finding : QJsonDocument::fromJson(file.readAll()).array()) {
        const QJsonObject object = finding.toObject();
        kinds.append(object.value(QStringLiteral("severity")).toString() + u' ' +
                     object.value(QStringLiteral("kind")).toString());
    }
    return kinds;
}

} // namespace

class TestTeaching : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theMistakePlaysOutAndIsFound_data();
    void theMistakePlaysOutAndIsFound();
    void aMistakeThatDoesNotHappenIsNotShown();
    void aStoppedTeachingRunIsNotShown();
    void theFindingNamesWhoHoldsTheEndOpen();
    void theOtherScenariosShowOnlyWhatTheyMeanTo_data();
    void theOtherScenariosShowOnlyWhatTheyMeanTo();
};

void TestTeaching::theMistakePlaysOutAndIsFound_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("parameters");
    QTest::addColumn<QStringList>("kinds");
    QTest::addColumn<bool>("exactly"); // no other finding, or the mistake's outcome varies
    QTest::newRow("deadlock") << "deadlock" << QStringList() << QStringList{"error deadlock"}
                              << true;
    QTest::newRow("forgot-close") << "forgot-close" << QStringList{"count=3"}
                                  << QStringList{"error no-eof"} << true;
    // The worker, stuck in send while main joins it, is blocked-send as well.
    QTest::newRow("join-before-get")
        << "join-before-get" << QStringList()
        << QStringList{"error join-pending", "warning blocked-send"} << true;
    QTest::newRow("full-pipe") << "full-pipe" << QStringList{"count=2", "delay=0.3"}
                               << QStringList{"warning blocked-send", "info large-message"} << true;
    QTest::newRow("busy-poll") << "busy-poll" << QStringList{"count=3", "interval=0.1"}
                               << QStringList{"warning busy-poll"} << true;
    // Whether a message is torn between the readers (failed calls, crashes) is up to the race.
    QTest::newRow("two-readers") << "two-readers" << QStringList()
                                 << QStringList{"warning shared-end"} << false;
}

void TestTeaching::theMistakePlaysOutAndIsFound()
{
    QFETCH(QString, scenario);
    QFETCH(QStringList, parameters);
    QFETCH(QStringList, kinds);
    QFETCH(bool, exactly);
    QTemporaryDir dir;
    const QString events = dir.filePath(QStringLiteral("events.jsonl"));
    const QString findings = dir.filePath(QStringLiteral("findings.json"));
    QStringList arguments = {"run",      scenario, "--seed",     "1",     "--quiet",
                             "--events", events,   "--findings", findings};
    for (const QString& parameter : parameters)
        arguments << "--param" << parameter;
    const Outcome run = runPipescope(arguments);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.contains(QByteArray(scenario.toUtf8() + ": the mistake played out")),
             run.out.constData());
    const QStringList found = findingKinds(findings);
    if (exactly) {
        QCOMPARE(found, kinds);
    } else {
        for (const QString& kind : kinds)
            QVERIFY2(found.contains(kind), qPrintable(found.join(u", ")));
    }
    // The saved run says the same to `pipescope check` (1: findings above info).
    const QString checked = dir.filePath(QStringLiteral("checked.json"));
    QCOMPARE(runPipescope({"check", events, "--findings", checked}).exitCode, 1);
    // The same findings; those of one severity may come in another order, since a file numbers
    // its processes by first appearance, not as the run did (two readers' errors, for one).
    QStringList checkedKinds = findingKinds(checked);
    QStringList foundKinds = found;
    checkedKinds.sort();
    foundKinds.sort();
    QCOMPARE(checkedKinds, foundKinds);
}

void TestTeaching::aMistakeThatDoesNotHappenIsNotShown()
{
    // Items that fit the pipe, read at once: nobody blocks, so there is nothing to show.
    auto runner = makeRunner();
    QVERIFY(runner
                ->start(settingsFor(QStringLiteral("full-pipe"), 1, 1,
                                    {{"count", 2}, {"size", 1000}, {"delay", 0}}))
                .ok());
    QVERIFY(waitForEnd(*runner));
    QVERIFY(!runner->succeeded());
    QVERIFY(runner->demonstration().isEmpty());
    const QString problems = runner->problems().join(u'\n');
    QVERIFY2(problems.contains(QLatin1String("the mistake full-pipe is meant to show did not "
                                             "play out: no blocked-send finding")),
             qPrintable(problems));
    // A join of a worker whose result fits the pipe returns: no deadlock, and main gets it.
    auto small = makeRunner();
    QVERIFY(
        small->start(settingsFor(QStringLiteral("join-before-get"), 1, 1, {{"size", 100}})).ok());
    QVERIFY(waitForEnd(*small));
    QVERIFY(!small->succeeded());
    const TraceStore& store = small->store();
    QCOMPARE(checkInvariants(store), QString());
    QCOMPARE(store.messages().size(), size_t(1));
    QCOMPARE(store.undeliveredCount(), 0);
    for (int p = 0; p < store.processCount(); ++p)
        QCOMPARE(store.process(p).exitCode, 0);
    bool joined = false;
    for (const quint32 e : store.process(0).stateEvents)
        joined |=
            ProcessState(store.detail(e)) == ProcessState::Joining && store.joinedProcess(e) == 1;
    QVERIFY(joined);
}

void TestTeaching::aStoppedTeachingRunIsNotShown()
{
    // Stopped before the deadlock could be declared: the user's stop, not a demonstration.
    auto runner = makeRunner();
    runner->setDeadlockDelay(60000);
    QVERIFY(runner->start(settingsFor(QStringLiteral("deadlock"), 1, 1)).ok());
    QTest::qWait(200);
    runner->stop();
    QVERIFY(waitForEnd(*runner));
    QVERIFY(runner->stopped());
    QVERIFY(!runner->succeeded());
    QVERIFY(runner->demonstration().isEmpty());
    for (int p = 0; p < runner->store().processCount(); ++p)
        QVERIFY(runner->store().process(p).stopped);
}

void TestTeaching::theFindingNamesWhoHoldsTheEndOpen()
{
    auto runner = makeRunner();
    runner->setStopGrace(300);
    QVERIFY(runner->start(settingsFor(QStringLiteral("forgot-close"), 1, 0, {{"count", 2}})).ok());
    QVERIFY(waitForEnd(*runner));
    QVERIFY2(runner->succeeded(), qPrintable(runner->problems().join(u'\n')));
    const std::vector<Finding> findings = FindingsAnalyzer::analyze(runner->store(), true);
    QCOMPARE(findings.size(), size_t(1));
    const Finding& noEof = findings.front();
    QCOMPARE(noEof.kind, QStringLiteral("no-eof"));
    QCOMPARE(noEof.title, QStringLiteral("receiver is blocked in recv on sender->receiver, whose "
                                         "writer sender has ended"));
    QVERIFY2(noEof.explanation.contains(
                 QLatin1String("a copy of its write end is still open in receiver")),
             qPrintable(noEof.explanation));
    QCOMPARE(noEof.processes, QStringList{"receiver"});
    QCOMPARE(noEof.channels, QStringList{"sender->receiver"});
    // Both values arrived; the sender ended normally; the receiver was stopped, not crashed.
    const TraceStore& store = runner->store();
    QCOMPARE(store.messages().size(), size_t(2));
    QCOMPARE(store.undeliveredCount(), 0);
    QCOMPARE(store.process(0).exitCode, 0);
    QVERIFY(store.process(1).stopped);
}

void TestTeaching::theOtherScenariosShowOnlyWhatTheyMeanTo_data()
{
    // No false positives: each scenario that commits no mistake, at several seeds, gives only the
    // findings its design explains (pingpong's last value, bytes' refusals, flood's full pipe).
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<ParameterValues>("parameters");
    QTest::addColumn<QStringList>("allowed");
    const QList<std::tuple<const char*, ParameterValues, QStringList>> scenarios = {
        {"sender-receiver", {}, {}},
        {"pingpong", {}, {"info undelivered"}},
        {"bytes", {}, {"warning buffer-too-short", "warning undelivered", "info undelivered"}},
        {"poll", {{"count", 3}, {"interval", 0.05}}, {}},
        // A reader that never pauses: the odd delivery the scheduler delays stands out (info).
        {"flood",
         {{"count", 2000}, {"delay", 0}},
         {"warning blocked-send", "info latency-outliers"}},
        {"fan-in", {{"producers", 4}}, {}},
    };
    for (const auto& [name, parameters, allowed] : scenarios) {
        for (const quint64 seed : {1, 2, 3})
            QTest::addRow("%s seed %llu", name, seed)
                << QString::fromLatin1(name) << parameters << allowed;
    }
}

void TestTeaching::theOtherScenariosShowOnlyWhatTheyMeanTo()
{
    QFETCH(QString, scenario);
    QFETCH(ParameterValues, parameters);
    QFETCH(QStringList, allowed);
    const quint64 seed = QByteArray(QTest::currentDataTag()).split(' ').last().toULongLong();
    auto runner = makeRunner();
    // A fifth of the tutorial's seconds: the same order of events, in a fifth of the time.
    QVERIFY(runner->start(settingsFor(scenario, seed, 0.2, parameters)).ok());
    QVERIFY(waitForEnd(*runner));
    QVERIFY2(runner->succeeded(), qPrintable(runner->problems().join(u'\n')));
    for (const Finding& finding : FindingsAnalyzer::analyze(runner->store(), true)) {
        const QString kind =
            QStringLiteral("%1 %2").arg(severityName(finding.severity), finding.kind);
        QVERIFY2(allowed.contains(kind), qPrintable(kind + QStringLiteral(": ") + finding.title));
    }
}

QTEST_GUILESS_MAIN(TestTeaching)
#include "tst_teaching.moc"
