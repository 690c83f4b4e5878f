// The TraceStore's derived series (messages, queue depth, undelivered) and its refusal of events
// that could not have happened; the telemetry decoder on good and hostile batches.
#include "pipe/Connection.h"
#include "trace/PackedColumn.h"
#include "trace/RecentBuckets.h"
#include "trace/TelemetryDecoder.h"
#include "trace/TextPool.h"
#include "trace/TraceStore.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>
#include <array>
#include <cmath>
#include <limits>
#include <malloc.h>
#include <map>
#include <random>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

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

// The nice value of each thread of this process, by thread id (field 19 of /proc's stat).
std::map<int, int> threadNiceValues()
{
    std::map<int, int> nice;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile stat(tasks.filePath(tid + QStringLiteral("/stat")));
        if (!stat.open(QIODevice::ReadOnly))
            continue; // the thread has ended
        const QByteArray line = stat.readAll();
        // The fields after the name (in parentheses, which may hold spaces): state is field 3.
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 16)
            nice[tid.toInt()] = fields[16].toInt();
    }
    return nice;
}

} // namespace

class TestTraceStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lanesUnderTheirOwner();
    void internalTrafficIsKeptAndHidden();
    void lanesMoveWithTheLanesUnderThem();
    void messagesJoinWhicheverSideArrivesFirst();
    void queueDepthOverTime();
    void refusesImpossibleEvents_data();
    void refusesImpossibleEvents();
    void refusesImpossibleTimesAndSizes_data();
    void refusesImpossibleTimesAndSizes();
    void eventsByTimeMergesProcesses();
    void everyFieldReadsBackAcrossChunks();
    void textPoolBlocksAndBound();
    void textPoolPacksFullFrames();
    void deepestQueueAsBatchesArriveInAnyOrder();
    void decoderReadsRecordsAndTexts();
    void bytePreviewsAreWrittenFromTheHead_data();
    void bytePreviewsAreWrittenFromTheHead();
    void decoderRefusesHostileBatches_data();
    void decoderRefusesHostileBatches();
    void aColumnOfAFewValuesCostsAFewBytes();
    void packedColumnsReadBackEveryValue_data();
    void packedColumnsReadBackEveryValue();
    void packedColumnsTakeWhatTheirValuesNeed();
    void manyChannelsOfOneMessageStaySmall();
    void timeBucketsCountWhatCameBefore();
    void timeBucketsTakeAnyTimes();
    void recentBucketsKeepTheLastMinuteFine();
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

void TestTraceStore::everyFieldReadsBackAcrossChunks()
{
    // Enough events to fill several chunks of every column, each with its own values.
    TraceStore store;
    store.setOrigin(1000);
    store.addProcess(QStringLiteral("a"), {});
    store.addProcess(QStringLiteral("b"), {});
    store.addChannel(QStringLiteral("a->b"), 0, 1);
    constexpr int kMessages = 10'000;
    for (int i = 0; i < kMessages; ++i) {
        const QByteArray text = QByteArray::number(i);
        const QByteArray head = QByteArray(i % 65, char('a' + i % 26));
        TelemetryRecord send = message(EventKind::Send, 0, i, 0, 3 * i + 1);
        send.startNs = 1000 + 10 * i;
        send.tNs = send.startNs + 2;
        QVERIFY(store.append(0, send, text, head).ok());
        TelemetryRecord recv = message(EventKind::Recv, 0, i, 0, 3 * i + 1);
        recv.startNs = 1000 + 10 * i + 1;
        recv.tNs = recv.startNs + 5;
        // The receiver's copy of the head is the same bytes: kept once.
        QVERIFY(store.append(1, recv, {}, head).ok());
        TelemetryRecord poll;
        poll.kind = EventKind::Poll;
        poll.detail = quint8(i % 2);
        poll.startNs = 1000 + 10 * i + 1;
        poll.tNs = poll.startNs + 3;
        poll.amount = 3;
        poll.number = i % 3 == 0 ? Connection::kForever : 0.5 * i;
        QVERIFY(store.append(1, poll, {}).ok());
        TelemetryRecord state;
        state.kind = EventKind::State;
        state.detail = quint8(i % 3 ? ProcessState::BlockedRecv : ProcessState::Running);
        state.channel = 0;
        state.tNs = state.startNs = 1000 + 10 * i + 6;
        QVERIFY(store.append(1, state, {}).ok());
    }
    QCOMPARE(store.eventCount(), 4 * kMessages);
    QCOMPARE(store.messages().size(), size_t(kMessages));
    for (int i = 0; i < kMessages; ++i) {
        const qint32 send = 4 * i;
        const qint32 recv = send + 1;
        const qint32 poll = send + 2;
        const qint32 state = send + 3;
        const QByteArray head = QByteArray(i % 65, char('a' + i % 26));
        QCOMPARE(store.startTime(send), 10 * i);
        QCOMPARE(store.time(send), 10 * i + 2);
        QCOMPARE(store.seq(send), i);
        QCOMPARE(store.messageBytes(send), 3 * i + 1);
        QCOMPARE(store.text(send), QByteArray::number(i));
        QCOMPARE(store.payloadHead(send), head);
        QCOMPARE(store.messageOf(send), i);
        QCOMPARE(store.startTime(recv), 10 * i + 1);
        QCOMPARE(store.time(recv), 10 * i + 6);
        QCOMPARE(store.messageBytes(recv), 3 * i + 1);
        QCOMPARE(store.payloadHead(recv), head);
        QCOMPARE(store.text(recv), QByteArrayView());
        QCOMPARE(store.startTime(poll), 10 * i + 1);
        QCOMPARE(store.pollWaitNs(poll), 3);
        QCOMPARE(store.pollTimeoutSeconds(poll), i % 3 == 0 ? Connection::kForever : 0.5 * i);
        QCOMPARE(store.detail(poll), quint8(i % 2));
        QCOMPARE(store.messageOf(poll), -1);
        QCOMPARE(store.seq(state), -1);
        QCOMPARE(store.startTime(state), store.time(state));
        QCOMPARE(store.channelOf(state), quint16(0));
        QCOMPARE(store.process(1).pollEvents[size_t(i)], quint32(poll));
        QCOMPARE(store.process(1).stateEvents[size_t(i)], quint32(state));
        QCOMPARE(store.process(1).stateTimes[size_t(i)], store.time(state)); // from the origin
        QCOMPARE(store.process(1).stateKinds[size_t(i)],
                 i % 3 ? ProcessState::BlockedRecv : ProcessState::Running);
    }
    QCOMPARE(store.process(1).stateTimes.size(), size_t(kMessages));
    QCOMPARE(store.process(1).stateKinds.size(), size_t(kMessages));
    // Columns this short are searched at any zoom: they have no buckets.
    QCOMPARE(store.process(1).stateBuckets.entries(), size_t(0));
    QCOMPARE(store.process(1).stateBuckets.capacityBytes(), size_t(0));
    QCOMPARE(store.channel(0).sendBuckets.entries(), size_t(0));
    // A field off its default is kept, bit for bit (found by fuzz_telemetry: -0.0 came back 0.0).
    TelemetryRecord line;
    line.kind = EventKind::Poll;
    line.tNs = line.startNs = 1'000'000;
    line.number = -0.0;
    const auto negativeZero = store.append(0, line, "x");
    QVERIFY(negativeZero.ok());
    QVERIFY(std::signbit(store.pollTimeoutSeconds(*negativeZero)));
    line.number = 0;
    const auto plain = store.append(0, line, "y");
    QVERIFY(plain.ok());
    QVERIFY(!std::signbit(store.pollTimeoutSeconds(*plain)));
    QCOMPARE(store.process(0).events.size(), size_t(kMessages + 2));
    QCOMPARE(store.process(1).events.size(), size_t(3 * kMessages));
    QCOMPARE(store.droppedTextBytes(), 0);
}

