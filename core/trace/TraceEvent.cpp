#include "trace/TraceEvent.h"

#include "wire/PyRepr.h"

#include <array>
#include <cstring>

namespace pipescope {

QLatin1String eventKindName(EventKind kind)
{
    static constexpr std::array<const char*, kEventKindCount> names = {
        "send", "recv", "poll", "state", "stdout", "stderr", "exit", "error", "put", "close"};
    return QLatin1String(names.at(static_cast<size_t>(kind)));
}

QLatin1String processStateName(ProcessState state)
{
    static constexpr std::array<const char*, kProcessStateCount> names = {
        "running", "sleeping", "blocked in recv", "blocked in send", "polling",
        "exited",  "crashed",  "stopped",         "joining"};
    return QLatin1String(names.at(static_cast<size_t>(state)));
}

QString signalName(int signal)
{
    const char* abbreviation = ::sigabbrev_np(signal);
    return abbreviation ? QStringLiteral("SIG") + QLatin1String(abbreviation)
                        : QStringLiteral("signal %1").arg(signal);
}

QByteArray bytesPreview(QByteArrayView head, qint64 size)
{
    // Cut at an escape, never inside one, and marked: "b'\\x01\\x02...'".
    return reprBytesPreview(head, kMaxRecordText, size > head.size());
}

} // namespace pipescope
