// The worker's Tracer on a real connection: what a blocked wait records, and that the runner gets
// the blocked state while the wait lasts (the class comment's promise), with no assertion on time.
#include "base/CounterRate.h"
#include "base/MonotonicClock.h"
#include "base/TscClock.h"
#include "pipe/Pipe.h"
#include "trace/TelemetryInbox.h"
#include "trace/Tracer.h"

#include <QScopeGuard>
#include <QTest>
#include <algorithm>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace pipescope;

namespace {

struct Seen
{
    EventKind kind;
    quint8 detail;
    quint16 channel;
};

// Every record the tracer committed since the last drain.
QList<Seen> drain(TelemetryInbox& telemetry)
{
    QList<Seen> seen;
    const Result<qsizetype> read = telemetry.read(
        [&](const TelemetryRecord& record, QByteArrayView, QByteArrayView) -> Status {
            seen.append({record.kind, record.detail, record.channel});
            return {};
        });
    if (!read && read.error().kind() != ErrorKind::Eof)
        qFatal("bad telemetry: %s", qPrintable(read.error().toString()));
    return seen;
}

// A tracer writing into `inbox`'s ring, as pipescope-worker's does.
std::unique_ptr<Tracer> tracerFor(TelemetryInbox::Made& made)
{
    auto ring = TelemetryRing::attach(made.inbox.ringDescriptor());
    if (!ring)
        qFatal("%s", qPrintable(ring.error().toString()));
    return std::make_unique<Tracer>(std::move(made.workerWake), std::move(*ring));
}

void makeNonBlocking(const Connection& connection)
{
    const int descriptor = *connection.fileno();
    QVERIFY(::fcntl(descriptor, F_SETFL, ::fcntl(descriptor, F_GETFL) | O_NONBLOCK) == 0);
}

bool hasState(const QList<Seen>& seen, ProcessState state, quint16 channel)
{
    return std::any_of(seen.begin(), seen.end(), [&](const Seen& s) {
        return s.kind == EventKind::State && s.detail == quint8(state) && s.channel == channel;
    });
}

} // namespace

class TestTracer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aWaitIsShownWhileItLastsAndRecordedInOrder();
    void aSendIsPendingUntilItReturns();
    void aSendKilledInItsCallLeavesItsRecord();
    void aHeldRecordCommittedIsNotPendingToo();
    void aHeldRecordBeyondTheRoomIsRefused();
    void itsClockIsTheMonotonicClock();
    void itsClocksRateIsMeasuredAfreshWhenTheClocksPart();
    void theTracersOwnWaitIsNotTheCalls();
    void failedCallsSayWhichMessage();
    void aFullRingWaitsForItsReader();
    void aSmallRingWakesItsReaderEveryQuarter();
    void onlyARingIsAttached();
    void aRingCannotBeResized();
    void aFileSizeLimitMakesTheRingSmallerOrSaysSo();
};

void TestTracer::aWaitIsShownWhileItLastsAndRecordedInOrder()
{
    auto pipe = makePipe(true);
    auto telemetry = TelemetryInbox::create();
    QVERIFY(pipe && telemetry);
    // As pipescope-worker does: a blocking call on a non-blocking descriptor waits in poll().
    makeNonBlocking(pipe->second);
    const std::unique_ptr<Tracer> traced = tracerFor(*telemetry);
    Tracer& tracer = *traced;
    TelemetryInbox& inbox = telemetry->inbox;
    constexpr quint16 kIn = 3;
    tracer.attach(pipe->second, kNoChannel, kIn);

    bool received = false;
    std::thread receiver([&] { received = pipe->second.recvBytes().ok(); });
    // Whatever fails below, the receiver gets its message and is joined before the test returns.
    bool messageSent = false;
    const auto release = qScopeGuard([&] {
        if (!messageSent)
            (void)pipe->first.sendBytes(QByteArray("x"));
        if (receiver.joinable())
            receiver.join();
    });
    // Nothing comes until the runner's side has seen the receiver blocked: a flush that only came
    // after the wait would never arrive here (the test would time out instead).
    QList<Seen> seen;
    while (!hasState(seen, ProcessState::BlockedRecv, kIn)) {
        const Result<bool> ready = inbox.wake().poll(60.0);
        QVERIFY(ready.ok() && *ready);
        seen += drain(inbox);
    }
    messageSent = pipe->first.sendBytes(QByteArray("x")).ok();
    QVERIFY(messageSent);
    receiver.join();
    QVERIFY(received);
    tracer.finish(0);
    seen += drain(inbox);

    // Blocked, running again, the message, the end: the states as faithful as ever.
    QList<std::pair<EventKind, quint8>> order;
    for (const Seen& s : seen)
        order.append({s.kind, s.kind == EventKind::Recv ? quint8(0) : s.detail});
    const QList<std::pair<EventKind, quint8>> expected = {
        {EventKind::State, quint8(ProcessState::BlockedRecv)},
        {EventKind::State, quint8(ProcessState::Running)},
        {EventKind::Recv, 0},
        {EventKind::State, quint8(ProcessState::Exited)},
    };
    QCOMPARE(order, expected);
}

