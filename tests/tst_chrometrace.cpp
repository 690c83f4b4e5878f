// The Chrome trace export read as Perfetto's importer reads it: every delivered message keeps its
// arrow even when the receiver was waiting before the send began, and the counters sit on a
// process of their own.
#include "PerfettoImport.h"
#include "trace/ChromeTraceWriter.h"
#include "trace/TraceStore.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace pipescope;

namespace {

TelemetryRecord call(EventKind kind, qint64 seq, qint64 startNs, qint64 endNs)
{
    TelemetryRecord record;
    record.kind = kind;
    record.channel = 0;
    record.seq = seq;
    record.startNs = startNs;
    record.tNs = endNs;
    record.amount = 8;
    return record;
}

QJsonObject traceDocument(const TraceStore& store)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    if (!ChromeTraceWriter::write(store, buffer).ok())
        return {};
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(buffer.data(), &error);
    if (error.error != QJsonParseError::NoError)
        return {};
    return document.object();
}

QJsonArray traceEvents(const TraceStore& store)
{
    return traceDocument(store).value(QStringLiteral("traceEvents")).toArray();
}

} // namespace

class TestChromeTrace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void arrowsSurviveTheImport_data();
    void arrowsSurviveTheImport();
    void countersHaveAProcessOfTheirOwn();
    void metadataNamesTheVersion();
    void waitingStatesAreSlices();
    void failedCallsAreMarks();
};

void TestChromeTrace::arrowsSurviveTheImport_data()
{
    QTest::addColumn<qint64>("recvStart");
    QTest::addColumn<qint64>("sendStart");
    QTest::addColumn<qint64>("sendEnd");
    QTest::addColumn<qint64>("recvEnd");
    // The tutorial's receiver waits in recv() long before the sender sends.
    QTest::newRow("receiver waiting first")
        << qint64(1000) << qint64(5000) << qint64(5200) << qint64(5600);
    QTest::newRow("message waiting in the pipe")
        << qint64(9000) << qint64(5000) << qint64(5200) << qint64(9100);
    QTest::newRow("recv returns as the send returns")
        << qint64(1000) << qint64(5000) << qint64(5200) << qint64(5200);
    QTest::newRow("everything at once")
        << qint64(5000) << qint64(5000) << qint64(5000) << qint64(5000);
}

void TestChromeTrace::arrowsSurviveTheImport()
{
    QFETCH(qint64, recvStart);
    QFETCH(qint64, sendStart);
    QFETCH(qint64, sendEnd);
    QFETCH(qint64, recvEnd);
    TraceStore store;
    // The receiver is the first process, so its slices come first in the file.
    const int receiver = store.addProcess(QStringLiteral("Receiver"), QStringLiteral("receiver"));
    const int sender = store.addProcess(QStringLiteral("Sender"), QStringLiteral("sender"));
    store.addChannel(QStringLiteral("Sender->Receiver"), sender, receiver);
    QVERIFY(store.append(receiver, call(EventKind::Recv, 0, recvStart, recvEnd), "0.5").ok());
    QVERIFY(store.append(sender, call(EventKind::Send, 0, sendStart, sendEnd), "0.5").ok());
    // A second message, never received: no arrow at all.
    QVERIFY(store.append(sender, call(EventKind::Send, 1, 9500, 9600), "None").ok());

    const QJsonArray events = traceEvents(store);
    QVERIFY(!events.isEmpty());
    const perfetto_import::Arrows arrows = perfetto_import::importArrows(events);
    QCOMPARE(arrows.starts, 1);
    QCOMPARE(arrows.dropped, 0);
    QCOMPARE(arrows.bound, 1);
}

void TestChromeTrace::countersHaveAProcessOfTheirOwn()
{
    TraceStore store;
    const int a = store.addProcess(QStringLiteral("a"), QStringLiteral("sender"));
    const int b = store.addProcess(QStringLiteral("b"), QStringLiteral("receiver"));
    store.addChannel(QStringLiteral("a->b"), a, b);
    QVERIFY(store.append(a, call(EventKind::Send, 0, 10, 20), "1").ok());
    QVERIFY(store.append(b, call(EventKind::Recv, 0, 5, 30), "1").ok());

    std::set<int> childPids;
    std::set<int> counterPids;
    for (const QJsonValue& value : traceEvents(store)) {
        const QJsonObject event = value.toObject();
        const int pid = event.value(QStringLiteral("pid")).toInt(-1);
        const QString phase = event.value(QStringLiteral("ph")).toString();
        if (phase == QLatin1String("C"))
            counterPids.insert(pid);
        else if (phase == QLatin1String("X"))
            childPids.insert(pid);
    }
    QCOMPARE(counterPids.size(), size_t(1));
    const int pipes = *counterPids.begin();
    QCOMPARE(pipes, ChromeTraceWriter::kPipesPid);
    QVERIFY(pipes != 0); // Perfetto's idle process
    QVERIFY(!childPids.contains(pipes));
    QCOMPARE(childPids.size(), size_t(2));
}

