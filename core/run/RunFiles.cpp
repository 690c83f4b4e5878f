#include "run/RunFiles.h"

#include "run/CommandLine.h"
#include "run/CommandLineSupport.h"
#include "trace/ChromeTraceWriter.h"
#include "trace/EventsJsonWriter.h"

#include <cstdio>

namespace pipescope {

Result<RunFiles> RunFiles::take(QStringList& arguments)
{
    auto files = CommandLine::takeValuedOptions(
        arguments, {QStringLiteral("--events"), QStringLiteral("--trace")});
    if (!files)
        return files.error();
    RunFiles taken;
    for (const auto& [option, value] : *files) {
        QString& path =
            option == QLatin1String("--events") ? taken.m_eventsPath : taken.m_tracePath;
        if (!path.isNull())
            return Error(ErrorKind::InvalidArgument,
                         QStringLiteral("%1 is given twice").arg(option));
        if (value.isEmpty())
            return Error(ErrorKind::InvalidArgument,
                         QStringLiteral("%1 needs a file name").arg(option));
        path = value;
    }
    if (!taken.m_eventsPath.isNull() && !taken.m_tracePath.isNull() &&
        cli::canonicalOutput(taken.m_eventsPath) == cli::canonicalOutput(taken.m_tracePath))
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("--events and --trace name the same file (%1)")
                         .arg(cli::canonicalOutput(taken.m_eventsPath)));
    return taken;
}

Status RunFiles::open()
{
    for (auto [path, output] :
         {std::pair{&m_eventsPath, &m_events}, std::pair{&m_tracePath, &m_trace}}) {
        if (path->isNull())
            continue;
        auto opened = OutputFile::open(*path);
        if (!opened)
            return opened.error();
        *output = std::move(*opened);
    }
    if (m_events && m_trace && m_events->isStandardOutput() && m_trace->isStandardOutput())
        return Error(ErrorKind::InvalidArgument,
                     QStringLiteral("--events and --trace name the same file (stdout)"));
    return {};
}

bool RunFiles::standardOutputTaken() const
{
    return (m_events && m_events->isStandardOutput()) || (m_trace && m_trace->isStandardOutput());
}

bool RunFiles::write(const TraceStore& store)
{
    bool written = true;
    const auto fill = [&](OutputFile* file, auto writer) {
        if (!file)
            return;
        if (Status status = file->fill([&](QIODevice& device) { return writer(store, device); });
            !status) {
            std::fprintf(stderr, "pipescope: %s\n", qPrintable(status.error().message()));
            written = false;
        }
    };
    fill(m_events.get(), &EventsJsonWriter::write);
    fill(m_trace.get(), &ChromeTraceWriter::write);
    return written;
}

} // namespace pipescope
