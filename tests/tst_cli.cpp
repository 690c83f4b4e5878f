// The headless CLI as scripts use it: `pipescope list` and `pipescope run`, their exit codes and
// messages, and the --events and --trace files parsed back and checked.
#include "PerfettoImport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <set>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace {

struct Outcome
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Where the commands run, so that a bad command line that makes a file makes it there.
QString g_workingDirectory;

Outcome pipescope(const QStringList& arguments,
                  const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment(),
                  const QString& standardOutputFile = {})
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(g_workingDirectory);
    if (!standardOutputFile.isEmpty())
        process.setStandardOutputFile(standardOutputFile, QIODevice::Append);
    process.start(QStringLiteral(PIPESCOPE_PATH), arguments);
    if (!process.waitForFinished(120000))
        qFatal("pipescope did not finish");
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

QList<QJsonObject> parseEvents(const QByteArray& text)
{
    QList<QJsonObject> events;
    for (const QByteArray& line : text.split('\n')) {
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

QList<QJsonObject> readEvents(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("no events file");
    return parseEvents(file.readAll());
}

// A character device like /dev/null (1,3) or /dev/full (1,7) inside `directory`, so that a
// writer that replaces what is at its path damages only a copy; /dev/full itself when not root
// (where a writer cannot replace it).
QString deviceNode(const QTemporaryDir& directory, const char* name, unsigned minor)
{
    const QString path = directory.filePath(QString::fromLatin1(name));
    if (::mknod(QFile::encodeName(path).constData(), S_IFCHR | 0666, makedev(1, minor)) == 0)
        return path;
    if (::geteuid() == 0)
        qFatal("mknod failed as root");
    return minor == 7 ? QStringLiteral("/dev/full") : QStringLiteral("/dev/null");
}

bool isCharacterDevice(const QString& path)
{
    struct stat status = {};
    return ::lstat(QFile::encodeName(path).constData(), &status) == 0 && S_ISCHR(status.st_mode);
}

// The pids of the processes whose parent is `parent`.
QList<qint64> childrenOf(qint64 parent)
{
    QList<qint64> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString& entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        // pid (comm) state ppid ...: comm may hold spaces and parentheses, so from the last ')'.
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields[1].toLongLong() == parent)
            children.append(pid);
    }
    return children;
}

// Whether `pid` is a live (not zombie) pipescope-worker.
bool workerAlive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return text.contains("(pipescope-worke") && close > 0 && text.size() > close + 2 &&
           text[close + 2] != 'Z' && text[close + 2] != 'X';
}

