#include "BenchError.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace pipescope::bench {

namespace {

pid_t g_mainProcess = ::getpid();

[[noreturn]] void quit()
{
    // A forked child must not run the parent's atexit handlers nor flush its stdio buffers.
    if (::getpid() != g_mainProcess)
        ::_exit(1);
    std::fflush(stdout);
    std::exit(1);
}

} // namespace

void fail(const char* what)
{
    std::fprintf(stderr, "pipescope-bench: %s\n", what);
    quit();
}

void fail(const char* what, const Error& error)
{
    std::fprintf(stderr, "pipescope-bench: %s: %s\n", what, qPrintable(error.toString()));
    quit();
}

void failErrno(const char* what)
{
    std::fprintf(stderr, "pipescope-bench: %s: %s\n", what, std::strerror(errno));
    quit();
}

} // namespace pipescope::bench
