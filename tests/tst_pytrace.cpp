// Tracing real CPython programs (pipescope trace): the programs in tests/pytrace/ run under every
// CPython found on the machine (Debian's python3 at least) with each start method, and what
// PipeScope recorded is checked against what the programs printed themselves. The CLI's part
// (pass-through of input, output and exit status; 127, 126 and 2) runs the real pipescope.
#include "findings/FindingsAnalyzer.h"
#include "pytrace/ProgramTracer.h"
#include "trace/EventsJsonReader.h"
#include "trace/EventsJsonWriter.h"
#include "trace/TraceStore.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

using namespace pipescope;

namespace {

const QString kScripts = QStringLiteral(PIPESCOPE_PYTRACE_DIR);

// Every CPython 3.8 or later on the machine: Debian's python3 first, then pyenv's.
QList<std::pair<QString, QString>> interpreters()
{
    QList<std::pair<QString, QString>> found;
    if (QFileInfo::exists(QStringLiteral("/usr/bin/python3")))
        found.append({QStringLiteral("debian"), QStringLiteral("/usr/bin/python3")});
    const QDir pyenv(QDir::homePath() + QStringLiteral("/.pyenv/versions"));
    for (const QString& version : pyenv.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QStringList parts = version.split(QLatin1Char('.'));
        if (parts.size() < 2 || parts[0] != QLatin1String("3") || parts[1].toInt() < 8)
            continue;
        const QString python = pyenv.filePath(version + QStringLiteral("/bin/python3"));
        if (QFileInfo(python).isExecutable())
            found.append({version, python});
    }
    return found;
}

struct Traced
{
    std::unique_ptr<ProgramTracer> tracer;
    const TraceStore& store() const { return tracer->store(); }
};

Traced trace(const QString& python, const QStringList& arguments, bool internal = false)
{
    Traced traced{std::make_unique<ProgramTracer>()};
    TraceRequest request;
    request.program = python;
    request.arguments = arguments;
    request.workingDirectory = kScripts;
    request.output = TraceRequest::Output::Capture;
    request.showInternal = internal;
    QSignalSpy finished(traced.tracer.get(), &ProgramTracer::finished);
    const Status started = traced.tracer->start(request);
    if (!started)
        qFatal("%s", qPrintable(started.error().message()));
    if (!finished.wait(120000))
        qFatal("the traced program did not end");
    return traced;
}

QStringList printed(const TraceStore& store)
{
    QStringList lines;
    for (const quint32 e : store.runnerEvents()) {
        if (store.kind(e) == EventKind::Stdout)
            lines.append(QString::fromUtf8(store.text(e)));
    }
    return lines;
}

int laneNamed(const TraceStore& store, const QString& name)
{
    for (int p = 0; p < store.processCount(); ++p) {
        if (store.process(p).name == name)
            return p;
    }
    return -1;
}

int channelNamed(const TraceStore& store, const QString& name)
{
    for (int c = 0; c < store.channelCount(); ++c) {
        if (store.channel(c).name == name)
            return c;
    }
    return -1;
}

QStringList channelNames(const TraceStore& store)
{
    QStringList names;
    for (int c = 0; c < store.channelCount(); ++c)
        names.append(store.channel(c).name);
    return names;
}

// Each message of `channel` in order: "value" for delivered ones, "value (undelivered)" else.
QStringList messagesOn(const TraceStore& store, int channel)
{
    QStringList values;
    for (size_t m = 0; m < store.messages().size(); ++m) {
        const TraceStore::Message& message = store.messages()[m];
        if (message.channel != channel)
            continue;
        const qint32 known = message.sendEvent >= 0 ? message.sendEvent : message.recvEvent;
        values.append(QString::fromUtf8(store.text(known)) +
                      (message.recvEvent < 0 ? QStringLiteral(" (undelivered)") : QString()));
    }
    return values;
}

QString describe(const Traced& traced)
{
    QStringList lanes;
    for (int p = 0; p < traced.store().processCount(); ++p)
        lanes.append(traced.store().process(p).name);
    return QStringLiteral("lanes: %1; channels: %2; problems: %3; untraced: %4; printed: %5")
        .arg(lanes.join(QStringLiteral(", ")),
             channelNames(traced.store()).join(QStringLiteral(", ")),
             traced.tracer->problems().join(QStringLiteral("; ")),
             traced.tracer->untraced().join(QStringLiteral("; ")),
             printed(traced.store()).join(QStringLiteral(" | ")));
}

// Nothing went wrong in tracing, and no Python process of the program escaped it.
bool clean(const Traced& traced)
{
    return traced.tracer->problems().isEmpty() && traced.tracer->untraced().isEmpty();
}

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::NoDotAndDotDot | QDir::System)
                   .size());
}

// Running, or not reaped yet by a parent still running. A zombie whose parent is init is gone: a
// helper of multiprocessing's (the forkserver, the resource tracker) outlives the program's main
// process and is reparented to init, which in some containers never reaps.
bool alive(qint64 pid)
{
    if (::kill(pid_t(pid), 0) != 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    // "pid (comm) S ppid ...": the fields after the command's closing parenthesis.
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    return !(fields.size() > 1 && fields[0] == "Z" && fields[1] == "1");
}

} // namespace

