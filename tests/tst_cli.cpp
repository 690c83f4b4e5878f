// The headless CLI as scripts use it: `pipescope list` and `pipescope run`, their exit codes and
// messages, and the --events and --trace files parsed back and checked.
#include "PerfettoImport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <set>

namespace {

struct Outcome
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Outcome pipescope(const QStringList& arguments,
                  const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(PIPESCOPE_PATH), arguments);
    if (!process.waitForFinished(120000))
        qFatal("pipescope did not finish");
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

QList<QJsonObject> readEvents(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("no events file");
    QList<QJsonObject> events;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError)
            qFatal("bad JSON line: %s", line.constData());
        events.append(document.object());
    }
    return events;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listShowsEveryScenarioAndItsParameters();
    void runPrintsTheTutorialLines();
    void aDrawnSeedIsPrintedAndReplays();
    void badCommandLinesExitWith2_data();
    void badCommandLinesExitWith2();
    void aFailingChildIsNamed();
    void eventsFileHasTheDocumentedFields();
    void traceFileOpensWithArrowsAndCounters();

private:
    QTemporaryDir m_directory;
};

void TestCli::listShowsEveryScenarioAndItsParameters()
{
    const Outcome outcome = pipescope({"list"});
    QCOMPARE(outcome.exitCode, 0);
    for (const char* name : {"sender-receiver", "pingpong", "bytes", "poll", "flood", "fan-in"})
        QVERIFY2(outcome.out.split('\n').contains(QByteArray(name)), name);
    QVERIFY(outcome.out.contains("count (int, 1..1000000, default 10)"));
    QVERIFY(outcome.out.contains("threshold (float, 0.0..1000000.0, default 10.0)"));
}

void TestCli::runPrintsTheTutorialLines()
{
    const Outcome outcome =
        pipescope({"run", "sender-receiver", "--seed", "42", "--time-scale", "0"});
    QCOMPARE(outcome.exitCode, 0);
    const QList<QByteArray> lines = outcome.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 16); // the sender's 2 lines, the receiver's 13, the summary
    // Each process's lines in its own order; the two interleave as the scheduler had it.
    QList<QByteArray> receiver;
    for (const QByteArray& line : lines) {
        if (line.startsWith(">receiver got") || line.startsWith("Receiver:"))
            receiver.append(line);
    }
    QCOMPARE(receiver.first(), QByteArray("Receiver: Running"));
    QCOMPARE(receiver[1], QByteArray(">receiver got 0.6394267984578837"));
    QCOMPARE(receiver[2], QByteArray(">receiver got 0.025010755222666936"));
    QCOMPARE(receiver[3], QByteArray(">receiver got 0.27502931836911926"));
    QCOMPARE(receiver[11], QByteArray(">receiver got None"));
    QCOMPARE(receiver[12], QByteArray("Receiver: Done"));
    QVERIFY(lines.indexOf("Sender: Running") < lines.indexOf("Sender: Done"));
    QVERIFY(lines.last().startsWith("Summary: sender-receiver, 11 messages, 0 undelivered, "));
    QVERIFY(outcome.err.isEmpty());
}

void TestCli::aDrawnSeedIsPrintedAndReplays()
{
    const Outcome first = pipescope({"run", "pingpong", "--time-scale", "0"});
    QCOMPARE(first.exitCode, 0);
    const QRegularExpressionMatch match =
        QRegularExpression(QStringLiteral("^Seed: (\\d+) \\(replay this run with --seed \\1\\)\n"))
            .match(QString::fromUtf8(first.out));
    QVERIFY2(match.hasMatch(), first.out.constData());
    const Outcome replay =
        pipescope({"run", "pingpong", "--time-scale", "0", "--seed", match.captured(1)});
    QCOMPARE(replay.exitCode, 0);
    auto values = [](const QByteArray& out) {
        QList<QByteArray> sent;
        for (const QByteArray& line : out.split('\n'))
            if (line.startsWith(">sending"))
                sent.append(line);
        std::sort(sent.begin(), sent.end());
        return sent;
    };
    QVERIFY(!values(first.out).isEmpty());
    QCOMPARE(values(replay.out), values(first.out));
}

