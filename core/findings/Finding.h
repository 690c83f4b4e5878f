#pragma once

#include <QLatin1String>
#include <QString>
#include <QStringList>
#include <vector>

namespace pipescope {

// How much a finding matters: info (how the program is meant to end, worth knowing), warning
// (likely a mistake), error (something broke: a crash, a deadlock).
enum class Severity : quint8
{
    Info,
    Warning,
    Error,
};

// "info", "warning", "error".
QLatin1String severityName(Severity severity);

// What went wrong in a run, and why, with the events that prove it (FindingsAnalyzer).
struct Finding
{
    Severity severity = Severity::Info;
    QString kind;        // "undelivered", "crash", "blocked-send", ... (FindingsAnalyzer)
    QString title;       // one line
    QString explanation; // what happened, why, and what to change, for a tutorial's reader
    QStringList processes;
    QStringList channels;
    std::vector<qint32> events; // the store's events that prove it, in time order
};

} // namespace pipescope