class TestPyTrace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pingPong_data();
    void pingPong();
    void valuesAsPythonPrintsThem_data();
    void valuesAsPythonPrintsThem();
    void poolMap_data();
    void poolMap();
    void queueUnderSpawn_data();
    void queueUnderSpawn();
    void waitCallsAreRecordedOnce_data();
    void waitCallsAreRecordedOnce();
    void aForgottenCloseIsFound_data();
    void aForgottenCloseIsFound();
    void joinBeforeGetIsFound_data();
    void joinBeforeGetIsFound();
    void executorAndManager_data();
    void executorAndManager();
    void listenerWithAuthkey_data();
    void listenerWithAuthkey();
    void abruptExit_data();
    void abruptExit();
    void savedRunReopens();
    void nothingLeaks();
    void goingAwayMidRunEndsTheProgram();
    void commandLinePassesThrough();
    void commandLineStatuses();
    void isolatedPythonIsReported();
    void pythonStartedByAShellIsReported();
    void subprocessChildrenOutOfReachAreReported();
    void bothDirectionsInOneProcessReadBack();
    void bothWritersWriteTheSameRecords_data();
    void bothWritersWriteTheSameRecords();
    void theNativeWriterIsUsedFrom311_data();
    void theNativeWriterIsUsedFrom311();
};

void TestPyTrace::pingPong_data()
{
    QTest::addColumn<QString>("python");
    QTest::addColumn<QString>("method");
    for (const auto& [label, python] : interpreters()) {
        for (const char* method : {"fork", "spawn", "forkserver"})
            QTest::addRow("%s %s", qPrintable(label), method)
                << python << QString::fromLatin1(method);
    }
}

void TestPyTrace::pingPong()
{
    QFETCH(QString, python);
    QFETCH(QString, method);
    const Traced traced = trace(python, {QStringLiteral("pingpong.py"), method});
    const TraceStore& store = traced.store();
    QCOMPARE(traced.tracer->exitStatus(), 0);
    const int ping = laneNamed(store, QStringLiteral("ping"));
    const int pong = laneNamed(store, QStringLiteral("pong"));
    QVERIFY2(ping >= 0 && pong >= 0, qPrintable(describe(traced)));
    QVERIFY(store.process(ping).pid > 0 && store.process(ping).pid != store.process(pong).pid);
    if (method != QLatin1String("fork"))
        QCOMPARE(store.process(ping).role, method);
    QVERIFY2(store.process(ping).ended && store.process(ping).exitCode == 0,
             qPrintable(describe(traced)));

    // One channel per direction of the one duplex pipe, named by who uses it.
    const int there = channelNamed(store, QStringLiteral("Pipe#1 ping->pong"));
    const int back = channelNamed(store, QStringLiteral("Pipe#1 pong->ping"));
    QVERIFY2(there >= 0 && back >= 0, qPrintable(describe(traced)));
    QCOMPARE(messagesOn(store, there), QStringList({"1", "3", "5", "7", "9", "11"}));
    QCOMPARE(messagesOn(store, back), QStringList({"2", "4", "6", "8", "10", "12 (undelivered)"}));
    QCOMPARE(store.undeliveredCount(), 1);
    // Every line a player printed is a message it received.
    const QStringList lines = printed(store);
    QCOMPARE(lines.size(), 11);
    for (const QString& line : lines) {
        const QStringList words = line.split(QLatin1Char(' '));
        const int channel = words[0] == QLatin1String("ping") ? back : there;
        QVERIFY2(messagesOn(store, channel).contains(words[2]), qPrintable(line));
    }
    QVERIFY2(clean(traced), qPrintable(describe(traced)));
}

void TestPyTrace::valuesAsPythonPrintsThem_data()
{
    QTest::addColumn<QString>("method");
    QTest::newRow("fork") << "fork";
    QTest::newRow("spawn") << "spawn";
    QTest::newRow("forkserver") << "forkserver";
}

void TestPyTrace::valuesAsPythonPrintsThem()
{
    QFETCH(QString, method);
    const Traced traced = trace(QStringLiteral("python3"), {QStringLiteral("values.py"), method});
    const TraceStore& store = traced.store();
    const int channel = channelNamed(store, QStringLiteral("Pipe#1 sender->receiver"));
    QVERIFY2(channel >= 0, qPrintable(describe(traced)));
    const QStringList recorded = messagesOn(store, channel);
    QStringList lines = printed(store);
    // The dataclass prints through its own __repr__, which PipeScope never calls: it shows the
    // class by its module (__main__, or __mp_main__ in a spawned child) and its fields.
    const qsizetype point = lines.indexOf(QStringLiteral("Point(x=1, y=2)"));
    QVERIFY(point >= 0);
    QVERIFY2(recorded.value(point).endsWith(QLatin1String("main__.Point(x=1, y=2)")),
             qPrintable(recorded.value(point)));
    lines.removeAt(point);
    QStringList plain = recorded;
    plain.removeAt(point);
    QCOMPARE(plain, lines);
    QVERIFY2(clean(traced), qPrintable(describe(traced)));
    // multiprocessing's helpers are recorded, marked internal, and have no lane unless internal
    // traffic is shown; the processes the forkserver forked are the program's.
    for (int p = 0; p < store.processCount(); ++p) {
        const QString& name = store.process(p).name;
        const bool helper =
            name == QLatin1String("forkserver") || name == QLatin1String("resource tracker");
        QVERIFY2(store.process(p).internal == helper, qPrintable(name));
        QVERIFY2((store.rowOf(p) < 0) == helper, qPrintable(name));
    }
    QCOMPARE(laneNamed(store, QStringLiteral("forkserver")) >= 0,
             method == QLatin1String("forkserver"));
}

