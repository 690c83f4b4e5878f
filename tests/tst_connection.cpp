// Connection and Pipe against the semantics page (shared/reference/connection-semantics.md), row by
// row: the order of checks, every error with CPython's message, what an error does to the
// connection afterwards. Message rows run twice: with the peer in this process, and with the
// message coming back from a real pipescope-worker over a real socket.
#include "WorkerProcess.h"
#include "pipe/Connection.h"
#include "pipe/ConnectionNotifier.h"
#include "pipe/Pipe.h"
#include "pipe/Wait.h"
#include "wire/FrameHeader.h"

#include <QSignalSpy>
#include <QTest>
#include <fcntl.h>
#include <future>
#include <thread>
#include <unistd.h>

using namespace pipescope;
using namespace pipescope::testing;

namespace {

void writeRaw(int descriptor, const QByteArray& bytes)
{
    QCOMPARE(::write(descriptor, bytes.constData(), size_t(bytes.size())), ssize_t(bytes.size()));
}

// A duplex pipe whose `local` end receives what the test delivers: either straight from the other
// end in this process, or sent to a pipescope-worker `echo` that sends it back.
class Fixture
{
public:
    explicit Fixture(bool acrossProcess)
    {
        auto ends = makePipe(true);
        if (!ends)
            qFatal("makePipe failed");
        local = std::move(ends->first);
        if (acrossProcess) {
            worker =
                startWorker({QStringLiteral("echo"), QStringLiteral("--fd"), QStringLiteral("3")},
                            {*ends->second.fileno()});
            ends->second.close(); // the worker holds the only copy now
        } else {
            peer = std::move(ends->second);
        }
    }

    ~Fixture()
    {
        if (worker) {
            if (!local.closed() && local.writable())
                (void)local.sendBytes(QByteArray()); // the empty message ends echo
            local.close();
            worker->waitForFinished(30000);
        }
    }

    // Makes `payload` arrive at `local` as one message.
    bool deliver(const QByteArray& payload)
    {
        if (!worker)
            return peer.sendBytes(payload).ok();
        // echo returns every non-empty message as it is.
        return local.sendBytes(payload).ok();
    }

    // Makes the peer go away, as if it closed its end.
    void closePeer()
    {
        if (!worker) {
            peer.close();
            return;
        }
        (void)local.sendBytes(QByteArray());
        QVERIFY(finishes(*worker));
        QCOMPARE(worker->exitCode(), 0);
    }

    Connection local;
    Connection peer;
    std::unique_ptr<QProcess> worker;
};

} // namespace

class TestConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void closedIsCheckedFirst_data();
    void closedIsCheckedFirst();
    void closeIsRepeatableAndKeepsDirection();
    void directionIsCheckedBeforeArguments_data();
    void directionIsCheckedBeforeArguments();
    void sendBytesArguments_data();
    void sendBytesArguments();
    void recvBytesMaxLength_data();
    void recvBytesMaxLength();
    void badMessageLengthMakesDuplexWriteOnly_data();
    void badMessageLengthMakesDuplexWriteOnly();
    void badMessageLengthClosesAReadOnlyEnd();
    void recvBytesIntoArguments_data();
    void recvBytesIntoArguments();
    void bufferTooShortCarriesTheWholeMessage_data();
    void bufferTooShortCarriesTheWholeMessage();
    void recvObjects_data();
    void recvObjects();
    void recvOfAnEmptyMessageRunsOutOfInput();
    void recvOfGarbageIsAnUnpicklingError();
    void pollDoesNotBlockByDefault_data();
    void pollDoesNotBlockByDefault();
    void pollCountsAnEmptyMessageAndNeverConsumes_data();
    void pollCountsAnEmptyMessageAndNeverConsumes();
    void pollRefusesNaN();
    void peerCloseDeliversBufferedMessagesThenEof_data();
    void peerCloseDeliversBufferedMessagesThenEof();
    void sendToAClosedPeerIsBrokenPipe_data();
    void sendToAClosedPeerIsBrokenPipe();
    void eofOnlyWhenEveryCopyIsClosed();
    void eofInsideAMessage_data();
    void eofInsideAMessage();
    void negativeHeaderIsAProtocolErrorAndCloses();
    void hugeClaimEndsWithAClearErrorAndNoLargeAllocation();
    void largeMessages_data();
    void largeMessages();
    void simplexPipeIsReadEndThenWriteEnd();
    void withoutReadAheadTheNextMessageStaysInTheKernel_data();
    void withoutReadAheadTheNextMessageStaysInTheKernel();
    void inheritedDescriptorsKnowTheirDirection();
    void waitReturnsTheReadyOnes();
    void eventDrivenModeSignalsAndDrains();
    void echoObjectsWorkerRoundTrips();
    void echoObjectsWorkerRefusesUndecodablePayload();
    void workerFailuresAreOneLineErrors_data();
    void workerFailuresAreOneLineErrors();
};

