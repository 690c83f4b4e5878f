#pragma once

#include "base/Result.h"
#include "trace/EventsJsonReader.h"
#include "trace/EventsParseThread.h"

#include <QFile>
#include <QObject>
#include <QTimer>
#include <memory>

namespace pipescope {

class TraceStore;

// Reads a saved events file into its store: an EventsParseThread reads and parses the file a
// few chunks ahead, and the window's thread takes the parsed batches into the store a slice at
// a time, so that a big file shows at once and grows (the views refresh a live run by
// themselves), with its progress, and can be stopped half-way (what was read stays). The first
// chunk is taken in when the file is opened: a file that is no events file fails there, before
// it becomes a run, and a file of one chunk or less is read whole (it is never reading()).
class EventsFileLoader : public QObject
{
    Q_OBJECT
public:
    // Each slice takes in parsed chunks for about this long, then lets the window paint.
    static constexpr int kSliceMs = 12;

    // Opens `path` and reads its first chunk; the error names the path.
    static Result<std::unique_ptr<EventsFileLoader>> open(const QString& path);

    const TraceStore& store() const { return m_reader.store(); }
    // For its view settings (internal traffic shown, lane order), not for events.
    TraceStore& store() { return m_reader.store(); }
    // Still reading: not at the end, not stopped, no bad line met.
    bool reading() const { return m_parsing != nullptr; }
    // How much of the file has been read, 0 to 1.
    double progress() const;
    // The latest event time read so far (ns).
    qint64 endNs() const { return m_endNs; }
    // Stops reading: what was read stays (finished() follows).
    void stop();
    bool stopped() const { return m_stopped; }
    // What stopped the reading after the first chunk: a bad line ("line N: ...") or a failed
    // read ("reading failed: ...").
    const QString& problem() const { return m_problem; }

Q_SIGNALS:
    // Reading has ended: at the end of the file, stopped, or at a bad line.
    void finished();

private:
    EventsFileLoader() = default;
    // Takes in the next parsed chunk, waiting for it if `wait`; false when there is none yet, at
    // the end of the file or on a problem (which it keeps).
    bool takeChunk(bool wait);
    void readSlice();
    void end();

    QFile m_file;
    EventsJsonReader m_reader;
    std::unique_ptr<EventsParseThread> m_parsing; // reads m_file: declared after it
    QTimer m_timer;                               // a slice after a paint, while chunks wait
    bool m_atEnd = false;                         // the last chunk has been taken in
    qint64 m_size = 0;
    qint64 m_read = 0;
    qint64 m_endNs = 0;
    qsizetype m_timed = 0; // events whose times endNs() has taken in
    bool m_stopped = false;
    QString m_problem;
};

} // namespace pipescope