void TestPyTrace::poolMap_data()
{
    pingPong_data();
}

void TestPyTrace::poolMap()
{
    QFETCH(QString, python);
    QFETCH(QString, method);
    const Traced traced = trace(python, {QStringLiteral("poolmap.py"), method});
    const TraceStore& store = traced.store();
    QCOMPARE(printed(store), QStringList{"[0, 1, 4, 9, 16, 25, 36, 49]"});
    // Workers named as multiprocessing names them took the tasks (under spawn the first one up
    // may do all the work, and the pool's end may come before the second has said hello).
    int workers = 0;
    for (int p = 0; p < store.processCount(); ++p)
        workers += store.process(p).name.contains(QLatin1String("PoolWorker-")) ? 1 : 0;
    QVERIFY2(workers >= 1 && workers <= 2, qPrintable(describe(traced)));
    // Four chunks of two: each result message carries its chunk's squares.
    QString results;
    qsizetype resultMessages = 0;
    for (int c = 0; c < store.channelCount(); ++c) {
        if (!store.channel(c).name.startsWith(QLatin1String("Pool#1 results")))
            continue;
        const QStringList values = messagesOn(store, c);
        resultMessages += values.size();
        results += values.join(QLatin1Char(' '));
    }
    QVERIFY2(resultMessages >= 4, qPrintable(describe(traced)));
    for (const char* chunk : {"[0, 1]", "[4, 9]", "[16, 25]", "[36, 49]"})
        QVERIFY2(results.contains(QLatin1String(chunk)), qPrintable(results));
    QVERIFY2(clean(traced), qPrintable(describe(traced)));
}

void TestPyTrace::queueUnderSpawn_data()
{
    QTest::addColumn<QString>("python");
    for (const auto& [label, python] : interpreters())
        QTest::newRow(qPrintable(label)) << python;
}

void TestPyTrace::queueUnderSpawn()
{
    QFETCH(QString, python);
    const Traced traced = trace(python, {QStringLiteral("producer.py"), QStringLiteral("spawn")});
    const TraceStore& store = traced.store();
    QCOMPARE(printed(store), QStringList{"1225"});
    // The feeder thread sends what put() buffered; it has a lane of its own under the producer.
    const int feeder = laneNamed(store, QStringLiteral("producer · QueueFeederThread"));
    QVERIFY2(feeder >= 0, qPrintable(describe(traced)));
    QCOMPARE(store.process(feeder).thread, QStringLiteral("QueueFeederThread"));
    QCOMPARE(store.rowOf(feeder), store.rowOf(laneNamed(store, QStringLiteral("producer"))) + 1);
    const int channel = channelNamed(store, QStringLiteral("Queue#1 producer->MainProcess"));
    QVERIFY2(channel >= 0, qPrintable(describe(traced)));
    QStringList expected;
    for (int i = 0; i < 50; ++i)
        expected.append(QString::number(i));
    expected.append(QStringLiteral("None"));
    QCOMPARE(messagesOn(store, channel), expected);
    QCOMPARE(store.undeliveredCount(), 0);
    // Every put() is there too, in the producer's own lane (not its feeder's), each before the
    // send of its item; what was put and not yet received is the queue's depth.
    const int producer = laneNamed(store, QStringLiteral("producer"));
    const TraceStore::EventList& puts = store.process(producer).putEvents;
    QCOMPARE(puts.size(), size_t(51));
    QVERIFY(store.process(feeder).putEvents.empty());
    const TraceStore::Channel& queue = store.channel(channel);
    QCOMPARE(queue.putTimes.size(), size_t(51));
    for (size_t i = 0; i < puts.size(); ++i) {
        QCOMPARE(store.channelOf(puts[i]), quint16(channel));
        QVERIFY(store.bufferedAfter(puts[i]) >= 1);
        QVERIFY(queue.putTimes[i] <= queue.sendTimes[i]);
    }
    QVERIFY(store.queuedAt(channel, queue.putTimes[0]) >= 1);
    QCOMPARE(store.queuedAt(channel, store.activityEnd()), 0);
    QVERIFY(queue.deepestQueued >= store.maxDepth(channel));
    QVERIFY2(clean(traced), qPrintable(describe(traced)));
}

void TestPyTrace::waitCallsAreRecordedOnce_data()
{
    valuesAsPythonPrintsThem_data();
}