void TestConnection::closedIsCheckedFirst_data()
{
    QTest::addColumn<bool>("duplex");
    QTest::addColumn<bool>("readEnd");
    QTest::newRow("duplex") << true << true;
    QTest::newRow("read end") << false << true;
    QTest::newRow("write end") << false << false;
}

void TestConnection::closedIsCheckedFirst()
{
    QFETCH(bool, duplex);
    QFETCH(bool, readEnd);
    auto ends = makePipe(duplex);
    QVERIFY(ends.ok());
    Connection& c = readEnd ? ends->first : ends->second;
    c.close();
    QVERIFY(c.closed());
    char buffer[4];
    const QString closedMessage = QStringLiteral("handle is closed");
    // Even a wrong direction or a bad argument reports the closed handle first.
    QCOMPARE(c.send(Value::none()).error().message(), closedMessage);
    QCOMPARE(c.sendBytes(QByteArray("x"), -1).error().message(), closedMessage);
    QCOMPARE(c.recv().error().message(), closedMessage);
    QCOMPARE(c.recvBytes(-1).error().message(), closedMessage);
    QCOMPARE(c.recvBytesInto(buffer, -1).error().message(), closedMessage);
    QCOMPARE(c.poll().error().message(), closedMessage);
    QCOMPARE(c.fileno().error().kind(), ErrorKind::HandleClosed);
    QCOMPARE(c.recv().error().toString(), QStringLiteral("OSError: handle is closed"));
}

void TestConnection::closeIsRepeatableAndKeepsDirection()
{
    auto ends = makePipe(false);
    QVERIFY(ends.ok());
    ends->first.close();
    ends->first.close();
    QVERIFY(ends->first.closed());
    QVERIFY(ends->first.readable());
    QVERIFY(!ends->first.writable());
    ends->second.close();
    QVERIFY(!ends->second.readable());
    QVERIFY(ends->second.writable());
}

void TestConnection::directionIsCheckedBeforeArguments_data()
{
    QTest::addColumn<QString>("call");
    QTest::addColumn<QString>("message");
    QTest::newRow("send on read end") << "send"
                                      << "connection is read-only";
    QTest::newRow("send_bytes on read end") << "send_bytes"
                                            << "connection is read-only";
    QTest::newRow("recv on write end") << "recv"
                                       << "connection is write-only";
    QTest::newRow("recv_bytes on write end") << "recv_bytes"
                                             << "connection is write-only";
    QTest::newRow("recv_bytes_into on write end") << "recv_bytes_into"
                                                  << "connection is write-only";
    QTest::newRow("poll on write end") << "poll"
                                       << "connection is write-only";
}

void TestConnection::directionIsCheckedBeforeArguments()
{
    QFETCH(QString, call);
    QFETCH(QString, message);
    auto ends = makePipe(false);
    QVERIFY(ends.ok());
    Connection& readEnd = ends->first;
    Connection& writeEnd = ends->second;
    char buffer[4];
    std::optional<Error> error;
    if (call == QLatin1String("send"))
        error = readEnd.send(Value::none()).error();
    else if (call == QLatin1String("send_bytes"))
        error = readEnd.sendBytes(QByteArray("x"), -1).error(); // bad offset, but direction first
    else if (call == QLatin1String("recv"))
        error = writeEnd.recv().error();
    else if (call == QLatin1String("recv_bytes"))
        error = writeEnd.recvBytes(-5).error();
    else if (call == QLatin1String("recv_bytes_into"))
        error = writeEnd.recvBytesInto(buffer, -1).error();
    else
        error = writeEnd.poll(-1).error();
    QCOMPARE(error->message(), message);
    QCOMPARE(error->pythonType(), QStringLiteral("OSError"));
}

