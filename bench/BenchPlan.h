#pragma once

#include <QtGlobal>
#include <algorithm>

namespace pipescope::bench {

// How much the bench measures: the full run (a few minutes at most) or --quick (well under 30 s,
// for CI, which only checks that the bench still works).
struct BenchPlan
{
    bool quick = false;
    // Rounds of the pipe benchmarks; each round runs every contender once, in rotating order.
    int rounds = 5;
    // Of those, the rounds that also run the simplex rows. --quick keeps one: each round starts
    // CPython twice more, which is most of what those rows cost in a brief run.
    int simplexRounds = 5;
    int rttWarmup = 500;
    int rttIterations = 10'000;
    qint64 count64B = 300'000;
    qint64 count64KiB = 30'000;
    qint64 count1MiB = 2'000;
    qint64 objectCount = 300'000;
    // The objects rows' targets are PipeScope against the raw floor of the same transport, a gap
    // of a few percent: each round runs the two this many times back to back (the order
    // alternating) and the ratio is the median over all those pairs. CPython runs once a round.
    int objectPairs = 3;
    // CPython is slower: it sends this share of the messages, for rounds of similar length.
    double cpythonShare = 0.4;
    // The tracing rows: rounds of three floods (untraced, both traced, sender traced), the ratio
    // the median of the rounds'. On this shared machine one flood's rate moves by a quarter from
    // one 100 ms to the next, so many short rounds: medians of 5 rounds of 300,000 ranged 0.77 to
    // 1.01 between runs of one build, of 40 rounds of 100,000 0.83 to 0.91.
    int traceRounds = 40;
    qint64 traceCount = 100'000;
    // A real Python program traced (python_trace_bench.py): rounds, round trips, Queue items.
    int pythonTraceRounds = 9;
    qint64 pythonPingPongs = 20'000;
    qint64 pythonQueueItems = 100'000;
    // Messages a traced Python program floods the window with.
    qint64 pythonFloodCount = 1'000'000;
    qint64 ingestMessages = 565'000; // about 3.6 events each: 2.0 million
    int ingestRounds = 3;
    qint64 paintMessages = 1'000'000;
    int paintRepeats = 9;
    // Opening a saved run: a SyntheticRun of this many messages, read back this many times.
    qint64 openMessages = 1'000'000;
    int openRounds = 3;
    qint64 floodCount = 500'000;
    int floodLimitMs = 60'000;
    // The long flood in the window (issue 15): its UI stall, resident bytes per message, and the
    // memory removing it from the history gives back. --quick scales it down and says so.
    qint64 longFloodCount = 10'000'000;
    // Runs whose sending child is SIGKILLed at a random point (lost_sends_on_sigkill).
    int killRounds = 40;
    int longFloodLimitMs = 600'000;
    // The paced run (--only hour, not in the default run): a flood at this many messages a second
    // (--hour-rate) for this many minutes (--hour-minutes), memory sampled every so many seconds.
    static constexpr int kMaxHourRate = 1'000'000;
    int hourRate = 10'000;
    int hourMinutes = 60;
    int hourSampleSeconds = 10;
    // The flood scenario sends at most 100 million messages (166 minutes at 10k a second), and
    // the run's time limit is a QTimer's int of milliseconds: a week at most.
    int maxHourMinutes() const
    {
        return int(std::min<qint64>(100'000'000 / (qint64(hourRate) * 60), 7 * 24 * 60));
    }

    static BenchPlan full();
    static BenchPlan quickPlan();
};

} // namespace pipescope::bench
