#pragma once

#include "base/Result.h"

#include <QCoreApplication>
#include <QKeySequence>
#include <QString>
#include <functional>
#include <vector>

class QPixmap;
class QWidget;

namespace pipescope {

class TraceStore;

// One way to save the run on show: the action's text, shortcut and tip, the save dialog's filter
// and the default file name's suffix, and the writer.
struct RunExport
{
    QString kind;
    QKeySequence shortcut;
    QString tip;
    QString filter;
    QString suffix;
    std::function<Status(const TraceStore& store, const QString& path)> write;
};

// The window's exports, in menu order; every one writes through OutputFile (a file replaced once
// complete, a device written in place).
class RunExports
{
    Q_DECLARE_TR_FUNCTIONS(RunExports)
public:
    // `timeline` is what the PNG export grabs.
    static std::vector<RunExport> all(QWidget& timeline);
    // A PNG whose Software text is "PipeScope VERSION" (the timeline export, --screenshot).
    static Status savePng(const QPixmap& pixmap, const QString& path);
};

} // namespace pipescope
