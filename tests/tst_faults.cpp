// Fault injection with real processes: children killed at random points, garbage and hostile
// frames into a worker's pipe and into the telemetry connection, a receiver that stops reading,
// a million messages through flood, and two hundred runs in a row with nothing left behind.
#include "RunHelpers.h"
#include "WorkerProcess.h"
#include "base/MonotonicClock.h"
#include "pipe/Pipe.h"
#include "run/ScenarioCatalog.h"
#include "trace/TelemetryRing.h"
#include "wire/FrameHeader.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <csignal>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <unistd.h>

using namespace pipescope;
using namespace pipescope::testing;

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::NoDotAndDotDot | QDir::AllEntries)
                   .size());
}

// Children of this process, from /proc: zombies included.
int childProcesses()
{
    const QByteArray self = QByteArray::number(qint64(::getpid()));
    int count = 0;
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields[1] == self)
            ++count;
    }
    return count;
}

qint64 statusKiB(qint64 pid, const char* field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qsizetype(strlen(field))).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

int queuedBytes(int descriptor)
{
    int queued = -1;
    ::ioctl(descriptor, SIOCOUTQ, &queued);
    return queued;
}

void writeRaw(int descriptor, const QByteArray& bytes)
{
    QCOMPARE(::write(descriptor, bytes.constData(), size_t(bytes.size())), ssize_t(bytes.size()));
}

} // namespace

class TestFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killEveryChildAtRandomPoints_data();
    void killEveryChildAtRandomPoints();
    void badBytesIntoAWorkersPipe_data();
    void badBytesIntoAWorkersPipe();
    void hostileHeaderThenSilenceKeepsMemoryBounded();
    void badTelemetry_data();
    void badTelemetry();
    void aDescendantHoldingTheTelemetryDoesNotHoldTheRun();
    void aReceiverThatStopsReadingBlocksTheSenderUntilStop();
    void aSendCutShortByAKillIsNoMessage();
    void theSendADeadSenderWasInIsKeptWhenItWentOut_data();
    void theSendADeadSenderWasInIsKeptWhenItWentOut();
    void aMillionMessagesThroughFlood();
    void twoHundredRunsLeaveNothingBehind();
};

void TestFaults::killEveryChildAtRandomPoints_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<ParameterValues>("parameters");
    QTest::addColumn<double>("timeScale");
    const QList<std::tuple<const char*, ParameterValues, double>> runs = {
        {"sender-receiver", {}, 0.05},
        {"pingpong", {}, 0.02},
        {"bytes", {}, 0},
        {"poll", {{"count", 4}}, 0.3},
        {"flood", {{"count", 20000}, {"delay", 0.0001}}, 1},
        {"fan-in", {{"producers", 3}}, 0.05},
    };
    for (const auto& [name, parameters, timeScale] : runs) {
        const Scenario* scenario = ScenarioCatalog::find(QLatin1String(name));
        const int processes = int(scenario->plan(*scenario->resolve(parameters)).processes.size());
        for (int victim = 0; victim < processes; ++victim) {
            for (int round = 0; round < 3; ++round)
                QTest::addRow("%s, process %d, round %d", name, victim, round)
                    << QString::fromLatin1(name) << parameters << timeScale;
        }
    }
}

void TestFaults::killEveryChildAtRandomPoints()
{
    QFETCH(QString, scenario);
    QFETCH(ParameterValues, parameters);
    QFETCH(double, timeScale);
    const QStringList tag =
        QString::fromLatin1(QTest::currentDataTag()).split(QStringLiteral(", "));
    const int victim = tag[1].section(u' ', 1).toInt();
    auto runner = makeRunner();
    QVERIFY(runner->start(settingsFor(scenario, 5, timeScale, parameters)).ok());
    // A random point in the run: the fault is the kill, and when it lands is the variable.
    QTest::qWait(int(QRandomGenerator::global()->bounded(0, 250)));
    const TraceStore& store = runner->store();
    const qsizetype eventsBefore = store.eventCount();
    const bool aliveAtKill = !store.process(victim).ended;
    ::kill(pid_t(store.process(victim).pid), SIGKILL);
    QVERIFY2(waitForEnd(*runner, 60000), "the run hung after a kill");
    QVERIFY(store.eventCount() >= eventsBefore);
    for (int p = 0; p < store.processCount(); ++p)
        QVERIFY(store.process(p).ended); // every child ended, its peers included
    const TraceStore::Process& killed = store.process(victim);
    if (aliveAtKill && killed.crashed) {
        QCOMPARE(killed.signal, SIGKILL);
        QVERIFY(runner->problems().join(u'\n').contains(QLatin1String("SIGKILL")));
        QVERIFY(!runner->succeeded());
    } else {
        QVERIFY(!killed.crashed || killed.signal == SIGKILL); // it ended before the kill landed
    }
    QCOMPARE(checkInvariants(store), QString());
    // No send is lost: a killed sender's every send, the one it was in included, is recorded.
    for (int c = 0; c < store.channelCount(); ++c) {
        const TraceStore::Channel& channel = store.channel(c);
        QVERIFY2(channel.recvTimes.size() <= channel.sendTimes.size(),
                 qPrintable(QStringLiteral("%1: %2 received, %3 sent")
                                .arg(channel.name)
                                .arg(channel.recvTimes.size())
                                .arg(channel.sendTimes.size())));
    }
    QVERIFY(!runner->problems().join(u'\n').contains(QLatin1String("never reported sending")));
}