void TestCli::badCommandLinesExitWith2_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("says");
    QTest::newRow("unknown scenario")
        << QStringList{"run", "juggle"}
        << QByteArray("the scenarios are: sender-receiver, pingpong, bytes, poll, flood, fan-in");
    QTest::newRow("unknown parameter")
        << QStringList{"run", "pingpong", "--param", "count=3"} << QByteArray("it has: threshold");
    QTest::newRow("out of range") << QStringList{"run", "fan-in", "--param", "producers=99"}
                                  << QByteArray("producers is an integer from 1 to 32");
    QTest::newRow("bad value") << QStringList{"run", "flood", "--param", "count=many"}
                               << QByteArray("NAME=VALUE with a number");
    QTest::newRow("unknown option")
        << QStringList{"run", "poll", "--fast"} << QByteArray("unknown option '--fast'");
    QTest::newRow("bad seed") << QStringList{"run", "poll", "--seed", "-1"}
                              << QByteArray("--seed takes a non-negative integer");
    QTest::newRow("bad time scale") << QStringList{"run", "poll", "--time-scale", "-1"}
                                    << QByteArray("--time-scale must be from 0 to 1000");
    QTest::newRow("no scenario") << QStringList{"run"} << QByteArray("run needs a scenario");
}

void TestCli::badCommandLinesExitWith2()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, says);
    const Outcome outcome = pipescope(arguments);
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY2(outcome.err.contains(says), outcome.err.constData());
}

void TestCli::aFailingChildIsNamed()
{
    const QString fake = m_directory.filePath(QStringLiteral("failing-worker"));
    QFile script(fake);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\necho \"cannot do $1\" >&2\nexit 3\n");
    script.close();
    script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PIPESCOPE_WORKER"), fake);
    const Outcome outcome = pipescope({"run", "sender-receiver", "--seed", "1"}, environment);
    QCOMPARE(outcome.exitCode, 1);
    QVERIFY2(
        QRegularExpression(QStringLiteral("pipescope: sender \\(pid \\d+\\) exited with code 3"))
            .match(QString::fromUtf8(outcome.err))
            .hasMatch(),
        outcome.err.constData());
    QVERIFY(outcome.err.contains("[receiver] cannot do receiver"));
}

void TestCli::eventsFileHasTheDocumentedFields()
{
    const QString path = m_directory.filePath(QStringLiteral("poll.jsonl"));
    const Outcome outcome = pipescope({"run", "poll", "--seed", "5", "--time-scale", "0.3",
                                       "--param", "count=3", "--events", path, "--quiet"});
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY(!outcome.out.contains("Receiver: Running")); // --quiet
    const QList<QJsonObject> events = readEvents(path);
    std::map<QString, int> kinds;
    qint64 previous = -1;
    for (const QJsonObject& event : events) {
        const QString kind = event.value(QStringLiteral("kind")).toString();
        ++kinds[kind];
        QVERIFY(event.value(QStringLiteral("t_ns")).isDouble());
        QVERIFY(event.value(QStringLiteral("t_ns")).toInteger() >= previous); // time order
        previous = event.value(QStringLiteral("t_ns")).toInteger();
        const QString process = event.value(QStringLiteral("process")).toString();
        QVERIFY(process == QLatin1String("sender") || process == QLatin1String("receiver") ||
                process == QLatin1String("runner"));
        if (kind == QLatin1String("send") || kind == QLatin1String("recv")) {
            QCOMPARE(event.value(QStringLiteral("channel")).toString(),
                     QStringLiteral("sender->receiver"));
            QVERIFY(event.value(QStringLiteral("seq")).isDouble());
            QVERIFY(event.value(QStringLiteral("bytes")).toInteger() > 0);
            QVERIFY(event.value(QStringLiteral("value")).isString());
        } else if (kind == QLatin1String("poll")) {
            QCOMPARE(event.value(QStringLiteral("timeout_s")).toDouble(), 0.1);
            QVERIFY(event.value(QStringLiteral("result")).isBool());
            QVERIFY(event.value(QStringLiteral("waited_ns")).toInteger() >= 0);
        } else if (kind == QLatin1String("state")) {
            QVERIFY(event.value(QStringLiteral("state")).isString());
        } else if (kind == QLatin1String("stdout")) {
            QVERIFY(event.value(QStringLiteral("text")).isString());
        } else if (kind == QLatin1String("exit")) {
            QCOMPARE(event.value(QStringLiteral("exit_code")).toInt(-1), 0);
        }
    }
    QCOMPARE(kinds["send"], 4);
    QCOMPARE(kinds["recv"], 4);
    QVERIFY(kinds["poll"] >= 4);
    QCOMPARE(kinds["exit"], 2);
    QVERIFY(kinds["state"] > 0);
    QVERIFY(kinds["stdout"] >= 6);
}

