#include "run/CheckCommand.h"

#include "findings/FindingsAnalyzer.h"
#include "findings/FindingsJson.h"
#include "run/CommandLineSupport.h"
#include "run/RunFiles.h"
#include "trace/EventsJsonReader.h"
#include "trace/TraceStore.h"

#include <algorithm>
#include <cstdio>

namespace pipescope {

using namespace cli;

int CheckCommand::run(QStringList arguments)
{
    auto files = RunFiles::take(arguments, true);
    if (!files)
        return usageError(files.error().message());
    if (arguments.size() != 1 || arguments.first().startsWith(QLatin1String("--")))
        return usageError(QStringLiteral("check needs one events file: pipescope check "
                                         "EVENTS.jsonl [--findings FILE]"));
    if (Status opened = files->open(); !opened) {
        if (opened.error().kind() == ErrorKind::InvalidArgument)
            return usageError(opened.error().message());
        std::fprintf(stderr, "pipescope: %s\n", qPrintable(opened.error().message()));
        return kExitFailed;
    }
    auto store = EventsJsonReader::readFile(arguments.first());
    if (!store) {
        std::fprintf(stderr, "pipescope: %s\n", qPrintable(store.error().message()));
        return kExitFailed;
    }
    const std::vector<Finding> findings = FindingsAnalyzer::analyze(**store, true);
    std::FILE* out = files->standardOutputTaken() ? stderr : stdout;
    for (const Finding& finding : findings)
        std::fprintf(out, "%s\n", qPrintable(findingLine(finding)));
    const auto above = std::count_if(findings.begin(), findings.end(),
                                     [](const Finding& f) { return f.severity != Severity::Info; });
    std::fprintf(out, "%lld findings, %lld above info\n", static_cast<long long>(findings.size()),
                 static_cast<long long>(above));
    flushStandardOutput();
    if (!files->write(**store, findings))
        return kExitFailed;
    return finishStandardOutput(above > 0 ? kExitFailed : kExitOk);
}

} // namespace pipescope