// Starts a run that goes on until it is stopped, and waits until both workers are there and have
// printed their first line.
bool startEndlessRun(QProcess& process, const QStringList& extra, QList<qint64>& workers)
{
    process.setWorkingDirectory(g_workingDirectory);
    // Whoever started the test may have had these ignored (a background job's SIGINT), which
    // the CLI then rightly leaves ignored.
    process.setChildProcessModifier([] {
        for (const int signal : {SIGINT, SIGTERM, SIGHUP})
            ::signal(signal, SIG_DFL);
    });
    process.start(
        QStringLiteral(PIPESCOPE_PATH),
        QStringList{"run", "flood", "--param", "count=100000000", "--param", "delay=0.01"} + extra);
    if (!process.waitForStarted(30000))
        return false;
    QByteArray out;
    while (!out.contains("Receiver: Running") || !out.contains("Sender: Running")) {
        if (!process.waitForReadyRead(60000))
            return false;
        out += process.readAllStandardOutput();
    }
    workers = childrenOf(process.processId());
    return workers.size() == 2;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { g_workingDirectory = m_directory.path(); }
    void listShowsEveryScenarioAndItsParameters();
    void listNamesAndParamsAreOneALine();
    void versionAndHelpNeedNoDisplay_data();
    void versionAndHelpNeedNoDisplay();
    void manPageHasEveryOptionOfTheHelp();
    void runPrintsTheTutorialLines();
    void aDrawnSeedIsPrintedAndReplays();
    void badCommandLinesExitWith2_data();
    void badCommandLinesExitWith2();
    void aFailingChildIsNamed();
    void eventsFileHasTheDocumentedFields();
    void traceFileOpensWithArrowsAndCounters();
    void equalsFormTakesTheValue();
    void eventsToAFifoAreStreamedInPlace();
    void eventsToADeviceAreWrittenInPlace();
    void dashMeansStandardOutput();
    void devStdoutWritesToTheDescriptor();
    void aFullDeviceSaysWhichFileAndWhy_data();
    void aFullDeviceSaysWhichFileAndWhy();
    void aShortWriteToAFileSaysWhy();
    void failedWritesToStdoutExit1_data();
    void failedWritesToStdoutExit1();
    void unwritableOutputFailsBeforeTheRun_data();
    void unwritableOutputFailsBeforeTheRun();
    void windowArgumentsAreCheckedWithoutADisplay_data();
    void windowArgumentsAreCheckedWithoutADisplay();
    void theWindowOpensAnEventsFileFromTheCommandLine();
    void aSignalStopsTheRunAndKeepsItsEvents_data();
    void aSignalStopsTheRunAndKeepsItsEvents();
    void workersEndWhenTheRunnerIsKilled();

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

void TestCli::listNamesAndParamsAreOneALine()
{
    const Outcome names = pipescope({"list", "--names"});
    QCOMPARE(names.exitCode, 0);
    const QList<QByteArray> scenarios = names.out.trimmed().split('\n');
    for (const char* name : {"sender-receiver", "pingpong", "bytes", "poll", "flood", "fan-in"})
        QVERIFY2(scenarios.contains(QByteArray(name)), name);
    const Outcome all = pipescope({"list"});
    for (const QByteArray& name : scenarios)
        QVERIFY2(all.out.split('\n').contains(name), name.constData());

    const Outcome flood = pipescope({"list", "--params", "flood"});
    QCOMPARE(flood.exitCode, 0);
    QVERIFY(flood.out.split('\n').contains("count"));
    for (const QByteArray& parameter : flood.out.trimmed().split('\n'))
        QVERIFY2(all.out.contains(QByteArray("    " + parameter + " (")), parameter.constData());
    const Outcome tutorial = pipescope({"list", "--params", "sender-receiver"});
    QCOMPARE(tutorial.exitCode, 0);

    const Outcome unknown = pipescope({"list", "--params", "nosuch"});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY2(unknown.err.contains("unknown scenario 'nosuch'"), unknown.err.constData());
    QCOMPARE(pipescope({"list", "--bogus"}).exitCode, 2);
}

void TestCli::versionAndHelpNeedNoDisplay_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("starts");
    QTest::newRow("--version") << QStringList{"--version"}
                               << QByteArray("pipescope " PIPESCOPE_EXPECTED_VERSION "\n");
    QTest::newRow("--help") << QStringList{"--help"} << QByteArray("usage: pipescope\n");
    QTest::newRow("--help-man") << QStringList{"--help-man"}
                                << QByteArray(
                                       ".TH PIPESCOPE 1 \"\" \"pipescope " +
                                       QByteArray(PIPESCOPE_EXPECTED_VERSION).replace("-", "\\-"));
}

void TestCli::versionAndHelpNeedNoDisplay()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, starts);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY"})
        environment.remove(QString::fromLatin1(name));
    const Outcome outcome = pipescope(arguments, environment);
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY2(outcome.out.startsWith(starts), outcome.out.constData());
    QVERIFY2(outcome.err.isEmpty(), outcome.err.constData());
    QCOMPARE(pipescope(arguments + QStringList{"extra"}, environment).exitCode, 2);
}

