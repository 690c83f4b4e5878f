// The TraceStore's derived series (messages, queue depth, undelivered) and its refusal of events
// that could not have happened; the telemetry decoder on good and hostile batches.
#include "trace/TelemetryDecoder.h"
#include "trace/TraceStore.h"

#include <QTest>

using namespace pipescope;

namespace {

TelemetryRecord message(EventKind kind, quint16 channel, qint64 seq, qint64 t, qint64 bytes = 8)
{
    TelemetryRecord record;
    record.kind = kind;
    record.channel = channel;
    record.seq = seq;
    record.tNs = record.startNs = t;
    record.amount = bytes;
    return record;
}

QByteArray batch(const QList<std::pair<TelemetryRecord, QByteArray>>& records)
{
    QByteArray out;
    for (auto [record, text] : records) {
        record.textLength = quint16(text.size());
        out.append(reinterpret_cast<const char*>(&record), sizeof record);
        out.append(text);
    }
    return out;
}

// A byte message's record as the Tracer writes it: no text, the payload's first bytes.
QByteArray bytesRecord(const QByteArray& payload)
{
    TelemetryRecord record = message(EventKind::Recv, 0, 0, 1, payload.size());
    record.detail = kBytesPreview;
    const QByteArray head = payload.left(kMaxPayloadHead);
    record.headLength = quint16(head.size());
    return QByteArray(reinterpret_cast<const char*>(&record), sizeof record) + head;
}

} // namespace

class TestTraceStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void messagesJoinWhicheverSideArrivesFirst();
    void queueDepthOverTime();
    void refusesImpossibleEvents_data();
    void refusesImpossibleEvents();
    void refusesImpossibleTimesAndSizes_data();
    void refusesImpossibleTimesAndSizes();
    void eventsByTimeMergesProcesses();
    void decoderReadsRecordsAndTexts();
    void decoderWritesBytePreviews_data();
    void decoderWritesBytePreviews();
    void decoderRefusesHostileBatches_data();
    void decoderRefusesHostileBatches();
};

void TestTraceStore::messagesJoinWhicheverSideArrivesFirst()
{
    TraceStore store;
    const int a = store.addProcess(QStringLiteral("a"), QStringLiteral("sender"));
    const int b = store.addProcess(QStringLiteral("b"), QStringLiteral("receiver"));
    store.addChannel(QStringLiteral("a->b"), a, b);
    // The receiver's batch came in before the sender's.
    QVERIFY(store.append(b, message(EventKind::Recv, 0, 0, 20), "0.5").ok());
    QVERIFY(store.append(a, message(EventKind::Send, 0, 0, 10), "0.5").ok());
    QVERIFY(store.append(a, message(EventKind::Send, 0, 1, 30), "None").ok());
    QCOMPARE(store.messages().size(), size_t(2));
    QCOMPARE(store.messages()[0].sendEvent, 1);
    QCOMPARE(store.messages()[0].recvEvent, 0);
    QCOMPARE(store.messages()[1].recvEvent, -1);
    QCOMPARE(store.deliveredCount(), 1);
    QCOMPARE(store.undeliveredCount(), 1);
    QCOMPARE(store.text(0), QByteArrayView("0.5"));
}

void TestTraceStore::queueDepthOverTime()
{
    TraceStore store;
    store.addProcess(QStringLiteral("a"), {});
    store.addProcess(QStringLiteral("b"), {});
    store.addChannel(QStringLiteral("a->b"), 0, 1);
    for (int i = 0; i < 3; ++i)
        QVERIFY(store.append(0, message(EventKind::Send, 0, i, 10 * (i + 1), 100), {}).ok());
    QVERIFY(store.append(1, message(EventKind::Recv, 0, 0, 35, 100), {}).ok());
    QCOMPARE(store.depthAt(0, 5), 0);
    QCOMPARE(store.depthAt(0, 10), 1);
    QCOMPARE(store.depthAt(0, 30), 3);
    QCOMPARE(store.depthAt(0, 35), 2);
    QCOMPARE(store.depthBytesAt(0, 30), 300);
    QCOMPARE(store.depthBytesAt(0, 40), 200);
    QCOMPARE(store.maxDepth(0), 3);
}

