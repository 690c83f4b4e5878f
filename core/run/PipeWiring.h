#pragma once

#include "run/Scenario.h"

namespace pipescope {

// How many descriptors a child is handed before its pipe ends: the telemetry wake connection and
// the telemetry ring.
constexpr int kTelemetryDescriptors = 2;

// One end of one of a scenario's pipes, as a child gets it: which child holds it, the descriptor
// number it has there (after the telemetry ones, in the order the ends are handed down) and the
// channels it writes and reads (-1: none).
struct EndWiring
{
    int pipe = 0;
    int side = 0; // 0: the pipe's first end, 1: its second
    int process = 0;
    int childDescriptor = 0;
    int writes = -1;
    int reads = -1;

    // The worker's --conn value: "FD:WRITES:READS", '-' for no channel.
    QString argument() const;
};

// Where every end of `plan`'s pipes goes, pipe by pipe, first end first: a pure function of the
// plan, so the wiring is tested without starting a process.
QList<EndWiring> wirePipes(const ScenarioPlan& plan);

} // namespace pipescope