void TestPyTrace::waitCallsAreRecordedOnce()
{
    QFETCH(QString, method);
    const Traced traced = trace(QStringLiteral("python3"), {QStringLiteral("waiter.py"), method});
    const TraceStore& store = traced.store();
    const QStringList lines = printed(store);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.last(), QStringLiteral("got 6"));
    // main's wait() calls are polls that say how they were called; poll(0.01) is one poll of its
    // own (CPython answers it with wait(), which is not counted again); nothing from the
    // library's own waits (join timeouts, sentinels).
    const int main = laneNamed(store, QStringLiteral("MainProcess"));
    QVERIFY2(main >= 0, qPrintable(describe(traced)));
    qsizetype waits = 0;
    qsizetype plainPolls = 0;
    for (const quint32 e : store.process(main).pollEvents) {
        const QByteArray call = store.text(e);
        if (call.isEmpty()) {
            ++plainPolls;
            QCOMPARE(store.pollTimeoutSeconds(e), 0.01);
            continue;
        }
        ++waits;
        QVERIFY2(call.startsWith("wait(2 objects) -> ") || call.startsWith("wait(1 objects) -> "),
                 call.constData());
        QCOMPARE(store.pollTimeoutSeconds(e), 1.0);
        QVERIFY(store.detail(e) != 0); // each returned something: the producers always send
    }
    QCOMPARE(plainPolls, 1);
    QVERIFY2(waits >= 4 && waits <= 8, qPrintable(QString::number(waits)));
    QVERIFY2(clean(traced), qPrintable(describe(traced)));
}

void TestPyTrace::aForgottenCloseIsFound_data()
{
    valuesAsPythonPrintsThem_data();
}

void TestPyTrace::aForgottenCloseIsFound()
{
    QFETCH(QString, method);
    const Traced traced = trace(QStringLiteral("python3"),
                                {QStringLiteral("forgotclose.py"), method, QStringLiteral("1.5")});
    const TraceStore& store = traced.store();
    QCOMPARE(printed(store), QStringList{"alive"});
    // main's close() of its end is an event on the channel; the reader never got EOF.
    const int channel = channelNamed(store, QStringLiteral("Pipe#1 MainProcess->reader"));
    QVERIFY2(channel >= 0, qPrintable(describe(traced)));
    const int main = laneNamed(store, QStringLiteral("MainProcess"));
    QCOMPARE(store.channel(channel).closedBy, std::vector<int>{main});
    const std::vector<Finding> findings = FindingsAnalyzer::analyze(store, true);
    const auto found = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
        return f.kind == QLatin1String("no-eof");
    });
    QVERIFY2(found != findings.end(), qPrintable(describe(traced)));
    QCOMPARE(found->title, QStringLiteral("reader waited in recv on Pipe#1 MainProcess->reader "
                                          "after MainProcess had closed its end, and no EOF came"));
    QCOMPARE(store.kind(found->events.front()), EventKind::Close);
    // A reader that gets its EOF (the writer closed, no copy left): no such finding.
    const Traced clean = trace(QStringLiteral("python3"), {QStringLiteral("values.py"), method});
    for (const Finding& finding : FindingsAnalyzer::analyze(clean.store(), true))
        QVERIFY2(finding.kind != QLatin1String("no-eof"), qPrintable(finding.title));
}

void TestPyTrace::joinBeforeGetIsFound_data()
{
    valuesAsPythonPrintsThem_data();
}

void TestPyTrace::joinBeforeGetIsFound()
{
    QFETCH(QString, method);
    const Traced traced = trace(QStringLiteral("python3"), {QStringLiteral("joinbeforeget.py"),
                                                            method, QStringLiteral("1.5")});
    const TraceStore& store = traced.store();
    QCOMPARE(printed(store), QStringList({"alive after join", "1000000"}));
    // main's lane shows it joining the worker, for as long as the join's timeout.
    const int main = laneNamed(store, QStringLiteral("MainProcess"));
    const int worker = laneNamed(store, QStringLiteral("worker"));
    QVERIFY2(main >= 0 && worker >= 0, qPrintable(describe(traced)));
    qint64 joinedFor = 0;
    const TraceStore::EventList& states = store.process(main).stateEvents;
    for (size_t i = 0; i + 1 < states.size(); ++i) {
        if (ProcessState(store.detail(states[i])) == ProcessState::Joining) {
            QCOMPARE(store.joinedProcess(states[i]), worker);
            joinedFor = std::max(joinedFor, store.time(states[i + 1]) - store.time(states[i]));
        }
    }
    QVERIFY2(joinedFor >= 1'400'000'000, qPrintable(QString::number(joinedFor)));
    // The finding names both, and the queue the worker's feeder was stuck on.
    const std::vector<Finding> findings = FindingsAnalyzer::analyze(store, true);
    const auto found = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
        return f.kind == QLatin1String("join-pending");
    });
    QVERIFY2(found != findings.end(), qPrintable(describe(traced)));
    QCOMPARE(found->severity, Severity::Warning); // the timeout let it go on
    QCOMPARE(found->title, QStringLiteral("MainProcess joins worker before receiving what worker "
                                          "sends it"));
    QCOMPARE(found->channels, QStringList{"Queue#1 worker->MainProcess"});
}

void TestPyTrace::executorAndManager_data()
{
    valuesAsPythonPrintsThem_data();
}