void TestTraceStore::textPoolBlocksAndBound()
{
    // Texts never straddle a frame: one that does not fit starts the next frame. Each text is
    // random (it packs to no less than its size), so three frames are all the bound allows.
    TextPool pool(3 * TextPool::kFrameBytes);
    QRandomGenerator random(11);
    std::vector<std::pair<quint32, QByteArray>> stored;
    for (int i = 0;; ++i) {
        QByteArray text(TextPool::kMaxTextBytes / 16 - i, Qt::Uninitialized);
        for (char& c : text)
            c = char(random.generate());
        const std::optional<quint32> offset = pool.append(text);
        if (!offset)
            break;
        QVERIFY(*offset / TextPool::kFrameBytes ==
                (*offset + quint32(text.size()) - 1) / TextPool::kFrameBytes);
        stored.emplace_back(*offset, text);
    }
    // Sixteen texts a little shorter than 4 KiB fill a frame (the seventeenth starts the next).
    QCOMPARE(stored.size(), size_t(48));
    for (const auto& [offset, text] : stored)
        QCOMPARE(pool.text(offset, text.size()), text);
    QVERIFY(pool.keptBytes() <= 3 * TextPool::kFrameBytes);
    QVERIFY(!pool.append(QByteArray(TextPool::kMaxTextBytes + 1, 'y')));
    QVERIFY(pool.append({}));
}

void TestTraceStore::textPoolPacksFullFrames()
{
    // A run's texts look alike: they pack to a fraction of their size, and every one reads back,
    // from any frame in any order, also from several threads at once.
    const int niceBefore = getpriority(PRIO_PROCESS, 0);
    TextPool pool(TraceStore::kMaxTextBytes);
    std::vector<std::pair<quint32, QByteArray>> stored;
    qsizetype bytes = 0;
    for (int i = 0; i < 200'000; ++i) {
        const QByteArray text = QByteArray::number(0.1 + i * 1e-7, 'g', 17);
        const std::optional<quint32> offset = pool.append(text);
        QVERIFY(offset);
        stored.emplace_back(*offset, text);
        bytes += text.size();
    }
    QVERIFY(pool.size() > 40 * TextPool::kFrameBytes);
    pool.waitForPacking();
    QVERIFY2(pool.keptBytes() < bytes / 2, qPrintable(QString::number(pool.keptBytes())));
    // The packing thread gives way to the others: it runs at nice 10 (or nicer, as the test was
    // started), the test's own thread as it was.
    const std::map<int, int> nice = threadNiceValues();
    const int self = int(getpid()); // the main thread's id is the process's
    QVERIFY(nice.count(self));
    QCOMPARE(nice.at(self), niceBefore);
    QVERIFY2(std::any_of(nice.begin(), nice.end(),
                         [&](const auto& thread) {
                             return thread.first != self &&
                                    thread.second == std::max(10, niceBefore);
                         }),
             "no thread runs at nice 10");
    QRandomGenerator random(5);
    for (int k = 0; k < 20'000; ++k) {
        const auto& [offset, text] = stored[random.bounded(quint32(stored.size()))];
        QCOMPARE(pool.text(offset, text.size()), text);
    }
    std::atomic<int> wrong = 0;
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
        readers.emplace_back([&, t] {
            for (size_t i = size_t(t); i < stored.size(); i += 4) {
                if (pool.text(stored[i].first, stored[i].second.size()) != stored[i].second)
                    ++wrong;
            }
        });
    }
    for (std::thread& reader : readers)
        reader.join();
    QCOMPARE(wrong.load(), 0);
}