void TestConnection::sendBytesArguments_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("size"); // -100: not given
    QTest::addColumn<QString>("error");
    QTest::addColumn<QByteArray>("sent");
    QTest::newRow("whole") << qint64(0) << qint64(-100) << QString() << QByteArray("abcde");
    QTest::newRow("offset") << qint64(2) << qint64(-100) << QString() << QByteArray("cde");
    QTest::newRow("offset and size") << qint64(1) << qint64(3) << QString() << QByteArray("bcd");
    QTest::newRow("offset == len sends empty")
        << qint64(5) << qint64(-100) << QString() << QByteArray("");
    QTest::newRow("size 0") << qint64(2) << qint64(0) << QString() << QByteArray("");
    QTest::newRow("negative offset")
        << qint64(-1) << qint64(-100) << "offset is negative" << QByteArray();
    QTest::newRow("offset past end")
        << qint64(6) << qint64(-100) << "buffer length < offset" << QByteArray();
    QTest::newRow("negative offset first")
        << qint64(-1) << qint64(-1) << "offset is negative" << QByteArray();
    QTest::newRow("negative size") << qint64(0) << qint64(-1) << "size is negative" << QByteArray();
    QTest::newRow("size past end")
        << qint64(2) << qint64(4) << "buffer length < offset + size" << QByteArray();
}

void TestConnection::sendBytesArguments()
{
    QFETCH(qint64, offset);
    QFETCH(qint64, size);
    QFETCH(QString, error);
    QFETCH(QByteArray, sent);
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    const std::optional<qint64> sizeArgument =
        size == -100 ? std::nullopt : std::optional<qint64>(size);
    const Status status = ends->first.sendBytes(QByteArray("abcde"), offset, sizeArgument);
    if (!error.isEmpty()) {
        QVERIFY(!status.ok());
        QCOMPARE(status.error().kind(), ErrorKind::InvalidArgument);
        QCOMPARE(status.error().toString(), QStringLiteral("ValueError: ") + error);
        QCOMPARE(*ends->second.poll(), false); // nothing reached the wire
        return;
    }
    QVERIFY(status.ok());
    const auto received = ends->second.recvBytes();
    QVERIFY(received.ok());
    QCOMPARE(*received, sent);
}

void TestConnection::recvBytesMaxLength_data()
{
    QTest::addColumn<bool>("acrossProcess");
    QTest::newRow("in process") << false;
    QTest::newRow("from a worker") << true;
}

void TestConnection::recvBytesMaxLength()
{
    QFETCH(bool, acrossProcess);
    Fixture fixture(acrossProcess);
    QCOMPARE(fixture.local.recvBytes(-1).error().toString(),
             QStringLiteral("ValueError: negative maxlength"));
    QVERIFY(fixture.deliver("12345"));
    const auto equal = fixture.local.recvBytes(5); // equal to maxlength is fine
    QVERIFY(equal.ok());
    QCOMPARE(*equal, QByteArray("12345"));
}

void TestConnection::badMessageLengthMakesDuplexWriteOnly_data()
{
    recvBytesMaxLength_data();
}

void TestConnection::badMessageLengthMakesDuplexWriteOnly()
{
    QFETCH(bool, acrossProcess);
    Fixture fixture(acrossProcess);
    QVERIFY(fixture.deliver("123456"));
    const auto tooLong = fixture.local.recvBytes(5);
    QVERIFY(!tooLong.ok());
    QCOMPARE(tooLong.error().toString(), QStringLiteral("OSError: bad message length"));
    QVERIFY(!fixture.local.closed());
    QVERIFY(!fixture.local.readable());
    QCOMPARE(fixture.local.recv().error().message(), QStringLiteral("connection is write-only"));
    QCOMPARE(fixture.local.poll().error().message(), QStringLiteral("connection is write-only"));
    // Sending still works.
    QVERIFY(fixture.local.sendBytes(QByteArray("still writable")).ok());
    if (!acrossProcess) {
        const auto got = fixture.peer.recvBytes();
        QVERIFY(got.ok());
        QCOMPARE(*got, QByteArray("still writable"));
    }
}

