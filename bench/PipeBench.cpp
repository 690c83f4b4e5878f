#include "PipeBench.h"

#include "BenchError.h"
#include "ForkedChild.h"
#include "RawConnection.h"
#include "base/MonotonicClock.h"
#include "pipe/Pipe.h"

#include <QByteArray>
#include <QtEndian>
#include <array>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string>
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

PipeEnds pipeScopePipe(Transport transport)
{
    auto ends = makePipe(transport == Transport::Duplex);
    if (!ends)
        fail("makePipe", ends.error());
    return std::move(*ends);
}

// (read end, write end) for a pipe(), like makePipe(false).
std::array<int, 2> rawPipe(Transport transport)
{
    std::array<int, 2> descriptors{};
    if (transport == Transport::Duplex) {
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, descriptors.data()) != 0)
            failErrno("socketpair");
    } else if (::pipe2(descriptors.data(), O_CLOEXEC) != 0) {
        failErrno("pipe2");
    }
    return descriptors;
}

const QByteArray kGo = QByteArrayLiteral("go");

// The ends of a one-way test, for either contender: the parent reads the data pipe and says "go",
// the child waits for the go and then writes the data pipe. On a socketpair the go goes back
// through the data pipe, as it always has; a pipe() carries one way only, so there the go takes a
// second pipe the other way round. Either way it is one small message, as in cpython_bench.py.
class PipeScopeLink
{
public:
    explicit PipeScopeLink(Transport transport)
        : m_duplex(transport == Transport::Duplex)
        , m_data(pipeScopePipe(transport))
    {
        if (!m_duplex)
            m_go = pipeScopePipe(transport);
    }

    // In the child: drops the parent's ends; false if the go never came.
    bool childWaitsForGo()
    {
        m_data.first.close();
        m_go.second.close();
        return bool((m_duplex ? m_data.second : m_go.first).recvBytes());
    }
    Connection& sendEnd() { return m_data.second; }
    // In the parent, after the fork.
    void keepParentEnds()
    {
        m_data.second.close();
        m_go.first.close();
    }
    bool sayGo() { return bool((m_duplex ? m_data.first : m_go.second).sendBytes(kGo)); }
    Connection& receiveEnd() { return m_data.first; }

private:
    bool m_duplex;
    PipeEnds m_data; // (parent's, child's): a pipe's read end is the first
    PipeEnds m_go;   // a pipe only: (child's read end, parent's write end)
};

class RawLink
{
public:
    explicit RawLink(Transport transport)
        : m_data(rawPipe(transport))
        , m_go(transport == Transport::Duplex ? std::array<int, 2>{-1, -1} : rawPipe(transport))
    {}

    bool childWaitsForGo()
    {
        closeBoth(m_data[0], m_go[1]);
        m_own.emplace(m_data[1]);
        if (m_go[0] >= 0)
            m_goEnd.emplace(m_go[0]);
        return bool((m_goEnd ? *m_goEnd : *m_own).receive());
    }
    RawConnection& sendEnd() { return *m_own; }
    void keepParentEnds()
    {
        closeBoth(m_data[1], m_go[0]);
        m_own.emplace(m_data[0]);
        if (m_go[1] >= 0)
            m_goEnd.emplace(m_go[1]);
    }
    bool sayGo()
    {
        return (m_goEnd ? *m_goEnd : *m_own).send({kGo.constData(), std::size_t(kGo.size())});
    }
    RawConnection& receiveEnd() { return *m_own; }

private:
    static void closeBoth(int data, int go)
    {
        ::close(data);
        if (go >= 0)
            ::close(go);
    }

    std::array<int, 2> m_data;
    std::array<int, 2> m_go; // a pipe only
    // This process's ends, made once the fork has split the descriptors.
    std::optional<RawConnection> m_own;
    std::optional<RawConnection> m_goEnd;
};

// Either contender's one-way test: the child waits for the go, then sends `count` messages with
// send(its end, i); the parent, timed from its go until the last one, takes each with
// receive(its end), which fails the bench on a lost one.
template <typename Link, typename Send, typename Receive>
double timeOneWay(Link& link, qint64 count, const char* test, const char* sender, const Send& send,
                  const Receive& receive)
{
    ForkedChild child([&] {
        if (!link.childWaitsForGo())
            return 1;
        for (qint64 i = 0; i < count; ++i) {
            if (!send(link.sendEnd(), i))
                return 1;
        }
        return 0;
    });
    link.keepParentEnds();
    const qint64 started = monotonicNs();
    if (!link.sayGo())
        fail((std::string(test) + ": cannot start the sender").c_str());
    for (qint64 i = 0; i < count; ++i)
        receive(link.receiveEnd());
    const qint64 ended = monotonicNs();
    child.join(sender);
    return double(ended - started) / 1e9;
}

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
        PipeEnds ends = pipeScopePipe(Transport::Duplex);
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
        const std::array<int, 2> descriptors = rawPipe(Transport::Duplex);
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

double PipeBench::oneWaySeconds(Contender contender, Transport transport, qsizetype size,
                                qint64 count)
{
    const QByteArray message(size, 'x');
    if (contender == Contender::PipeScope) {
        PipeScopeLink link(transport);
        return timeOneWay(
            link, count, "one way", "PipeScope sender",
            [&](Connection& connection, qint64) { return bool(connection.sendBytes(message)); },
            [&](Connection& connection) {
                const Result<QByteArray> received = connection.recvBytes();
                if (!received || received->size() != size)
                    fail("one way: PipeScope lost a message");
            });
    }
    RawLink link(transport);
    const std::span<const char> payload(message.constData(), std::size_t(size));
    return timeOneWay(
        link, count, "one way", "raw sender",
        [&](RawConnection& connection, qint64) { return connection.send(payload); },
        [&](RawConnection& connection) {
            const auto received = connection.receive();
            if (!received || qsizetype(received->size()) != size)
                fail("one way: the raw receiver lost a message");
        });
}

double PipeBench::objectsSeconds(Contender contender, Transport transport, qint64 count)
{
    double sum = 0;
    double seconds = 0;
    if (contender == Contender::PipeScope) {
        PipeScopeLink link(transport);
        seconds = timeOneWay(
            link, count, "objects", "PipeScope object sender",
            [&](Connection& connection, qint64 i) {
                return bool(connection.send(Value::fromFloat(floatValue(i))));
            },
            [&](Connection& connection) {
                const Result<Value> received = connection.recv();
                if (!received || received->type() != Value::Type::Float)
                    fail("objects: PipeScope lost a float");
                sum += received->toFloat();
            });
    } else {
        RawLink link(transport);
        seconds = timeOneWay(
            link, count, "objects", "raw object sender",
            [&](RawConnection& connection, qint64 i) {
                return connection.send(floatPickle(floatValue(i)));
            },
            [&](RawConnection& connection) {
                const auto received = connection.receive();
                double value = 0;
                if (!received || !readFloatPickle(*received, value))
                    fail("objects: the raw receiver lost a float");
                sum += value;
            });
    }
    // Every float arrived, each once: sum(i / 2 + 1 / 4) is exact in a double at these counts.
    const double expected = 0.5 * double(count) * double(count - 1) / 2 + 0.25 * double(count);
    if (sum != expected)
        fail("objects: the floats received are not those sent");
    return seconds;
}

} // namespace pipescope::bench