void TestTraceStore::deepestQueueAsBatchesArriveInAnyOrder()
{
    // The sender's and receiver's events come in batches in a random interleaving; after every
    // batch the deepest queue must be what a walk over everything recorded so far gives.
    for (quint32 seed = 1; seed <= 20; ++seed) {
        QRandomGenerator random(seed);
        TraceStore store;
        store.addProcess(QStringLiteral("a"), {});
        store.addProcess(QStringLiteral("b"), {});
        store.addChannel(QStringLiteral("a->b"), 0, 1);
        constexpr int kMessages = 300;
        std::vector<TelemetryRecord> sends;
        std::vector<TelemetryRecord> recvs;
        qint64 sendT = 0;
        qint64 lastRecv = 0;
        for (int i = 0; i < kMessages; ++i) {
            sendT += random.bounded(5); // ties too
            sends.push_back(message(EventKind::Send, 0, i, sendT, 1 + random.bounded(100)));
            lastRecv = std::max(lastRecv, sendT) + random.bounded(8);
            recvs.push_back(message(EventKind::Recv, 0, i, lastRecv, sends.back().amount));
        }
        const int received = kMessages - int(random.bounded(4)); // some left undelivered
        size_t s = 0;
        size_t r = 0;
        while (s < sends.size() || r < size_t(received)) {
            const bool takeSend = r == size_t(received) || (s < sends.size() && random.bounded(2));
            const size_t n = 1 + random.bounded(20);
            for (size_t k = 0; k < n; ++k) {
                if (takeSend && s < sends.size())
                    QVERIFY(store.append(0, sends[s++], {}).ok());
                else if (!takeSend && r < size_t(received))
                    QVERIFY(store.append(1, recvs[r++], {}).ok());
            }
            // The walk over the lists as recorded now, recv first at equal times.
            qint64 depth = 0, bytes = 0, deepest = 0, deepestBytes = 0;
            size_t i = 0, j = 0;
            while (i < s) {
                if (j < r && recvs[j].tNs <= sends[i].startNs) {
                    --depth;
                    bytes -= recvs[j++].amount;
                } else {
                    ++depth;
                    bytes += sends[i++].amount;
                    deepest = std::max(deepest, depth);
                    deepestBytes = std::max(deepestBytes, bytes);
                }
            }
            QCOMPARE(store.maxDepth(0), deepest);
            QCOMPARE(store.maxDepthBytes(0), deepestBytes);
        }
    }
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

void TestTraceStore::bytePreviewsAreWrittenFromTheHead_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("preview");
    QTest::newRow("empty") << QByteArray() << QByteArray("b''");
    QTest::newRow("short") << QByteArray("it's") << QByteArray("b\"it's\"");
    QTest::newRow("64 printable") << QByteArray(64, 'a') << "b'" + QByteArray(64, 'a') + "'";
    // Longer than the head: "..." before the closing quote.
    QTest::newRow("65 printable") << QByteArray(65, 'a') << "b'" + QByteArray(64, 'a') + "...'";
    // 64 escaped bytes make 259 characters: cut between escapes to fit the marker in
    // kMaxRecordText, never inside one ("\\x"), and marked even though nothing more was sent.
    QTest::newRow("64 binary") << QByteArray(64, '\x01')
                               << "b'" + QByteArray("\\x01").repeated(62) + "...'";
    QTest::newRow("65 binary") << QByteArray(65, '\xa8')
                               << "b'" + QByteArray("\\xa8").repeated(62) + "...'";
    QTest::newRow("backslashes, odd start")
        << "a" + QByteArray(64, '\x7f') << "b'a" + QByteArray("\\x7f").repeated(62) + "...'";
    // The marker closes with the quote the repr opened with.
    QTest::newRow("double quote") << "it's" + QByteArray(70, 'a')
                                  << "b\"it's" + QByteArray(60, 'a') + "...\"";
}

void TestTraceStore::bytePreviewsAreWrittenFromTheHead()
{
    // A byte message's record carries no text, only the payload's head: the store writes the
    // preview from it when asked, for the send and the recv alike.
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, preview);
    TraceStore store;
    store.addProcess(QStringLiteral("a"), {});
    store.addProcess(QStringLiteral("b"), {});
    store.addChannel(QStringLiteral("a->b"), 0, 1);
    const QByteArray bytes =
        bytesRecord(payload) + batch({{message(EventKind::Stdout, kNoChannel, -1, 2, 0), "7"}});
    const Status status = TelemetryDecoder::decode(
        {bytes.constData(), size_t(bytes.size())},
        [&](const TelemetryRecord& record, QByteArrayView text, QByteArrayView head) -> Status {
            if (record.kind == EventKind::Recv && !text.isEmpty())
                return Error(ErrorKind::Protocol, QStringLiteral("the decoder wrote a text"));
            auto appended =
                store.append(record.kind == EventKind::Recv ? 1 : 0, record, text, head);
            if (!appended)
                return appended.error();
            return {};
        });
    QVERIFY2(status.ok(), qPrintable(status.ok() ? QString() : status.error().toString()));
    TelemetryRecord send = message(EventKind::Send, 0, 0, 1, payload.size());
    send.detail = kBytesPreview;
    QVERIFY(store.append(0, send, {}, payload.left(kMaxPayloadHead)).ok());
    QCOMPARE(store.eventCount(), 3);
    QCOMPARE(store.text(0), preview);
    QVERIFY(store.text(0).size() <= kMaxRecordText);
    QCOMPARE(store.text(2), preview);
    QCOMPARE(store.payloadHead(0), payload.left(kMaxPayloadHead));
    // A record with its own text keeps it.
    QCOMPARE(store.text(1), QByteArray("7"));
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