void TestTracer::aSendIsPendingUntilItReturns()
{
    auto pipe = makePipe(true);
    auto telemetry = TelemetryInbox::create();
    QVERIFY(pipe && telemetry);
    makeNonBlocking(pipe->first);
    const std::unique_ptr<Tracer> tracer = tracerFor(*telemetry);
    TelemetryInbox& inbox = telemetry->inbox;
    constexpr quint16 kOut = 5;
    tracer->attach(pipe->first, kOut, kNoChannel);

    // More than a socket holds: the send waits for a reader, which comes only once the pending
    // record has been seen.
    const QByteArray big(8 * 1024 * 1024, 'p');
    bool sent = false;
    std::thread sender([&] { sent = pipe->first.sendBytes(big).ok(); });
    const auto release = qScopeGuard([&] {
        if (sender.joinable()) {
            (void)pipe->second.recvBytes();
            sender.join();
        }
    });
    QList<Seen> seen;
    while (!hasState(seen, ProcessState::BlockedSend, kOut)) {
        const Result<bool> ready = inbox.wake().poll(60.0);
        QVERIFY(ready.ok() && *ready);
        seen += drain(inbox);
    }
    // Blocked in the send, whose record waits in the pending slot and not among the committed.
    QVERIFY(std::none_of(seen.begin(), seen.end(),
                         [](const Seen& s) { return s.kind == EventKind::Send; }));
    QList<TelemetryRecord> pending;
    const auto keep = [&](const TelemetryRecord& record, QByteArrayView, QByteArrayView head) {
        pending.append(record);
        return head == QByteArrayView(big).first(kMaxPayloadHead)
                   ? Status()
                   : Status(Error(ErrorKind::Protocol, QStringLiteral("head")));
    };
    QVERIFY(inbox.readPending(keep).ok());
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending[0].kind, EventKind::Send);
    QCOMPARE(pending[0].channel, kOut);
    QCOMPARE(pending[0].seq, 0);
    QCOMPARE(pending[0].amount, big.size());

    const Result<QByteArray> received = pipe->second.recvBytes();
    QVERIFY(received.ok() && received->size() == big.size());
    sender.join();
    QVERIFY(sent);
    // Returned: committed, and the slot is empty.
    seen += drain(inbox);
    QVERIFY(std::any_of(seen.begin(), seen.end(), [](const Seen& s) {
        return s.kind == EventKind::Send && s.channel == kOut;
    }));
    pending.clear();
    QVERIFY(inbox.readPending(keep).ok());
    QVERIFY(pending.isEmpty());
}