void TestFaults::badBytesIntoAWorkersPipe_data()
{
    QTest::addColumn<QString>("role");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("says");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("negative header to echo")
        << "echo" << QByteArray::fromHex("fffffff0abcdef") << QByteArray("negative length") << 1;
    QTest::newRow("truncated frame to echo") << "echo" << QByteArray::fromHex("0000001041424344")
                                             << QByteArray("got end of file during message") << 1;
    QTest::newRow("garbage pickle to echo-objects")
        << "echo-objects" << QByteArray::fromHex("00000004deadbeef")
        << QByteArray("UnpicklingError") << 3;
    QTest::newRow("os.system to echo-objects")
        << "echo-objects"
        << QByteArray::fromHex("00000013") + QByteArray("cos\nsystem\n(S'ls'\ntR.")
        << QByteArray("refused opcode GLOBAL") << 3;
    QTest::newRow("garbage pickle to receiver")
        << "receiver" << QByteArray::fromHex("0000000580044b01") << QByteArray("Error") << 1;
    QTest::newRow("random bytes to receiver")
        << "receiver"
        << QByteArray::fromHex("00000008") + QByteArray("\x80\x04\x95\xff\xff\xff\xff\x00", 8)
        << QByteArray("Error") << 1;
}

void TestFaults::badBytesIntoAWorkersPipe()
{
    QFETCH(QString, role);
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, says);
    QFETCH(int, exitCode);
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    const QStringList arguments = role.startsWith(QLatin1String("echo"))
                                      ? QStringList{role, "--fd", "3"}
                                      : QStringList{role, "--conn", "3:-:-"};
    auto worker = startWorker(arguments, {*ends->second.fileno()});
    ends->second.close();
    writeRaw(*ends->first.fileno(), bytes);
    ends->first.close();
    QVERIFY(finishes(*worker));
    const QByteArray error = worker->readAllStandardError();
    QCOMPARE(worker->exitCode(), exitCode);
    QVERIFY2(error.contains(says), error.constData());
    QCOMPARE(error.count('\n'), 1); // one clear line, no crash report
}

void TestFaults::hostileHeaderThenSilenceKeepsMemoryBounded()
{
    // A header claiming 2 GiB - 1 and 64 KiB of it, then silence: the worker waits for the rest
    // with memory that follows what arrived, not what was claimed.
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    auto worker = startWorker({"echo", "--fd", "3"}, {*ends->second.fileno()});
    ends->second.close();
    const qint64 before = statusKiB(worker->processId(), "VmRSS:");
    writeRaw(*ends->first.fileno(), QByteArray::fromHex("7fffffff") + QByteArray(65536, 'x'));
    // Wait until the worker has taken every byte off the socket (nothing left queued).
    QTRY_COMPARE_WITH_TIMEOUT(queuedBytes(*ends->first.fileno()), 0, 30000);
    const qint64 during = statusKiB(worker->processId(), "VmRSS:");
    // (A sanitizer's shadow memory grows with what the process touches: no bound there.)
    if (!kSanitized)
        QVERIFY2(during - before < 16 * 1024,
                 qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(during - before)));
    QCOMPARE(worker->state(), QProcess::Running);
    ends->first.close();
    QVERIFY(finishes(*worker));
    QCOMPARE(worker->exitCode(), 1);
    QVERIFY(worker->readAllStandardError().contains("got end of file during message"));
}

