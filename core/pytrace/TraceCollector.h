#pragma once

#include "pytrace/SegmentRecord.h"
#include "pytrace/TraceSegment.h"
#include "pytrace/TracedChannels.h"
#include "trace/TraceStore.h"
#include "wire/FrameDecoder.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

class QLocalServer;
class QLocalSocket;

namespace pipescope {

// Collects what the traced Python processes of a program report (docs/tracing-protocol.md) into a
// TraceStore: a QLocalServer takes one control connection per process (hello, names, segments,
// labels, exits) and sweep() reads every thread's segment files in place.
//
// Each thread writes its own segment, in its own order, but a channel may have several writers
// (a Queue shared by a pool) and the segments are read one after another: so a sweep holds back
// what happened in the last kHoldBackNs and releases the rest in time order, which numbers every
// channel's messages in the order they went through the pipe (multiprocessing's locks keep sends
// and recvs of a shared pipe apart). A wait that lasts longer than kPatienceNs shows as a
// blocked state (recv, send) on its thread's lane, while it lasts.
//
// Every Python process is a lane named as multiprocessing names it, with its pid; a thread that
// does pipe I/O (a Queue's feeder, Pool's handlers) has a lane of its own, "Process · thread".
// Records and control messages are validated and bounded; what is wrong is counted and noted in
// problems(), never trusted.
class TraceCollector : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kHoldBackNs = 30'000'000;
    static constexpr qint64 kPatienceNs = 1'000'000;
    static constexpr int kMaxLanes = 4096;
    static constexpr qsizetype kMaxControlFrame = 64 * 1024;

    explicit TraceCollector(TraceStore& store, QObject* parent = nullptr);
    ~TraceCollector() override;

    // Listens on `directory`/control.sock; segment files must lie in `directory`.
    Status listen(const QString& directory);
    // Takes what the segments hold now; `final` releases everything (nothing more will come).
    void sweep(bool final);
    // The exit status of `pid` as Python gives it (negative: killed by that signal), learned
    // by whoever waited for it (the program's own process: its launcher).
    void setExitStatus(qint64 pid, int exitcode);
    // Control connections still open.
    int connectedCount() const;
    // Processes that said hello, and the pids of children a traced process started that never
    // did (python -I, -E, -S, or not Python), with their command lines.
    int tracedCount() const { return int(m_processes.size()); }
    bool traced(qint64 pid) const { return m_byPid.contains(pid); }
    // A child's exit code as its traced parent learnt it (Python's: negative = that signal).
    std::optional<int> childExit(qint64 pid) const
    {
        const auto found = m_childExits.constFind(pid);
        return found != m_childExits.cend() ? std::optional<int>(*found) : std::nullopt;
    }
    QList<std::pair<qint64, QStringList>> untracedChildren() const;
    // Failures of the tracer inside the traced processes, as they reported them.
    qint64 hookErrors() const { return m_hookErrors; }
    const QStringList& problems() const { return m_problems; }
    qint64 recordCount() const { return m_records; }

Q_SIGNALS:
    void problemFound(const QString& description);

private:
    struct Lane
    {
        int process = -1; // in m_processes
        int storeProcess = -1;
        qint64 tid = 0;
        QString thread;
        std::deque<TraceSegment> segments;
        qint64 lastNs = 0;
        bool recvOpen = false;
        qint64 recvStartNs = 0;
        quint64 recvKey = 0;
        bool recvInternal = false;
        bool blockedShown = false;
    };
    struct Process
    {
        qint64 pid = 0;
        qint64 ppid = 0;
        QString name;
        QLocalSocket* control = nullptr;
        std::vector<int> lanes; // the main thread's first
        std::optional<int> exitcode;
        qint64 disconnectedNs = 0;
        bool ended = false;
        // multiprocessing's own helper (the forkserver, the resource tracker): its lanes are
        // internal (TraceStore::setInternal), until a forkserver's child says it is the
        // program's.
        bool helper = false;
    };
    // A record read and not yet released; its head is in m_heads.
    struct Pending
    {
        qint64 orderNs;
        quint64 arrival;
        int lane;
        quint32 headOffset;
        SegmentRecord record;
    };

    void accept();
    void readControl(QLocalSocket* socket);
    void disconnected(QLocalSocket* socket);
    void handle(Process* process, QLocalSocket* socket, const QJsonObject& message);
    Process* hello(QLocalSocket* socket, const QJsonObject& message);
    void addSegment(Process& process, const QJsonObject& message);
    int laneFor(Process& process, qint64 tid, const QString& thread);
    QString laneName(const Process& process, const Lane& lane) const;
    int addLane(Process& process, Lane lane, const QString& role);
    void rename(Process& process, const QString& name);
    void readSegments(Lane& lane, int laneIndex);
    void apply(const Pending& item, QByteArrayView head);
    void message(Lane& lane, const SegmentRecord& record, QByteArrayView head);
    void showWaits(qint64 watermark);
    void endProcesses(qint64 watermark, bool final);
    // `joined`: the store process a Joining state joins.
    void appendState(Lane& lane, qint64 tNs, ProcessState state, int channel, int joined = -1);
    // The store process (main lane) of a traced process, by pid; -1 if none.
    int storeProcessOfPid(qint64 pid) const;
    void append(Lane& lane, const TelemetryRecord& record, QByteArrayView text,
                QByteArrayView head = {});
    void problem(const QString& description);

    TraceStore& m_store;
    TracedChannels m_channels;
    QString m_directory;
    QLocalServer* m_server = nullptr;
    std::vector<std::unique_ptr<Process>> m_processes;
    QHash<qint64, int> m_byPid;
    // Every open control connection: its decoder and its process (-1 before its hello).
    struct Control
    {
        FrameDecoder decoder;
        int process = -1;
    };
    std::unordered_map<QLocalSocket*, Control> m_controls;
    std::deque<Lane> m_lanes; // a deque: a lane never moves (its segments cannot be copied)
    std::vector<Pending> m_pending;
    QByteArray m_heads;
    quint64 m_arrivals = 0;
    QHash<qint64, int> m_childExits;
    QHash<qint64, QStringList> m_children;
    qint64 m_hookErrors = 0;
    qint64 m_records = 0;
    QStringList m_problems;
};

} // namespace pipescope