void TestCli::traceFileOpensWithArrowsAndCounters()
{
    const QString path = m_directory.filePath(QStringLiteral("pingpong.json"));
    const Outcome outcome = pipescope(
        {"run", "pingpong", "--seed", "7", "--time-scale", "0.01", "--trace", path, "--quiet"});
    QCOMPARE(outcome.exitCode, 0);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonArray events = document.object().value(QStringLiteral("traceEvents")).toArray();
    std::map<qint64, int> flowOut;
    std::map<qint64, int> flowIn;
    std::map<std::pair<int, int>, std::vector<std::pair<qint64, qint64>>> slices;
    std::set<QString> names;
    int counters = 0;
    int sends = 0;
    for (const QJsonValue& value : events) {
        const QJsonObject event = value.toObject();
        const QString phase = event.value(QStringLiteral("ph")).toString();
        if (phase == QLatin1String("M"))
            names.insert(event.value(QStringLiteral("args"))
                             .toObject()
                             .value(QStringLiteral("name"))
                             .toString());
        if (phase == QLatin1String("C"))
            ++counters;
        if (phase != QLatin1String("X"))
            continue;
        const auto key = std::pair(event.value(QStringLiteral("pid")).toInt(),
                                   event.value(QStringLiteral("tid")).toInt());
        // In whole ns, as the writer has them (microseconds with three decimals).
        const qint64 ts = qRound64(event.value(QStringLiteral("ts")).toDouble() * 1000);
        slices[key].push_back(
            {ts, ts + qRound64(event.value(QStringLiteral("dur")).toDouble() * 1000)});
        if (event.value(QStringLiteral("name")).toString().startsWith(QLatin1String("send ")))
            ++sends;
        if (event.contains(QStringLiteral("flow_out")))
            ++flowOut[event.value(QStringLiteral("bind_id")).toInteger()];
        if (event.contains(QStringLiteral("flow_in")))
            ++flowIn[event.value(QStringLiteral("bind_id")).toInteger()];
    }
    QCOMPARE(sends, 29);
    QCOMPARE(int(flowOut.size()), 28); // the undelivered last value has no arrow
    QCOMPARE(flowOut, flowIn);
    for (const auto& [id, count] : flowOut)
        QCOMPARE(count, 1);
    // Read in time order, as Perfetto imports it, every arrow still finds its start.
    const perfetto_import::Arrows arrows = perfetto_import::importArrows(events);
    QCOMPARE(arrows.dropped, 0);
    QCOMPARE(arrows.bound, 28);
    QVERIFY(counters > 2 * 28);
    QVERIFY(std::any_of(names.begin(), names.end(), [](const QString& n) {
        return n.startsWith(QLatin1String("player1 (pid "));
    }));
    for (auto& [key, list] : slices) {
        std::sort(list.begin(), list.end());
        for (size_t i = 1; i < list.size(); ++i)
            QVERIFY2(list[i].first >= list[i - 1].second, "overlapping slices on one thread");
    }
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