void TestConnection::badMessageLengthClosesAReadOnlyEnd()
{
    auto ends = makePipe(false);
    QVERIFY(ends.ok());
    QVERIFY(ends->second.sendBytes(QByteArray("123456")).ok());
    QCOMPARE(ends->first.recvBytes(5).error().kind(), ErrorKind::BadMessageLength);
    QVERIFY(ends->first.closed());
    QCOMPARE(ends->first.recvBytes().error().message(), QStringLiteral("handle is closed"));
}

void TestConnection::recvBytesIntoArguments_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<QString>("error");
    QTest::newRow("negative offset") << qint64(-1) << "negative offset";
    QTest::newRow("offset too large") << qint64(9) << "offset too large";
    QTest::newRow("offset == size, empty message") << qint64(8) << QString();
    QTest::newRow("offset 3") << qint64(3) << QString();
}

void TestConnection::recvBytesIntoArguments()
{
    QFETCH(qint64, offset);
    QFETCH(QString, error);
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    char buffer[9] = "........";
    const QByteArray message = offset == 8 ? QByteArray() : QByteArray("abc");
    QVERIFY(ends->second.sendBytes(message).ok());
    const auto result = ends->first.recvBytesInto({buffer, 8}, offset);
    if (!error.isEmpty()) {
        QCOMPARE(result.error().toString(), QStringLiteral("ValueError: ") + error);
        QVERIFY(*ends->first.poll()); // checked before reading: the message is still there
        return;
    }
    QVERIFY(result.ok());
    QCOMPARE(*result, qint64(message.size()));
    QByteArray expected("........");
    expected.replace(offset, message.size(), message);
    QCOMPARE(QByteArray(buffer, 8), expected);
}

void TestConnection::bufferTooShortCarriesTheWholeMessage_data()
{
    recvBytesMaxLength_data();
}

void TestConnection::bufferTooShortCarriesTheWholeMessage()
{
    QFETCH(bool, acrossProcess);
    Fixture fixture(acrossProcess);
    QVERIFY(fixture.deliver("too long for it"));
    QVERIFY(fixture.deliver("fits"));
    char buffer[8] = "-------";
    const auto result = fixture.local.recvBytesInto({buffer, 8}, 2);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind(), ErrorKind::BufferTooShort);
    QCOMPARE(result.error().payload(), QByteArray("too long for it"));
    QCOMPARE(result.error().toString(), QStringLiteral("BufferTooShort: b'too long for it'"));
    QCOMPARE(QByteArray(buffer, 7), QByteArray("-------")); // untouched
    // The message was consumed and the connection still works.
    const auto next = fixture.local.recvBytesInto({buffer, 8}, 2);
    QVERIFY(next.ok());
    QCOMPARE(*next, qint64(4));
    QCOMPARE(QByteArray(buffer, 6), QByteArray("--fits"));
}

void TestConnection::recvObjects_data()
{
    recvBytesMaxLength_data();
}

void TestConnection::recvObjects()
{
    QFETCH(bool, acrossProcess);
    Fixture fixture(acrossProcess);
    // send(1) is 00 00 00 05 80 04 4B 01 2E on the wire.
    QVERIFY(fixture.deliver(QByteArray::fromHex("80044b012e")));
    const auto one = fixture.local.recv();
    QVERIFY(one.ok());
    QCOMPARE(one->repr(), QStringLiteral("1"));
    const Value list = Value::list({Value::fromInt(1), Value::fromFloat(2.25), Value::none()});
    if (acrossProcess) {
        QVERIFY(fixture.local.send(list).ok());
    } else {
        QVERIFY(fixture.peer.send(list).ok());
    }
    const auto back = fixture.local.recv();
    QVERIFY(back.ok());
    QCOMPARE(back->repr(), QStringLiteral("[1, 2.25, None]"));
    QVERIFY(*back == list);
}

