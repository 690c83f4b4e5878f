#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pipescope {

// Appends `text` (UTF-8) to `out` as a JSON string literal, quotes included.
void appendJsonString(QByteArray& out, QByteArrayView text);
// Appends a number of nanoseconds as microseconds with three decimals ("12.345").
void appendMicroseconds(QByteArray& out, qint64 nanoseconds);

} // namespace pipescope
