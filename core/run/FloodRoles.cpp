#include "run/FloodRoles.h"

#include "base/MonotonicClock.h"
#include "run/RoleContext.h"

#include <QtEndian>
#include <cstring>

namespace pipescope {

namespace {

char fillByte(quint64 index)
{
    return static_cast<char>((index * 131 + 7) & 0xff);
}

} // namespace

void fillFloodMessage(std::span<char> out, quint64 index)
{
    qToLittleEndian(index, out.data());
    std::memset(out.data() + 8, fillByte(index), out.size() - 8);
}

bool isFloodMessage(std::span<const char> message, quint64 index, qsizetype size)
{
    if (static_cast<qsizetype>(message.size()) != size ||
        qFromLittleEndian<quint64>(message.data()) != index)
        return false;
    const char fill = fillByte(index);
    for (size_t i = 8; i < message.size(); ++i) {
        if (message[i] != fill)
            return false;
    }
    return true;
}

int floodSenderRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    const auto count = static_cast<qint64>(context.parameter(QStringLiteral("count"), 1000));
    const auto size = static_cast<qsizetype>(context.parameter(QStringLiteral("size"), 1024));
    const double rate = context.parameter(QStringLiteral("rate"), 0);
    context.print(QStringLiteral("Sender: Running"));
    QByteArray message(size, Qt::Uninitialized);
    const qint64 started = monotonicNs();
    // At a rate, message i is due i / rate seconds (scaled) after the start; the sender sleeps
    // only once it is a millisecond ahead, so a sleep is not a syscall per message.
    const double nsPerMessage = rate > 0 ? 1e9 / rate * context.timeScale() : 0;
    for (qint64 i = 0; i < count; ++i) {
        if (nsPerMessage > 0) {
            // In double: no integer conversion of a product that may not fit.
            const double ahead = double(i) * nsPerMessage - double(monotonicNs() - started);
            if (ahead >= 1e6)
                context.tracer().sleep(ahead / 1e9); // already scaled
        }
        fillFloodMessage({message.data(), size_t(size)}, quint64(i));
        if (Status sent = connection.sendBytes(message); !sent)
            return context.fail(sent.error());
    }
    if (Status sent = connection.sendBytes(QByteArray()); !sent)
        return context.fail(sent.error());
    context.print(QStringLiteral("Sender: Done, %1 messages of %2 bytes, then an empty one that "
                                 "tells the receiver to stop")
                      .arg(count)
                      .arg(size));
    return context.finish();
}

int floodReceiverRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    const auto count = static_cast<qint64>(context.parameter(QStringLiteral("count"), 1000));
    const auto size = static_cast<qsizetype>(context.parameter(QStringLiteral("size"), 1024));
    const double delay = context.parameter(QStringLiteral("delay"), 0.001);
    context.print(QStringLiteral("Receiver: Running"));
    qint64 received = 0;
    qint64 damaged = 0;
    for (;;) {
        Result<QByteArray> message = connection.recvBytes();
        if (!message)
            return context.fail(message.error());
        if (message->isEmpty())
            break;
        if (!isFloodMessage({message->constData(), size_t(message->size())}, quint64(received),
                            size))
            ++damaged;
        ++received;
        context.sleep(delay);
    }
    if (received != count || damaged != 0) {
        return context.fail(Error(ErrorKind::Protocol,
                                  QStringLiteral("received %1 of %2 messages, %3 out of order or "
                                                 "damaged")
                                      .arg(received)
                                      .arg(count)
                                      .arg(damaged)));
    }
    context.print(
        QStringLiteral("Receiver: Done, %1 messages, all in order and intact").arg(received));
    return context.finish();
}

} // namespace pipescope