void TestTraceStore::aColumnOfAFewValuesCostsAFewBytes()
{
    ChunkedColumn<qint64> column;
    QCOMPARE(column.capacityBytes(), size_t(0));
    column.push_back(0);
    QVERIFY(column.capacityBytes() <= 8 * sizeof(qint64));
    // Through the first chunk's growth and well past it, every value reads back.
    const size_t count = 3 * ChunkedColumn<qint64>::kChunkSize + 5;
    for (size_t i = 1; i < count; ++i)
        column.push_back(qint64(i) * 7);
    QCOMPARE(column.size(), count);
    for (size_t i = 0; i < count; ++i)
        QCOMPARE(column[i], qint64(i) * 7);
    QCOMPARE(column.capacityBytes(), 4 * ChunkedColumn<qint64>::kChunkSize * sizeof(qint64));
    QVERIFY(std::is_sorted(column.begin(), column.end()));
}

namespace {

// Values of a shape a store's columns have, or a hostile one: index i of `count`.
std::vector<qint64> shapedValues(const QString& shape, size_t count)
{
    std::mt19937_64 random(42);
    std::vector<qint64> values(count);
    qint64 time = 1'000'000'000'000;
    for (size_t i = 0; i < count; ++i) {
        if (shape == u"constant")
            values[i] = -1;
        else if (shape == u"counter")
            values[i] = qint64(i);
        else if (shape == u"two values")
            values[i] = qint64(random() % 2);
        else if (shape == u"times")
            values[i] = time += qint64(random() % 3000);
        else if (shape == u"falling")
            values[i] = -qint64(i) * 1'000'003;
        else if (shape == u"jumps")
            values[i] = (i % 1000 == 999) ? qint64(random()) : qint64(i);
        else if (shape == u"extremes")
            values[i] =
                i % 2 ? std::numeric_limits<qint64>::max() : std::numeric_limits<qint64>::min();
        else
            values[i] = qint64(random());
    }
    return values;
}

} // namespace

void TestTraceStore::packedColumnsReadBackEveryValue_data()
{
    QTest::addColumn<QString>("shape");
    for (const char* shape :
         {"constant", "counter", "two values", "times", "falling", "jumps", "extremes", "random"})
        QTest::newRow(shape) << QString::fromLatin1(shape);
}

void TestTraceStore::packedColumnsReadBackEveryValue()
{
    QFETCH(QString, shape);
    using Column = PackedColumn<qint64>;
    const size_t count = 5 * Column::kChunkSize + 17;
    const std::vector<qint64> values = shapedValues(shape, count);
    Column column;
    PackedColumn<qint32> narrow;
    PackedColumn<EventKind> kinds;
    for (size_t i = 0; i < count; ++i) {
        column.push_back(values[i]);
        narrow.push_back(qint32(values[i]));
        kinds.push_back(EventKind(quint8(values[i]) % kEventKindCount));
    }
    QCOMPARE(column.size(), count);
    for (size_t i = 0; i < count; ++i) {
        QCOMPARE(column[i], values[i]);
        QCOMPARE(narrow[i], qint32(values[i]));
        QCOMPARE(kinds[i], EventKind(quint8(values[i]) % kEventKindCount));
    }
    QVERIFY(std::equal(column.begin(), column.end(), values.begin(), values.end()));
    // A sorted column is searched in place, by std::upper_bound or by its chunks.
    if (std::is_sorted(values.begin(), values.end())) {
        std::vector<qint64> probes = {values.front() - 1, values.back(), values.back() + 1};
        for (size_t i = 0; i < count; i += 331)
            probes.insert(probes.end(), {values[i] - 1, values[i], values[i] + 1});
        for (const qint64 probe : probes) {
            const auto expected =
                size_t(std::upper_bound(values.begin(), values.end(), probe) - values.begin());
            QCOMPARE(column.upperBound(probe), expected);
            QCOMPARE(size_t(std::upper_bound(column.begin(), column.end(), probe) - column.begin()),
                     expected);
            // From any index at or before the answer, near it or far, and with any guess of
            // how far on it is: short of it, on it, past it, past the end.
            for (const size_t from :
                 {size_t(0), expected / 2, expected > 0 ? expected - 1 : 0, expected}) {
                QCOMPARE(column.upperBound(probe, from), expected);
                const size_t distance = expected - from;
                for (const size_t guess : {size_t(1), distance / 2, distance, distance + 1,
                                           distance * 2 + 3, count - from, count + 5})
                    QCOMPARE(column.upperBound(probe, from, guess), expected);
            }
        }
    }

    // set() anywhere: values that fit their chunk's packing and values that make it repack.
    std::vector<qint64> changed = values;
    std::mt19937_64 random(7);
    for (int k = 0; k < 200; ++k) {
        const size_t at = size_t(random() % count);
        const qint64 value =
            k % 3 == 0 ? qint64(random()) : qint64(quint64(changed[at]) + quint64(k % 5) - 2);
        changed[at] = value;
        column.set(at, value);
    }
    for (size_t i = 0; i < count; ++i)
        QCOMPARE(column[i], changed[i]);
    if (shape == u"counter") {
        // A chunk's first value changed: searches by the chunks' first values follow.
        Column counter;
        for (size_t i = 0; i < count; ++i)
            counter.push_back(qint64(i));
        counter.set(Column::kChunkSize, qint64(Column::kChunkSize) - 1);
        QCOMPARE(counter.upperBound(qint64(Column::kChunkSize) - 1), Column::kChunkSize + 1);
        QCOMPARE(counter.upperBound(qint64(Column::kChunkSize) - 2), Column::kChunkSize - 1);
    }
}

void TestTraceStore::packedColumnsTakeWhatTheirValuesNeed()
{
    using Column = PackedColumn<qint64>;
    const size_t count = 256 * Column::kChunkSize;
    const auto packedBytes = [count](const QString& shape) {
        Column column;
        for (const qint64 value : shapedValues(shape, count))
            column.push_back(value);
        return double(column.capacityBytes()) / double(count);
    };
    // Bytes per value, the chunks' lines and the open chunk included.
    QVERIFY(packedBytes(QStringLiteral("constant")) < 0.1);
    QVERIFY(packedBytes(QStringLiteral("counter")) < 0.1);
    QVERIFY(packedBytes(QStringLiteral("two values")) < 0.2);
    QVERIFY(packedBytes(QStringLiteral("times")) <= 4.1);
    QVERIFY(packedBytes(QStringLiteral("random")) >= 8);
    Column few;
    few.push_back(1);
    QVERIFY(few.capacityBytes() <= 8 * sizeof(qint64));
}

