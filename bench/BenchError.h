#pragma once

#include "base/Error.h"

namespace pipescope::bench {

// A benchmark whose setup or I/O fails has nothing to measure: it says why on stderr and the
// bench exits with status 1. (In a forked child, the child exits with status 1 and the parent
// reports it.)
[[noreturn]] void fail(const char* what);
[[noreturn]] void fail(const char* what, const Error& error);
// fail(what) with strerror(errno).
[[noreturn]] void failErrno(const char* what);

} // namespace pipescope::bench
