#include "run/CommandLineSupport.h"

#include <QFileInfo>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace pipescope::cli {

namespace {

// Standard output's first failure (errno), seen by every flush: a failed write exits 1.
int g_stdoutError = 0;

// SIGINT, SIGTERM and SIGHUP become a byte on this pipe, read by the event loop.
int g_signalPipe[2] = {-1, -1};

} // namespace

int stopSignalFd()
{
    return g_signalPipe[0];
}

int usageError(const QString& message)
{
    std::fprintf(stderr, "pipescope: %s\n", qPrintable(message));
    return kExitUsage;
}

void printStandardOutput(const QString& text)
{
    errno = 0;
    if (std::fputs(qPrintable(text), stdout) == EOF && g_stdoutError == 0)
        g_stdoutError = errno != 0 ? errno : EIO;
}

void flushStandardOutput()
{
    if (std::fflush(stdout) != 0 && g_stdoutError == 0)
        g_stdoutError = errno != 0 ? errno : EIO;
}

int finishStandardOutput(int exitCode)
{
    flushStandardOutput();
    if (g_stdoutError == 0 && std::ferror(stdout))
        g_stdoutError = EIO;
    if (g_stdoutError == 0)
        return exitCode;
    std::fprintf(stderr, "pipescope: cannot write to standard output: %s\n",
                 std::strerror(g_stdoutError));
    return exitCode == kExitOk ? kExitFailed : exitCode;
}

bool takesFileName(const QString& option)
{
    return option == QLatin1String("--events") || option == QLatin1String("--trace") ||
           option == QLatin1String("--screenshot");
}

namespace {

extern "C" void onStopSignal(int signal)
{
    const int saved = errno;
    const char byte = static_cast<char>(signal);
    (void)!::write(g_signalPipe[1], &byte, 1);
    errno = saved;
}

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

} // namespace

bool catchStopSignals()
{
    if (g_signalPipe[0] < 0 && ::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    struct sigaction action = {};
    action.sa_handler = onStopSignal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (const int signal : kStopSignals) {
        // A signal ignored from the start stays ignored: nohup's SIGHUP, a background job's SIGINT.
        struct sigaction current = {};
        if (::sigaction(signal, nullptr, &current) != 0)
            return false;
        if (current.sa_handler == SIG_IGN)
            continue;
        if (::sigaction(signal, &action, nullptr) != 0)
            return false;
    }
    return true;
}

int takeStopSignal()
{
    int first = 0;
    char byte = 0;
    while (::read(g_signalPipe[0], &byte, 1) == 1) {
        if (first == 0)
            first = byte;
    }
    return first;
}

QString canonicalOutput(const QString& path)
{
    if (path == QLatin1String("-"))
        return QStringLiteral("/dev/stdout");
    const QFileInfo info(path);
    if (info.exists())
        return info.canonicalFilePath();
    const QString directory = QFileInfo(info.absolutePath()).canonicalFilePath();
    return (directory.isEmpty() ? info.absolutePath() : directory) + QLatin1Char('/') +
           info.fileName();
}

} // namespace pipescope::cli