namespace {

// A shell command that writes `bytes` (printf escapes) at byte `offset` of the telemetry ring,
// which a worker gets as descriptor 4.
QByteArray intoRing(qsizetype offset, const QByteArray& bytes)
{
    // dd opens the descriptor anew: writing to it directly would seek from where the last write
    // left the offset the runner's and the worker's descriptors share.
    return "printf '" + bytes +
           "' | dd of=/proc/self/fd/4 conv=notrunc bs=1 seek=" + QByteArray::number(offset) +
           " status=none; ";
}

QByteArray ringHead(int bytes)
{
    return intoRing(TelemetryRing::kHeadOffset,
                    "\\" + QByteArray::number(bytes, 8) + "\\000\\000\\000\\000\\000\\000\\000");
}

// A record of 48 bytes of 'b': its text length (0x6262) is over every bound.
const QByteArray kLyingRecord = QByteArray(48, 'b');

} // namespace

void TestFaults::badTelemetry_data()
{
    QTest::addColumn<QByteArray>("script");
    QTest::addColumn<QString>("says");
    // The wake connection carries empty messages only.
    QTest::newRow("a wake message with bytes")
        << QByteArray("printf '\\000\\000\\000\\020garbage garbage!' >&3") << "bad message length";
    QTest::newRow("hostile length header")
        << QByteArray("printf '\\177\\377\\377\\377' >&3; sleep 0.2") << "bad message length";
    QTest::newRow("half a wake message, then exit")
        << QByteArray("printf '\\000\\000' >&3; sleep 0.3") << "got end of file during message";
    // The records are in the ring.
    QTest::newRow("garbage record")
        << intoRing(TelemetryRing::headerSize(), "garbage garbage!") + ringHead(16)
        << "truncated record";
    QTest::newRow("record lying about its text")
        << intoRing(TelemetryRing::headerSize(), kLyingRecord) + ringHead(48) << "runs past";
    QTest::newRow("a head beyond the ring")
        << intoRing(TelemetryRing::kHeadOffset, "\\000\\000\\000\\000\\000\\001")
        << "is not within";
    QTest::newRow("a pending record lying about its text")
        << intoRing(TelemetryRing::kPendingOffset, kLyingRecord) +
               intoRing(TelemetryRing::kPendingLengthOffset, "\\060")
        << "runs past";
    QTest::newRow("a pending record too long")
        << intoRing(TelemetryRing::kPendingLengthOffset, "\\377\\377")
        << "a pending record of 65535 bytes";
    QTest::newRow("a pending record held past the head")
        << intoRing(TelemetryRing::kPendingPositionOffset, "\\100") +
               intoRing(TelemetryRing::kPendingLengthOffset, "\\060\\000\\000\\200")
        << "a pending record at byte 64, where the head is at 0";
    QTest::newRow("a held pending record lying about its text")
        << intoRing(TelemetryRing::headerSize(), kLyingRecord) +
               intoRing(TelemetryRing::kPendingLengthOffset, "\\060\\000\\000\\200")
        << "runs past";
}

void TestFaults::badTelemetry()
{
    QFETCH(QByteArray, script);
    QFETCH(QString, says);
    QTemporaryDir directory;
    const QString fake = directory.filePath(QStringLiteral("bad-telemetry-worker"));
    QFile file(fake);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\n" + script + "\nexit 0\n");
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    auto runner = makeRunner();
    runner->setWorkerPath(fake);
    QVERIFY(runner->start(settingsFor(QStringLiteral("pingpong"), 0, 0)).ok());
    QVERIFY(waitForEnd(*runner, 60000));
    const QString problems = runner->problems().join(u'\n');
    QVERIFY2(problems.contains(QLatin1String("bad telemetry from player1")) &&
                 problems.contains(says),
             qPrintable(problems));
    QVERIFY(!runner->succeeded());
}

void TestFaults::aDescendantHoldingTheTelemetryDoesNotHoldTheRun()
{
    // The worker leaves a background process that keeps its telemetry descriptor open: the run
    // ends when the worker does, not when the descendant lets go.
    QTemporaryDir directory;
    const QString fake = directory.filePath(QStringLiteral("forking-worker"));
    const QString pidFile = directory.filePath(QStringLiteral("descendant.pid"));
    QFile file(fake);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\nsleep 300 >/dev/null 2>&1 &\necho $! >> \"" + pidFile.toUtf8() +
               "\"\nexit 0\n");
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    auto runner = makeRunner();
    runner->setWorkerPath(fake);
    QVERIFY(runner->start(settingsFor(QStringLiteral("sender-receiver"), 0, 0)).ok());
    const bool ended = waitForEnd(*runner, 60000);
    QFile pids(pidFile);
    if (pids.open(QIODevice::ReadOnly)) {
        for (const QByteArray& pid : pids.readAll().split('\n')) {
            if (!pid.trimmed().isEmpty())
                ::kill(pid_t(pid.trimmed().toLongLong()), SIGKILL);
        }
    }
    QVERIFY2(ended, "the run waited for a descendant of its worker");
}

