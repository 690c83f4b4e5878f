#include "base/Error.h"

#include <cerrno>
#include <cstring>
#include <utility>

namespace pipescope {

Error::Error(ErrorKind kind, QString message, QByteArray payload, int errnum)
    : m_kind(kind)
    , m_message(std::move(message))
    , m_payload(std::move(payload))
    , m_errnum(errnum)
{}

Error Error::fromErrno(int errnum)
{
    const QString text = QStringLiteral("[Errno %1] %2")
                             .arg(errnum)
                             .arg(QString::fromLocal8Bit(std::strerror(errnum)));
    const ErrorKind kind = errnum == EPIPE ? ErrorKind::BrokenPipe : ErrorKind::System;
    return Error(kind, text, {}, errnum);
}

QString Error::pythonType() const
{
    switch (m_kind) {
    case ErrorKind::Eof:
        return QStringLiteral("EOFError");
    case ErrorKind::InvalidArgument:
        return QStringLiteral("ValueError");
    case ErrorKind::BufferTooShort:
        return QStringLiteral("BufferTooShort");
    case ErrorKind::BrokenPipe:
        return QStringLiteral("BrokenPipeError");
    case ErrorKind::Unpickling:
        return QStringLiteral("UnpicklingError");
    case ErrorKind::Pickling:
        return QStringLiteral("PicklingError");
    case ErrorKind::Protocol:
        return QStringLiteral("ProtocolError");
    case ErrorKind::Authentication:
        return QStringLiteral("AuthenticationError");
    case ErrorKind::Timeout:
        return QStringLiteral("TimeoutError");
    case ErrorKind::HandleClosed:
    case ErrorKind::ReadOnly:
    case ErrorKind::WriteOnly:
    case ErrorKind::BadMessageLength:
    case ErrorKind::EofDuringMessage:
    case ErrorKind::System:
        break;
    }
    return QStringLiteral("OSError");
}

QString Error::toString() const
{
    if (m_message.isEmpty())
        return pythonType();
    return pythonType() + QStringLiteral(": ") + m_message;
}

} // namespace pipescope
