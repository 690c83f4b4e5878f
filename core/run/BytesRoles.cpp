#include "run/BytesRoles.h"

#include "run/RoleContext.h"
#include "wire/PyRepr.h"

namespace pipescope {

namespace {

const QByteArray kBuffer = QByteArrayLiteral("0123456789abcdefghij");

} // namespace

int bytesSenderRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    const auto buffer = static_cast<qsizetype>(context.parameter(QStringLiteral("buffer"), 32));
    const auto maxLength =
        static_cast<qsizetype>(context.parameter(QStringLiteral("maxlength"), 100));
    context.print(QStringLiteral("Sender: Running"));
    struct Step
    {
        QString call;
        QByteArray data;
        qint64 offset;
        std::optional<qint64> size;
    };
    const QList<Step> steps = {
        {QStringLiteral("send_bytes(buffer)"), kBuffer, 0, std::nullopt},
        {QStringLiteral("send_bytes(buffer, offset=10)"), kBuffer, 10, std::nullopt},
        {QStringLiteral("send_bytes(buffer, offset=5, size=5)"), kBuffer, 5, 5},
        {QStringLiteral("send_bytes(b'fits')"), QByteArrayLiteral("fits"), 0, std::nullopt},
        {QStringLiteral("send_bytes(%1 bytes)").arg(buffer + 1), QByteArray(buffer + 1, 'x'), 0,
         std::nullopt},
        {QStringLiteral("send_bytes(b'still here')"), QByteArrayLiteral("still here"), 0,
         std::nullopt},
        {QStringLiteral("send_bytes(%1 bytes)").arg(maxLength + 1), QByteArray(maxLength + 1, 'y'),
         0, std::nullopt},
    };
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const Step& step = steps[i];
        Status sent = connection.sendBytes(step.data, step.offset, step.size);
        // The last message is the one the receiver refuses before it closes its end. When it is
        // larger than the pipe's buffer, the send is still going on then, and ends as CPython's
        // would: with BrokenPipeError.
        const bool refusedTooLarge =
            !sent && i == steps.size() - 1 && sent.error().kind() == ErrorKind::BrokenPipe;
        if (!sent && !refusedTooLarge)
            return context.fail(sent.error());
        if (refusedTooLarge) {
            context.tracer().reportError(sent.error());
            context.print(QStringLiteral(">%1 raised %2: the receiver refused it and closed its "
                                         "end before it all fitted in the pipe")
                              .arg(step.call, sent.error().toString()));
        } else {
            context.print(QStringLiteral(">") + step.call);
        }
    }
    context.print(QStringLiteral("Sender: Done"));
    return context.finish();
}

int bytesReceiverRole(RoleContext& context)
{
    Connection& connection = context.connection(0);
    const auto size = static_cast<qsizetype>(context.parameter(QStringLiteral("buffer"), 32));
    const auto maxLength = static_cast<qint64>(context.parameter(QStringLiteral("maxlength"), 100));
    context.print(QStringLiteral("Receiver: Running"));
    for (int i = 0; i < 3; ++i) {
        Result<QByteArray> data = connection.recvBytes();
        if (!data)
            return context.fail(data.error());
        context.print(QStringLiteral(">recv_bytes() got ") + reprBytes(*data));
    }
    QByteArray buffer(size, '\0');
    const qint64 offset = 8;
    for (int i = 0; i < 3; ++i) {
        Result<qint64> got =
            connection.recvBytesInto({buffer.data(), size_t(buffer.size())}, offset);
        if (got) {
            context.print(QStringLiteral(">recv_bytes_into(buffer, offset=%1) got %2 bytes: "
                                         "bytearray(%3)")
                              .arg(offset)
                              .arg(*got)
                              .arg(reprBytes(buffer)));
        } else if (got.error().kind() == ErrorKind::BufferTooShort) {
            context.print(QStringLiteral(">recv_bytes_into(buffer, offset=%1) raised "
                                         "BufferTooShort: the %2-byte message is in the "
                                         "exception, the buffer is untouched")
                              .arg(offset)
                              .arg(got.error().payload().size()));
        } else {
            return context.fail(got.error());
        }
    }
    Result<QByteArray> tooLong = connection.recvBytes(maxLength);
    if (tooLong)
        return context.fail(Error(ErrorKind::InvalidArgument,
                                  QStringLiteral("recv_bytes(maxlength=%1) accepted %2 bytes")
                                      .arg(maxLength)
                                      .arg(tooLong->size())));
    context.tracer().reportError(tooLong.error());
    context.print(QStringLiteral(">recv_bytes(maxlength=%1) raised %2; this end is now %3")
                      .arg(maxLength)
                      .arg(tooLong.error().toString(), connection.closed()
                                                           ? QStringLiteral("closed")
                                                           : QStringLiteral("write-only")));
    context.print(QStringLiteral("Receiver: Done"));
    return context.finish();
}

} // namespace pipescope