namespace {

// A flood of 4 KiB messages whose receiver takes one and then sleeps for ten seconds: its sender
// soon blocks in a send (null when the run did not start).
std::unique_ptr<ScenarioRunner> startFloodIntoASleeper()
{
    auto runner = makeRunner();
    runner->setStopGrace(500);
    if (!runner
             ->start(settingsFor(QStringLiteral("flood"), 0, 1,
                                 {{"count", 1000000}, {"size", 4096}, {"delay", 10}}))
             .ok())
        return nullptr;
    return runner;
}

} // namespace

void TestFaults::aReceiverThatStopsReadingBlocksTheSenderUntilStop()
{
    auto runner = startFloodIntoASleeper();
    QVERIFY(runner);
    const TraceStore& store = runner->store();
    QTRY_COMPARE_WITH_TIMEOUT(store.process(0).state, ProcessState::BlockedSend, 60000);
    QVERIFY(store.maxDepth(0) > 4); // the pipe filled up before the sender blocked
    runner->stop();
    QVERIFY(waitForEnd(*runner, 30000));
    QVERIFY(runner->stopped());
    for (int p = 0; p < store.processCount(); ++p)
        QVERIFY(store.process(p).ended);
}

void TestFaults::aSendCutShortByAKillIsNoMessage()
{
    auto runner = startFloodIntoASleeper();
    QVERIFY(runner);
    const TraceStore& store = runner->store();
    // The receiver took its one message and sleeps; held there (SIGSTOP) so that nothing makes
    // room in the pipe again, the sender blocks for good.
    QTRY_VERIFY_WITH_TIMEOUT(store.channel(0).recvTimes.size() >= 1, 60000);
    ::kill(pid_t(store.process(1).pid), SIGSTOP);
    QTRY_COMPARE_WITH_TIMEOUT(store.process(0).state, ProcessState::BlockedSend, 60000);
    // A blocked state seen before the receiver's read may be stale: what the sender committed
    // after it arrives within milliseconds of its next block.
    QTest::qWait(300);
    QCOMPARE(store.process(0).state, ProcessState::BlockedSend);
    const qsizetype committed = store.channel(0).sendTimes.size();
    ::kill(pid_t(store.process(0).pid), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(store.process(0).ended, 30000);
    runner->stop(); // the receiver sleeps on
    QVERIFY(waitForEnd(*runner, 30000));
    QVERIFY(store.process(0).crashed);
    // The send it was blocked in never finished and its message never arrived: no message.
    QCOMPARE(store.channel(0).sendTimes.size(), committed);
    QCOMPARE(checkInvariants(store), QString());
}

namespace {

// `bytes` as printf escapes.
QByteArray escaped(QByteArrayView bytes)
{
    QByteArray out;
    for (const char byte : bytes)
        out += "\\" + QByteArray::number(quint8(byte), 8);
    return out;
}

// The pending length word of a record of `bytes` held at the ring's head.
QByteArray heldLength(quint32 bytes)
{
    const quint32 word = bytes | TelemetryRing::kPendingHeld;
    return QByteArray(reinterpret_cast<const char*>(&word), sizeof word);
}

// A send or recv record of the message b'hello' on channel 0, seq 0, as a Tracer writes it.
QByteArray helloRecord(EventKind kind, qint64 startNs, qint64 tNs)
{
    TelemetryRecord record;
    record.kind = kind;
    record.startNs = startNs;
    record.tNs = tNs;
    record.seq = 0;
    record.channel = 0;
    record.amount = 5;
    record.detail = kBytesPreview;
    record.headLength = 5;
    return QByteArray(reinterpret_cast<const char*>(&record), sizeof record) + "hello";
}

} // namespace

void TestFaults::theSendADeadSenderWasInIsKeptWhenItWentOut_data()
{
    QTest::addColumn<bool>("held");     // the record held at the ring's head, not in the slot
    QTest::addColumn<bool>("returned"); // the send returned before the sender died
    QTest::addColumn<bool>("received");
    QTest::addColumn<int>("sends");
    for (const bool held : {false, true}) {
        const char* where = held ? "held at the head" : "set aside";
        QTest::addRow("%s, returned, received", where) << held << true << true << 1;
        QTest::addRow("%s, returned, not received", where) << held << true << false << 1;
        QTest::addRow("%s, in progress, received", where) << held << false << true << 1;
        QTest::addRow("%s, in progress, not received", where) << held << false << false << 0;
    }
}

void TestFaults::theSendADeadSenderWasInIsKeptWhenItWentOut()
{
    QFETCH(bool, held);
    QFETCH(bool, returned);
    QFETCH(bool, received);
    QFETCH(int, sends);
    // Fake workers for sender-receiver: the sender leaves a send pending in its ring (held
    // uncommitted at the head, or in the slot) and dies by SIGKILL; the receiver commits the recv
    // of that message, or nothing.
    // Times before the run's own events (the runner's word on how the sender died comes later):
    // a send kept at the end must not break its lane's time order.
    const qint64 at = monotonicNs();
    const QByteArray send = helloRecord(EventKind::Send, at, returned ? at + 1000 : 0);
    const QByteArray recv = helloRecord(EventKind::Recv, at + 500, at + 2000);
    QTemporaryDir directory;
    const QString fake = directory.filePath(QStringLiteral("dying-worker"));
    QFile file(fake);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\ncase \"$3\" in\nsender) " +
               (held ? intoRing(TelemetryRing::headerSize(), escaped(send)) +
                           intoRing(TelemetryRing::kPendingLengthOffset,
                                    escaped(heldLength(quint32(send.size()))))
                     : intoRing(TelemetryRing::kPendingOffset, escaped(send)) +
                           intoRing(TelemetryRing::kPendingLengthOffset,
                                    escaped(QByteArray(1, char(send.size()))))) +
               "kill -9 $$ ;;\nreceiver) " +
               (received ? intoRing(TelemetryRing::headerSize(), escaped(recv)) +
                               ringHead(int(recv.size()))
                         : QByteArray()) +
               "exit 0 ;;\nesac\n");
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    auto runner = makeRunner();
    runner->setWorkerPath(fake);
    QVERIFY(runner->start(settingsFor(QStringLiteral("sender-receiver"), 0, 0)).ok());
    QVERIFY(waitForEnd(*runner, 60000));
    const TraceStore& store = runner->store();
    QVERIFY(store.process(0).crashed);
    QCOMPARE(store.channel(0).recvTimes.size(), received ? 1 : 0);
    QCOMPARE(store.channel(0).sendTimes.size(), sends);
    if (sends == 1) {
        QCOMPARE(store.channel(0).sendTimes[0], at - store.origin());
        const qint32 sendEvent = store.messages()[0].sendEvent;
        QCOMPARE(store.processOf(sendEvent), 0);
        QCOMPARE(store.text(sendEvent), QByteArray("b'hello'"));
    }
    QVERIFY2(!runner->problems().join(u'\n').contains(QLatin1String("bad telemetry")),
             qPrintable(runner->problems().join(u'\n')));
    QCOMPARE(checkInvariants(store), QString());
}