void TestPyTrace::executorAndManager()
{
    QFETCH(QString, method);
    const Traced traced = trace(QStringLiteral("python3"), {QStringLiteral("executor.py"), method});
    const TraceStore& store = traced.store();
    QCOMPARE(printed(store), QStringList({"[0, 1, 4, 9, 16]", "42"}));
    // The executor's calls went to its workers and came back; the manager's proxy set and got
    // the value (a request naming the method, a reply with the value).
    QString values;
    for (int c = 0; c < store.channelCount(); ++c)
        values += messagesOn(store, c).join(QLatin1Char('\n')) + QLatin1Char('\n');
    for (const char* expected : {"square", "16", "'answer'", "42"})
        QVERIFY2(values.contains(QLatin1String(expected)), qPrintable(describe(traced)));
    QVERIFY2(clean(traced), qPrintable(describe(traced)));
}

void TestPyTrace::listenerWithAuthkey_data()
{
    QTest::addColumn<QString>("family");
    QTest::addColumn<bool>("internal");
    QTest::newRow("unix") << "unix" << false;
    QTest::newRow("tcp") << "tcp" << false;
    QTest::newRow("unix, internal shown") << "unix" << true;
}

void TestPyTrace::listenerWithAuthkey()
{
    QFETCH(QString, family);
    QFETCH(bool, internal);
    const Traced traced =
        trace(QStringLiteral("python3"),
              {QStringLiteral("listener.py"), QStringLiteral("fork"), family}, internal);
    const TraceStore& store = traced.store();
    QCOMPARE(printed(store), QStringList({"'hello'", "42"}));
    QStringList shown;
    QStringList handshakes;
    for (int c = 0; c < store.channelCount(); ++c) {
        if (store.channelShown(c))
            shown += messagesOn(store, c);
        if (store.channel(c).name.contains(QLatin1String(" handshake "))) {
            QVERIFY2(store.channel(c).internal, qPrintable(store.channel(c).name));
            handshakes += messagesOn(store, c);
        }
    }
    QVERIFY2(shown.contains(QStringLiteral("'hello'")) && shown.contains(QStringLiteral("42")),
             qPrintable(describe(traced)));
    // The challenge and its answer are multiprocessing's own: recorded either way, on handshake
    // channels of their own, marked internal, shown only when asked for.
    const auto isHandshake = [](const QString& value) {
        return value.contains(QLatin1String("CHALLENGE")) ||
               value.contains(QLatin1String("WELCOME"));
    };
    QVERIFY2(std::count_if(handshakes.begin(), handshakes.end(), isHandshake) >= 2,
             qPrintable(describe(traced)));
    QCOMPARE(std::any_of(shown.begin(), shown.end(), isHandshake), internal);
    if (!internal)
        QCOMPARE(shown.size(), 2);
    // The program's own messages are numbered as it sees them: 'hello' is its connection's first.
    for (size_t m = 0; m < store.messages().size(); ++m) {
        const TraceStore::Message& message = store.messages()[m];
        if (message.sendEvent >= 0 && store.text(message.sendEvent) == "'hello'")
            QCOMPARE(message.seq, 0);
    }
    // The events file has what is shown, the internal marked so, and reads back the same.
    QBuffer file;
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(EventsJsonWriter::write(store, file).ok());
    QCOMPARE(file.data().contains("CHALLENGE"), internal);
    QVERIFY(!internal || file.data().contains("\"channel_internal\":true"));
    file.seek(0);
    auto read = EventsJsonReader::read(file);
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message()));
    TraceStore& reopened = **read;
    QCOMPARE(reopened.messageCount(), qsizetype(2));
    reopened.setInternalShown(true);
    QCOMPARE(reopened.messageCount(), qsizetype(shown.size()));
    QVERIFY2(clean(traced), qPrintable(describe(traced)));
}

void TestPyTrace::abruptExit_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<QString>("ending");
    QTest::newRow("os._exit") << "exit"
                              << "0";
    QTest::newRow("SIGKILL") << "kill"
                             << "-9";
}

void TestPyTrace::abruptExit()
{
    QFETCH(QString, how);
    QFETCH(QString, ending);
    const Traced traced = trace(QStringLiteral("python3"),
                                {QStringLiteral("abrupt.py"), QStringLiteral("fork"), how});
    const TraceStore& store = traced.store();
    QCOMPARE(printed(store), QStringList{ending + QStringLiteral(" [0, 1, 2, 3, 4]")});
    // Every message the child sent before it went is there, sent by it.
    const int leaver = laneNamed(store, QStringLiteral("leaver"));
    QVERIFY2(leaver >= 0, qPrintable(describe(traced)));
    const int channel = channelNamed(store, QStringLiteral("Pipe#1 leaver->MainProcess"));
    QVERIFY2(channel >= 0, qPrintable(describe(traced)));
    QCOMPARE(messagesOn(store, channel), QStringList({"0", "1", "2", "3", "4"}));
    const TraceStore::Process& process = store.process(leaver);
    QVERIFY2(process.ended, qPrintable(describe(traced)));
    if (how == QLatin1String("kill"))
        QVERIFY(process.crashed && process.signal == SIGKILL);
    else
        QVERIFY(!process.crashed && process.exitCode == 0);
}