void TestTracer::aSendKilledInItsCallLeavesItsRecord()
{
    // A send that does not wait holds its record uncommitted at the ring's head: a worker
    // killed in the call (here right after the tracer was told, as Connection tells it before
    // the bytes go into the kernel) leaves it there for the runner.
    auto pipe = makePipe(true);
    auto telemetry = TelemetryInbox::create();
    QVERIFY(pipe && telemetry);
    constexpr quint16 kOut = 3;
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        const std::unique_ptr<Tracer> tracer = tracerFor(*telemetry);
        tracer->attach(pipe->first, kOut, kNoChannel);
        if (!pipe->first.sendBytes(QByteArray("before")))
            ::_exit(1);
        const QByteArray hello("hello");
        tracer->sending(pipe->first, monotonicNs(), {hello.constData(), size_t(hello.size())},
                        nullptr);
        ::raise(SIGKILL);
        ::_exit(2);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    TelemetryInbox& inbox = telemetry->inbox;
    QList<TelemetryRecord> sends;
    const Result<qsizetype> read =
        inbox.read([&](const TelemetryRecord& record, QByteArrayView, QByteArrayView) {
            if (record.kind == EventKind::Send)
                sends.append(record);
            return Status();
        });
    QVERIFY(read.ok() || read.error().kind() == ErrorKind::Eof);
    QCOMPARE(sends.size(), 1); // "before"; "hello" was not committed
    QCOMPARE(sends[0].seq, 0);
    QList<TelemetryRecord> pending;
    QByteArray pendingHead;
    QVERIFY(
        inbox
            .readPending([&](const TelemetryRecord& record, QByteArrayView, QByteArrayView head) {
                pending.append(record);
                pendingHead = head.toByteArray();
                return Status();
            })
            .ok());
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending[0].kind, EventKind::Send);
    QCOMPARE(pending[0].channel, kOut);
    QCOMPARE(pending[0].seq, 1);
    QCOMPARE(pending[0].tNs, 0); // it never returned
    QVERIFY(pending[0].startNs >= sends[0].tNs);
    QCOMPARE(pendingHead, QByteArray("hello"));
}

void TestTracer::aHeldRecordCommittedIsNotPendingToo()
{
    // A writer that dies between committing its held record and clearing it leaves the record
    // among the committed ones, and nothing pending: the reader does not take it twice.
    auto reader = TelemetryRing::create(TelemetryRing::kMinCapacity);
    QVERIFY(reader.ok());
    auto writer = TelemetryRing::attach(reader->descriptor());
    QVERIFY(writer.ok());
    const QByteArray record(100, 'r');
    for (int round = 0; round < 1000; ++round) { // round the ring many times
        char* out = writer->writable(record.size());
        QVERIFY(out);
        std::memcpy(out, record.constData(), size_t(record.size()));
        writer->holdPending(record.size());
        const Result<std::span<const char>> held = reader->pending();
        QVERIFY(held.ok());
        QCOMPARE(QByteArrayView(held->data(), qsizetype(held->size())), QByteArrayView(record));
        const Result<std::span<const char>> before = reader->unread();
        QVERIFY(before.ok() && before->empty());
        writer->commit(record.size()); // and dies here, before clearPending()
        const Result<std::span<const char>> after = reader->pending();
        QVERIFY(after.ok() && after->empty());
        const Result<std::span<const char>> unread = reader->unread();
        QVERIFY(unread.ok());
        QCOMPARE(QByteArrayView(unread->data(), qsizetype(unread->size())), QByteArrayView(record));
        reader->consume(record.size());
    }
}

void TestTracer::aHeldRecordBeyondTheRoomIsRefused()
{
    // A lying writer's header: a record held at a head just under 2^64, where nothing was ever
    // consumed. Its end wraps past zero, and must not pass for within the ring for that.
    auto reader = TelemetryRing::create(TelemetryRing::kMinCapacity);
    QVERIFY(reader.ok());
    void* header = ::mmap(nullptr, size_t(TelemetryRing::headerSize()), PROT_READ | PROT_WRITE,
                          MAP_SHARED, reader->descriptor(), 0);
    QVERIFY(header != MAP_FAILED);
    const auto unmap = qScopeGuard([&] { ::munmap(header, size_t(TelemetryRing::headerSize())); });
    char* bytes = static_cast<char*>(header);
    const quint64 head = ~quint64(0) - 15;
    const quint32 length = 48 | TelemetryRing::kPendingHeld;
    std::memcpy(bytes + TelemetryRing::kHeadOffset, &head, sizeof head);
    std::memcpy(bytes + TelemetryRing::kPendingPositionOffset, &head, sizeof head);
    std::memcpy(bytes + TelemetryRing::kPendingLengthOffset, &length, sizeof length);
    const Result<std::span<const char>> pending = reader->pending();
    QVERIFY(!pending.ok());
    QCOMPARE(pending.error().kind(), ErrorKind::Protocol);
}

