#include "trace/EventsParseThread.h"

#include "trace/ParsedEvents.h"

#include <QIODevice>

namespace pipescope {

EventsParseThread::EventsParseThread(QIODevice& device, std::function<void()> ready)
    : m_device(device)
    , m_ready(std::move(ready))
{
    for (int i = 0; i < kBatches; ++i)
        m_free.push_back(std::make_unique<ParsedEvents>());
    m_thread = std::thread([this] { run(); });
}

EventsParseThread::~EventsParseThread()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    m_thread.join();
}

bool EventsParseThread::parseNext(ParsedEvents& batch)
{
    batch.source.resize(kChunkBytes);
    const qint64 read = m_device.read(batch.source.data(), kChunkBytes);
    if (read > 0) {
        batch.source.resize(read);
        m_offset += read;
        m_parser.feed(batch.source, batch);
        batch.offset = m_offset;
        return batch.failed.ok();
    }
    batch.source.clear();
    if (read == 0 && m_device.atEnd()) {
        m_parser.finish(batch);
    } else {
        batch.clear();
        batch.failed = Error(ErrorKind::System,
                             QStringLiteral("reading failed: %1").arg(m_device.errorString()));
    }
    batch.offset = m_offset;
    return false;
}

void EventsParseThread::run()
{
    for (bool more = true; more;) {
        std::unique_ptr<ParsedEvents> batch;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_stopping || !m_free.empty(); });
            if (m_stopping)
                break;
            batch = std::move(m_free.back());
            m_free.pop_back();
        }
        more = parseNext(*batch);
        {
            const std::lock_guard lock(m_mutex);
            m_parsed.push_back(std::move(batch));
            m_done = !more;
        }
        m_changed.notify_all();
        if (m_ready)
            m_ready();
    }
}

std::unique_ptr<ParsedEvents> EventsParseThread::take(bool wait)
{
    std::unique_lock lock(m_mutex);
    if (wait)
        m_changed.wait(lock, [this] { return m_done || !m_parsed.empty(); });
    if (m_parsed.empty())
        return nullptr;
    std::unique_ptr<ParsedEvents> batch = std::move(m_parsed.front());
    m_parsed.pop_front();
    return batch;
}

void EventsParseThread::giveBack(std::unique_ptr<ParsedEvents> batch)
{
    {
        const std::lock_guard lock(m_mutex);
        m_free.push_back(std::move(batch));
    }
    m_changed.notify_all();
}

} // namespace pipescope
