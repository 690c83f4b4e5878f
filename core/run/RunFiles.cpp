#include "run/RunFiles.h"

#include "findings/FindingsJson.h"
#include "run/CommandLine.h"
#include "run/CommandLineSupport.h"
#include "trace/ChromeTraceWriter.h"
#include "trace/ChunkedOutput.h"
#include "trace/EventsJsonWriter.h"

#include <QIODevice>
#include <cstdio>

namespace pipescope {

Result<RunFiles> RunFiles::take(QStringList& arguments, bool findingsOnly)
{
    QStringList names;
    for (int f = findingsOnly ? Findings : Events; f < kFiles; ++f)
        names.append(QLatin1String(kOptions[f]));
    auto files = CommandLine::takeValuedOptions(arguments, names);
    if (!files)
        return files.error();
    RunFiles taken;
    for (const auto& [option, value] : *files) {
        const int f =
            int(std::find(std::begin(kOptions), std::end(kOptions), option.toStdString()) -
                std::begin(kOptions));
        QString& path = taken.m_paths[f];
        if (!path.isNull())
            return Error(ErrorKind::InvalidArgument,
                         QStringLiteral("%1 is given twice").arg(option));
        if (value.isEmpty())
            return Error(ErrorKind::InvalidArgument,
                         QStringLiteral("%1 needs a file name").arg(option));
        path = value;
    }
    for (int a = 0; a < kFiles; ++a) {
        for (int b = a + 1; b < kFiles; ++b) {
            if (!taken.m_paths[a].isNull() && !taken.m_paths[b].isNull() &&
                cli::canonicalOutput(taken.m_paths[a]) == cli::canonicalOutput(taken.m_paths[b]))
                return Error(ErrorKind::InvalidArgument,
                             QStringLiteral("%1 and %2 name the same file (%3)")
                                 .arg(QLatin1String(kOptions[a]), QLatin1String(kOptions[b]),
                                      cli::canonicalOutput(taken.m_paths[a])));
        }
    }
    return taken;
}

bool RunFiles::takesValue(const QString& word)
{
    return std::any_of(std::begin(kOptions), std::end(kOptions),
                       [&](const char* option) { return word == QLatin1String(option); });
}

Status RunFiles::open()
{
    int onStandardOutput = -1;
    for (int f = 0; f < kFiles; ++f) {
        if (m_paths[f].isNull())
            continue;
        auto opened = OutputFile::open(m_paths[f]);
        if (!opened)
            return opened.error();
        m_files[f] = std::move(*opened);
        if (!m_files[f]->isStandardOutput())
            continue;
        if (onStandardOutput >= 0)
            return Error(
                ErrorKind::InvalidArgument,
                QStringLiteral("%1 and %2 name the same file (stdout)")
                    .arg(QLatin1String(kOptions[onStandardOutput]), QLatin1String(kOptions[f])));
        onStandardOutput = f;
    }
    return {};
}

bool RunFiles::standardOutputTaken() const
{
    return std::any_of(std::begin(m_files), std::end(m_files),
                       [](const auto& file) { return file && file->isStandardOutput(); });
}

bool RunFiles::write(const TraceStore& store, const std::vector<Finding>& findings)
{
    bool written = true;
    const auto fill = [&](File f, const std::function<Status(QIODevice&)>& writer) {
        if (!m_files[f])
            return;
        if (Status status = m_files[f]->fill(writer); !status) {
            std::fprintf(stderr, "pipescope: %s\n", qPrintable(status.error().message()));
            written = false;
        }
    };
    fill(Events, [&](QIODevice& device) { return EventsJsonWriter::write(store, device); });
    fill(Trace, [&](QIODevice& device) { return ChromeTraceWriter::write(store, device); });
    fill(Findings, [&](QIODevice& device) {
        ChunkedOutput output(device);
        output.buffer() = findingsJson(store, findings);
        return output.finish();
    });
    return written;
}

} // namespace pipescope