void TestConnection::recvOfAnEmptyMessageRunsOutOfInput()
{
    Fixture fixture(false);
    QVERIFY(fixture.deliver(QByteArray()));
    const auto value = fixture.local.recv();
    QCOMPARE(value.error().toString(), QStringLiteral("EOFError: Ran out of input"));
    QVERIFY(!fixture.local.closed());
}

void TestConnection::recvOfGarbageIsAnUnpicklingError()
{
    Fixture fixture(false);
    QVERIFY(fixture.deliver("not a pickle"));
    QVERIFY(fixture.deliver(QByteArray::fromHex("80044b072e")));
    QCOMPARE(fixture.local.recv().error().kind(), ErrorKind::Unpickling);
    const auto seven = fixture.local.recv(); // the bad message was consumed, the next one reads
    QVERIFY(seven.ok());
    QCOMPARE(seven->repr(), QStringLiteral("7"));
}

void TestConnection::pollDoesNotBlockByDefault_data()
{
    QTest::addColumn<double>("timeout");
    QTest::newRow("default 0") << 0.0;
    QTest::newRow("negative") << -5.0;
    QTest::newRow("short") << 0.01;
}

void TestConnection::pollDoesNotBlockByDefault()
{
    QFETCH(double, timeout);
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    // Nothing to read: these return (false) instead of blocking; the test would hang otherwise.
    const auto result = timeout == 0.0 ? ends->first.poll() : ends->first.poll(timeout);
    QVERIFY(result.ok());
    QCOMPARE(*result, false);
}

void TestConnection::pollCountsAnEmptyMessageAndNeverConsumes_data()
{
    recvBytesMaxLength_data();
}

void TestConnection::pollCountsAnEmptyMessageAndNeverConsumes()
{
    QFETCH(bool, acrossProcess);
    Fixture fixture(acrossProcess);
    if (!acrossProcess) {
        QVERIFY(fixture.deliver(QByteArray()));
        QCOMPARE(*fixture.local.poll(Connection::kForever), true);
        QCOMPARE(*fixture.local.poll(), true);
        QCOMPARE(*fixture.local.recvBytes(), QByteArray());
    }
    QVERIFY(fixture.deliver("data"));
    QCOMPARE(*fixture.local.poll(Connection::kForever), true);
    QCOMPARE(*fixture.local.poll(), true);
    QCOMPARE(*fixture.local.recvBytes(), QByteArray("data"));
    QCOMPARE(*fixture.local.poll(), false);
}

void TestConnection::pollRefusesNaN()
{
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    QCOMPARE(ends->first.poll(std::nan("")).error().kind(), ErrorKind::InvalidArgument);
}

void TestConnection::peerCloseDeliversBufferedMessagesThenEof_data()
{
    recvBytesMaxLength_data();
}

void TestConnection::peerCloseDeliversBufferedMessagesThenEof()
{
    QFETCH(bool, acrossProcess);
    Fixture fixture(acrossProcess);
    QVERIFY(fixture.deliver("one"));
    QVERIFY(fixture.deliver("two"));
    // The worker echoes both before it reads the empty message that ends it.
    fixture.closePeer();
    QCOMPARE(*fixture.local.poll(), true);
    QCOMPARE(*fixture.local.recvBytes(), QByteArray("one"));
    QCOMPARE(*fixture.local.recvBytes(), QByteArray("two"));
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(*fixture.local.poll(), true); // EOF reads as ready
        const auto eof = fixture.local.recvBytes();
        QCOMPARE(eof.error().kind(), ErrorKind::Eof);
        QCOMPARE(eof.error().toString(), QStringLiteral("EOFError"));
    }
    QVERIFY(!fixture.local.closed());
}

void TestConnection::sendToAClosedPeerIsBrokenPipe_data()
{
    QTest::addColumn<bool>("duplex");
    QTest::newRow("socketpair") << true;
    QTest::newRow("os.pipe") << false;
}

void TestConnection::sendToAClosedPeerIsBrokenPipe()
{
    QFETCH(bool, duplex);
    auto ends = makePipe(duplex);
    QVERIFY(ends.ok());
    Connection& reader = ends->first;
    Connection& writer = ends->second;
    reader.close();
    // With SIGPIPE at its default this process would die here.
    const Status status = writer.sendBytes(QByteArray("anyone there?"));
    QVERIFY(!status.ok());
    QCOMPARE(status.error().kind(), ErrorKind::BrokenPipe);
    QCOMPARE(status.error().toString(), QStringLiteral("BrokenPipeError: [Errno 32] Broken pipe"));
}