void TestPyTrace::savedRunReopens()
{
    // A Pool's queues have several writers and readers: the events file keeps each message's own.
    const Traced traced =
        trace(QStringLiteral("python3"), {QStringLiteral("poolmap.py"), QStringLiteral("fork")});
    const TraceStore& store = traced.store();
    QBuffer file;
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(EventsJsonWriter::write(store, file).ok());
    file.seek(0);
    auto read = EventsJsonReader::read(file);
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message()));
    const TraceStore& reopened = **read;
    // What multiprocessing sent for itself (the Pool's change notifier) is not in the file.
    QVERIFY(store.messageCount() < qsizetype(store.messages().size()));
    QCOMPARE(qsizetype(reopened.messages().size()), store.messageCount());
    QCOMPARE(reopened.undeliveredCount(), store.undeliveredCount());
    const auto route = [](const TraceStore& s, const TraceStore::Message& m) {
        return QStringLiteral("%1: %2->%3")
            .arg(s.channel(m.channel).name, s.processName(s.senderOf(m)),
                 s.processName(s.receiverOf(m)));
    };
    QStringList before;
    QStringList after;
    for (size_t m = 0; m < store.messages().size(); ++m) {
        if (store.channelShown(store.messages()[m].channel))
            before.append(route(store, store.messages()[m]));
    }
    for (size_t m = 0; m < reopened.messages().size(); ++m)
        after.append(route(reopened, reopened.messages()[m]));
    before.sort();
    after.sort();
    QCOMPARE(after, before);
    for (int p = 0; p < reopened.processCount(); ++p) {
        QVERIFY(reopened.process(p).pid > 0);
        QCOMPARE(reopened.process(p).thread.isEmpty(),
                 !reopened.process(p).name.contains(QStringLiteral(" · ")));
    }
}

