#pragma once

#include "trace/TraceEvent.h"

#include <QByteArrayView>
#include <functional>

namespace pipescope {
class TraceStore;
}

namespace pipescope::bench {

// A recorded run made up, with the events a traced flood of floats gives: process 0 (the
// sender) sends `messages` floats to process 1 (the receiver) on channel 0 with send(), the
// receiver takes them with recv(). Each send and recv carries the value's repr (about 18 bytes)
// and the pickle's 21 bytes as its payload head. The queue fills and drains in phases: the
// receiver is slower for 20,000 messages (the pipe fills to 1,000 and the sender blocks in send
// before every message), then faster (it blocks in recv before every message), so there are
// about four events per message: the message's send and recv and a blocked/running pair of states.
class SyntheticRun
{
public:
    static constexpr int kSender = 0;
    static constexpr int kReceiver = 1;
    static constexpr quint16 kChannel = 0;

    using Sink = std::function<void(int process, const TelemetryRecord& record, QByteArrayView text,
                                    QByteArrayView head)>;

    // Hands every event to `sink`, each process's in its own time order (the two processes'
    // events interleaved message by message); times in ns from 0. Returns the last event's time.
    static qint64 generate(qint64 messages, const Sink& sink);
    // A store of the run: origin 0, the two processes and their channel, every event appended
    // (a refused one fails the bench, naming `what`). Returns the last event's time.
    static qint64 fill(TraceStore& store, qint64 messages, const char* what);
};

} // namespace pipescope::bench
