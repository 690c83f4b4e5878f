#include "run/DescriptorHandover.h"

#include <QProcess>
#include <csignal>
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <vector>

namespace pipescope {

bool DescriptorHandover::apply(QProcess& process, const QList<int>& descriptors)
{
    if (descriptors.size() > kMaxDescriptors)
        return false;
    std::vector<int> sources(descriptors.begin(), descriptors.end());
    const pid_t parent = ::getpid();
    process.setChildProcessModifier([sources, parent] {
        // The child ends with this process, however it ends (SIGKILL included): the kernel sends
        // it SIGTERM when its parent dies. A parent that died before this call has already
        // handed the child on, so getppid() is no longer its pid: then the child ends now.
        if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || ::getppid() != parent)
            ::_exit(127);
        // Runs in the child between fork and exec: async-signal-safe calls only. The descriptors
        // are first moved out of the way of their targets (those copies are close-on-exec), then
        // dup2()ed into place, which clears close-on-exec on the targets.
        const int count = static_cast<int>(sources.size());
        const int above = kFirstChildDescriptor + count;
        int moved[kMaxDescriptors];
        for (int i = 0; i < count; ++i)
            moved[i] = ::fcntl(sources[static_cast<size_t>(i)], F_DUPFD_CLOEXEC, above);
        for (int i = 0; i < count; ++i) {
            if (moved[i] < 0 || ::dup2(moved[i], kFirstChildDescriptor + i) < 0)
                ::_exit(127);
        }
    });
    return true;
}

} // namespace pipescope
