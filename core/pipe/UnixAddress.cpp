#include "pipe/UnixAddress.h"

#include <QFile>
#include <cstddef>
#include <cstring>

namespace pipescope {

Result<UnixAddress> UnixAddress::parse(const QString& address)
{
    if (address.isEmpty())
        return Error(ErrorKind::InvalidArgument, QStringLiteral("empty AF_UNIX address"));
    UnixAddress result;
    result.m_address.sun_family = AF_UNIX;
    const bool abstract = address.front() == QChar(0) || address.front() == QLatin1Char('@');
    QByteArray bytes = QFile::encodeName(abstract ? address.mid(1) : address);
    if (abstract)
        bytes.prepend('\0');
    else if (bytes.contains('\0'))
        return Error(ErrorKind::InvalidArgument, QStringLiteral("embedded null character in path"));
    // A path needs its terminating NUL; an abstract name is counted by the length alone.
    const auto room = sizeof(result.m_address.sun_path) - (abstract ? 0 : 1);
    if (static_cast<size_t>(bytes.size()) > room)
        return Error(ErrorKind::System, QStringLiteral("AF_UNIX path too long"));
    std::memcpy(result.m_address.sun_path, bytes.constData(), static_cast<size_t>(bytes.size()));
    result.m_length = static_cast<socklen_t>(
        offsetof(sockaddr_un, sun_path) + static_cast<size_t>(bytes.size()) + (abstract ? 0 : 1));
    result.m_abstract = abstract;
    if (!abstract)
        result.m_path = bytes;
    return result;
}

} // namespace pipescope
