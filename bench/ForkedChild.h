#pragma once

#include <functional>
#include <sys/types.h>

namespace pipescope::bench {

// A child process made with fork() that runs one function and ends with _exit(its result): it
// never returns into the bench, runs no destructors and flushes none of the parent's buffers.
// The parent waits for it; a child still running when its ForkedChild goes is killed and reaped.
class ForkedChild
{
public:
    explicit ForkedChild(const std::function<int()>& body);
    ForkedChild(const ForkedChild&) = delete;
    ForkedChild& operator=(const ForkedChild&) = delete;
    ~ForkedChild();

    pid_t pid() const { return m_pid; }
    // Waits for the child and fails the bench unless it exited with status 0.
    void join(const char* what);

private:
    pid_t m_pid = -1;
};

} // namespace pipescope::bench
