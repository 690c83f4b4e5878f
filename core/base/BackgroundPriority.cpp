#include "base/BackgroundPriority.h"

#include <cerrno>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace pipescope {

namespace {

constexpr int kBackgroundNice = 10;

} // namespace

void setBackgroundPriority()
{
    // setpriority() on a thread id sets that thread's nice value only (Linux, not POSIX). A
    // thread already nicer (the whole program started with `nice`) stays as it is.
    const auto thread = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, thread);
    if (errno == 0 && nice < kBackgroundNice)
        (void)setpriority(PRIO_PROCESS, thread, kBackgroundNice);
}

} // namespace pipescope
