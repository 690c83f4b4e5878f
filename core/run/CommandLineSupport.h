#pragma once

#include <QString>

namespace pipescope::cli {

// What the headless commands (CommandLine, TraceCommand) share: exit codes, usage errors,
// standard output's failures, the stop signals and output paths.
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Prints "pipescope: MESSAGE" on stderr; returns kExitUsage.
int usageError(const QString& message);
// Writes `text` to stdout, remembering its first failure (with the errno it had: a long text
// reaches the device before the flush).
void printStandardOutput(const QString& text);
// Flushes stdout, remembering its first failure.
void flushStandardOutput();
// The exit code once nothing more will be printed: a failed write to stdout is a failure.
int finishStandardOutput(int exitCode);
// Options whose value is a file name: a name that starts with "--" goes after '='.
bool takesFileName(const QString& option);
// SIGINT, SIGTERM and SIGHUP become a byte on a pipe (stopSignalFd()) read by the event loop; a
// signal ignored from the start stays ignored. False when they cannot be caught.
bool catchStopSignals();
int stopSignalFd();
// The signal that arrived (the first one), or 0.
int takeStopSignal();
// Where a path leads, for telling whether two outputs are one file.
QString canonicalOutput(const QString& path);

} // namespace pipescope::cli
