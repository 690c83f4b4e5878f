#include "TracingBench.h"

#include "BenchError.h"
#include "ForkedChild.h"
#include "base/MonotonicClock.h"
#include "pipe/Pipe.h"
#include "run/FloodRoles.h"
#include "trace/TelemetryDecoder.h"
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
    std::optional<PipeEnds> telemetry; // first: the bench's end, second: the child's

    // In the child: the tracer on `connection` (channel 0 in the given direction), or none.
    std::unique_ptr<Tracer> start(Connection& connection, bool sends)
    {
        if (!telemetry)
            return nullptr;
        telemetry->first.close();
        auto tracer = std::make_unique<Tracer>(std::move(telemetry->second));
        makeNonBlocking(connection);
        tracer->attach(connection, sends ? 0 : kNoChannel, sends ? kNoChannel : 0);
        tracer->setState(ProcessState::Running);
        return tracer;
    }
};

} // namespace

TracingBench::Outcome TracingBench::flood(Traced traced, qsizetype size, qint64 count)
{
    PipeEnds pipe = pipeEnds();
    ChildTracing senderTracing;
    ChildTracing receiverTracing;
    if (traced != Traced::None)
        senderTracing.telemetry = pipeEnds();
    if (traced == Traced::Both)
        receiverTracing.telemetry = pipeEnds();
    int result[2] = {-1, -1};
    if (::pipe2(result, O_CLOEXEC) != 0)
        failErrno("pipe2");

    ForkedChild receiver([&] {
        pipe.first.close();
        ::close(result[0]);
        if (senderTracing.telemetry) {
            senderTracing.telemetry->first.close();
            senderTracing.telemetry->second.close();
        }
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
        if (receiverTracing.telemetry) {
            receiverTracing.telemetry->first.close();
            receiverTracing.telemetry->second.close();
        }
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

    // Drain and decode every telemetry connection until each child closes its end.
    Outcome outcome;
    std::vector<Connection*> telemetry;
    for (ChildTracing* tracing : {&senderTracing, &receiverTracing}) {
        if (tracing->telemetry) {
            tracing->telemetry->second.close();
            telemetry.push_back(&tracing->telemetry->first);
        }
    }
    const auto sink = [&](const TelemetryRecord&, QByteArrayView, QByteArrayView) -> Status {
        ++outcome.records;
        return {};
    };
    while (!telemetry.empty()) {
        std::vector<pollfd> descriptors;
        for (Connection* connection : telemetry)
            descriptors.push_back({*connection->fileno(), POLLIN, 0});
        if (::poll(descriptors.data(), nfds_t(descriptors.size()), -1) < 0) {
            if (errno == EINTR)
                continue;
            failErrno("poll");
        }
        for (std::size_t i = telemetry.size(); i-- > 0;) {
            if (descriptors[i].revents == 0)
                continue;
            Status decoded;
            const auto received = telemetry[i]->receiveAvailable(
                [&](std::span<const char> batch) {
                    ++outcome.batches;
                    if (decoded)
                        decoded = TelemetryDecoder::decode(batch, sink);
                },
                TelemetryDecoder::kMaxBatchBytes);
            if (!decoded)
                fail("telemetry", decoded.error());
            if (!received) {
                if (received.error().kind() != ErrorKind::Eof)
                    fail("telemetry", received.error());
                telemetry.erase(telemetry.begin() + std::ptrdiff_t(i));
            }
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
