#include "PipeBench.h"

#include "BenchError.h"
#include "ForkedChild.h"
#include "RawConnection.h"
#include "pipe/Deadline.h"
#include "pipe/Pipe.h"

#include <QByteArray>
#include <QtEndian>
#include <array>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace pipescope::bench {

namespace {

constexpr std::size_t kFloatPickleSize = 21;

// pickle.dumps(value, protocol=4), as CPython writes a float: PROTO 4, FRAME 10, BINFLOAT, STOP.
std::array<char, kFloatPickleSize> floatPickle(double value)
{
    std::array<char, kFloatPickleSize> out{'\x80', '\x04', '\x95', '\x0a'};
    out[11] = 'G';
    quint64 bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    qToBigEndian(bits, out.data() + 12);
    out[20] = '.';
    return out;
}

bool readFloatPickle(std::span<const char> pickle, double& value)
{
    if (pickle.size() != kFloatPickleSize || pickle[0] != '\x80' || pickle[1] != '\x04' ||
        pickle[2] != '\x95' || qFromLittleEndian<quint64>(pickle.data() + 3) != 10 ||
        pickle[11] != 'G' || pickle[20] != '.')
        return false;
    const quint64 bits = qFromBigEndian<quint64>(pickle.data() + 12);
    std::memcpy(&value, &bits, sizeof value);
    return true;
}

double floatValue(qint64 i)
{
    return double(i) * 0.5 + 0.25;
}

PipeEnds pipeScopePipe()
{
    auto ends = makePipe(true);
    if (!ends)
        fail("makePipe", ends.error());
    return std::move(*ends);
}

std::array<int, 2> rawPipe()
{
    std::array<int, 2> descriptors{};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, descriptors.data()) != 0)
        failErrno("socketpair");
    return descriptors;
}

// The child's half of every one-way test: wait for "go", then send `count` messages.
template <typename Send> int sendAfterGo(bool gotGo, qint64 count, const Send& send)
{
    if (!gotGo)
        return 1;
    for (qint64 i = 0; i < count; ++i) {
        if (!send(i))
            return 1;
    }
    return 0;
}

const QByteArray kGo = QByteArrayLiteral("go");

} // namespace

Samples PipeBench::roundTrips(Contender contender, qsizetype size, int warmup, int iterations)
{
    const QByteArray message(size, 'x');
    std::vector<double> times;
    times.reserve(std::size_t(iterations));
    auto measure = [&](const auto& pingPong) {
        for (int i = 0; i < warmup + iterations; ++i) {
            const qint64 started = monotonicNs();
            if (!pingPong())
                fail("round trip: the echo failed");
            const qint64 ended = monotonicNs();
            if (i >= warmup)
                times.push_back(double(ended - started));
        }
    };

    if (contender == Contender::PipeScope) {
        PipeEnds ends = pipeScopePipe();
        ForkedChild echo([&] {
            ends.first.close();
            for (;;) {
                Result<QByteArray> received = ends.second.recvBytes();
                if (!received)
                    return 1;
                if (received->isEmpty())
                    return 0;
                if (!ends.second.sendBytes(*received))
                    return 1;
            }
        });
        ends.second.close();
        Connection& connection = ends.first;
        measure([&] {
            if (!connection.sendBytes(message))
                return false;
            const Result<QByteArray> back = connection.recvBytes();
            return back && back->size() == size;
        });
        if (!connection.sendBytes(QByteArray()))
            fail("round trip: cannot stop the echo");
        echo.join("PipeScope echo");
    } else {
        const std::array<int, 2> descriptors = rawPipe();
        ForkedChild echo([&] {
            ::close(descriptors[0]);
            RawConnection connection(descriptors[1]);
            for (;;) {
                const auto received = connection.receive();
                if (!received)
                    return 1;
                if (received->empty())
                    return 0;
                if (!connection.send(*received))
                    return 1;
            }
        });
        ::close(descriptors[1]);
        RawConnection connection(descriptors[0]);
        const std::span<const char> payload(message.constData(), std::size_t(size));
        measure([&] {
            if (!connection.send(payload))
                return false;
            const auto back = connection.receive();
            return back && qsizetype(back->size()) == size;
        });
        if (!connection.send({}))
            fail("round trip: cannot stop the echo");
        echo.join("raw echo");
    }
    return Samples(std::move(times));
}