void TestTraceStore::refusesImpossibleEvents_data()
{
    QTest::addColumn<int>("process");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("channel");
    QTest::addColumn<qint64>("seq");
    QTest::addColumn<QString>("says");
    QTest::newRow("receiver sends")
        << 1 << int(EventKind::Send) << 0 << qint64(0) << "does not send";
    QTest::newRow("sender receives")
        << 0 << int(EventKind::Recv) << 0 << qint64(0) << "does not receive";
    QTest::newRow("skipped seq") << 0 << int(EventKind::Send) << 0 << qint64(1) << "expected 0";
    QTest::newRow("unknown channel")
        << 0 << int(EventKind::Send) << 7 << qint64(0) << "unknown channel";
    QTest::newRow("unknown process")
        << 9 << int(EventKind::Stdout) << 0xffff << qint64(0) << "unknown process";
    QTest::newRow("unknown kind") << 0 << 42 << 0xffff << qint64(0) << "unknown event kind";
}

void TestTraceStore::refusesImpossibleEvents()
{
    QFETCH(int, process);
    QFETCH(int, kind);
    QFETCH(int, channel);
    QFETCH(qint64, seq);
    QFETCH(QString, says);
    TraceStore store;
    store.addProcess(QStringLiteral("a"), {});
    store.addProcess(QStringLiteral("b"), {});
    store.addChannel(QStringLiteral("a->b"), 0, 1);
    const auto appended =
        store.append(process, message(EventKind(kind), quint16(channel), seq, 5), {});
    QVERIFY(!appended.ok());
    QVERIFY2(appended.error().message().contains(says), qPrintable(appended.error().message()));
    QCOMPARE(store.eventCount(), 0);
    QVERIFY(store.messages().empty());
}

void TestTraceStore::refusesImpossibleTimesAndSizes_data()
{
    // Found by fuzz_telemetry: extreme values that made the store's arithmetic overflow.
    QTest::addColumn<qint64>("start");
    QTest::addColumn<qint64>("end");
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("says");
    QTest::newRow("negative time") << qint64(-5) << qint64(5) << qint64(8) << "impossible";
    QTest::newRow("ends before it starts") << qint64(10) << qint64(5) << qint64(8) << "impossible";
    QTest::newRow("time near the limit")
        << qint64(0) << std::numeric_limits<qint64>::max() << qint64(8) << "impossible";
    QTest::newRow("negative size")
        << qint64(1) << qint64(2) << qint64(-1) << "impossible message size";
    QTest::newRow("huge size") << qint64(1) << qint64(2) << std::numeric_limits<qint64>::max()
                               << "impossible message size";
}

void TestTraceStore::refusesImpossibleTimesAndSizes()
{
    QFETCH(qint64, start);
    QFETCH(qint64, end);
    QFETCH(qint64, bytes);
    QFETCH(QString, says);
    TraceStore store;
    store.addProcess(QStringLiteral("a"), {});
    store.addProcess(QStringLiteral("b"), {});
    store.addChannel(QStringLiteral("a->b"), 0, 1);
    TelemetryRecord record = message(EventKind::Send, 0, 0, end, bytes);
    record.startNs = start;
    const auto appended = store.append(0, record, {});
    QVERIFY(!appended.ok());
    QVERIFY2(appended.error().message().contains(says), qPrintable(appended.error().message()));
    QCOMPARE(store.eventCount(), 0);
    QVERIFY(store.channel(0).sendTimes.empty());
}

void TestTraceStore::eventsByTimeMergesProcesses()
{
    TraceStore store;
    store.addProcess(QStringLiteral("a"), {});
    store.addProcess(QStringLiteral("b"), {});
    TelemetryRecord line;
    line.kind = EventKind::Stdout;
    for (const qint64 t : {30, 10, 20, 10}) {
        line.tNs = t;
        QVERIFY(store.append(t == 20 ? 1 : 0, line, {}).ok());
    }
    const std::vector<quint32> order = store.eventsByTime();
    QCOMPARE(order, (std::vector<quint32>{1, 3, 2, 0}));
}

