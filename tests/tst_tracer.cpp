// The worker's Tracer on a real connection: what a blocked wait records, and that the runner gets
// the blocked state while the wait lasts (the class comment's promise), with no assertion on time.
#include "pipe/Pipe.h"
#include "trace/TelemetryDecoder.h"
#include "trace/Tracer.h"

#include <QScopeGuard>
#include <QTest>
#include <fcntl.h>
#include <thread>

using namespace pipescope;

namespace {

struct Seen
{
    EventKind kind;
    quint8 detail;
    quint16 channel;
};

// Every record of the telemetry messages waiting on `telemetry`.
QList<Seen> drain(Connection& telemetry)
{
    QList<Seen> seen;
    while (*telemetry.poll()) {
        const Result<QByteArray> batch = telemetry.recvBytes();
        if (!batch)
            break;
        const Status decoded = TelemetryDecoder::decode(
            {batch->constData(), size_t(batch->size())},
            [&](const TelemetryRecord& record, QByteArrayView, QByteArrayView) -> Status {
                seen.append({record.kind, record.detail, record.channel});
                return {};
            });
        if (!decoded)
            qFatal("bad telemetry");
    }
    return seen;
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
};

void TestTracer::aWaitIsShownWhileItLastsAndRecordedInOrder()
{
    auto pipe = makePipe(true);
    auto telemetry = makePipe(true);
    QVERIFY(pipe && telemetry);
    // As pipescope-worker does: a blocking call on a non-blocking descriptor waits in poll().
    const int descriptor = *pipe->second.fileno();
    QVERIFY(::fcntl(descriptor, F_SETFL, ::fcntl(descriptor, F_GETFL) | O_NONBLOCK) == 0);
    Tracer tracer(std::move(telemetry->second));
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
        const Result<bool> ready = telemetry->first.poll(60.0);
        QVERIFY(ready.ok() && *ready);
        seen += drain(telemetry->first);
    }
    messageSent = pipe->first.sendBytes(QByteArray("x")).ok();
    QVERIFY(messageSent);
    receiver.join();
    QVERIFY(received);
    tracer.finish(0);
    seen += drain(telemetry->first);

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

QTEST_APPLESS_MAIN(TestTracer)
#include "tst_tracer.moc"
