#include "findings/Detectors.h"

#include <QLocale>

namespace pipescope::detectors {

QString duration(qint64 ns)
{
    if (ns < 1'000'000)
        return QStringLiteral("%1 µs").arg(double(ns) / 1e3, 0, 'f', ns < 10'000 ? 1 : 0);
    if (ns < 1'000'000'000)
        return QStringLiteral("%1 ms").arg(double(ns) / 1e6, 0, 'f', ns < 10'000'000 ? 1 : 0);
    return QStringLiteral("%1 s").arg(double(ns) / 1e9, 0, 'f', 2);
}

QString count(qint64 n)
{
    return QLocale(QLocale::English).toString(n);
}

} // namespace pipescope::detectors
