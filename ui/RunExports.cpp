#include "RunExports.h"

#include "base/Version.h"
#include "trace/ChromeTraceWriter.h"
#include "trace/EventsJsonWriter.h"
#include "trace/MessagesCsvWriter.h"
#include "trace/OutputFile.h"

#include <QImage>
#include <QPixmap>
#include <QWidget>

namespace pipescope {

std::vector<RunExport> RunExports::all(QWidget& timeline)
{
    return {
        {tr("Chrome trace (Perfetto)…"), QKeySequence(tr("Ctrl+Shift+T")),
         tr("Export the run as Chrome trace JSON, which Perfetto opens"),
         tr("Chrome trace (*.json)"), QStringLiteral(".json"), &ChromeTraceWriter::writeFile},
        {tr("Events (JSON Lines)…"), QKeySequence(tr("Ctrl+Shift+E")),
         tr("Export every event as JSON Lines"), tr("Events (*.jsonl)"), QStringLiteral(".jsonl"),
         &EventsJsonWriter::writeFile},
        {tr("Messages (CSV)…"), QKeySequence(tr("Ctrl+Shift+C")),
         tr("Export the messages table as CSV"), tr("CSV (*.csv)"), QStringLiteral(".csv"),
         &MessagesCsvWriter::writeFile},
        {tr("Timeline (PNG)…"), QKeySequence(tr("Ctrl+Shift+P")),
         tr("Export the timeline as a PNG image"), tr("PNG image (*.png)"), QStringLiteral(".png"),
         [&timeline](const TraceStore&, const QString& path) {
             return savePng(timeline.grab(), path);
         }},
    };
}

Status RunExports::savePng(const QPixmap& pixmap, const QString& path)
{
    // The PNG's Software text names the version that drew it.
    QImage image = pixmap.toImage();
    image.setText(QStringLiteral("Software"), QStringLiteral("PipeScope ") + version());
    return OutputFile::save(path, [&](QIODevice& device) -> Status {
        if (!image.save(&device, "PNG"))
            return Error(ErrorKind::System, QStringLiteral("the PNG could not be written"));
        return {};
    });
}

} // namespace pipescope
