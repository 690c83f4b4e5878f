#include "EventsFileLoader.h"

#include "base/MonotonicClock.h"
#include "trace/TraceStore.h"

#include <algorithm>

namespace pipescope {

Result<std::unique_ptr<EventsFileLoader>> EventsFileLoader::open(const QString& path)
{
    std::unique_ptr<EventsFileLoader> loader(new EventsFileLoader);
    loader->m_file.setFileName(path);
    if (!loader->m_file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::System,
                     QStringLiteral("%1: %2").arg(path, loader->m_file.errorString()));
    loader->m_size = loader->m_file.size();
    // The first chunk now, whatever the machine's speed: a file that is no events file is said
    // before it becomes a run, and one of a chunk or less is read whole at once.
    bool more = loader->readChunk();
    if (more && loader->m_file.atEnd())
        more = loader->readChunk(); // the end: finish() takes a last line without a newline
    if (!loader->m_problem.isEmpty())
        return Error(ErrorKind::Protocol, QStringLiteral("%1: %2").arg(path, loader->m_problem));
    if (more) {
        loader->m_timer.setInterval(0);
        connect(&loader->m_timer, &QTimer::timeout, loader.get(), &EventsFileLoader::readSlice);
        loader->m_timer.start();
    } else {
        loader->m_file.close();
    }
    return loader;
}

double EventsFileLoader::progress() const
{
    return m_size > 0 ? std::clamp(double(m_read) / double(m_size), 0.0, 1.0) : 1.0;
}

bool EventsFileLoader::readChunk()
{
    Status status;
    const QByteArray chunk = m_file.read(kChunkBytes);
    if (chunk.isEmpty()) {
        status =
            m_file.atEnd()
                ? m_reader.finish()
                : Status(Error(ErrorKind::System,
                               QStringLiteral("reading failed: %1").arg(m_file.errorString())));
    } else {
        m_read += chunk.size();
        status = m_reader.feed(chunk);
    }
    const TraceStore& store = m_reader.store();
    for (; m_timed < store.eventCount(); ++m_timed)
        m_endNs = std::max(m_endNs, store.time(m_timed));
    if (!status) {
        m_problem = status.error().message();
        return false;
    }
    return !chunk.isEmpty();
}

void EventsFileLoader::readSlice()
{
    const qint64 until = monotonicNs() + qint64(kSliceMs) * 1'000'000;
    while (monotonicNs() < until) {
        if (!readChunk()) {
            end();
            return;
        }
    }
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
    m_file.close();
    Q_EMIT finished();
}

} // namespace pipescope
