#include "pipe/ConnectionNotifier.h"

#include "pipe/Connection.h"

namespace pipescope {

ConnectionNotifier::ConnectionNotifier(Connection& connection, QObject* parent)
    : QObject(parent)
    , m_connection(connection)
    , m_notifier(connection.fileno().ok() ? *connection.fileno() : -1, QSocketNotifier::Read)
{
    m_notifier.setEnabled(!connection.closed());
    connect(&m_notifier, &QSocketNotifier::activated, this, &ConnectionNotifier::notify);
}

void ConnectionNotifier::notify()
{
    Q_EMIT readyRead();
    // Frames left in the connection's buffer (a drain that stopped at its bound) are invisible to
    // the descriptor: come back for them on the next turn of the event loop.
    if (m_notifier.isEnabled() && !m_connection.closed() && m_connection.hasUnparsedBytes())
        QMetaObject::invokeMethod(this, &ConnectionNotifier::notify, Qt::QueuedConnection);
}

void ConnectionNotifier::setEnabled(bool enabled)
{
    m_notifier.setEnabled(enabled);
}

bool ConnectionNotifier::isEnabled() const
{
    return m_notifier.isEnabled();
}

} // namespace pipescope