void TestPyTrace::nothingLeaks()
{
    // The trace's private directory goes in a folder of this test's own (other runs may share
    // /tmp), and is gone with the run, as are the processes and descriptors.
    QTemporaryDir scratch;
    const QByteArray tmpdir = qgetenv("TMPDIR");
    const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR");
    qputenv("TMPDIR", QFile::encodeName(scratch.path()));
    qunsetenv("XDG_RUNTIME_DIR");
    const int before = openDescriptors();
    const Traced traced = trace(QStringLiteral("python3"),
                                {QStringLiteral("poolmap.py"), QStringLiteral("forkserver")});
    const QStringList left =
        QDir(scratch.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
    if (tmpdir.isNull())
        qunsetenv("TMPDIR");
    else
        qputenv("TMPDIR", tmpdir);
    if (!runtime.isNull())
        qputenv("XDG_RUNTIME_DIR", runtime);
    QCOMPARE(openDescriptors(), before);
    for (int p = 0; p < traced.store().processCount(); ++p) {
        const qint64 pid = traced.store().process(p).pid;
        QVERIFY2(!alive(pid), qPrintable(QStringLiteral("pid %1 is still there").arg(pid)));
    }
    QCOMPARE(left, QStringList());
}

void TestPyTrace::goingAwayMidRunEndsTheProgram()
{
    // The window closes while a traced program runs (in its own process group, its output
    // captured): the program and its children go, and so does the private directory.
    QTemporaryDir scratch;
    const QByteArray tmpdir = qgetenv("TMPDIR");
    qputenv("TMPDIR", QFile::encodeName(scratch.path()));
    const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR");
    qunsetenv("XDG_RUNTIME_DIR");
    qint64 pid = 0;
    {
        ProgramTracer tracer;
        TraceRequest request;
        request.program = QStringLiteral("python3");
        request.arguments = {QStringLiteral("-c"),
                             QStringLiteral("import multiprocessing as mp, time\n"
                                            "if __name__ == '__main__':\n"
                                            "    p = mp.Process(target=time.sleep, args=(60,))\n"
                                            "    p.start(); p.join()\n")};
        request.output = TraceRequest::Output::Capture;
        QVERIFY(tracer.start(request).ok());
        pid = tracer.pid();
        QTRY_VERIFY_WITH_TIMEOUT(tracer.tracedProcessCount() >= 2, 30000);
    }
    if (tmpdir.isNull())
        qunsetenv("TMPDIR");
    else
        qputenv("TMPDIR", tmpdir);
    if (!runtime.isNull())
        qputenv("XDG_RUNTIME_DIR", runtime);
    QVERIFY(!alive(pid));
    QCOMPARE(QDir(scratch.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
             QStringList());
}

void TestPyTrace::commandLinePassesThrough()
{
    QTemporaryDir home;
    QProcess pipescope;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TMPDIR"), home.path());
    environment.remove(QStringLiteral("XDG_RUNTIME_DIR"));
    pipescope.setProcessEnvironment(environment);
    pipescope.setWorkingDirectory(kScripts);
    const QString events = home.filePath(QStringLiteral("events.jsonl"));
    const QString findings = home.filePath(QStringLiteral("findings.json"));
    const QString trace = home.filePath(QStringLiteral("trace.json"));
    pipescope.start(QStringLiteral(PIPESCOPE_PATH),
                    {QStringLiteral("trace"), QStringLiteral("--events"), events,
                     QStringLiteral("--findings"), findings, QStringLiteral("--trace"), trace,
                     QStringLiteral("--"), QStringLiteral("python3"),
                     QStringLiteral("exitcode.py")});
    const QByteArray input("line one\n\x01\x02 binary\n");
    pipescope.write(input);
    pipescope.closeWriteChannel();
    QVERIFY(pipescope.waitForFinished(60000));
    QCOMPARE(pipescope.exitStatus(), QProcess::NormalExit);
    QCOMPARE(pipescope.exitCode(), 3);
    QCOMPARE(pipescope.readAllStandardOutput(), input + QByteArray("\x00\xff end\n", 7));
    const QString errors = QString::fromUtf8(pipescope.readAllStandardError());
    QVERIFY2(errors.startsWith(QLatin1String("to stderr\n")), qPrintable(errors));
    QVERIFY2(errors.contains(QLatin1String("pipescope: traced 1 Python processes")),
             qPrintable(errors));
    QVERIFY(QFileInfo(events).size() > 0);
    QVERIFY(QFileInfo(trace).size() > 0);
    QFile findingsFile(findings);
    QVERIFY(findingsFile.open(QIODevice::ReadOnly));
    QVERIFY(QJsonDocument::fromJson(findingsFile.readAll()).isArray());
    // The private directory is gone with the run.
    QCOMPARE(QDir(home.path()).entryList({QStringLiteral("pipescope-trace-*")}, QDir::Dirs),
             QStringList());
}

void TestPyTrace::commandLineStatuses()
{
    QTemporaryDir dir;
    const QString plain = dir.filePath(QStringLiteral("plain.txt"));
    QFile file(plain);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    const auto status = [](const QStringList& arguments) {
        QProcess pipescope;
        pipescope.start(QStringLiteral(PIPESCOPE_PATH),
                        QStringList{QStringLiteral("trace")} + arguments);
        pipescope.waitForFinished(60000);
        return pipescope.exitCode();
    };
    QCOMPARE(status({QStringLiteral("--"), QStringLiteral("/nonexistent/program")}), 127);
    QCOMPARE(status({QStringLiteral("--"), QStringLiteral("no-such-program-pipescope")}), 127);
    QCOMPARE(status({QStringLiteral("--"), plain}), 126);
    QCOMPARE(status({}), 2);
    QCOMPARE(status({QStringLiteral("--bogus"), QStringLiteral("--"), QStringLiteral("true")}), 2);
    QCOMPARE(status({QStringLiteral("--events"), dir.filePath(QStringLiteral("a")),
                     QStringLiteral("--events"), dir.filePath(QStringLiteral("b")),
                     QStringLiteral("--"), QStringLiteral("true")}),
             2);
    QCOMPARE(status({QStringLiteral("--events"), dir.filePath(QStringLiteral("a")),
                     QStringLiteral("--trace"), dir.filePath(QStringLiteral("a")),
                     QStringLiteral("--"), QStringLiteral("true")}),
             2);
    // An output that cannot be written fails before the program runs.
    QCOMPARE(status({QStringLiteral("--events"), dir.filePath(QStringLiteral("no/such/dir/e")),
                     QStringLiteral("--"), QStringLiteral("true")}),
             1);
    QCOMPARE(status({QStringLiteral("--"), QStringLiteral("python3"), QStringLiteral("-c"),
                     QStringLiteral("import os, signal; os.kill(os.getpid(), signal.SIGTERM)")}),
             128 + SIGTERM);
}

void TestPyTrace::isolatedPythonIsReported()
{
    QProcess pipescope;
    pipescope.setWorkingDirectory(kScripts);
    pipescope.start(QStringLiteral(PIPESCOPE_PATH),
                    {QStringLiteral("trace"), QStringLiteral("--"), QStringLiteral("python3"),
                     QStringLiteral("-I"), QStringLiteral("pingpong.py"), QStringLiteral("fork")});
    QVERIFY(pipescope.waitForFinished(60000));
    QCOMPARE(pipescope.exitCode(), 0);
    QCOMPARE(pipescope.readAllStandardOutput().count('\n'), 11);
    const QString errors = QString::fromUtf8(pipescope.readAllStandardError());
    QVERIFY2(errors.contains(QLatin1String("could not be traced")) &&
                 errors.contains(QLatin1String("-I")),
             qPrintable(errors));
}

// Pythons the hook cannot reach, started by something that is not a traced Python (here a
// shell), are still said by name: one by its -I, one whose environment lost PipeScope's
// variables; the traced one next to them is recorded as usual.
void TestPyTrace::pythonStartedByAShellIsReported()
{
    const QString python = interpreters().front().second;
    const Traced traced = trace(
        QStringLiteral("/bin/sh"),
        {QStringLiteral("-c"),
         QStringLiteral("%1 -I -c 'import time; time.sleep(0.4)'; env -u PIPESCOPE_TRACE_DIR %1 "
                        "-c 'import time; time.sleep(0.4)'; %1 -c 'import multiprocessing as mp; "
                        "a, b = mp.Pipe(); a.send(7); print(b.recv())'")
             .arg(python)});
    QCOMPARE(printed(traced.store()), QStringList({"7"}));
    QCOMPARE(traced.tracer->tracedProcessCount(), 1);
    QCOMPARE(traced.store().messages().size(), size_t(1));
    const QStringList untraced = traced.tracer->untraced();
    const QString lines = untraced.join(QLatin1Char('\n'));
    QVERIFY2(untraced.size() == 2, qPrintable(lines));
    QVERIFY2(untraced[0].contains(QLatin1String("time.sleep(0.4)")) &&
                 untraced[0].endsWith(QLatin1String("it runs Python with -I")),
             qPrintable(lines));
    QVERIFY2(untraced[1].contains(QLatin1String("time.sleep(0.4)")) &&
                 untraced[1].endsWith(QLatin1String("its environment lost PIPESCOPE_TRACE_DIR")),
             qPrintable(lines));
}

// A Python the program starts with subprocess and an emptied environment is said (its traced
// parent reported it, and its normal exit, without a hello from it); a child that is no Python
// is not, whatever its flags look like (sort -S).
void TestPyTrace::subprocessChildrenOutOfReachAreReported()
{
    const QString python = interpreters().front().second;
    const Traced traced =
        trace(python, {QStringLiteral("-c"),
                       QStringLiteral("import subprocess, sys\n"
                                      "subprocess.run([sys.executable, '-c', 'pass'], env={})\n"
                                      "subprocess.run(['sort', '-S', '1M'], input=b'b\\na\\n', "
                                      "stdout=subprocess.DEVNULL)\n"
                                      "print('done')")});
    QCOMPARE(printed(traced.store()), QStringList({"done"}));
    const QStringList untraced = traced.tracer->untraced();
    QVERIFY2(untraced.size() == 1 && untraced.front().contains(QLatin1String("-c pass")),
             qPrintable(untraced.join(QLatin1Char('\n'))));
}

// A duplex Pipe whose two ends one process holds: its two directions are two channels with
// names of their own, and the saved run reads back.
void TestPyTrace::bothDirectionsInOneProcessReadBack()
{
    const Traced traced = trace(
        interpreters().front().second,
        {QStringLiteral("-c"), QStringLiteral("import multiprocessing as mp\n"
                                              "a, b = mp.Pipe()\n"
                                              "a.send(1); b.send(b.recv() + 1); print(a.recv())")});
    const TraceStore& store = traced.store();
    QCOMPARE(printed(store), QStringList({"2"}));
    QCOMPARE(channelNames(store), QStringList({"Pipe#1 MainProcess->MainProcess",
                                               "Pipe#1 MainProcess->MainProcess (2)"}));
    QBuffer file;
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(EventsJsonWriter::write(store, file).ok());
    file.seek(0);
    const auto read = EventsJsonReader::read(file);
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message()));
    QCOMPARE((*read)->messages().size(), size_t(2));
    QCOMPARE((*read)->channelCount(), 2);
}