void TestCli::manPageHasEveryOptionOfTheHelp()
{
    const Outcome help = pipescope({"--help"});
    const Outcome man = pipescope({"--help-man"});
    QCOMPARE(help.exitCode, 0);
    QCOMPARE(man.exitCode, 0);
    // Every option the help names, and every command the parser takes, in the man page.
    QSet<QByteArray> options;
    static const QRegularExpression option(QStringLiteral("(?<![\\w-])--?[a-z][a-z-]*"));
    for (const QRegularExpressionMatch& match : option.globalMatch(QString::fromUtf8(help.out)))
        options.insert(match.captured().toUtf8());
    for (const char* command :
         {"--run", "--screenshot", "--seed", "--time-scale", "--param", "--events", "--trace",
          "--quiet", "--names", "--params", "--help", "--help-man", "--version", "-h"})
        QVERIFY2(options.contains(command), command);
    const QByteArray page = QByteArray(man.out).replace("\\-", "-");
    for (const QByteArray& name : std::as_const(options))
        QVERIFY2(page.contains(name), name.constData());
    for (const char* section : {".SH NAME", ".SH SYNOPSIS", ".SH COMMANDS", ".SH OPTIONS",
                                ".SH EXIT STATUS", ".SH ENVIRONMENT"})
        QVERIFY2(man.out.contains(section), section);
    for (const char* command : {"pipescope list", "pipescope run SCENARIO", "PIPESCOPE_WORKER"})
        QVERIFY2(page.contains(command), command);
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
    // Output options.
    QTest::newRow("empty events") << QStringList{"run", "poll", "--time-scale", "0", "--events", ""}
                                  << QByteArray("--events needs a file name");
    QTest::newRow("events and trace the same file")
        << QStringList{"run", "poll", "--time-scale", "0", "--events", "same", "--trace", "./same"}
        << QByteArray("--events and --trace name the same file");
    QTest::newRow("events and trace both stdout")
        << QStringList{"run", "poll", "--time-scale", "0", "--events", "-", "--trace=-"}
        << QByteArray("--events and --trace name the same file");
    QTest::newRow("option as a value")
        << QStringList{"run", "poll", "--time-scale", "0", "--events", "--quiet"}
        << QByteArray("--events needs a value (for a name that starts with --, write "
                      "--events=./--quiet)");
    QTest::newRow("twice: param") << QStringList{"run",     "poll",    "--time-scale", "0",
                                                 "--param", "count=2", "--param",      "count=3"}
                                  << QByteArray("--param count is given twice");
    QTest::newRow("twice: seed") << QStringList{"run",    "poll", "--time-scale", "0",
                                                "--seed", "1",    "--seed=2"}
                                 << QByteArray("--seed is given twice");
    QTest::newRow("twice: time scale")
        << QStringList{"run", "poll", "--time-scale", "0", "--time-scale", "0"}
        << QByteArray("--time-scale is given twice");
    QTest::newRow("twice: events")
        << QStringList{"run", "poll", "--time-scale", "0", "--events", "a", "--events", "b"}
        << QByteArray("--events is given twice");
    QTest::newRow("twice: trace") << QStringList{"run",     "poll", "--time-scale", "0",
                                                 "--trace", "a",    "--trace",      "b"}
                                  << QByteArray("--trace is given twice");
    // Values: what the user typed is echoed, and only plain numbers are taken.
    QTest::newRow("integer echoed as typed")
        << QStringList{"run", "flood", "--param", "count=0"}
        << QByteArray("count=0 is not allowed: count is an integer from 1 to 100000000");
    QTest::newRow("integer in exponent form")
        << QStringList{"run", "flood", "--time-scale", "0", "--param", "count=1e3"}
        << QByteArray("count=1e3 is not allowed: count is an integer from 1 to 100000000");
    QTest::newRow("integer with a fraction")
        << QStringList{"run", "flood", "--time-scale", "0", "--param", "count=2.5"}
        << QByteArray("count=2.5 is not allowed: count is an integer from 1 to 100000000");
    QTest::newRow("float out of range")
        << QStringList{"run", "pingpong", "--param", "threshold=1e400"}
        << QByteArray("threshold=1e400 is out of range: threshold is a number from 0.0 to "
                      "1000000.0");
    QTest::newRow("seed with a space")
        << QStringList{"run", "poll", "--time-scale", "0", "--seed", " 7"}
        << QByteArray("--seed takes a non-negative integer, not ' 7'");
    QTest::newRow("seed with a plus")
        << QStringList{"run", "poll", "--time-scale", "0", "--seed", "+7"}
        << QByteArray("--seed takes a non-negative integer, not '+7'");
    QTest::newRow("time scale out of range") << QStringList{"run", "poll", "--time-scale", "1e400"}
                                             << QByteArray("--time-scale must be from 0 to 1000");
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

void TestCli::equalsFormTakesTheValue()
{
    const QString path = m_directory.filePath(QStringLiteral("equals.jsonl"));
    const Outcome outcome = pipescope({"run", "poll", "--seed=5", "--time-scale=0",
                                       "--param=count=3", "--events=" + path, "--quiet"});
    QCOMPARE(outcome.exitCode, 0);
    int sends = 0;
    for (const QJsonObject& event : readEvents(path))
        sends += event.value(QStringLiteral("kind")).toString() == QLatin1String("send");
    QCOMPARE(sends, 4); // count=3 and the final None
}

void TestCli::eventsToAFifoAreStreamedInPlace()
{
    const QString path = m_directory.filePath(QStringLiteral("events.fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    // Opened without blocking, before the writer: the writer's open then finds a reader.
    const int reader = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK);
    QVERIFY(reader >= 0);
    QProcess process;
    process.setWorkingDirectory(g_workingDirectory);
    process.start(QStringLiteral(PIPESCOPE_PATH),
                  {"run", "poll", "--seed", "5", "--time-scale", "0", "--param", "count=3",
                   "--events", path, "--quiet"});
    QByteArray received;
    char buffer[65536];
    for (bool running = true; running;) {
        running = !process.waitForFinished(10);
        pollfd readable = {reader, POLLIN, 0};
        while (::poll(&readable, 1, 0) > 0) {
            const ssize_t n = ::read(reader, buffer, sizeof buffer);
            if (n <= 0)
                break;
            received.append(buffer, n);
        }
    }
    ::close(reader);
    QCOMPARE(process.exitCode(), 0);
    struct stat status = {};
    QCOMPARE(::lstat(QFile::encodeName(path).constData(), &status), 0);
    QVERIFY2(S_ISFIFO(status.st_mode), "the FIFO was replaced");
    const QList<QJsonObject> events = parseEvents(received);
    QVERIFY(events.size() > 10);
    QCOMPARE(events.last().value(QStringLiteral("kind")).toString(), QStringLiteral("exit"));
}

void TestCli::eventsToADeviceAreWrittenInPlace()
{
    const QString device = deviceNode(m_directory, "null", 3);
    const Outcome outcome = pipescope({"run", "poll", "--seed", "5", "--time-scale", "0", "--param",
                                       "count=2", "--events", device, "--quiet"});
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY2(isCharacterDevice(device), "the device was replaced by a file");
    QVERIFY(isCharacterDevice(QStringLiteral("/dev/null")));
}

void TestCli::dashMeansStandardOutput()
{
    const Outcome events = pipescope(
        {"run", "poll", "--seed", "5", "--time-scale", "0", "--param", "count=2", "--events", "-"});
    QCOMPARE(events.exitCode, 0);
    QVERIFY(!QFile::exists(m_directory.filePath(QStringLiteral("-"))));
    // Standard output holds the events only: the console lines and the summary go to stderr.
    const QList<QJsonObject> parsed = parseEvents(events.out);
    QVERIFY(parsed.size() > 10);
    QVERIFY2(events.err.contains("\nSummary: poll, 3 messages"), events.err.constData());
    QVERIFY(events.err.startsWith("Sender: Running\n") || events.err.startsWith("Receiver: "));

    const Outcome trace = pipescope(
        {"run", "pingpong", "--seed", "7", "--time-scale", "0", "--trace", "-", "--quiet"});
    QCOMPARE(trace.exitCode, 0);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(trace.out, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY(!document.object().value(QStringLiteral("traceEvents")).toArray().isEmpty());
}

void TestCli::devStdoutWritesToTheDescriptor()
{
    // `pipescope run ... --events /dev/stdout >> file`: the events go where stdout goes, after
    // what the file held, and the file is not replaced.
    const QString path = m_directory.filePath(QStringLiteral("stdout.jsonl"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"t_ns\":0,\"process\":\"runner\",\"kind\":\"error\",\"message\":\"before\"}\n");
    file.close();
    struct stat before = {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &before), 0);
    const Outcome outcome = pipescope({"run", "poll", "--seed", "5", "--time-scale", "0", "--param",
                                       "count=2", "--events", "/dev/stdout", "--quiet"},
                                      QProcessEnvironment::systemEnvironment(), path);
    QCOMPARE(outcome.exitCode, 0);
    struct stat after = {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &after), 0);
    QCOMPARE(after.st_ino, before.st_ino);
    const QList<QJsonObject> events = readEvents(path); // every line is an event
    QVERIFY(events.size() > 10);
    QCOMPARE(events.first().value(QStringLiteral("message")).toString(), QStringLiteral("before"));
    QVERIFY(outcome.err.contains("Summary: poll"));
}

void TestCli::aFullDeviceSaysWhichFileAndWhy_data()
{
    QTest::addColumn<QString>("option");
    QTest::newRow("events") << QStringLiteral("--events");
    QTest::newRow("trace") << QStringLiteral("--trace");
}

void TestCli::aFullDeviceSaysWhichFileAndWhy()
{
    QFETCH(QString, option);
    const QString device = deviceNode(m_directory, qPrintable(QStringLiteral("full") + option), 7);
    const Outcome outcome = pipescope({"run", "poll", "--seed", "5", "--time-scale", "0", "--param",
                                       "count=2", option, device, "--quiet"});
    QCOMPARE(outcome.exitCode, 1);
    const QByteArray expected =
        QByteArray(QByteArray("pipescope: cannot write ") + QFile::encodeName(device) +
                   QByteArray(": No space left on device\n"));
    QVERIFY2(outcome.err.contains(expected), outcome.err.constData());
    QCOMPARE(outcome.err.count("pipescope: "), 1);
    QVERIFY(isCharacterDevice(device));
}

void TestCli::aShortWriteToAFileSaysWhy()
{
    // A file size limit makes a regular file's writes stop part way, as a disk that fills up
    // does: the reason must come through, not "Unknown error".
    const QString path = m_directory.filePath(QStringLiteral("limited.jsonl"));
    QProcess process;
    process.setWorkingDirectory(g_workingDirectory);
    // Room for the runner's telemetry rings (memfds count too), not for the events of 10000
    // messages.
    process.setChildProcessModifier([] {
        const rlimit limit = {2 << 20, 2 << 20};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        ::signal(SIGXFSZ, SIG_IGN);
    });
    process.start(QStringLiteral(PIPESCOPE_PATH),
                  {"run", "flood", "--param", "count=10000", "--time-scale", "0", "--quiet",
                   "--events", path});
    QVERIFY(process.waitForFinished(120000));
    QCOMPARE(process.exitCode(), 1);
    const QByteArray err = process.readAllStandardError();
    const QByteArray expected =
        "pipescope: cannot write " + QFile::encodeName(path) + ": File too large\n";
    QVERIFY2(err.contains(expected), err.constData());
    QVERIFY(!QFile::exists(path)); // replaced only once complete: never
}

void TestCli::failedWritesToStdoutExit1_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("list") << QStringList{"list"};
    QTest::newRow("run") << QStringList{"run", "poll", "--time-scale", "0", "--quiet"};
    QTest::newRow("help") << QStringList{"--help"};
}

void TestCli::failedWritesToStdoutExit1()
{
    QFETCH(QStringList, arguments);
    const QString device = deviceNode(
        m_directory,
        qPrintable(QStringLiteral("stdout-full-") + QString::fromLatin1(QTest::currentDataTag())),
        7);
    const Outcome outcome = pipescope(arguments, QProcessEnvironment::systemEnvironment(), device);
    QCOMPARE(outcome.exitCode, 1);
    QVERIFY2(outcome.err.contains(
                 "pipescope: cannot write to standard output: No space left on device\n"),
             outcome.err.constData());
    QVERIFY(isCharacterDevice(device));
}

void TestCli::unwritableOutputFailsBeforeTheRun_data()
{
    QTest::addColumn<QStringList>("output");
    QTest::addColumn<QByteArray>("says");
    QTest::newRow("events in a missing directory")
        << QStringList{"--events", "missing/events.jsonl"}
        << QByteArray("pipescope: cannot write missing/events.jsonl: No such file or directory");
    QTest::newRow("trace in a missing directory")
        << QStringList{"--trace", "missing/trace.json"}
        << QByteArray("pipescope: cannot write missing/trace.json: No such file or directory");
    QTest::newRow("a directory") << QStringList{"--events", "."}
                                 << QByteArray("pipescope: cannot write .: Is a directory");
    QTest::newRow("a read-only place")
        << QStringList{"--trace", "/proc/pipescope-trace.json"}
        << QByteArray("pipescope: cannot write /proc/pipescope-trace.json: ");
}

void TestCli::unwritableOutputFailsBeforeTheRun()
{
    QFETCH(QStringList, output);
    QFETCH(QByteArray, says);
    // A worker that leaves a mark: none must start.
    const QString mark = m_directory.filePath(QStringLiteral("worker-started"));
    const QString fake = m_directory.filePath(QStringLiteral("marking-worker"));
    QFile script(fake);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(QByteArray("#!/bin/sh\ntouch '") + QFile::encodeName(mark) +
                 QByteArray("'\nexit 0\n"));
    script.close();
    script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PIPESCOPE_WORKER"), fake);
    const Outcome outcome =
        pipescope(QStringList{"run", "poll", "--time-scale", "0", "--quiet"} + output, environment);
    QCOMPARE(outcome.exitCode, 1);
    QVERIFY2(outcome.err.startsWith(says), outcome.err.constData());
    QVERIFY2(!QFile::exists(mark), "a worker started");
    QVERIFY(!outcome.out.contains("Summary"));
}

void TestCli::windowArgumentsAreCheckedWithoutADisplay_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("says");
    QTest::newRow("a misspelt command")
        << QStringList{"lst"} << QByteArray("pipescope: unknown argument 'lst'");
    QTest::newRow("unknown scenario")
        << QStringList{"--run", "nosuch"} << QByteArray("unknown scenario 'nosuch'");
    QTest::newRow("--run without a scenario")
        << QStringList{"--run"} << QByteArray("--run needs a value");
    QTest::newRow("--screenshot without a value")
        << QStringList{"--run", "pingpong", "--screenshot"}
        << QByteArray("--screenshot needs a value");
    QTest::newRow("--screenshot without --run")
        << QStringList{"--screenshot", "x.png"} << QByteArray("--screenshot needs --run");
    QTest::newRow("two files") << QStringList{"a.jsonl", "b.jsonl"}
                               << QByteArray("unknown argument 'a.jsonl'");
    QTest::newRow("bad parameter") << QStringList{"--run=flood", "--param", "count=1e3"}
                                   << QByteArray("count=1e3 is not allowed");
}

