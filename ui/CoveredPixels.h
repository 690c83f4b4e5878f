#pragma once

#include <QRect>
#include <QRectF>
#include <cmath>

namespace pipescope {

// The whole pixels that `area` covers as the raster engine fills it without antialiasing: those
// whose centres lie inside (a centre on its top or left edge is outside, one on its bottom or
// right edge inside). Filled as a QRect, the same pixels at a small part of the cost: the engine
// fills a whole-pixel rectangle span by span, but rasterizes drawRect()s of fractional corners
// as paths (2-4 ms a paint for a long run's 2,000 rectangles).
inline QRect coveredPixels(const QRectF& area)
{
    const auto first = [](double edge) { return int(std::floor(edge + 0.5)); };
    const auto last = [](double edge) { return int(std::floor(edge - 0.5)); };
    return {QPoint(first(area.left()), first(area.top())),
            QPoint(last(area.right()), last(area.bottom()))};
}

} // namespace pipescope