void TestPyTrace::bothWritersWriteTheSameRecords_data()
{
    QTest::addColumn<QString>("python");
    for (const auto& [label, python] : interpreters())
        QTest::newRow(qPrintable(label)) << python;
}

// The native writer (pyhook/native/ring.c) and the hook's pure-Python one write the same bytes
// for the same calls (tests/pytrace/writers.py), under every CPython it loads into (3.11 on).
void TestPyTrace::bothWritersWriteTheSameRecords()
{
    QFETCH(QString, python);
    const QString ring = ProgramTracer::defaultRingModule();
    if (ring.isEmpty()) {
        if (qEnvironmentVariableIsSet("PIPESCOPE_REQUIRE_PYTHON"))
            QFAIL("_pipescope_ring.abi3.so was not built (python3-dev missing?)");
        QSKIP("the native writer was not built");
    }
    QProcess version;
    version.start(python, {QStringLiteral("-c"),
                           QStringLiteral("import sys; print(sys.version_info >= (3, 11))")});
    QVERIFY(version.waitForFinished(30000));
    if (version.readAllStandardOutput().trimmed() != "True")
        QSKIP("the native writer is for Python 3.11 and later");
    QProcess writers;
    writers.start(python, {kScripts + QStringLiteral("/writers.py"),
                           ProgramTracer::defaultHookDirectory(), ring});
    QVERIFY(writers.waitForFinished(60000));
    const QByteArray output = writers.readAllStandardOutput() + writers.readAllStandardError();
    QVERIFY2(writers.exitCode() == 0 && output.startsWith("same 16 records"), output.constData());
}

void TestPyTrace::theNativeWriterIsUsedFrom311_data()
{
    bothWritersWriteTheSameRecords_data();
}

// A traced program's processes write with the native writer from Python 3.11 on (the bench's
// overhead depends on it), and in Python before.
void TestPyTrace::theNativeWriterIsUsedFrom311()
{
    QFETCH(QString, python);
    if (ProgramTracer::defaultRingModule().isEmpty())
        QSKIP("the native writer was not built (bothWritersWriteTheSameRecords says if it must)");
    const Traced traced =
        trace(python, {QStringLiteral("-c"),
                       QStringLiteral("import sys; print(sys.version_info >= (3, 11), "
                                      "sys.modules['_pipescope_trace']._ring is not None)")});
    const QStringList lines = printed(traced.store());
    QCOMPARE(lines.size(), 1);
    const QStringList words = lines.front().split(QLatin1Char(' '));
    QCOMPARE(words.size(), 2);
    QCOMPARE(words[1], words[0]);
}

QTEST_GUILESS_MAIN(TestPyTrace)
#include "tst_pytrace.moc"
