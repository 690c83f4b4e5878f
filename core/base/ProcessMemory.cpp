#include "base/ProcessMemory.h"

#include <cstdio>
#include <malloc.h>
#include <unistd.h>

namespace pipescope::ProcessMemory {

qint64 residentBytes()
{
    std::FILE* statm = std::fopen("/proc/self/statm", "r");
    if (!statm)
        return 0;
    long long size = 0;
    long long resident = 0;
    const int read = std::fscanf(statm, "%lld %lld", &size, &resident);
    std::fclose(statm);
    return read == 2 ? qint64(resident) * qint64(::sysconf(_SC_PAGESIZE)) : 0;
}

void returnFreedMemory()
{
    ::malloc_trim(0);
}

} // namespace pipescope::ProcessMemory