void TestChromeTrace::metadataNamesTheVersion()
{
    TraceStore store;
    store.addProcess(QStringLiteral("a"), QStringLiteral("sender"));
    const QJsonObject document = traceDocument(store);
    QCOMPARE(document.value(QStringLiteral("metadata"))
                 .toObject()
                 .value(QStringLiteral("pipescope-version"))
                 .toString(),
             QStringLiteral(PIPESCOPE_EXPECTED_VERSION));
    QVERIFY(!document.value(QStringLiteral("traceEvents")).toArray().isEmpty());
}

void TestChromeTrace::waitingStatesAreSlices()
{
    // What the lanes show: each wait from its start to the next state, named as the tooltip.
    TraceStore store;
    const int a = store.addProcess(QStringLiteral("a"), QStringLiteral("sender"));
    const int b = store.addProcess(QStringLiteral("b"), QStringLiteral("receiver"));
    store.addChannel(QStringLiteral("a->b"), a, b);
    const auto state = [&](int process, ProcessState what, qint64 t, quint16 channel = kNoChannel,
                           qint64 amount = 0) {
        TelemetryRecord record;
        record.kind = EventKind::State;
        record.detail = quint8(what);
        record.channel = channel;
        record.amount = amount;
        record.tNs = record.startNs = t;
        return store.append(process, record, {}).ok();
    };
    QVERIFY(state(a, ProcessState::Running, 0));
    QVERIFY(state(a, ProcessState::Sleeping, 100));
    QVERIFY(state(a, ProcessState::BlockedSend, 300, 0));
    QVERIFY(state(a, ProcessState::Running, 700));
    QVERIFY(state(b, ProcessState::Joining, 50, kNoChannel, a));
    QVERIFY(state(b, ProcessState::Running, 900));
    QStringList slices;
    for (const QJsonValue& value : traceEvents(store)) {
        const QJsonObject event = value.toObject();
        if (event.value(QStringLiteral("cat")).toString() != QLatin1String("state"))
            continue;
        slices.append(QStringLiteral("%1 %2+%3")
                          .arg(event.value(QStringLiteral("name")).toString())
                          .arg(event.value(QStringLiteral("ts")).toDouble() * 1000)
                          .arg(event.value(QStringLiteral("dur")).toDouble() * 1000));
    }
    QCOMPARE(slices,
             (QStringList{"sleep 100+200", "blocked in send on a->b 300+400", "joining a 50+850"}));
}

void TestChromeTrace::failedCallsAreMarks()
{
    TraceStore store;
    const int a = store.addProcess(QStringLiteral("a"), QStringLiteral("sender"));
    const int b = store.addProcess(QStringLiteral("b"), QStringLiteral("receiver"));
    store.addChannel(QStringLiteral("a->b"), a, b);
    QVERIFY(store.append(a, call(EventKind::Send, 0, 10, 20), "b'x'").ok());
    TelemetryRecord failed = call(EventKind::Error, 0, 30, 30);
    QVERIFY(store.append(b, failed, "BufferTooShort: b'x'").ok());
    QJsonObject mark;
    for (const QJsonValue& value : traceEvents(store)) {
        if (value.toObject().value(QStringLiteral("name")).toString() == QLatin1String("raised"))
            mark = value.toObject();
    }
    QCOMPARE(mark.value(QStringLiteral("ph")).toString(), QStringLiteral("i"));
    QCOMPARE(mark.value(QStringLiteral("ts")).toDouble(), 0.03);
    const QJsonObject args = mark.value(QStringLiteral("args")).toObject();
    QCOMPARE(args.value(QStringLiteral("message")).toString(),
             QStringLiteral("BufferTooShort: b'x'"));
    QCOMPARE(args.value(QStringLiteral("channel")).toString(), QStringLiteral("a->b"));
    QCOMPARE(args.value(QStringLiteral("seq")).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestChromeTrace)
#include "tst_chrometrace.moc"
