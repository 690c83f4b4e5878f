#pragma once

#include "findings/Finding.h"

#include <QByteArray>
#include <vector>

namespace pipescope {

class TraceStore;

// Findings as `--findings FILE` writes them: a JSON array, one object per finding with
// `severity` ("info", "warning", "error"), `kind`, `title`, `explanation`, `processes` and
// `channels` (names), and `events`: the proving events, each {"t_ns", "process", "kind"} and for
// a message its "channel" and "seq" (as in the events file).
QByteArray findingsJson(const TraceStore& store, const std::vector<Finding>& findings);

// "warning: blocked-send: sender was blocked in send on sender->receiver for 1.20 s": the
// CLI's line for a finding.
QString findingLine(const Finding& finding);

} // namespace pipescope