void TestConnection::eofOnlyWhenEveryCopyIsClosed()
{
    auto ends = makePipe(false);
    QVERIFY(ends.ok());
    const int copy = ::dup(*ends->second.fileno());
    ends->second.close();
    QCOMPARE(*ends->first.poll(), false); // the copy keeps the write side open
    ::close(copy);
    QCOMPARE(*ends->first.poll(), true);
    QCOMPARE(ends->first.recv().error().kind(), ErrorKind::Eof);
}

void TestConnection::eofInsideAMessage_data()
{
    QTest::addColumn<QByteArray>("partial");
    QTest::newRow("inside the header") << QByteArray::fromHex("000000");
    QTest::newRow("after the header") << QByteArray::fromHex("00000005");
    QTest::newRow("inside the payload") << QByteArray::fromHex("0000000561");
}

void TestConnection::eofInsideAMessage()
{
    QFETCH(QByteArray, partial);
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    writeRaw(*ends->second.fileno(), partial);
    ends->second.close();
    QCOMPARE(ends->first.recvBytes().error().toString(),
             QStringLiteral("OSError: got end of file during message"));
    QCOMPARE(ends->first.recvBytes().error().kind(), ErrorKind::Eof);
}

void TestConnection::negativeHeaderIsAProtocolErrorAndCloses()
{
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    writeRaw(*ends->second.fileno(), QByteArray::fromHex("fffffff0") + "junk");
    const auto result = ends->first.recvBytes();
    QCOMPARE(result.error().kind(), ErrorKind::Protocol);
    QVERIFY(result.error().message().contains(QLatin1String("-16")));
    QVERIFY(ends->first.closed());
}

void TestConnection::hugeClaimEndsWithAClearErrorAndNoLargeAllocation()
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    QSKIP("a sanitizer reserves more address space than this test's limit allows");
#endif
    // Five bytes that claim a message of 2 GiB - 1, to a worker limited to 256 MiB of address
    // space: allocating what the header claims would kill it; it must end with a clear error.
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    QProcess worker;
    QVERIFY(DescriptorHandover::apply(worker, {*ends->second.fileno()}));
    worker.start(QStringLiteral("/bin/sh"),
                 {QStringLiteral("-c"),
                  QStringLiteral("ulimit -v 262144 && exec \"$0\" echo --fd 3"), workerPath()});
    QVERIFY(worker.waitForStarted(10000));
    ends->second.close();
    writeRaw(*ends->first.fileno(), QByteArray::fromHex("7fffffff") + "x");
    ends->first.close();
    QVERIFY(finishes(worker));
    const QByteArray error = worker.readAllStandardError();
    QCOMPARE(worker.exitCode(), 1);
    QCOMPARE(error, QByteArray("pipescope-worker echo: OSError: got end of file during message\n"));
}

void TestConnection::largeMessages_data()
{
    QTest::addColumn<bool>("acrossProcess");
    QTest::addColumn<qsizetype>("size");
    for (qsizetype size : {16384, 16385, 256 * 1024, 256 * 1024 + 7, 16 * 1024 * 1024}) {
        QTest::newRow(qPrintable(QStringLiteral("%1 in process").arg(size))) << false << size;
        QTest::newRow(qPrintable(QStringLiteral("%1 from a worker").arg(size))) << true << size;
    }
}

