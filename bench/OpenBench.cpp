#include "OpenBench.h"

#include "BenchError.h"
#include "Samples.h"
#include "SyntheticRun.h"
#include "base/MonotonicClock.h"
#include "trace/EventsJsonReader.h"
#include "trace/EventsJsonWriter.h"
#include "trace/TraceStore.h"

#include <QFileInfo>
#include <QTemporaryDir>

namespace pipescope::bench {

OpenBench::Outcome OpenBench::run(qint64 messages, int rounds)
{
    Outcome outcome;
    QTemporaryDir directory;
    if (!directory.isValid())
        fail("open: no temporary directory");
    const QString path = directory.filePath(QStringLiteral("run.jsonl"));
    {
        TraceStore store;
        SyntheticRun::fill(store, messages, "open");
        outcome.events = store.eventCount();
        if (!EventsJsonWriter::writeFile(store, path).ok())
            fail("open: the events file could not be written");
    }
    outcome.fileBytes = QFileInfo(path).size();
    Samples seconds;
    for (int round = 0; round < rounds; ++round) {
        const qint64 started = monotonicNs();
        const auto read = EventsJsonReader::readFile(path);
        const qint64 ended = monotonicNs();
        if (!read || (*read)->eventCount() != outcome.events)
            fail("open: the events file did not read back whole");
        seconds.add(double(ended - started) / 1e9);
    }
    outcome.seconds = seconds.median();
    return outcome;
}

} // namespace pipescope::bench