void TestCli::windowArgumentsAreCheckedWithoutADisplay()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, says);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY"})
        environment.remove(QString::fromLatin1(name));
    const Outcome outcome = pipescope(arguments, environment);
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY2(outcome.err.contains(says), outcome.err.constData());
    QVERIFY(outcome.err.contains("usage: pipescope"));
}

void TestCli::theWindowOpensAnEventsFileFromTheCommandLine()
{
    // pipescope FILE.jsonl [--screenshot FILE.png]: the saved run in the window.
    const QString events = m_directory.filePath(QStringLiteral("opened.jsonl"));
    QCOMPARE(pipescope({"run", "pingpong", "--seed", "1", "--time-scale", "0", "--quiet",
                        "--events", events})
                 .exitCode,
             0);
    const QString png = m_directory.filePath(QStringLiteral("opened.png"));
    const Outcome opened = pipescope({events, "--screenshot", png});
    QVERIFY2(opened.exitCode == 0, opened.err.constData());
    QFile shot(png);
    QVERIFY(shot.open(QIODevice::ReadOnly));
    QCOMPARE(shot.read(8), QByteArray("\x89PNG\r\n\x1a\n"));
    // A file that is not there: said at once, before any window.
    const Outcome missing = pipescope({m_directory.filePath(QStringLiteral("absent.jsonl"))});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("absent.jsonl: no such file"), missing.err.constData());
    // One that is not a run: the reason, with its line.
    const QString bad = m_directory.filePath(QStringLiteral("bad.jsonl"));
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"kind\":\"send\"}\n");
    file.close();
    const Outcome refused = pipescope({bad, "--screenshot", png});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("line 1: missing field"), refused.err.constData());
}

