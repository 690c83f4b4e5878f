#include "BenchPlan.h"

namespace pipescope::bench {

BenchPlan BenchPlan::full()
{
    return {};
}

BenchPlan BenchPlan::quickPlan()
{
    BenchPlan plan;
    plan.quick = true;
    plan.rounds = 2;
    plan.simplexRounds = 1;
    plan.rttWarmup = 100;
    plan.rttIterations = 1'000;
    plan.count64B = 20'000;
    plan.count64KiB = 2'000;
    plan.count1MiB = 100;
    plan.objectCount = 20'000;
    plan.objectPairs = 1;
    plan.traceRounds = 2;
    plan.traceCount = 20'000;
    plan.pythonTraceRounds = 1;
    plan.pythonPingPongs = 2'000;
    plan.pythonQueueItems = 10'000;
    plan.pythonFloodCount = 20'000;
    plan.ingestMessages = 50'000;
    plan.ingestRounds = 1;
    plan.paintMessages = 100'000;
    plan.paintRepeats = 3;
    plan.floodCount = 20'000;
    plan.floodLimitMs = 10'000;
    plan.longFloodCount = 100'000;
    plan.openMessages = 50'000;
    plan.openRounds = 1;
    plan.longFloodLimitMs = 60'000;
    plan.killRounds = 4;
    return plan;
}

} // namespace pipescope::bench
