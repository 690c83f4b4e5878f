#pragma once

#include <QtGlobal>

namespace pipescope::bench {

// SIGKILL against telemetry (issue 15): runs real scenarios with pipescope-worker children and
// kills a sending child at a random point of each round; counts the messages that were received
// but whose sends the run does not have (lost_sends_on_sigkill, 0 is the target).
class KillBench
{
public:
    struct Outcome
    {
        int rounds = 0;
        int killedWhileRunning = 0; // rounds whose victim was still there when the kill landed
        qint64 received = 0;        // messages received, over all rounds
        qint64 lostSends = 0;       // received messages without their send
    };

    // `rounds` rounds, alternating a flood (one sender) and a fan-in (three producers).
    static Outcome run(int rounds);
};

} // namespace pipescope::bench