void TestCli::aSignalStopsTheRunAndKeepsItsEvents_data()
{
    QTest::addColumn<int>("signal");
    QTest::addColumn<QString>("name");
    QTest::newRow("SIGINT") << int(SIGINT) << QStringLiteral("SIGINT");
    QTest::newRow("SIGTERM") << int(SIGTERM) << QStringLiteral("SIGTERM");
    QTest::newRow("SIGHUP") << int(SIGHUP) << QStringLiteral("SIGHUP");
}

void TestCli::aSignalStopsTheRunAndKeepsItsEvents()
{
    QFETCH(int, signal);
    QFETCH(QString, name);
    const QString events = m_directory.filePath(name + QStringLiteral(".jsonl"));
    const QString trace = m_directory.filePath(name + QStringLiteral(".json"));
    QProcess process;
    QList<qint64> workers;
    QVERIFY(startEndlessRun(process, {"--events", events, "--trace", trace}, workers));
    QCOMPARE(::kill(pid_t(process.processId()), signal), 0);
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 128 + signal);
    for (const qint64 worker : workers)
        QVERIFY2(!workerAlive(worker), "a worker outlived the run");
    const QList<QJsonObject> parsed = readEvents(events);
    int sends = 0;
    int marks = 0;
    for (const QJsonObject& event : parsed) {
        sends += event.value(QStringLiteral("kind")).toString() == QLatin1String("send");
        if (event.contains(QStringLiteral("interrupted"))) {
            ++marks;
            QCOMPARE(event.value(QStringLiteral("interrupted")).toString(), name);
            QCOMPARE(event.value(QStringLiteral("process")).toString(), QStringLiteral("runner"));
        }
    }
    QVERIFY(sends > 0);
    QCOMPARE(marks, 1);
    QCOMPARE(parsed.last().value(QStringLiteral("interrupted")).toString(), name);
    QFile traceFile(trace);
    QVERIFY(traceFile.open(QIODevice::ReadOnly));
    QJsonParseError error;
    QJsonDocument::fromJson(traceFile.readAll(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QByteArray says = "pipescope: interrupted by " + name.toLatin1();
    QVERIFY(process.readAllStandardError().contains(says));
}

void TestCli::workersEndWhenTheRunnerIsKilled()
{
    QProcess process;
    QList<qint64> workers;
    QVERIFY(startEndlessRun(process, {}, workers));
    QCOMPARE(::kill(pid_t(process.processId()), SIGKILL), 0);
    QVERIFY(process.waitForFinished(60000));
    // Bounded, generous: this is about ending at all, not about how fast.
    QElapsedTimer waited;
    waited.start();
    auto anyAlive = [&] { return std::any_of(workers.begin(), workers.end(), workerAlive); };
    while (anyAlive() && waited.elapsed() < 60000)
        QTest::qWait(50);
    const bool orphaned = anyAlive();
    for (const qint64 worker : workers) {
        if (workerAlive(worker))
            ::kill(pid_t(worker), SIGKILL); // not left behind by a failing test
    }
    QVERIFY2(!orphaned, "a worker outlived its runner");
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
