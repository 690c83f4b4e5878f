#include "EventsFileLoader.h"

#include "base/MonotonicClock.h"
#include "trace/ParsedEvents.h"
#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

Result<std::unique_ptr<EventsFileLoader>> EventsFileLoader::open(const QString& path)
{
    std::unique_ptr<EventsFileLoader> loader(new EventsFileLoader);
    EventsFileLoader* raw = loader.get();
    raw->m_file.setFileName(path);
    if (!raw->m_file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::System,
                     QStringLiteral("%1: %2").arg(path, raw->m_file.errorString()));
    raw->m_size = raw->m_file.size();
    // Each chunk the thread has parsed asks for a slice on the window's thread (which takes in
    // every chunk waiting then).
    raw->m_parsing = std::make_unique<EventsParseThread>(raw->m_file, [raw] {
        QMetaObject::invokeMethod(raw, &EventsFileLoader::readSlice, Qt::QueuedConnection);
    });
    raw->m_timer.setSingleShot(true);
    raw->m_timer.setInterval(0);
    connect(&raw->m_timer, &QTimer::timeout, raw, &EventsFileLoader::readSlice);
    // The first chunk now, whatever the machine's speed: a file that is no events file is said
    // before it becomes a run, and one of a chunk or less is read whole at once.
    bool more = raw->takeChunk(true);
    if (more && raw->m_read >= raw->m_size)
        more = raw->takeChunk(true); // the end: the parser takes a last line without a newline
    if (!raw->m_problem.isEmpty())
        return Error(ErrorKind::Protocol, QStringLiteral("%1: %2").arg(path, raw->m_problem));
    if (!more) {
        raw->m_parsing.reset();
        raw->m_file.close();
    }
    return loader;
}

double EventsFileLoader::progress() const
{
    return m_size > 0 ? std::clamp(double(m_read) / double(m_size), 0.0, 1.0) : 1.0;
}

bool EventsFileLoader::takeChunk(bool wait)
{
    std::unique_ptr<ParsedEvents> batch = m_parsing->take(wait);
    if (!batch)
        return false;
    const Status applied = m_reader.apply(*batch);
    m_read = batch->offset;
    m_atEnd = batch->end;
    m_parsing->giveBack(std::move(batch));
    const TraceStore& store = m_reader.store();
    for (; m_timed < store.eventCount(); ++m_timed)
        m_endNs = std::max(m_endNs, store.time(m_timed));
    if (!applied)
        m_problem = applied.error().message();
    return applied.ok() && !m_atEnd;
}

void EventsFileLoader::readSlice()
{
    if (!reading())
        return; // a slice asked for before the end
    const qint64 until = monotonicNs() + qint64(kSliceMs) * 1'000'000;
    while (monotonicNs() < until) {
        if (!takeChunk(false)) {
            if (m_atEnd || !m_problem.isEmpty())
                end();
            return; // else the next parsed chunk asks for a slice
        }
    }
    m_timer.start(); // chunks may be waiting: more after the window has painted
}

void EventsFileLoader::stop()
{
    if (!reading())
        return;
    m_stopped = true;
    end();
}

void EventsFileLoader::end()
{
    m_timer.stop();
    m_parsing.reset();
    m_file.close();
    Q_EMIT finished();
}

} // namespace pipescope
