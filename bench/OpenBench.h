#pragma once

#include <QtGlobal>

namespace pipescope::bench {

// Opening a saved run: a SyntheticRun of `messages` messages is written as an events file
// (EventsJsonWriter, JSON Lines) once, then read back (EventsJsonReader, as the window's
// File > Open and `pipescope FILE.jsonl` do) `rounds` times.
class OpenBench
{
public:
    struct Outcome
    {
        qint64 events = 0;
        qint64 fileBytes = 0;
        double seconds = 0; // the median read
    };

    static Outcome run(qint64 messages, int rounds);
};

} // namespace pipescope::bench
