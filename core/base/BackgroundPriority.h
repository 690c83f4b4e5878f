#pragma once

namespace pipescope {

// Lowers the calling thread's scheduling priority to a background one (nice 10, or as it is if
// it is nicer already; Linux gives each thread a nice value of its own). For the threads that work
// beside the window's (the findings analysis at the end of a run, the packing of a store's texts):
// on a busy machine they then give way to it instead of taking turns with it, so that a paint is
// not cut into slices by them. Best effort: a refusal leaves the thread as it was.
void setBackgroundPriority();

} // namespace pipescope
