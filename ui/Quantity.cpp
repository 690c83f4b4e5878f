#include "Quantity.h"

#include <QLocale>
#include <array>

namespace pipescope {

namespace {

QLocale grouping()
{
    QLocale locale = QLocale::c();
    locale.setNumberOptions({}); // the C locale omits the group separator by default
    return locale;
}

} // namespace

QString Quantity::count(qint64 n)
{
    return grouping().toString(n);
}

QString Quantity::count(qint64 n, const QString& one, const QString& many)
{
    return QStringLiteral("%1 %2").arg(count(n), n == 1 ? one : many);
}

QString Quantity::bytes(qint64 n)
{
    static constexpr std::array<const char*, 5> units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (n < 1024)
        return count(n, QStringLiteral("byte"), QStringLiteral("bytes"));
    double value = double(n);
    size_t unit = 0;
    for (value /= 1024; value >= 1024 && unit + 1 < units.size(); value /= 1024)
        ++unit;
    return QStringLiteral("%1 %2").arg(grouping().toString(value, 'f', 1),
                                       QLatin1String(units[unit]));
}

QString Quantity::rate(double perSecond, const QString& unit)
{
    return QStringLiteral("%1 %2/s").arg(grouping().toString(perSecond, 'f', 1), unit);
}

} // namespace pipescope