void TestFaults::aMillionMessagesThroughFlood()
{
    // The receiver checks every message's number and contents: none lost, repeated, reordered
    // or damaged, or it exits 1.
    auto runner = makeRunner();
    QVERIFY(runner
                ->start(settingsFor(QStringLiteral("flood"), 0, 0,
                                    {{"count", 1000000}, {"size", 16}, {"delay", 0}}))
                .ok());
    QVERIFY(waitForEnd(*runner, 600000));
    QVERIFY2(runner->succeeded(), qPrintable(runner->problems().join(u'\n')));
    const TraceStore& store = runner->store();
    QCOMPARE(qsizetype(store.messages().size()), 1000001);
    QCOMPARE(store.undeliveredCount(), 0);
    QVERIFY(
        linesOf(store, QStringLiteral("receiver"))
            .contains(QStringLiteral("Receiver: Done, 1000000 messages, all in order and intact")));
    QCOMPARE(checkInvariants(store), QString());
}

void TestFaults::twoHundredRunsLeaveNothingBehind()
{
    auto oneRun = [] {
        auto runner = makeRunner();
        if (!runner->start(settingsFor(QStringLiteral("sender-receiver"), 1, 0)).ok())
            return false;
        return waitForEnd(*runner) && runner->succeeded();
    };
    for (int i = 0; i < 10; ++i) // warm up: fonts, allocator pools, Qt's own caches
        QVERIFY(oneRun());
    const int descriptors = openDescriptors();
    const qint64 rss = statusKiB(::getpid(), "VmRSS:");
    for (int i = 0; i < 200; ++i)
        QVERIFY(oneRun());
    QCOMPARE(openDescriptors(), descriptors);
    QCOMPARE(childProcesses(), 0);
    const qint64 growth = statusKiB(::getpid(), "VmRSS:") - rss;
    qInfo("200 runs: %d descriptors before and after, RSS grew by %lld KiB", descriptors, growth);
    if (!kSanitized) // a sanitizer's quarantine holds freed memory on purpose
        QVERIFY2(growth < 8 * 1024, qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(growth)));
}

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