void TestConnection::largeMessages()
{
    QFETCH(bool, acrossProcess);
    QFETCH(qsizetype, size);
    Fixture fixture(acrossProcess);
    QByteArray payload(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        payload[i] = char(i * 31 + i / 977);
    // The pipe holds far less than the message: send from a second thread while this one reads.
    bool sent = false;
    std::thread sender([&] { sent = fixture.deliver(payload) && fixture.deliver("after"); });
    const auto big = fixture.local.recvBytes();
    const auto after = fixture.local.recvBytes();
    sender.join();
    QVERIFY(sent);
    QVERIFY(big.ok());
    QCOMPARE(big->size(), size);
    QVERIFY(*big == payload);
    QCOMPARE(*after, QByteArray("after"));
}

void TestConnection::simplexPipeIsReadEndThenWriteEnd()
{
    auto ends = makePipe(false);
    QVERIFY(ends.ok());
    QVERIFY(ends->first.readable() && !ends->first.writable());
    QVERIFY(!ends->second.readable() && ends->second.writable());
    QVERIFY(ends->second.send(Value::fromStr(QStringLiteral("hello"))).ok());
    QCOMPARE(ends->first.recv()->repr(), QStringLiteral("'hello'"));
}

void TestConnection::withoutReadAheadTheNextMessageStaysInTheKernel_data()
{
    QTest::addColumn<bool>("duplex");
    QTest::addColumn<int>("size");
    QTest::newRow("pipe, small") << false << 10;
    QTest::newRow("socketpair, small") << true << 10;
    // More than the pipe holds at once: the payload comes in several reads, none past its end.
    QTest::newRow("pipe, 100 KiB") << false << 100 * 1024;
}

void TestConnection::withoutReadAheadTheNextMessageStaysInTheKernel()
{
    // Two readers of one end (dup() of it): the first reads one message, header then payload,
    // and leaves the second where the other reader finds it.
    QFETCH(bool, duplex);
    QFETCH(int, size);
    auto ends = makePipe(duplex);
    QVERIFY(ends.ok());
    Connection& writer = ends->second;
    Connection& reader = ends->first;
    Connection other(::dup(*reader.fileno()), true, duplex);
    reader.setReadAhead(false);
    const QByteArray first(size, 'a');
    const QByteArray second(size, 'b');
    // The writer's side runs beside: the kernel's pipe buffer holds 64 KiB.
    auto written = std::async(std::launch::async, [&] {
        return writer.sendBytes(first).ok() && writer.sendBytes(second).ok();
    });
    QCOMPARE(*reader.recvBytes(), first);
    QVERIFY(!reader.hasBufferedData());
    QCOMPARE(*other.recvBytes(), second);
    QVERIFY(written.get());
    // With read-ahead (the default), one read takes both small messages.
    if (size < 1000) {
        Connection greedy(::dup(*reader.fileno()), true, duplex);
        QVERIFY(writer.sendBytes(first).ok() && writer.sendBytes(second).ok());
        QCOMPARE(*greedy.recvBytes(), first);
        QVERIFY(greedy.hasBufferedData());
        QCOMPARE(*greedy.recvBytes(), second);
    }
}

void TestConnection::inheritedDescriptorsKnowTheirDirection()
{
    auto simplex = makePipe(false);
    auto duplex = makePipe(true);
    QVERIFY(simplex.ok() && duplex.ok());
    auto readEnd = Connection::fromInheritedDescriptor(simplex->first.releaseDescriptor());
    auto writeEnd = Connection::fromInheritedDescriptor(simplex->second.releaseDescriptor());
    auto socketEnd = Connection::fromInheritedDescriptor(duplex->first.releaseDescriptor());
    QVERIFY(readEnd.ok() && writeEnd.ok() && socketEnd.ok());
    QVERIFY(readEnd->readable() && !readEnd->writable());
    QVERIFY(!writeEnd->readable() && writeEnd->writable());
    QVERIFY(socketEnd->readable() && socketEnd->writable());
    QCOMPARE(Connection::fromInheritedDescriptor(987).error().kind(), ErrorKind::System);
}

void TestConnection::waitReturnsTheReadyOnes()
{
    auto a = makePipe(true);
    auto b = makePipe(true);
    auto c = makePipe(false);
    QVERIFY(a.ok() && b.ok() && c.ok());
    Connection* watched[] = {&a->first, &b->first, &c->first};
    auto none = wait(watched, 0.01);
    QVERIFY(none.ok());
    QVERIFY(none->empty());
    QVERIFY(wait(watched, -1)->empty()); // negative: at once
    QVERIFY(b->second.sendBytes(QByteArray("b")).ok());
    c->second.close(); // a closed peer counts as ready
    auto ready = wait(watched);
    QVERIFY(ready.ok());
    QCOMPARE(ready->size(), size_t(2));
    QCOMPARE((*ready)[0], &b->first);
    QCOMPARE((*ready)[1], &c->first);
    a->first.close();
    QCOMPARE(wait(watched, 0).error().message(), QStringLiteral("handle is closed"));
}

void TestConnection::eventDrivenModeSignalsAndDrains()
{
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    ConnectionNotifier notifier(ends->first);
    QSignalSpy spy(&notifier, &ConnectionNotifier::readyRead);
    QList<QByteArray> received;
    QObject::connect(&notifier, &ConnectionNotifier::readyRead, [&] {
        const auto drained = ends->first.receiveAvailable([&](std::span<const char> frame) {
            received.append(QByteArray(frame.data(), frame.size()));
        });
        if (!drained)
            notifier.setEnabled(false); // the peer's EOF
    });
    for (const char* text : {"one", "two", "three"})
        QVERIFY(ends->second.sendBytes(QByteArray(text)).ok());
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, 30000);
    QCOMPARE(received, (QList<QByteArray>{"one", "two", "three"}));
    ends->second.close();
    QTRY_VERIFY_WITH_TIMEOUT(!notifier.isEnabled(), 30000);
    QVERIFY(spy.count() >= 2);
}