double PipeBench::oneWaySeconds(Contender contender, qsizetype size, qint64 count)
{
    const QByteArray message(size, 'x');
    qint64 started = 0;
    qint64 ended = 0;
    if (contender == Contender::PipeScope) {
        PipeEnds ends = pipeScopePipe();
        ForkedChild sender([&] {
            ends.first.close();
            Connection& connection = ends.second;
            return sendAfterGo(bool(connection.recvBytes()), count,
                               [&](qint64) { return bool(connection.sendBytes(message)); });
        });
        ends.second.close();
        Connection& connection = ends.first;
        started = monotonicNs();
        if (!connection.sendBytes(kGo))
            fail("one way: cannot start the sender");
        for (qint64 i = 0; i < count; ++i) {
            const Result<QByteArray> received = connection.recvBytes();
            if (!received || received->size() != size)
                fail("one way: PipeScope lost a message");
        }
        ended = monotonicNs();
        sender.join("PipeScope sender");
    } else {
        const std::array<int, 2> descriptors = rawPipe();
        const std::span<const char> payload(message.constData(), std::size_t(size));
        ForkedChild sender([&] {
            ::close(descriptors[0]);
            RawConnection connection(descriptors[1]);
            return sendAfterGo(bool(connection.receive()), count,
                               [&](qint64) { return connection.send(payload); });
        });
        ::close(descriptors[1]);
        RawConnection connection(descriptors[0]);
        started = monotonicNs();
        if (!connection.send({kGo.constData(), std::size_t(kGo.size())}))
            fail("one way: cannot start the sender");
        for (qint64 i = 0; i < count; ++i) {
            const auto received = connection.receive();
            if (!received || qsizetype(received->size()) != size)
                fail("one way: the raw receiver lost a message");
        }
        ended = monotonicNs();
        sender.join("raw sender");
    }
    return double(ended - started) / 1e9;
}

double PipeBench::objectsSeconds(Contender contender, qint64 count)
{
    double sum = 0;
    qint64 started = 0;
    qint64 ended = 0;
    if (contender == Contender::PipeScope) {
        PipeEnds ends = pipeScopePipe();
        ForkedChild sender([&] {
            ends.first.close();
            Connection& connection = ends.second;
            return sendAfterGo(bool(connection.recvBytes()), count, [&](qint64 i) {
                return bool(connection.send(Value::fromFloat(floatValue(i))));
            });
        });
        ends.second.close();
        Connection& connection = ends.first;
        started = monotonicNs();
        if (!connection.sendBytes(kGo))
            fail("objects: cannot start the sender");
        for (qint64 i = 0; i < count; ++i) {
            const Result<Value> received = connection.recv();
            if (!received || received->type() != Value::Type::Float)
                fail("objects: PipeScope lost a float");
            sum += received->toFloat();
        }
        ended = monotonicNs();
        sender.join("PipeScope object sender");
    } else {
        const std::array<int, 2> descriptors = rawPipe();
        ForkedChild sender([&] {
            ::close(descriptors[0]);
            RawConnection connection(descriptors[1]);
            return sendAfterGo(bool(connection.receive()), count, [&](qint64 i) {
                const std::array<char, kFloatPickleSize> pickle = floatPickle(floatValue(i));
                return connection.send(pickle);
            });
        });
        ::close(descriptors[1]);
        RawConnection connection(descriptors[0]);
        started = monotonicNs();
        if (!connection.send({kGo.constData(), std::size_t(kGo.size())}))
            fail("objects: cannot start the sender");
        for (qint64 i = 0; i < count; ++i) {
            const auto received = connection.receive();
            double value = 0;
            if (!received || !readFloatPickle(*received, value))
                fail("objects: the raw receiver lost a float");
            sum += value;
        }
        ended = monotonicNs();
        sender.join("raw object sender");
    }
    // Every float arrived, each once: sum(i / 2 + 1 / 4) is exact in a double at these counts.
    const double expected = 0.5 * double(count) * double(count - 1) / 2 + 0.25 * double(count);
    if (sum != expected)
        fail("objects: the floats received are not those sent");
    return double(ended - started) / 1e9;
}

} // namespace pipescope::bench
