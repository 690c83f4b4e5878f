#include "base/BackgroundPriority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace pipescope {

namespace {

constexpr int kBackgroundNice = 10;

} // namespace

void setBackgroundPriority()
{
    // setpriority() on a thread id sets that thread's nice value only (Linux, not POSIX).
    const auto thread = static_cast<id_t>(syscall(SYS_gettid));
    (void)setpriority(PRIO_PROCESS, thread, kBackgroundNice);
}

} // namespace pipescope
