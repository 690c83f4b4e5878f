#pragma once

#include <QtGlobal>

namespace pipescope {

// The process's own memory as the kernel counts it, and giving back what it freed.
namespace ProcessMemory {

// Resident set size of this process in bytes (/proc/self/statm), 0 when it cannot be read.
qint64 residentBytes();

// Returns the heap's free memory to the kernel (glibc's malloc_trim): after a large structure
// is freed (a run of the history), the process's resident size then falls with it instead of
// the memory staying with the allocator for later.
void returnFreedMemory();

} // namespace ProcessMemory

} // namespace pipescope
