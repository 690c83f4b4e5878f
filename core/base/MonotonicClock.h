#pragma once

#include <QtGlobal>

namespace pipescope {

// The monotonic clock (CLOCK_MONOTONIC) in nanoseconds: one clock for every process on the
// machine, so times recorded by different processes compare directly.
qint64 monotonicNs();

} // namespace pipescope
