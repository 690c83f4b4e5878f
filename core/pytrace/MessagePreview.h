#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pipescope {

// What the table shows for a message of a traced program, from the payload's first bytes: a
// pickle (what Connection.send() writes) as Python would print its value, user classes
// symbolically and nothing executed (picklePreview()); other bytes (send_bytes()) as their repr,
// written by the store when asked (kBytesPreview).
struct MessagePreview
{
    QByteArray text;
    quint8 detail = 0; // TelemetryRecord::detail: kBytesPreview, kTextCut
};

MessagePreview previewMessage(QByteArrayView head, qint64 size, bool headCut);

} // namespace pipescope
