#pragma once

#include "pipe/Connection.h"

#include <QStringList>

namespace pipescope {

// Where a pipescope-worker role finds its connection: `--fd N` (a descriptor handed down by the
// parent) or `--connect ADDRESS` (a Listener's address), with `--authkey-file FILE` for the
// handshake. Parses those options out of a role's arguments and opens the connection.
class WorkerEndpoint
{
public:
    // Takes the endpoint options out of `arguments`, leaving the rest in place.
    static Result<WorkerEndpoint> parse(QStringList& arguments);

    Result<Connection> open() const;

    // The usage text of the options, for a role's help.
    static QString usage();

private:
    WorkerEndpoint() = default;

    int m_descriptor = -1;
    QString m_address;
    QString m_authkeyFile;
};

} // namespace pipescope
