#pragma once

#include "pipe/Connection.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace pipescope {

// multiprocessing.connection.Listener for AF_UNIX: a filesystem path or a Linux abstract name
// (see UnixAddress). With an authkey, every accepted connection runs the mutual handshake (the
// server's challenge first) before accept() returns it. A filesystem socket is removed on close.
class Listener
{
public:
    // How long a handshake may wait for each of the peer's messages before it fails.
    static constexpr double kDefaultHandshakeTimeout = 10.0;

    // Binds and listens at `address`. An empty address makes a fresh one: an unguessable socket
    // name in a new private directory (mode 0700), both removed on close.
    static Result<Listener> listen(const QString& address,
                                   std::optional<QByteArray> authkey = std::nullopt,
                                   int backlog = 1);

    Listener(Listener&& other) noexcept;
    Listener& operator=(Listener&& other) noexcept;
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    ~Listener();

    // Waits for a client; with an authkey, authenticates it both ways.
    Result<Connection> accept();
    void close();
    bool closed() const { return m_descriptor < 0; }
    // The address clients connect to.
    const QString& address() const { return m_address; }
    int fileno() const { return m_descriptor; }
    void setHandshakeTimeout(double seconds) { m_handshakeTimeout = seconds; }

private:
    Listener() = default;

    int m_descriptor = -1;
    QString m_address;
    QByteArray m_socketPath;       // removed on close (empty for an abstract name)
    QByteArray m_privateDirectory; // removed on close when the Listener made it
    std::optional<QByteArray> m_authkey;
    double m_handshakeTimeout = kDefaultHandshakeTimeout;
};

// multiprocessing.connection.Client for AF_UNIX: connects once (no retry) and, with an authkey,
// answers the server's challenge and then challenges it in turn.
Result<Connection> connectClient(const QString& address,
                                 std::optional<QByteArray> authkey = std::nullopt,
                                 double handshakeTimeout = Listener::kDefaultHandshakeTimeout);

} // namespace pipescope
