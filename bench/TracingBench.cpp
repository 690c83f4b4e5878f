#include "TracingBench.h"

#include "BenchError.h"
#include "ForkedChild.h"
#include "base/MonotonicClock.h"
#include "pipe/Pipe.h"
#include "run/FloodRoles.h"
#include "trace/TelemetryInbox.h"
#include "trace/Tracer.h"

#include <QByteArray>
#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <poll.h>
#include <unistd.h>
#include <vector>

namespace pipescope::bench {

namespace {

PipeEnds pipeEnds()
{
    auto ends = makePipe(true);
    if (!ends)
        fail("makePipe", ends.error());
    return std::move(*ends);
}

void makeNonBlocking(const Connection& connection)
{
    const int descriptor = *connection.fileno();
    const int flags = ::fcntl(descriptor, F_GETFL);
    if (flags < 0 || ::fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) < 0)
        failErrno("fcntl O_NONBLOCK");
}

// A child's tracing: nothing, or a Tracer whose telemetry goes to the bench.
struct ChildTracing
{
    std::optional<TelemetryInbox::Made> telemetry; // inbox: the bench's, workerWake: the child's

    // In the child: the tracer on `connection` (channel 0 in the given direction), or none.
    std::unique_ptr<Tracer> start(Connection& connection, bool sends)
    {
        if (!telemetry)
            return nullptr;
        auto ring = TelemetryRing::attach(telemetry->inbox.ringDescriptor());
        if (!ring)
            fail("telemetry ring", ring.error());
        telemetry->inbox.close(); // its ring descriptor too
        auto tracer = std::make_unique<Tracer>(std::move(telemetry->workerWake), std::move(*ring));
        makeNonBlocking(connection);
        tracer->attach(connection, sends ? 0 : kNoChannel, sends ? kNoChannel : 0);
        tracer->setState(ProcessState::Running);
        return tracer;
    }
    // In a child that is not traced by it: none of its descriptors.
    void drop()
    {
        if (!telemetry)
            return;
        telemetry->inbox.close(); // its ring descriptor too
        telemetry->workerWake.close();
    }
};

std::optional<TelemetryInbox::Made> telemetryInbox()
{
    auto made = TelemetryInbox::create();
    if (!made)
        fail("telemetry", made.error());
    return std::move(*made);
}

} // namespace

TracingBench::Outcome TracingBench::flood(Traced traced, qsizetype size, qint64 count)
{
    PipeEnds pipe = pipeEnds();
    ChildTracing senderTracing;
    ChildTracing receiverTracing;
    if (traced != Traced::None)
        senderTracing.telemetry = telemetryInbox();
    if (traced == Traced::Both)
        receiverTracing.telemetry = telemetryInbox();
    int result[2] = {-1, -1};
    if (::pipe2(result, O_CLOEXEC) != 0)
        failErrno("pipe2");

    ForkedChild receiver([&] {
        pipe.first.close();
        ::close(result[0]);
        senderTracing.drop();
        Connection& connection = pipe.second;
        std::unique_ptr<Tracer> tracer = receiverTracing.start(connection, false);
        qint64 times[2] = {0, 0};
        for (qint64 i = 0; i < count; ++i) {
            const Result<QByteArray> message = connection.recvBytes();
            if (!message || message->size() != size)
                return 1;
            times[i == 0 ? 0 : 1] = monotonicNs();
        }
        if (tracer)
            tracer->finish(0);
        return ::write(result[1], times, sizeof times) == ssize_t(sizeof times) ? 0 : 1;
    });
    ForkedChild sender([&] {
        pipe.second.close();
        ::close(result[0]);
        ::close(result[1]);
        receiverTracing.drop();
        Connection& connection = pipe.first;
        std::unique_ptr<Tracer> tracer = senderTracing.start(connection, true);
        QByteArray message(size, Qt::Uninitialized);
        for (qint64 i = 0; i < count; ++i) {
            fillFloodMessage({message.data(), std::size_t(size)}, quint64(i));
            if (!connection.sendBytes(message))
                return 1;
        }
        if (tracer)
            tracer->finish(0);
        return 0;
    });
    pipe.first.close();
    pipe.second.close();
    ::close(result[1]);

    // Read every child's ring when it wakes the bench, until each child closes its end.
    Outcome outcome;
    std::vector<TelemetryInbox*> telemetry;
    for (ChildTracing* tracing : {&senderTracing, &receiverTracing}) {
        if (tracing->telemetry) {
            tracing->telemetry->workerWake.close();
            tracing->telemetry->inbox.closeRingDescriptor();
            telemetry.push_back(&tracing->telemetry->inbox);
        }
    }
    const auto sink = [&](const TelemetryRecord&, QByteArrayView, QByteArrayView) -> Status {
        ++outcome.records;
        return {};
    };
    while (!telemetry.empty()) {
        std::vector<pollfd> descriptors;
        for (TelemetryInbox* inbox : telemetry)
            descriptors.push_back({*inbox->wake().fileno(), POLLIN, 0});
        if (::poll(descriptors.data(), nfds_t(descriptors.size()), -1) < 0) {
            if (errno == EINTR)
                continue;
            failErrno("poll");
        }
        for (std::size_t i = telemetry.size(); i-- > 0;) {
            if (descriptors[i].revents == 0)
                continue;
            const Result<qsizetype> woken = telemetry[i]->read(sink);
            if (woken) {
                outcome.batches += *woken;
                continue;
            }
            if (woken.error().kind() != ErrorKind::Eof)
                fail("telemetry", woken.error());
            telemetry.erase(telemetry.begin() + std::ptrdiff_t(i));
        }
    }
    sender.join("flood sender");
    receiver.join("flood receiver");
    qint64 times[2] = {0, 0};
    if (::read(result[0], times, sizeof times) != ssize_t(sizeof times))
        fail("flood: the receiver reported no times");
    ::close(result[0]);
    outcome.messagesPerSecond = double(count - 1) / (double(times[1] - times[0]) / 1e9);
    return outcome;
}

} // namespace pipescope::bench
