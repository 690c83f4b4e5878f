#include "ForkedChild.h"

#include "BenchError.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace pipescope::bench {

ForkedChild::ForkedChild(const std::function<int()>& body)
{
    std::fflush(stdout);
    std::fflush(stderr);
    m_pid = ::fork();
    if (m_pid < 0)
        failErrno("fork");
    if (m_pid == 0)
        ::_exit(body());
}

ForkedChild::~ForkedChild()
{
    if (m_pid <= 0)
        return;
    ::kill(m_pid, SIGKILL);
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
}

void ForkedChild::join(const char* what)
{
    int status = 0;
    pid_t done = 0;
    while ((done = ::waitpid(m_pid, &status, 0)) < 0 && errno == EINTR) {
    }
    if (done < 0)
        failErrno("waitpid");
    m_pid = -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        const std::string message =
            std::string(what) + ": the child process " +
            (WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                 : "exited with status " + std::to_string(WEXITSTATUS(status)));
        fail(message.c_str());
    }
}

} // namespace pipescope::bench