void TestTracer::itsClockIsTheMonotonicClock()
{
    // The tracer's clock reads the time-stamp counter between anchors: every reading lies between
    // the real clock's readings around it (within a microsecond), and none goes back, through
    // its calibration, thousands of anchors and sleeps (as a worker waits and wakes).
    TscClock clock;
    qint64 previous = 0;
    qint64 outside = 0;
    qint64 back = 0;
    qint64 worst = 0;
    const qint64 until = monotonicNs() + 3 * CounterRate::kCalibrationNs;
    for (int i = 0; monotonicNs() < until || i < 100'000; ++i) {
        if (i % 5000 == 4999) {
            const timespec pause{0, (i / 5000 % 4) * 50'000};
            ::nanosleep(&pause, nullptr);
        }
        const qint64 before = monotonicNs();
        const qint64 reading = clock.now();
        const qint64 after = monotonicNs();
        worst = std::max({worst, before - reading, reading - after});
        if (reading < before - 1000 || reading > after + 1000)
            ++outside;
        if (reading < previous)
            ++back;
        previous = reading;
    }
    QVERIFY2(
        outside == 0,
        qPrintable(QStringLiteral("%1 readings outside, by up to %2 ns").arg(outside).arg(worst)));
    QCOMPARE(back, 0);
    // Where the counter can be used (x86-64 with an invariant TSC the kernel keeps as its clock
    // source), it is.
    QCOMPARE(clock.calibrated(), TscClock::usable());
}

void TestTracer::itsClocksRateIsMeasuredAfreshWhenTheClocksPart()
{
    // A counter of 3 ticks a nanosecond, anchored every 100 us.
    constexpr quint64 kBase = 1'000'000'007;
    CounterRate rate;
    qint64 ns = 5'000'000;
    quint64 ticks = kBase;
    auto run = [&](qint64 forNs, double ticksPerNs) {
        for (const qint64 end = ns + forNs; ns < end;) {
            ns += 100'000;
            ticks += quint64(100'000 * ticksPerNs);
            rate.anchor(ticks, ns);
        }
    };
    // Not known until kCalibrationNs have passed since the first anchor, then exact.
    rate.anchor(ticks, ns);
    run(CounterRate::kCalibrationNs - 100'000, 3.0);
    QVERIFY(!rate.known());
    run(100'000, 3.0);
    QVERIFY(rate.known());
    QCOMPARE(rate.nsPerTick(), 1.0 / 3.0);
    // A real clock slewed by 200 ppm for a while is within the tolerance: the same measure goes on.
    run(3 * CounterRate::kCalibrationNs, 3.0 * (1 + 200e-6));
    QVERIFY(rate.known());
    QCOMPARE(rate.restarts(), 0);
    run(30 * CounterRate::kCalibrationNs, 3.0);
    QVERIFY(qAbs(rate.nsPerTick() * 3 - 1) < 30e-6);
    // A suspend: ten seconds on the counter and none on the real clock. The stretch that holds it
    // differs, and the rate is measured afresh from there, never from the suspend.
    ticks += quint64(3 * 10'000'000'000LL);
    run(CounterRate::kCalibrationNs, 3.0);
    QVERIFY(!rate.known());
    QCOMPARE(rate.restarts(), 1);
    run(CounterRate::kCalibrationNs, 3.0);
    QVERIFY(rate.known());
    QCOMPARE(rate.nsPerTick(), 1.0 / 3.0);
    // Another host's counter, at 2 ticks a nanosecond and behind: measured afresh, at once.
    ticks -= 1'000'000;
    rate.anchor(ticks, ns += 100'000);
    QVERIFY(!rate.known());
    QCOMPARE(rate.restarts(), 2);
    run(CounterRate::kCalibrationNs, 2.0);
    QVERIFY(rate.known());
    QCOMPARE(rate.nsPerTick(), 0.5);
}

void TestTracer::theTracersOwnWaitIsNotTheCalls()
{
    // A send or recv that finds the ring full waits for the runner to read it, as the tracer's
    // own wait: the send's record begins after it, the recv's ends before it. The reader here
    // reads after 200 ms, and the records are held against the moment it did.
    for (const bool sending : {true, false}) {
        auto telemetry = TelemetryInbox::create(4096);
        auto pipe = makePipe(true);
        QVERIFY(telemetry && pipe);
        const std::unique_ptr<Tracer> tracer = tracerFor(*telemetry);
        tracer->attach(sending ? pipe->first : pipe->second, 1, 2);
        if (!sending)
            QVERIFY(pipe->first.sendBytes(QByteArray("x")).ok()); // untraced: there to take
        // Bare records, until the one after them must wait (a record needs kMaxRecordBytes free).
        const int fill = int((4096 - Tracer::kMaxRecordBytes) / sizeof(TelemetryRecord)) + 1;
        for (int i = 0; i < fill; ++i)
            tracer->setState(ProcessState::Running);
        QList<TelemetryRecord> records;
        const auto sink = [&](const TelemetryRecord& record, QByteArrayView, QByteArrayView) {
            records.append(record);
            return Status();
        };
        qint64 readAt = 0;
        std::thread reader([&] {
            const timespec pause{0, 200'000'000};
            ::nanosleep(&pause, nullptr);
            readAt = monotonicNs();
            (void)telemetry->inbox.read(sink);
        });
        const bool done =
            sending ? pipe->first.sendBytes(QByteArray("x")).ok() : pipe->second.recvBytes().ok();
        reader.join();
        QVERIFY(done);
        tracer->flush();
        QVERIFY(telemetry->inbox.read(sink).ok());
        const EventKind kind = sending ? EventKind::Send : EventKind::Recv;
        const auto call = std::find_if(records.begin(), records.end(),
                                       [&](const TelemetryRecord& r) { return r.kind == kind; });
        QVERIFY(call != records.end());
        QVERIFY(call->startNs <= call->tNs);
        // The tracer's clock is the real clock within a microsecond; the wait took 200 ms.
        if (sending)
            QVERIFY2(call->startNs > readAt - 10'000,
                     qPrintable(QString::number(readAt - call->startNs)));
        else
            QVERIFY2(call->tNs < readAt, qPrintable(QString::number(call->tNs - readAt)));
    }
}

void TestTracer::failedCallsSayWhichMessage()
{
    auto pipe = makePipe(true);
    auto telemetry = TelemetryInbox::create();
    QVERIFY(pipe && telemetry);
    const std::unique_ptr<Tracer> tracer = tracerFor(*telemetry);
    constexpr quint16 kOut = 1;
    constexpr quint16 kIn = 2;
    tracer->attach(pipe->second, kOut, kIn);
    QList<std::pair<qint64, QByteArray>> errors; // seq, text
    const auto collect = [&] {
        const Result<qsizetype> read = telemetry->inbox.read(
            [&](const TelemetryRecord& record, QByteArrayView text, QByteArrayView) {
                if (record.kind == EventKind::Error)
                    errors.append({record.seq, text.toByteArray()});
                return Status();
            });
        QVERIFY(read.ok() || read.error().kind() == ErrorKind::Eof);
    };
    // A bad argument: about no message.
    QVERIFY(!pipe->second.sendBytes(QByteArray("x"), -1).ok());
    // A message taken, then refused (BufferTooShort): about that one, seq 0.
    QVERIFY(pipe->first.sendBytes(QByteArray("0123456789")).ok());
    char small[4];
    QVERIFY(!pipe->second.recvBytesInto({small, sizeof small}).ok());
    // The peer gone: EOFError about the next message, seq 1; said once, though the role reports
    // it too; an error reported after anything else was recorded is recorded again.
    pipe->first.close();
    const Result<QByteArray> eof = pipe->second.recvBytes();
    QVERIFY(!eof.ok());
    tracer->reportError(eof.error());
    tracer->print(QStringLiteral("went on"));
    tracer->reportError(eof.error());
    tracer->flush();
    collect();
    QCOMPARE(errors.size(), 4);
    QCOMPARE(errors[0].first, -1);
    QVERIFY(errors[0].second.startsWith("ValueError"));
    QCOMPARE(errors[1].first, 0);
    QVERIFY(errors[1].second.startsWith("BufferTooShort"));
    QCOMPARE(errors[2].first, 1);
    QVERIFY(errors[2].second.startsWith("EOFError"));
    QCOMPARE(errors[3].first, -1); // reportError()'s own record: no channel, no seq
}

void TestTracer::aFullRingWaitsForItsReader()
{
    // A ring of one page holds a few dozen lines; the writer waits for room each time it fills.
    auto telemetry = TelemetryInbox::create(4096);
    QVERIFY(telemetry.ok());
    const std::unique_ptr<Tracer> tracer = tracerFor(*telemetry);
    TelemetryInbox& inbox = telemetry->inbox;
    constexpr int kLines = 2000;
    std::thread writer([&] {
        for (int i = 0; i < kLines; ++i)
            tracer->print(QStringLiteral("line %1").arg(i));
        tracer->finish(0);
    });
    int lines = 0;
    bool inOrder = true;
    bool exited = false;
    const auto sink = [&](const TelemetryRecord& record, QByteArrayView text, QByteArrayView) {
        if (record.kind == EventKind::Stdout)
            inOrder = inOrder && text == QStringLiteral("line %1").arg(lines++).toUtf8();
        exited = exited ||
                 (record.kind == EventKind::State && record.detail == quint8(ProcessState::Exited));
        return Status();
    };
    while (!exited) {
        const Result<bool> ready = inbox.wake().poll(60.0);
        QVERIFY(ready.ok() && *ready);
        const Result<qsizetype> read = inbox.read(sink);
        QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
    }
    writer.join();
    QCOMPARE(lines, kLines);
    QVERIFY(inOrder);
}

void TestTracer::aSmallRingWakesItsReaderEveryQuarter()
{
    // A ring smaller than 4 * kWakeBytes wakes its reader every quarter of it, or sooner (after
    // kWakeIntervalNs): 40 KiB into a 64 KiB ring, never read, wake it at least twice.
    constexpr qsizetype kRing = 64 * 1024;
    static_assert(kRing < 4 * Tracer::kWakeBytes);
    auto telemetry = TelemetryInbox::create(kRing);
    QVERIFY(telemetry.ok());
    const std::unique_ptr<Tracer> tracer = tracerFor(*telemetry);
    constexpr qsizetype kCommitted = 40 * 1024;
    for (qsizetype written = 0; written < kCommitted; written += sizeof(TelemetryRecord))
        tracer->setState(ProcessState::Running); // no text: a bare record, and no flush
    int wakes = 0;
    Connection& wake = telemetry->inbox.wake();
    for (;;) {
        const Result<bool> ready = wake.poll(0.0);
        QVERIFY(ready.ok());
        if (!*ready)
            break;
        QVERIFY(wake.recvBytes().ok());
        ++wakes;
    }
    QVERIFY2(wakes >= int(kCommitted / (kRing / 4)), qPrintable(QString::number(wakes)));
}

void TestTracer::onlyARingIsAttached()
{
    auto pipe = makePipe(false);
    QVERIFY(pipe.ok());
    const Result<TelemetryRing> fromPipe = TelemetryRing::attach(*pipe->first.fileno());
    QVERIFY(!fromPipe.ok());
    QCOMPARE(fromPipe.error().kind(), ErrorKind::Protocol);
    // A file of a ring's size without a ring's header.
    const int file = ::memfd_create("not-a-ring", MFD_CLOEXEC);
    QVERIFY(file >= 0);
    const auto closeFile = qScopeGuard([&] { ::close(file); });
    QVERIFY(::ftruncate(file, TelemetryRing::headerSize() + 4096) == 0);
    const Result<TelemetryRing> fromFile = TelemetryRing::attach(file);
    QVERIFY(!fromFile.ok());
    QVERIFY(fromFile.error().toString().contains(QLatin1String("no ring header")));
    QVERIFY(!TelemetryInbox::create(1000).ok()); // not a whole number of pages
}

void TestTracer::aRingCannotBeResized()
{
    // A worker that shrank its ring would make the runner's mapping fault (SIGBUS).
    auto ring = TelemetryRing::create();
    QVERIFY(ring.ok());
    QCOMPARE(::ftruncate(ring->descriptor(), 0), -1);
    QCOMPARE(errno, EPERM);
    QCOMPARE(::ftruncate(ring->descriptor(), 64 << 20), -1);
}

void TestTracer::aFileSizeLimitMakesTheRingSmallerOrSaysSo()
{
    // In a child: the limit is the process's.
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        ::signal(SIGXFSZ, SIG_DFL); // a ring that grew past the limit would die of it
        const qsizetype page = TelemetryRing::headerSize();
        rlimit limit = {rlim_t(page + 256 * 1024), rlim_t(page + 256 * 1024)};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        auto smaller = TelemetryRing::create();
        if (!smaller || smaller->capacity() != 256 * 1024)
            ::_exit(1);
        limit = {rlim_t(16 * 1024), rlim_t(16 * 1024)};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        auto none = TelemetryRing::create();
        ::_exit(!none && none.error().toString().contains(QLatin1String("ulimit -f")) ? 0 : 2);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY2(WIFEXITED(status), "the child died of a signal");
    QCOMPARE(WEXITSTATUS(status), 0);
}

QTEST_APPLESS_MAIN(TestTracer)
#include "tst_tracer.moc"