void TestConnection::echoObjectsWorkerRoundTrips()
{
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    auto worker =
        startWorker({QStringLiteral("echo-objects"), QStringLiteral("--fd"), QStringLiteral("3")},
                    {*ends->second.fileno()});
    ends->second.close();
    const QList<Value> values = {
        Value::list({Value::fromInt(1), Value::fromFloat(2.25), Value::none()}),
        Value::fromStr(QStringLiteral("hello")),
        Value::dict({{Value::fromStr(QStringLiteral("a")),
                      Value::tuple({Value::fromInt(1), Value::fromInt(2)})}}),
        Value::fromInt(qint64(1) << 40),
        Value::fromBytes(QByteArray("xyz")),
    };
    for (const Value& value : values) {
        QVERIFY(ends->first.send(value).ok());
        const auto back = ends->first.recv();
        QVERIFY(back.ok());
        QCOMPARE(back->repr(), value.repr());
    }
    ends->first.close();
    QVERIFY(finishes(*worker));
    QCOMPARE(worker->exitCode(), 0);
}

void TestConnection::echoObjectsWorkerRefusesUndecodablePayload()
{
    auto ends = makePipe(true);
    QVERIFY(ends.ok());
    auto worker =
        startWorker({QStringLiteral("echo-objects"), QStringLiteral("--fd"), QStringLiteral("3")},
                    {*ends->second.fileno()});
    ends->second.close();
    // pickle.dumps(os.system) style: GLOBAL 'os system' then STOP.
    QVERIFY(ends->first.sendBytes(QByteArray("cos\nsystem\n."), 0).ok());
    QVERIFY(finishes(*worker));
    QCOMPARE(worker->exitCode(), 3);
    const QByteArray error = worker->readAllStandardError();
    QCOMPARE(error.count('\n'), 1);
    QVERIFY2(error.contains("GLOBAL"), error.constData());
}

void TestConnection::workerFailuresAreOneLineErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("bad descriptor") << QStringList{"echo", "--fd", "77"} << 1;
    QTest::newRow("no such listener")
        << QStringList{"echo", "--connect", "/nonexistent/pipescope.sock"} << 1;
    QTest::newRow("both endpoints") << QStringList{"echo", "--fd", "3", "--connect", "x"} << 2;
    QTest::newRow("unknown role") << QStringList{"juggle", "--fd", "3"} << 2;
    QTest::newRow("missing value") << QStringList{"echo", "--fd"} << 2;
}

void TestConnection::workerFailuresAreOneLineErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    auto worker = startWorker(arguments);
    QVERIFY(finishes(*worker));
    QCOMPARE(worker->exitCode(), exitCode);
    const QByteArray error = worker->readAllStandardError();
    QVERIFY(error.startsWith("pipescope-worker"));
    if (QTest::currentDataTag() != QByteArray("unknown role"))
        QCOMPARE(error.count('\n'), 1);
}

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_connection.moc"
