#include "pipe/Listener.h"

#include "pipe/Authentication.h"
#include "pipe/UnixAddress.h"

#include <QDir>
#include <QFile>
#include <cerrno>
#include <cstdlib>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace pipescope {

namespace {

// A fresh, unguessable address in a new directory that only this user can enter.
Result<std::pair<QString, QByteArray>> privateAddress()
{
    QByteArray directory = QFile::encodeName(QDir::tempPath()) + "/pipescope-XXXXXX";
    if (::mkdtemp(directory.data()) == nullptr) // mkdtemp creates it with mode 0700
        return Error::fromErrno(errno);
    quint64 random = 0;
    if (::getrandom(&random, sizeof random, 0) != sizeof random)
        return Error::fromErrno(errno);
    const QString path = QFile::decodeName(directory) +
                         QStringLiteral("/listener-%1.sock").arg(random, 16, 16, QLatin1Char('0'));
    return std::pair{path, directory};
}

Status authenticate(Connection& connection, const QByteArray& authkey, double timeout,
                    bool serverSide)
{
    auto deadline = Deadline::after(timeout);
    if (!deadline)
        return deadline.error();
    if (serverSide) {
        if (Status status = Authentication::deliverChallenge(connection, authkey, *deadline);
            !status)
            return status;
        return Authentication::answerChallenge(connection, authkey, *deadline);
    }
    if (Status status = Authentication::answerChallenge(connection, authkey, *deadline); !status)
        return status;
    return Authentication::deliverChallenge(connection, authkey, *deadline);
}

} // namespace

Result<Listener> Listener::listen(const QString& address, std::optional<QByteArray> authkey,
                                  int backlog)
{
    Listener listener;
    listener.m_authkey = std::move(authkey);
    listener.m_address = address;
    if (address.isEmpty()) {
        auto made = privateAddress();
        if (!made)
            return made.error();
        listener.m_address = made->first;
        listener.m_privateDirectory = made->second;
    }
    const Result<UnixAddress> parsed = UnixAddress::parse(listener.m_address);
    if (!parsed)
        return parsed.error();
    listener.m_descriptor = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener.m_descriptor < 0)
        return Error::fromErrno(errno);
    if (::bind(listener.m_descriptor, parsed->sockaddrPointer(), parsed->length()) != 0)
        return Error::fromErrno(errno);
    listener.m_socketPath = parsed->path();
    if (::listen(listener.m_descriptor, backlog) != 0)
        return Error::fromErrno(errno);
    return listener;
}

Listener::Listener(Listener&& other) noexcept
    : m_descriptor(std::exchange(other.m_descriptor, -1))
    , m_address(std::move(other.m_address))
    , m_socketPath(std::exchange(other.m_socketPath, QByteArray()))
    , m_privateDirectory(std::exchange(other.m_privateDirectory, QByteArray()))
    , m_authkey(std::move(other.m_authkey))
    , m_handshakeTimeout(other.m_handshakeTimeout)
{}

Listener& Listener::operator=(Listener&& other) noexcept
{
    if (this != &other) {
        close();
        m_descriptor = std::exchange(other.m_descriptor, -1);
        m_address = std::move(other.m_address);
        m_socketPath = std::exchange(other.m_socketPath, QByteArray());
        m_privateDirectory = std::exchange(other.m_privateDirectory, QByteArray());
        m_authkey = std::move(other.m_authkey);
        m_handshakeTimeout = other.m_handshakeTimeout;
    }
    return *this;
}

Listener::~Listener()
{
    close();
}

void Listener::close()
{
    if (m_descriptor >= 0) {
        ::close(m_descriptor);
        m_descriptor = -1;
    }
    if (!m_socketPath.isEmpty()) {
        ::unlink(m_socketPath.constData());
        m_socketPath.clear();
    }
    if (!m_privateDirectory.isEmpty()) {
        ::rmdir(m_privateDirectory.constData());
        m_privateDirectory.clear();
    }
}

Result<Connection> Listener::accept()
{
    if (closed())
        return Error(ErrorKind::HandleClosed, QStringLiteral("handle is closed"));
    int descriptor = -1;
    do {
        descriptor = ::accept4(m_descriptor, nullptr, nullptr, SOCK_CLOEXEC);
    } while (descriptor < 0 && errno == EINTR);
    if (descriptor < 0)
        return Error::fromErrno(errno);
    Connection connection(descriptor, true, true);
    if (m_authkey) {
        if (Status status = authenticate(connection, *m_authkey, m_handshakeTimeout, true); !status)
            return status.error();
    }
    return connection;
}

Result<Connection> connectClient(const QString& address, std::optional<QByteArray> authkey,
                                 double handshakeTimeout)
{
    const Result<UnixAddress> parsed = UnixAddress::parse(address);
    if (!parsed)
        return parsed.error();
    const int descriptor = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (descriptor < 0)
        return Error::fromErrno(errno);
    Connection connection(descriptor, true, true);
    int connected = 0;
    do {
        connected = ::connect(descriptor, parsed->sockaddrPointer(), parsed->length());
    } while (connected != 0 && errno == EINTR);
    if (connected != 0)
        return Error::fromErrno(errno);
    if (authkey) {
        if (Status status = authenticate(connection, *authkey, handshakeTimeout, false); !status)
            return status.error();
    }
    return connection;
}

} // namespace pipescope
