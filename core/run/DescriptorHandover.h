#pragma once

#include <QList>

class QProcess;

namespace pipescope {

// Hands descriptors of this process down to a child started by QProcess: in the child, the i-th
// descriptor becomes number kFirstChildDescriptor + i, inherited across exec; every other
// descriptor of ours stays close-on-exec and never reaches the child. The child is also bound to
// this process's life (PR_SET_PDEATHSIG): when its parent dies, even by SIGKILL, it gets SIGTERM.
class DescriptorHandover
{
public:
    static constexpr int kFirstChildDescriptor = 3;
    static constexpr qsizetype kMaxDescriptors = 64;

    // Installs the child-process modifier on `process` (before it is started). False, and
    // nothing installed, for more than kMaxDescriptors descriptors.
    [[nodiscard]] static bool apply(QProcess& process, const QList<int>& descriptors);
    // The number the i-th handed descriptor has in the child.
    static int childDescriptor(qsizetype index)
    {
        return kFirstChildDescriptor + static_cast<int>(index);
    }
};

} // namespace pipescope