void TestTraceStore::decoderReadsRecordsAndTexts()
{
    const QByteArray bytes = batch(
        {{message(EventKind::Send, 0, 0, 1), "0.25"}, {message(EventKind::Recv, 0, 0, 2), ""}});
    QList<QByteArray> texts;
    const Status status = TelemetryDecoder::decode(
        {bytes.constData(), size_t(bytes.size())},
        [&](const TelemetryRecord& record, QByteArrayView text, QByteArrayView) -> Status {
            texts.append(text.toByteArray());
            Q_UNUSED(record);
            return {};
        });
    QVERIFY(status.ok());
    QCOMPARE(texts, (QList<QByteArray>{"0.25", ""}));
}

void TestTraceStore::decoderWritesBytePreviews_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("preview");
    QTest::addColumn<bool>("cut");
    QTest::newRow("empty") << QByteArray() << QByteArray("b''") << false;
    QTest::newRow("short") << QByteArray("it's") << QByteArray("b\"it's\"") << false;
    QTest::newRow("64 printable") << QByteArray(64, 'a') << "b'" + QByteArray(64, 'a') + "'"
                                  << false;
    // Longer than the head: "..." before the closing quote.
    QTest::newRow("65 printable") << QByteArray(65, 'a') << "b'" + QByteArray(64, 'a') + "...'"
                                  << true;
    // 64 escaped bytes make 259 characters: cut at kMaxRecordText, mid-escape as the worker did.
    QTest::newRow("64 binary") << QByteArray(64, '\x01')
                               << "b'" + QByteArray("\\x01").repeated(63) + "\\x" << true;
}

void TestTraceStore::decoderWritesBytePreviews()
{
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, preview);
    QFETCH(bool, cut);
    const QByteArray bytes =
        bytesRecord(payload) + batch({{message(EventKind::Send, 0, 0, 2), "7"}});
    QList<std::tuple<QByteArray, QByteArray, quint8>> seen;
    const Status status = TelemetryDecoder::decode(
        {bytes.constData(), size_t(bytes.size())},
        [&](const TelemetryRecord& record, QByteArrayView text, QByteArrayView head) -> Status {
            seen.append({text.toByteArray(), head.toByteArray(), record.detail});
            return {};
        });
    QVERIFY(status.ok());
    QCOMPARE(seen.size(), 2);
    QCOMPARE(std::get<0>(seen[0]), preview);
    QCOMPARE(std::get<0>(seen[0]).size() <= kMaxRecordText, true);
    QCOMPARE(std::get<1>(seen[0]), payload.left(kMaxPayloadHead));
    QCOMPARE(std::get<2>(seen[0]), cut ? kTextCut : quint8(0));
    // The next record keeps its own text.
    QCOMPARE(std::get<0>(seen[1]), QByteArray("7"));
}

void TestTraceStore::decoderRefusesHostileBatches_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("says");
    const QByteArray good = batch({{message(EventKind::Send, 0, 0, 1), "0.25"}});
    QTest::newRow("truncated record") << good.left(20) << "truncated record";
    QByteArray lying = good;
    lying[offsetof(TelemetryRecord, textLength)] = char(200); // claims more text than there is
    QTest::newRow("text past the batch") << lying << "runs past";
    QByteArray tooLong = batch({{message(EventKind::Send, 0, 0, 1), QByteArray(300, 'x')}});
    QTest::newRow("text over its bound") << tooLong << "runs past";
    QByteArray badKind = good;
    badKind[offsetof(TelemetryRecord, kind)] = char(99);
    QTest::newRow("unknown kind") << badKind << "unknown event kind";
    QByteArray previewWithText = good;
    previewWithText[offsetof(TelemetryRecord, detail)] = char(kBytesPreview);
    QTest::newRow("byte preview with text") << previewWithText << "byte preview record with text";
}

void TestTraceStore::decoderRefusesHostileBatches()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, says);
    const Status status = TelemetryDecoder::decode(
        {bytes.constData(), size_t(bytes.size())},
        [](const TelemetryRecord&, QByteArrayView, QByteArrayView) -> Status { return {}; });
    QVERIFY(!status.ok());
    QCOMPARE(status.error().kind(), ErrorKind::Protocol);
    QVERIFY2(status.error().message().contains(says), qPrintable(status.error().message()));
}

QTEST_APPLESS_MAIN(TestTraceStore)
#include "tst_tracestore.moc"
