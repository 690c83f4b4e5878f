#include "run/DescriptorHandover.h"

#include <QProcess>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace pipescope {

bool DescriptorHandover::apply(QProcess& process, const QList<int>& descriptors)
{
    if (descriptors.size() > kMaxDescriptors)
        return false;
    std::vector<int> sources(descriptors.begin(), descriptors.end());
    process.setChildProcessModifier([sources] {
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
