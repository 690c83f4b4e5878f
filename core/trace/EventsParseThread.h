#pragma once

#include "trace/EventsJsonParser.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

class QIODevice;

namespace pipescope {

class ParsedEvents;

// Reads an events file a chunk at a time and parses it (EventsJsonParser) on a thread of its
// own, a few batches ahead of whoever takes them into a store (EventsJsonReader::apply()): on two
// cores, reading a saved run takes about as long as the longer of the two halves instead of
// both. The batches come in the file's order; the last one has `end` set or a `failed` status
// (a bad line, or "reading failed: why"). At most kBatches are parsed and not yet given back,
// so memory follows the chunk size, not the file.
class EventsParseThread
{
public:
    static constexpr qint64 kChunkBytes = 1 << 20;
    static constexpr int kBatches = 3;

    // Starts reading `device` (open, readable), which the thread reads alone until it has read
    // the last batch or is destroyed. `ready`, if given, is called on the thread each time a
    // batch becomes ready.
    explicit EventsParseThread(QIODevice& device, std::function<void()> ready = {});
    // Stops the thread (a chunk being parsed is finished first) and waits for it.
    ~EventsParseThread();
    EventsParseThread(const EventsParseThread&) = delete;
    EventsParseThread& operator=(const EventsParseThread&) = delete;

    // The next batch: null when none is ready yet (waiting for one if `wait`) or when the last
    // one has been taken. Give it back when its events have been taken in.
    std::unique_ptr<ParsedEvents> take(bool wait);
    void giveBack(std::unique_ptr<ParsedEvents> batch);

private:
    void run();
    // Fills `batch` with the next chunk's lines: false after the last one.
    bool parseNext(ParsedEvents& batch);

    QIODevice& m_device;
    std::function<void()> m_ready;
    EventsJsonParser m_parser; // the thread's alone
    qint64 m_offset = 0;       // the thread's alone

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::unique_ptr<ParsedEvents>> m_parsed;
    std::vector<std::unique_ptr<ParsedEvents>> m_free;
    bool m_done = false;     // the thread has put its last batch
    bool m_stopping = false; // the thread is asked to end
    std::thread m_thread;    // last: started when everything above is ready
};

} // namespace pipescope
