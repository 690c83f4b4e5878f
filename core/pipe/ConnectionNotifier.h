#pragma once

#include <QObject>
#include <QSocketNotifier>

namespace pipescope {

class Connection;

// Drives a Connection from a Qt event loop: readyRead() fires when the connection has something to
// read (messages, or the peer's EOF). The owner then drains it with Connection::receiveAvailable()
// or the try* calls, which never block; one signal covers every message that arrived together.
// The Connection must outlive the notifier.
class ConnectionNotifier : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionNotifier(Connection& connection, QObject* parent = nullptr);

    // Stops watching (for example once the peer's EOF has been seen).
    void setEnabled(bool enabled);
    bool isEnabled() const;

Q_SIGNALS:
    void readyRead();

private:
    void notify();

    Connection& m_connection;
    QSocketNotifier m_notifier;
};

} // namespace pipescope
