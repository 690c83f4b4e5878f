#pragma once

#include <QString>

namespace pipescope {

// How the window writes counts and sizes: digits grouped by thousands ("1,234,567"), a noun that
// agrees with its number ("1 message", "2 messages") and bytes with a binary unit ("1.5 MiB").
class Quantity
{
public:
    static QString count(qint64 n);
    static QString count(qint64 n, const QString& one, const QString& many);
    static QString bytes(qint64 n);
    static QString rate(double perSecond, const QString& unit);
};

} // namespace pipescope
