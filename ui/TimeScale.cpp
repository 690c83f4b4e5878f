#include "TimeScale.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace pipescope {

double TimeScale::toX(qint64 t) const
{
    return left + static_cast<double>(t - start) * width / static_cast<double>(end - start);
}

qint64 TimeScale::toTime(double x) const
{
    return start + static_cast<qint64>(std::llround((x - left) * nsPerPixel()));
}

double TimeScale::nsPerPixel() const
{
    return static_cast<double>(end - start) / width;
}

std::pair<qint64, qint64> TimeScale::zoomed(qint64 start, qint64 end, qint64 anchor, double factor,
                                            qint64 minimumSpan)
{
    const double span =
        std::max(static_cast<double>(end - start) * factor, static_cast<double>(minimumSpan));
    const double share =
        end > start ? static_cast<double>(anchor - start) / static_cast<double>(end - start) : 0.5;
    const auto newStart = anchor - static_cast<qint64>(std::llround(span * share));
    return {newStart, newStart + static_cast<qint64>(std::llround(span))};
}

qint64 TimeScale::tickStep(double nsPerPixel, double minimumPixels)
{
    const double wanted = std::max(1.0, nsPerPixel * minimumPixels);
    qint64 power = 1;
    while (power <= std::numeric_limits<qint64>::max() / 10 &&
           static_cast<double>(power) * 10 <= wanted)
        power *= 10;
    for (const qint64 multiple : {1, 2, 5, 10}) {
        if (static_cast<double>(power * multiple) >= wanted)
            return power * multiple;
    }
    return power * 10;
}

QString TimeScale::formatTick(qint64 t, qint64 step)
{
    struct Unit
    {
        qint64 ns;
        const char16_t* name;
    };
    static constexpr Unit units[] = {
        {1'000'000'000, u"s"}, {1'000'000, u"ms"}, {1'000, u"µs"}, {1, u"ns"}};
    for (const Unit& unit : units) {
        // The largest unit a tick step is at least half of: 500 µs steps read 0.5 ms, 1.0 ms.
        if (step * 2 >= unit.ns || unit.ns == 1) {
            // Enough decimals to tell neighbouring ticks apart.
            int decimals = 0;
            for (qint64 s = step; s % unit.ns != 0 && decimals < 9; s *= 10)
                ++decimals;
            return QString::number(static_cast<double>(t) / static_cast<double>(unit.ns), 'f',
                                   decimals) +
                   QLatin1Char(' ') + QString::fromUtf16(unit.name);
        }
    }
    return {};
}

QString TimeScale::formatSeconds(qint64 ns)
{
    return QString::number(double(ns) / 1e9, 'f', 6) + QStringLiteral(" s");
}

QString TimeScale::formatDuration(qint64 ns)
{
    const qint64 magnitude = std::llabs(ns);
    if (magnitude < 1'000)
        return QStringLiteral("%1 ns").arg(ns);
    if (magnitude < 1'000'000)
        return QString::number(static_cast<double>(ns) / 1e3, 'g', 3) + QStringLiteral(" µs");
    if (magnitude < 1'000'000'000)
        return QString::number(static_cast<double>(ns) / 1e6, 'g', 3) + QStringLiteral(" ms");
    return QString::number(static_cast<double>(ns) / 1e9, 'f', 3) + QStringLiteral(" s");
}

} // namespace pipescope
