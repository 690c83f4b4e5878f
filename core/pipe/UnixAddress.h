#pragma once

#include "base/Result.h"

#include <QByteArray>
#include <QString>
#include <sys/socket.h>
#include <sys/un.h>

namespace pipescope {

// An AF_UNIX socket address: a filesystem path, or a Linux abstract name. An abstract name is
// written with a leading NUL as in CPython ("\0name"), or with a leading '@' as `ss` prints it.
class UnixAddress
{
public:
    static Result<UnixAddress> parse(const QString& address);

    const sockaddr* sockaddrPointer() const
    {
        return reinterpret_cast<const sockaddr*>(&m_address);
    }
    socklen_t length() const { return m_length; }
    bool isAbstract() const { return m_abstract; }
    // The filesystem path (empty for an abstract name).
    const QByteArray& path() const { return m_path; }

private:
    UnixAddress() = default;

    sockaddr_un m_address{};
    socklen_t m_length = 0;
    bool m_abstract = false;
    QByteArray m_path;
};

} // namespace pipescope