void TestTraceStore::manyChannelsOfOneMessageStaySmall()
{
    // An events file may name tens of thousands of channels with a message each: the store must
    // not reserve a whole chunk per channel and per column (it took 4.2 GB for 32,767
    // channels).
    const int channels = 32767;
    const size_t before = mallinfo2().uordblks;
    {
        TraceStore store;
        const int a = store.addProcess(QStringLiteral("a"), QStringLiteral("sender"));
        const int b = store.addProcess(QStringLiteral("b"), QStringLiteral("receiver"));
        for (int c = 0; c < channels; ++c) {
            store.addChannel(QStringLiteral("a->b#%1").arg(c), a, b);
            QVERIFY(store.append(a, message(EventKind::Send, quint16(c), 0, 2 * c), "1").ok());
            QVERIFY(store.append(b, message(EventKind::Recv, quint16(c), 0, 2 * c + 1), "1").ok());
        }
        const size_t used = mallinfo2().uordblks - before;
        QVERIFY2(used < size_t(64) << 20, qPrintable(QStringLiteral("%1 MB").arg(used >> 20)));
    }
}

void TestTraceStore::timeBucketsCountWhatCameBefore()
{
    // Sorted times with bursts and long gaps (the buckets merge many times over): at any time,
    // the buckets count the entries before the bucket boundary at or before it, which lies
    // less than a bucket's width before it, and give the last one's tag.
    std::mt19937_64 random(7);
    std::vector<qint64> times;
    std::vector<quint8> tags;
    TimeBuckets buckets;
    qint64 t = -5'000; // times before the store's origin too
    for (int i = 0; i < 300'000; ++i) {
        const quint64 pick = random() % 100;
        t += pick < 60   ? qint64(random() % 50)
             : pick < 99 ? qint64(random() % 5000)
                         : qint64(random() % 50'000'000);
        times.push_back(t);
        tags.push_back(quint8(random() % 9));
        buckets.add(t, tags.back());
    }
    QCOMPARE(buckets.entries(), times.size());
    // As wide as the times need, and no wider.
    const auto width = qint64(buckets.width());
    const qint64 span = times.back() - times.front();
    QVERIFY(span / width < qint64(TimeBuckets::kMaxBuckets));
    QVERIFY(span / (width / 2) >= qint64(TimeBuckets::kMaxBuckets));
    QVERIFY(buckets.capacityBytes() <= (TimeBuckets::kMaxBuckets + RecentBuckets::kBuckets) * 5);
    // The times span more than the recent buckets hold, and those are finer: times in the last
    // kBuckets of them (less the oldest, which may begin before it) are counted there.
    constexpr auto kFine = qint64(RecentBuckets::kWidth);
    const qint64 lastFine = span / kFine;
    QVERIFY(width > kFine && lastFine >= qint64(RecentBuckets::kBuckets));
    const qint64 oldestFine = lastFine - qint64(RecentBuckets::kBuckets) + 1;
    const auto widthFrom = [&](qint64 at) {
        return (at <= times.front() ? 0 : (at - times.front()) / kFine) > oldestFine ? kFine
                                                                                     : width;
    };
    const auto boundaryOf = [&](qint64 at, qint64 w) {
        return at <= times.front() ? 0 : (at - times.front()) / w;
    };
    std::array<int, 2> probed{}; // in the whole-run buckets, in the recent ones
    for (int k = 0; k < 20'000; ++k) {
        const qint64 probe = times.front() - 100 + qint64(random() % quint64(span + 200));
        const qint64 w = widthFrom(probe);
        ++probed[w == kFine];
        QCOMPARE(qint64(buckets.widthFrom(probe)), w);
        const qint64 boundary = times.front() + boundaryOf(probe, w) * w;
        const auto count =
            size_t(std::lower_bound(times.begin(), times.end(), boundary) - times.begin());
        const TimeBuckets::Before before = buckets.before(probe);
        QCOMPARE(before.count, count);
        if (count > 0)
            QCOMPARE(before.tag, tags[count - 1]);
    }
    QVERIFY(probed[0] > 1000 && probed[1] > 1000);
    QVERIFY(buckets.resolves(4.0 * double(width), times.front()));
    QVERIFY(!buckets.resolves(4.0 * double(width) - 1, times.front()));
    QVERIFY(buckets.resolves(4.0 * double(kFine), times.back() - 30'000'000'000));
    QVERIFY(!buckets.resolves(4.0 * double(kFine) - 1, times.back()));
    // The tag in effect at most of the boundaries from the one at or before `from` to the one
    // before `to`'s (the earliest of those with as many), beyond the last time too.
    for (int k = 0; k < 3000; ++k) {
        const qint64 from = times.front() - 100 + qint64(random() % quint64(span + 200));
        const qint64 w = widthFrom(from);
        const qint64 to = from + qint64(random() % quint64(60 * w));
        quint8 expected = buckets.before(from).tag;
        std::array<int, 256> counts{};
        for (qint64 j = std::max<qint64>(1, boundaryOf(from, w)); j < boundaryOf(to, w); ++j) {
            const auto before =
                size_t(std::lower_bound(times.begin(), times.end(), times.front() + j * w) -
                       times.begin());
            const quint8 tag = tags[before - 1];
            if (++counts[tag] > counts[expected])
                expected = tag;
        }
        QCOMPARE(buckets.commonestTag(from, to), expected);
    }
    // Each entry lies within a bucket's width after the start of the bucket that holds it: the
    // recent ones' from their second on.
    for (int k = 0; k < 20'000; ++k) {
        const size_t index = k < 2 ? (k ? times.size() - 1 : 0) : size_t(random() % times.size());
        const qint64 start = buckets.startOfBucketHolding(index);
        const qint64 w = boundaryOf(times[index], kFine) > oldestFine ? kFine : width;
        QVERIFY2(start <= times[index] && times[index] - start < w,
                 qPrintable(QStringLiteral("entry %1 at %2, its bucket from %3")
                                .arg(index)
                                .arg(times[index])
                                .arg(start)));
        QCOMPARE((start - times.front()) % w, 0);
    }

    // A store's lane and channel have buckets from their kWorthEntries-th entry on, the entries
    // before it counted too, the lane's tagged with their states.
    TraceStore store;
    store.setOrigin(1000);
    store.addProcess(QStringLiteral("a"), {});
    store.addProcess(QStringLiteral("b"), {});
    store.addChannel(QStringLiteral("a->b"), 0, 1);
    const int count = int(TimeBuckets::kWorthEntries) + 5000;
    for (int i = 0; i < count; ++i) {
        QVERIFY(store.append(0, message(EventKind::Send, 0, i, 1000 + 7 * i), {}).ok());
        TelemetryRecord state;
        state.kind = EventKind::State;
        state.detail = quint8(i % 3 ? ProcessState::BlockedRecv : ProcessState::Running);
        state.tNs = state.startNs = 1000 + 7 * i + 3;
        QVERIFY(store.append(1, state, {}).ok());
        if (i + 1 < int(TimeBuckets::kWorthEntries))
            QCOMPARE(store.process(1).stateBuckets.entries(), size_t(0));
    }
    const TraceStore::Process& lane = store.process(1);
    const TraceStore::Channel& channel = store.channel(0);
    QCOMPARE(lane.stateBuckets.entries(), size_t(count));
    QCOMPARE(channel.sendBuckets.entries(), size_t(count));
    QCOMPARE(channel.recvBuckets.entries(), size_t(0));
    const qint64 laneWidth = qint64(lane.stateBuckets.width());
    for (int k = 0; k < 2000; ++k) {
        const qint64 probe = qint64(random() % quint64(7 * count));
        const qint64 boundary = probe <= 3 ? 3 : 3 + (probe - 3) / laneWidth * laneWidth;
        const size_t before = lane.stateTimes.upperBound(boundary - 1); // times from the origin
        QCOMPARE(lane.stateBuckets.before(probe).count, before);
        if (before > 0)
            QCOMPARE(ProcessState(lane.stateBuckets.before(probe).tag),
                     lane.stateKinds[before - 1]);
        const qint64 sendBoundary = probe <= 0 ? 0
                                               : probe / qint64(channel.sendBuckets.width()) *
                                                     qint64(channel.sendBuckets.width());
        QCOMPARE(channel.sendBuckets.before(probe).count,
                 channel.sendTimes.upperBound(sendBoundary - 1));
    }
}

void TestTraceStore::timeBucketsTakeAnyTimes()
{
    // A file's times may be anything: out of order, at the ends of the range, all alike. The
    // counts stay whole and in order, and nothing overflows (UBSan runs this).
    TimeBuckets buckets;
    const qint64 extremes[] = {
        0,  std::numeric_limits<qint64>::max(),     std::numeric_limits<qint64>::min(),
        -1, std::numeric_limits<qint64>::max() - 1, 42,
        42};
    for (int round = 0; round < 10'000; ++round)
        for (const qint64 t : extremes)
            buckets.add(t, quint8(round % 7));
    QCOMPARE(buckets.entries(), size_t(70'000));
    const qint64 probes[] = {std::numeric_limits<qint64>::min(),
                             -1,
                             0,
                             1,
                             42,
                             43,
                             qint64(1) << 40,
                             std::numeric_limits<qint64>::max() / 2,
                             std::numeric_limits<qint64>::max() - 1,
                             std::numeric_limits<qint64>::max()};
    QCOMPARE(buckets.before(probes[0]).count, size_t(0));
    size_t last = 0;
    for (const qint64 t : probes) {
        const size_t count = buckets.before(t).count;
        QVERIFY(count >= last && count <= buckets.entries());
        last = count;
    }
    qint64 start = std::numeric_limits<qint64>::min();
    for (const size_t index : {size_t(0), size_t(1), size_t(34'999), size_t(69'999)}) {
        QVERIFY(buckets.startOfBucketHolding(index) >= start);
        start = buckets.startOfBucketHolding(index);
    }
    TimeBuckets same;
    for (int i = 0; i < 100'000; ++i)
        same.add(7, 3);
    QCOMPARE(same.width(), quint64(1));
    QCOMPARE(same.before(7).count, size_t(0));
    QCOMPARE(same.before(8).count, size_t(100'000));
    QCOMPARE(same.before(8).tag, quint8(3));
    QCOMPARE(same.startOfBucketHolding(99'999), qint64(7));
}

void TestTraceStore::recentBucketsKeepTheLastMinuteFine()
{
    // A column 45 minutes old: an entry every 2 ms for 30 minutes, 15 quiet, then 30 s more. Its
    // whole-run buckets are 134 ms wide by then, too wide for a view of the last half minute at
    // 20 ms a pixel; the recent ones count that view's times to the millisecond, across the quiet
    // too, while the view of two minutes ago is left to the whole-run buckets.
    constexpr qint64 kStep = 2'000'000;
    constexpr qint64 kMinute = 60'000'000'000;
    constexpr auto kFine = qint64(RecentBuckets::kWidth);
    std::vector<qint64> times;
    for (qint64 t = 0; t < 30 * kMinute; t += kStep)
        times.push_back(t);
    const qint64 quietUntil = 45 * kMinute;
    for (qint64 t = quietUntil; t < quietUntil + kMinute / 2; t += kStep)
        times.push_back(t);
    TimeBuckets buckets;
    for (size_t i = 0; i < times.size(); ++i)
        buckets.add(times[i], quint8(i % 5));
    const qint64 last = times.back();
    QCOMPARE(buckets.width(), quint64(1) << 27);
    QVERIFY(buckets.capacityBytes() <= (TimeBuckets::kMaxBuckets + RecentBuckets::kBuckets) * 5);
    constexpr double kPixel = 20'000'000;
    QVERIFY(buckets.resolves(kPixel, last - kMinute / 2));
    QVERIFY(buckets.resolves(kPixel, last - kMinute)); // the ring's last minute, gap and all
    QVERIFY(!buckets.resolves(kPixel, last - 2 * kMinute));
    QCOMPARE(buckets.widthFrom(last - 2 * kMinute), buckets.width());
    // Every fine boundary in the last minute, and times between them.
    for (qint64 probe = last - kMinute; probe <= last + 5 * kFine; probe += kFine / 3) {
        QCOMPARE(qint64(buckets.widthFrom(probe)), kFine);
        const qint64 boundary = probe / kFine * kFine;
        const auto count =
            size_t(std::lower_bound(times.begin(), times.end(), boundary) - times.begin());
        const TimeBuckets::Before before = buckets.before(probe);
        QCOMPARE(before.count, count);
        QCOMPARE(before.tag, quint8((count - 1) % 5));
    }
    // A pixel's tag is the one in effect at most of its fine boundaries: in the quiet, the last
    // entry's before it; after it, of entries 2 ms apart with their tags by turns.
    const size_t beforeQuiet = size_t(30 * kMinute / kStep);
    QCOMPARE(buckets.commonestTag(quietUntil - 40'000'000, quietUntil - 20'000'000),
             quint8((beforeQuiet - 1) % 5));
    for (qint64 from = quietUntil - 3 * kFine; from < last; from += 7'777'777) {
        const qint64 to = from + qint64(kPixel);
        quint8 expected = buckets.before(from).tag;
        std::array<int, 256> counts{};
        for (qint64 j = from / kFine; j < to / kFine; ++j) {
            const auto before =
                size_t(std::lower_bound(times.begin(), times.end(), j * kFine) - times.begin());
            const auto tag = quint8((before - 1) % 5);
            if (++counts[tag] > counts[expected])
                expected = tag;
        }
        QCOMPARE(buckets.commonestTag(from, to), expected);
    }
    // The entries of the last minute lie in the fine bucket starting under a millisecond before.
    for (size_t index = beforeQuiet + 1; index < times.size(); index += 97) {
        const qint64 start = buckets.startOfBucketHolding(index);
        QVERIFY(start <= times[index] && times[index] - start < kFine);
        QCOMPARE(start % kFine, 0);
    }
    // Right at the oldest recent bucket: a time there is left to the whole-run buckets, one in
    // the bucket after it counted in the recent ones.
    const qint64 oldestStart = (last / kFine - qint64(RecentBuckets::kBuckets) + 1) * kFine;
    QCOMPARE(buckets.widthFrom(oldestStart + kFine - 1), buckets.width());
    QCOMPARE(qint64(buckets.widthFrom(oldestStart + kFine)), kFine);
    // Times a minute apart are a gap the entries have not paid for: each starts the recent
    // buckets afresh (adding costs kFillsPerEntry an entry at most, not 57,000), and the times
    // before the last are left to the whole-run buckets, which still count them.
    TimeBuckets sparse;
    for (int i = 0; i < 100'000; ++i)
        sparse.add(qint64(i) * kMinute);
    const qint64 sparseLast = 99'999 * kMinute;
    QCOMPARE(sparse.widthFrom(sparseLast - 1), sparse.width());
    QCOMPARE(qint64(sparse.widthFrom(sparseLast + kFine)), kFine);
    QCOMPARE(sparse.before(sparseLast + kFine).count, size_t(100'000));
    const auto sparseWidth = qint64(sparse.width()); // the whole run's boundary, counted there
    QCOMPARE(sparse.before(sparseLast).count,
             size_t((sparseLast / sparseWidth * sparseWidth + kMinute - 1) / kMinute));
    // One written over (30 minutes ago) in the whole-run bucket that holds it.
    const qint64 old = buckets.startOfBucketHolding(beforeQuiet / 2);
    QVERIFY(old <= times[beforeQuiet / 2] &&
            times[beforeQuiet / 2] - old < qint64(buckets.width()));
}

void TestTraceStore::lanesUnderTheirOwner()
{
    // Threads come later than other processes, and are shown right under their process, in
    // the order they came.
    TraceStore store;
    const int a = store.addProcess(QStringLiteral("A"), {});
    const int b = store.addProcess(QStringLiteral("B"), {});
    const int a1 = store.addProcessUnder(a, QStringLiteral("A · 1"), {});
    const int c = store.addProcess(QStringLiteral("C"), {});
    const int a2 = store.addProcessUnder(a1, QStringLiteral("A · 2"), {});
    const int b1 = store.addProcessUnder(b, QStringLiteral("B · 1"), {});
    QList<int> shown;
    for (int row = 0; row < store.processCount(); ++row) {
        shown.append(store.processAtRow(row));
        QCOMPARE(store.rowOf(store.processAtRow(row)), row);
    }
    QCOMPARE(shown, QList<int>({a, a1, a2, b, b1, c}));
}

void TestTraceStore::internalTrafficIsKeptAndHidden()
{
    // A helper process with a thread, and a handshake channel between two of the program's.
    TraceStore store;
    const int main = store.addProcess(QStringLiteral("MainProcess"), {});
    const int helper = store.addProcess(QStringLiteral("forkserver"), {});
    store.setInternal(helper, true);
    const int helperThread = store.addProcessUnder(helper, QStringLiteral("forkserver · t"), {});
    store.setInternal(helperThread, true);
    const int child = store.addProcess(QStringLiteral("Process-1"), {});
    const int user = store.addChannel(QStringLiteral("Pipe#1 MainProcess->Process-1"), main, child);
    const int handshake =
        store.addChannel(QStringLiteral("Pipe#1 handshake MainProcess->Process-1"), main, child);
    store.setChannelInternal(handshake, true);
    QVERIFY(store.append(main, message(EventKind::Send, handshake, 0, 10), "b'#CHALLENGE#'").ok());
    QVERIFY(store.append(child, message(EventKind::Recv, handshake, 0, 20), "b'#CHALLENGE#'").ok());
    QVERIFY(store.append(main, message(EventKind::Send, user, 0, 30), "'hello'").ok());
    QVERIFY(store.append(main, message(EventKind::Send, user, 1, 40), "'lost'").ok());
    QVERIFY(store.append(child, message(EventKind::Recv, user, 0, 50), "'hello'").ok());
    TelemetryRecord blocked;
    blocked.kind = EventKind::State;
    blocked.detail = quint8(ProcessState::BlockedRecv);
    blocked.channel = quint16(handshake);
    blocked.tNs = blocked.startNs = 15;
    const qint32 state = *store.append(child, blocked, {});
    TelemetryRecord exit;
    exit.kind = EventKind::Exit;
    exit.tNs = exit.startNs = 60;
    const qint32 helperExit = *store.append(helper, exit, "exited with code 0");

    // Hidden: no lanes, rows, counts or events of theirs; a state is its process's.
    QVERIFY(!store.internalShown());
    QCOMPARE(store.rowCount(), 2);
    QCOMPARE(store.processAtRow(0), main);
    QCOMPARE(store.processAtRow(1), child);
    QCOMPARE(store.rowOf(helper), -1);
    QCOMPARE(store.rowOf(helperThread), -1);
    QCOMPARE(store.rowOf(child), 1);
    QCOMPARE(store.messageCount(), 2);
    QCOMPARE(store.deliveredCount(), 1);
    QCOMPARE(store.undeliveredCount(), 1);
    QVERIFY(!store.channelShown(handshake) && store.channelShown(user));
    QVERIFY(!store.eventShown(0) && !store.eventShown(1) && store.eventShown(2));
    QVERIFY(store.eventShown(state) && !store.isInternal(state));
    QVERIFY(!store.eventShown(helperExit) && store.isInternal(helperExit));
    QVERIFY(store.processShown(TraceStore::kRunner));

    // Shown: every lane in its place, every message counted.
    const quint64 generation = store.generation();
    store.setInternalShown(true);
    QVERIFY(store.generation() != generation);
    QCOMPARE(store.rowCount(), 4);
    QCOMPARE(store.rowOf(helper), 1);
    QCOMPARE(store.rowOf(helperThread), 2);
    QCOMPARE(store.rowOf(child), 3);
    QCOMPARE(store.messageCount(), 3);
    QCOMPARE(store.deliveredCount(), 2);
    QCOMPARE(store.undeliveredCount(), 1);
    QVERIFY(store.eventShown(0) && store.eventShown(helperExit));

    // A forkserver's child is the program's once it says so.
    store.setInternalShown(false);
    store.setInternal(helper, false);
    QCOMPARE(store.rowCount(), 3);
    QCOMPARE(store.rowOf(helper), 1);
    QCOMPARE(store.rowOf(child), 2);
}

void TestTraceStore::lanesMoveWithTheLanesUnderThem()
{
    TraceStore store;
    const int a = store.addProcess(QStringLiteral("A"), {});
    const int a1 = store.addProcessUnder(a, QStringLiteral("A · 1"), {});
    const int a2 = store.addProcessUnder(a, QStringLiteral("A · 2"), {});
    const int b = store.addProcess(QStringLiteral("B"), {});
    const int c = store.addProcess(QStringLiteral("C"), {});
    const auto rows = [&] {
        QList<int> shown;
        for (int row = 0; row < store.rowCount(); ++row) {
            shown.append(store.processAtRow(row));
            if (store.rowOf(store.processAtRow(row)) != row)
                return QList<int>();
        }
        return shown;
    };
    store.moveLane(c, -1000); // to the top
    QCOMPARE(rows(), QList<int>({c, a, a1, a2, b}));
    store.moveLane(a, 1); // with its threads, past B
    QCOMPARE(rows(), QList<int>({c, b, a, a1, a2}));
    store.moveLane(a2, -1); // a thread among its siblings only
    QCOMPARE(rows(), QList<int>({c, b, a, a2, a1}));
    store.moveLane(a2, -5);
    QCOMPARE(rows(), QList<int>({c, b, a, a2, a1}));
    const quint64 generation = store.generation();
    store.moveLane(b, 10); // to the bottom
    QCOMPARE(rows(), QList<int>({c, a, a2, a1, b}));
    QVERIFY(store.generation() != generation);
    // A thread that comes later still goes under its process, wherever that is now.
    const int a3 = store.addProcessUnder(a, QStringLiteral("A · 3"), {});
    QCOMPARE(rows(), QList<int>({c, a, a2, a1, a3, b}));

    // A step is a lane on show: a hidden helper's lane is passed over, not swapped with.
    TraceStore helped;
    const int x = helped.addProcess(QStringLiteral("x"), {});
    const int helper = helped.addProcess(QStringLiteral("forkserver"), {});
    helped.setInternal(helper, true);
    const int y = helped.addProcess(QStringLiteral("y"), {});
    helped.moveLane(y, -1);
    QCOMPARE(helped.processAtRow(0), y);
    QCOMPARE(helped.processAtRow(1), x);
    helped.setInternalShown(true);
    QCOMPARE(helped.rowOf(helper), 2);
}

QTEST_APPLESS_MAIN(TestTraceStore)
#include "tst_tracestore.moc"
