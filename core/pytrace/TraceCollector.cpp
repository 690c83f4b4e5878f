#include "pytrace/TraceCollector.h"

#include "base/MonotonicClock.h"
#include "pytrace/MessagePreview.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>
#include <algorithm>
#include <cmath>
#include <limits>

namespace pipescope {

namespace {

// A time a record may carry: on the monotonic clock and in the store's range.
bool plausibleTime(qint64 ns)
{
    return ns > 0 && ns <= TraceStore::kMaxTimeNs;
}

// The helper processes multiprocessing starts for itself, by their command line: their names.
QString helperName(const QJsonArray& argv)
{
    for (const QJsonValue arg : argv) {
        const QString text = arg.toString();
        if (text.contains(QLatin1String("multiprocessing.forkserver import main")))
            return QStringLiteral("forkserver");
        if (text.contains(QLatin1String("multiprocessing.resource_tracker import main")) ||
            text.contains(QLatin1String("multiprocessing.semaphore_tracker import main")))
            return QStringLiteral("resource tracker");
    }
    return {};
}

QString exitText(int exitcode)
{
    return exitcode < 0 ? QStringLiteral("was killed by %1").arg(signalName(-exitcode))
                        : QStringLiteral("exited with code %1").arg(exitcode);
}

// A poll or wait record as the store's poll event: its result, the time it waited, its timeout
// (a negative or NaN one as 0), on `channel` (-1: none).
TelemetryRecord pollOf(const SegmentRecord& r, int channel)
{
    TelemetryRecord record;
    record.kind = EventKind::Poll;
    record.startNs = r.startNs;
    record.tNs = r.tNs;
    record.detail = r.amount != 0 ? 1 : 0;
    record.amount = r.tNs - r.startNs;
    record.number = std::isnan(r.number) || r.number < 0 ? 0 : r.number;
    record.channel = channel < 0 ? kNoChannel : quint16(channel);
    return record;
}

} // namespace

TraceCollector::TraceCollector(TraceStore& store, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_channels(store, [this](int process) { return m_processes[size_t(process)]->name; })
{}

TraceCollector::~TraceCollector() = default;

Status TraceCollector::listen(const QString& directory)
{
    m_directory = QDir(directory).absolutePath();
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    const QString path = m_directory + QStringLiteral("/control.sock");
    if (!m_server->listen(path))
        return Error(ErrorKind::System,
                     QStringLiteral("cannot listen on %1: %2").arg(path, m_server->errorString()));
    connect(m_server, &QLocalServer::newConnection, this, &TraceCollector::accept);
    return {};
}

int TraceCollector::connectedCount() const
{
    return int(m_controls.size());
}

QList<std::pair<qint64, QStringList>> TraceCollector::untracedChildren() const
{
    QList<std::pair<qint64, QStringList>> untraced;
    for (auto it = m_children.cbegin(); it != m_children.cend(); ++it) {
        if (!m_byPid.contains(it.key()))
            untraced.append({it.key(), it.value()});
    }
    std::sort(untraced.begin(), untraced.end());
    return untraced;
}

void TraceCollector::setExitStatus(qint64 pid, int exitcode)
{
    m_childExits.insert(pid, exitcode);
    if (const auto found = m_byPid.constFind(pid); found != m_byPid.cend()) {
        Process& process = *m_processes[size_t(*found)];
        if (!process.exitcode)
            process.exitcode = exitcode;
    }
}

void TraceCollector::accept()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        m_controls.emplace(socket, Control{});
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { readControl(socket); });
        connect(socket, &QLocalSocket::disconnected, this,
                [this, socket] { disconnected(socket); });
        readControl(socket);
    }
}

void TraceCollector::readControl(QLocalSocket* socket)
{
    while (socket->bytesAvailable() > 0) {
        const auto found = m_controls.find(socket);
        if (found == m_controls.end())
            return;
        Control& control = found->second;
        const QByteArray bytes = socket->peek(qMin<qint64>(socket->bytesAvailable(), 64 * 1024));
        std::span<const char> input(bytes.constData(), size_t(bytes.size()));
        const FrameDecoder::Step step = control.decoder.next(input, quint64(kMaxControlFrame));
        socket->skip(bytes.size() - qint64(input.size()));
        if (step.status == FrameDecoder::Status::Failed) {
            problem(QStringLiteral("a control connection sent a malformed frame: closed"));
            socket->abort();
            return;
        }
        if (step.status == FrameDecoder::Status::NeedMore)
            continue;
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(
            QByteArray(step.frame.data(), qsizetype(step.frame.size())), &error);
        if (!document.isObject()) {
            problem(QStringLiteral("a control message is not a JSON object: %1")
                        .arg(error.errorString()));
            continue;
        }
        handle(control.process >= 0 ? m_processes[size_t(control.process)].get() : nullptr, socket,
               document.object());
    }
}

void TraceCollector::handle(Process* process, QLocalSocket* socket, const QJsonObject& message)
{
    const QString type = message.value(QLatin1String("type")).toString();
    if (!process) {
        if (type != QLatin1String("hello") || !hello(socket, message)) {
            problem(QStringLiteral("a control connection did not start with a valid hello"));
            socket->abort();
        }
        return;
    }
    if (type == QLatin1String("process")) {
        // A child forked by the forkserver starts as a copy of it: it is a process of the
        // program's own.
        if (process->helper) {
            process->helper = false;
            for (const int l : process->lanes)
                m_store.setInternal(m_lanes[size_t(l)].storeProcess, false);
        }
        rename(*process, message.value(QLatin1String("name")).toString());
        if (const int lane = m_lanes[size_t(process->lanes.front())].storeProcess; lane >= 0)
            m_store.setRole(lane, message.value(QLatin1String("start_method")).toString());
    } else if (type == QLatin1String("segment")) {
        addSegment(*process, message);
    } else if (type == QLatin1String("thread")) {
        const qint64 tid = message.value(QLatin1String("tid")).toInteger();
        for (const int l : process->lanes) {
            if (m_lanes[size_t(l)].tid == tid && l != process->lanes.front()) {
                m_lanes[size_t(l)].thread = message.value(QLatin1String("thread")).toString();
                m_store.setThread(m_lanes[size_t(l)].storeProcess, m_lanes[size_t(l)].thread);
                m_store.renameProcess(m_lanes[size_t(l)].storeProcess,
                                      laneName(*process, m_lanes[size_t(l)]));
            }
        }
    } else if (type == QLatin1String("channel")) {
        std::vector<quint64> keys;
        for (const QJsonValue key : message.value(QLatin1String("keys")).toArray()) {
            if (keys.size() < 16)
                keys.push_back(quint64(key.toInteger()));
        }
        const QJsonValue object = message.value(QLatin1String("object"));
        m_channels.label(keys, message.value(QLatin1String("kind")).toString().left(64),
                         message.value(QLatin1String("internal")).toBool(),
                         object.isUndefined() ? QString()
                                              : QStringLiteral("%1/%2")
                                                    .arg(process->pid)
                                                    .arg(object.toVariant().toString().left(64)));
    } else if (type == QLatin1String("child")) {
        QStringList argv;
        for (const QJsonValue arg : message.value(QLatin1String("argv")).toArray())
            argv.append(arg.toString());
        if (m_children.size() < 100'000)
            m_children.insert(message.value(QLatin1String("pid")).toInteger(), argv);
    } else if (type == QLatin1String("child_exit")) {
        setExitStatus(message.value(QLatin1String("pid")).toInteger(),
                      message.value(QLatin1String("exitcode")).toInt());
    } else if (type == QLatin1String("exit")) {
        process->exitcode = message.value(QLatin1String("exitcode")).toInt();
    } else if (type == QLatin1String("errors")) {
        const qint64 count = message.value(QLatin1String("count")).toInteger();
        m_hookErrors += std::max<qint64>(0, count);
        problem(QStringLiteral("the tracer failed %1 times in %2 (pid %3); the last: %4")
                    .arg(count)
                    .arg(process->name)
                    .arg(process->pid)
                    .arg(message.value(QLatin1String("last")).toString().left(200)));
    }
}

TraceCollector::Process* TraceCollector::hello(QLocalSocket* socket, const QJsonObject& message)
{
    const qint64 pid = message.value(QLatin1String("pid")).toInteger();
    if (pid <= 0 || m_byPid.contains(pid) || int(m_lanes.size()) >= kMaxLanes)
        return nullptr;
    auto process = std::make_unique<Process>();
    process->pid = pid;
    process->ppid = message.value(QLatin1String("ppid")).toInteger();
    process->name = message.value(QLatin1String("name")).toString(QStringLiteral("MainProcess"));
    const QJsonArray argv = message.value(QLatin1String("argv")).toArray();
    const QString helper = helperName(argv);
    // A spawned child is not yet the process it will be named as (its _bootstrap says so).
    if (argv.contains(QJsonValue(QStringLiteral("--multiprocessing-fork"))))
        process->name = QStringLiteral("child %1").arg(pid);
    if (!helper.isEmpty()) {
        process->name = helper;
        process->helper = true;
    }
    process->control = socket;
    if (const auto exit = m_childExits.constFind(pid); exit != m_childExits.cend())
        process->exitcode = *exit;
    const int index = int(m_processes.size());
    m_processes.push_back(std::move(process));
    m_byPid.insert(pid, index);
    m_controls[socket].process = index;
    Process& added = *m_processes.back();
    Lane lane;
    lane.process = index;
    lane.tid = pid;
    const QString method = message.value(QLatin1String("start_method")).toString();
    const QString role =
        !helper.isEmpty() ? helper
        : method.isEmpty()
            ? QStringLiteral("python %1").arg(message.value(QLatin1String("python")).toString())
            : method;
    const int main = addLane(added, std::move(lane), role);
    // The lane begins where the process began to be traced: running.
    const qint64 started = message.value(QLatin1String("t_ns")).toInteger();
    if (plausibleTime(started))
        appendState(m_lanes[size_t(main)], started, ProcessState::Running, -1);
    return &added;
}

int TraceCollector::addLane(Process& process, Lane lane, const QString& role)
{
    // A thread's lane goes under its process's.
    const int owner =
        process.lanes.empty() ? -1 : m_lanes[size_t(process.lanes.front())].storeProcess;
    lane.storeProcess = owner >= 0 ? m_store.addProcessUnder(owner, laneName(process, lane), role)
                                   : m_store.addProcess(laneName(process, lane), role);
    m_store.setPid(lane.storeProcess, process.pid);
    if (lane.tid != process.pid)
        m_store.setThread(lane.storeProcess, lane.thread);
    m_store.setInternal(lane.storeProcess, process.helper);
    process.lanes.push_back(int(m_lanes.size()));
    m_lanes.push_back(std::move(lane));
    return process.lanes.back();
}

int TraceCollector::laneFor(Process& process, qint64 tid, const QString& thread)
{
    for (const int l : process.lanes) {
        if (m_lanes[size_t(l)].tid == tid)
            return l;
    }
    if (int(m_lanes.size()) >= kMaxLanes)
        return -1;
    Lane lane;
    lane.process = m_byPid.value(process.pid);
    lane.tid = tid;
    lane.thread = thread;
    return addLane(process, std::move(lane), QStringLiteral("thread"));
}

QString TraceCollector::laneName(const Process& process, const Lane& lane) const
{
    return lane.tid == process.pid ? process.name
                                   : QStringLiteral("%1 · %2").arg(process.name, lane.thread);
}

void TraceCollector::rename(Process& process, const QString& name)
{
    if (name.isEmpty() || name == process.name)
        return;
    process.name = name.left(200);
    for (const int l : process.lanes)
        m_store.renameProcess(m_lanes[size_t(l)].storeProcess,
                              laneName(process, m_lanes[size_t(l)]));
    m_channels.processRenamed(m_byPid.value(process.pid));
}

void TraceCollector::addSegment(Process& process, const QJsonObject& message)
{
    const QString path = message.value(QLatin1String("path")).toString();
    const qint64 tid = message.value(QLatin1String("tid")).toInteger();
    if (QFileInfo(path).absolutePath() != m_directory) {
        problem(QStringLiteral("%1 announced a segment outside the trace directory: %2")
                    .arg(process.name, path));
        return;
    }
    Result<TraceSegment> segment = TraceSegment::open(path, process.pid, tid);
    if (!segment) {
        problem(segment.error().message());
        return;
    }
    const int lane = laneFor(process, tid, message.value(QLatin1String("thread")).toString());
    if (lane < 0) {
        problem(QStringLiteral("more than %1 lanes: %2 is not shown").arg(kMaxLanes).arg(path));
        return;
    }
    m_lanes[size_t(lane)].segments.push_back(std::move(segment.value()));
}

void TraceCollector::disconnected(QLocalSocket* socket)
{
    const auto found = m_controls.find(socket);
    if (found == m_controls.end())
        return;
    const int index = found->second.process;
    m_controls.erase(found);
    socket->deleteLater();
    if (index < 0)
        return;
    Process& process = *m_processes[size_t(index)];
    process.control = nullptr;
    process.disconnectedNs = monotonicNs();
}

void TraceCollector::readSegments(Lane& lane, int laneIndex)
{
    while (!lane.segments.empty()) {
        TraceSegment& segment = lane.segments.front();
        segment.readNew([&](const SegmentRecord& record, QByteArrayView head) {
            Pending item;
            item.record = record;
            // A send is numbered when it began (its bytes may wait for room in the pipe), and a
            // put counts from its call (its feeder may send the item before put() returns); what
            // ends a call is placed where it ended.
            item.orderNs = record.kind == SegmentRecord::Send ||
                                   record.kind == SegmentRecord::RecvBegin ||
                                   record.kind == SegmentRecord::Put
                               ? record.startNs
                               : record.tNs;
            item.arrival = m_arrivals++;
            item.lane = laneIndex;
            item.headOffset = quint32(m_heads.size());
            m_heads.append(head.data(), head.size());
            m_pending.push_back(item);
        });
        if (segment.broken())
            problem(segment.problem());
        if (!segment.finished() && !segment.broken())
            return;
        QFile::remove(segment.path());
        lane.segments.pop_front();
    }
}

void TraceCollector::sweep(bool final)
{
    const qint64 now = monotonicNs();
    const size_t before = m_pending.size();
    for (size_t l = 0; l < m_lanes.size(); ++l)
        readSegments(m_lanes[l], int(l));
    if (m_pending.size() > before) {
        // What was held back is in order already: only the new records are sorted, then merged.
        const auto earlier = [](const Pending& a, const Pending& b) {
            return a.orderNs != b.orderNs ? a.orderNs < b.orderNs : a.arrival < b.arrival;
        };
        const auto middle = m_pending.begin() + qsizetype(before);
        std::sort(middle, m_pending.end(), earlier);
        std::inplace_merge(m_pending.begin(), middle, m_pending.end(), earlier);
    }
    const qint64 watermark = final ? std::numeric_limits<qint64>::max() : now - kHoldBackNs;
    size_t released = 0;
    while (released < m_pending.size() && m_pending[released].orderNs <= watermark) {
        const Pending& item = m_pending[released++];
        apply(item, QByteArrayView(m_heads.constData() + item.headOffset, item.record.headLength));
    }
    if (released > 0) {
        m_pending.erase(m_pending.begin(), m_pending.begin() + qsizetype(released));
        QByteArray heads;
        for (Pending& item : m_pending) {
            const quint32 offset = quint32(heads.size());
            heads.append(m_heads.constData() + item.headOffset, item.record.headLength);
            item.headOffset = offset;
        }
        m_heads = std::move(heads);
    }
    showWaits(final ? now : watermark);
    endProcesses(watermark, final);
}

void TraceCollector::apply(const Pending& item, QByteArrayView head)
{
    const SegmentRecord& r = item.record;
    Lane& lane = m_lanes[size_t(item.lane)];
    ++m_records;
    const bool valid = plausibleTime(r.startNs) && plausibleTime(r.tNs) && r.startNs <= r.tNs &&
                       r.tNs >= lane.lastNs && r.amount >= 0 &&
                       r.amount <= TraceStore::kMaxMessageBytes;
    if (!valid && r.kind != SegmentRecord::RecvBegin) {
        problem(QStringLiteral("an impossible record (kind %1) from %2: ignored")
                    .arg(r.kind)
                    .arg(m_store.processName(lane.storeProcess)));
        return;
    }
    // A thread's lane begins with its first record.
    if (lane.lastNs == 0 && valid)
        appendState(lane, r.startNs, ProcessState::Running, -1);
    // multiprocessing's own records on a channel of the program's go to its handshake channel.
    const bool internal = (r.flags & SegmentRecord::Internal) != 0;
    switch (r.kind) {
    case SegmentRecord::Send:
    case SegmentRecord::Recv:
        if (r.kind == SegmentRecord::Recv)
            lane.recvOpen = false;
        message(lane, r, head);
        break;
    case SegmentRecord::RecvBegin:
        lane.recvOpen = true;
        lane.recvStartNs = r.startNs;
        lane.recvKey = r.key;
        lane.recvInternal = internal;
        lane.blockedShown = false;
        break;
    case SegmentRecord::Poll: {
        append(lane, pollOf(r, m_channels.channelFor(r.key, internal)), {});
        break;
    }
    case SegmentRecord::Failed: {
        lane.recvOpen = false;
        if (lane.blockedShown)
            appendState(lane, r.tNs, ProcessState::Running, -1);
        lane.blockedShown = false;
        const int channel = m_channels.channelFor(r.key, internal);
        TelemetryRecord record;
        record.kind = EventKind::Error;
        record.startNs = r.startNs;
        record.tNs = r.tNs;
        record.channel = channel < 0 ? kNoChannel : quint16(channel);
        append(lane, record, head.first(std::min<qsizetype>(head.size(), kMaxRecordText)));
        break;
    }
    case SegmentRecord::Close: {
        // A writing end closed: said on a channel that exists (an end never used makes none).
        const int channel = m_channels.existingChannel(r.key);
        if (channel < 0)
            break;
        TelemetryRecord record;
        record.kind = EventKind::Close;
        record.startNs = record.tNs = r.tNs;
        record.channel = quint16(channel);
        append(lane, record, {});
        break;
    }
    case SegmentRecord::Wait: {
        // connection.wait(): a poll of several objects at once, said as the program called it.
        bool counted = false;
        const qsizetype objects = QByteArray(head.data(), head.size()).toLongLong(&counted);
        append(lane, pollOf(r, -1),
               QStringLiteral("wait(%1 objects) -> %2 ready")
                   .arg(counted ? QString::number(objects) : QStringLiteral("?"))
                   .arg(r.amount)
                   .toUtf8());
        break;
    }
    case SegmentRecord::Join: {
        // Shown as joining if it waited (from its start), then running again.
        const int joined = storeProcessOfPid(qint64(r.key));
        const bool waited = r.tNs - r.startNs > kPatienceNs;
        if (waited && !lane.blockedShown && joined >= 0 && joined != lane.storeProcess)
            appendState(lane, r.startNs, ProcessState::Joining, -1, joined);
        if (lane.blockedShown || (waited && joined >= 0))
            appendState(lane, r.tNs, ProcessState::Running, -1);
        lane.blockedShown = false;
        break;
    }
    case SegmentRecord::Put: {
        // Queue.put(): into the process's buffer, which its feeder thread sends from.
        const int channel = m_channels.channelFor(r.key, internal);
        if (channel < 0)
            break;
        TelemetryRecord record;
        record.kind = EventKind::Put;
        record.startNs = r.startNs;
        record.tNs = r.tNs;
        record.amount = r.amount;
        record.channel = quint16(channel);
        append(lane, record, {});
        break;
    }
    default:
        break;
    }
}

void TraceCollector::message(Lane& lane, const SegmentRecord& r, QByteArrayView head)
{
    const bool send = r.kind == SegmentRecord::Send;
    const int channel = m_channels.channelFor(r.key, (r.flags & SegmentRecord::Internal) != 0);
    if (channel < 0) {
        problem(QStringLiteral("more channels than the store holds: a message is not shown"));
        return;
    }
    // A wait worth seeing: blocked from the call's start (unless already shown) to its end.
    const bool waited = r.tNs - r.startNs > kPatienceNs;
    if (waited && !lane.blockedShown)
        appendState(lane, r.startNs, send ? ProcessState::BlockedSend : ProcessState::BlockedRecv,
                    channel);
    TelemetryRecord record;
    record.kind = send ? EventKind::Send : EventKind::Recv;
    record.startNs = r.startNs;
    record.tNs = r.tNs;
    record.amount = r.amount;
    record.channel = quint16(channel);
    record.seq = send ? m_channels.nextSendSeq(channel) : m_channels.nextRecvSeq(channel);
    // A recv's value is its send's (the same bytes went through the pipe): read once, not twice.
    const TraceStore::Channel& stored = m_store.channel(channel);
    const qint32 sent =
        !send && size_t(record.seq) < stored.messageBySeq.size()
            ? m_store.messages()[size_t(stored.messageBySeq[size_t(record.seq)])].sendEvent
            : -1;
    MessagePreview preview;
    if (sent >= 0 && m_store.messageBytes(sent) == r.amount) {
        preview.detail = m_store.detail(sent);
        if (!(preview.detail & kBytesPreview))
            preview.text = m_store.text(sent);
    } else {
        preview = previewMessage(head, r.amount, (r.flags & SegmentRecord::HeadCut) != 0);
    }
    record.detail = preview.detail;
    m_channels.used(channel, send, lane.process);
    append(lane, record, preview.text,
           head.first(std::min<qsizetype>(head.size(), kMaxPayloadHead)));
    if (waited || lane.blockedShown)
        appendState(lane, r.tNs, ProcessState::Running, -1);
    lane.blockedShown = false;
}

void TraceCollector::showWaits(qint64 until)
{
    for (Lane& lane : m_lanes) {
        if (lane.blockedShown || lane.segments.empty())
            continue;
        // A recv that began, or a send whose bytes have not all gone in, long enough ago.
        const SegmentRecord* open = lane.segments.front().pending();
        if (open && open->kind == SegmentRecord::Join) {
            // A join that has not returned: joining the process of that pid.
            const int joined = storeProcessOfPid(qint64(open->key));
            if (joined >= 0 && joined != lane.storeProcess && plausibleTime(open->startNs) &&
                open->startNs + kPatienceNs <= until && open->startNs >= lane.lastNs) {
                appendState(lane, open->startNs, ProcessState::Joining, -1, joined);
                lane.blockedShown = true;
            }
            continue;
        }
        const bool sending = open && open->kind == SegmentRecord::Send;
        const qint64 start = sending ? open->startNs : lane.recvStartNs;
        if (!(sending || lane.recvOpen) || start + kPatienceNs > until || start < lane.lastNs ||
            !plausibleTime(start))
            continue;
        const int channel =
            sending ? m_channels.channelFor(open->key, (open->flags & SegmentRecord::Internal) != 0)
                    : m_channels.channelFor(lane.recvKey, lane.recvInternal);
        appendState(lane, start, sending ? ProcessState::BlockedSend : ProcessState::BlockedRecv,
                    channel);
        lane.blockedShown = true;
    }
}

void TraceCollector::endProcesses(qint64 watermark, bool final)
{
    for (auto& process : m_processes) {
        if (process->ended || process->control || !process->exitcode)
            continue;
        if (!final && process->disconnectedNs > watermark)
            continue;
        process->ended = true;
        const int exitcode = *process->exitcode;
        for (const int l : process->lanes) {
            Lane& lane = m_lanes[size_t(l)];
            TelemetryRecord record;
            record.kind = EventKind::Exit;
            record.tNs = record.startNs = std::max(process->disconnectedNs, lane.lastNs);
            record.detail = exitcode < 0 ? 1 : 0;
            record.amount = std::abs(exitcode);
            append(lane, record, exitText(exitcode).toUtf8());
            appendState(lane, record.tNs,
                        exitcode == 0 ? ProcessState::Exited : ProcessState::Crashed, -1);
        }
    }
}

int TraceCollector::storeProcessOfPid(qint64 pid) const
{
    const auto found = m_byPid.constFind(pid);
    if (found == m_byPid.cend())
        return -1;
    const Process& process = *m_processes[size_t(*found)];
    return process.lanes.empty() ? -1 : m_lanes[size_t(process.lanes.front())].storeProcess;
}

void TraceCollector::appendState(Lane& lane, qint64 tNs, ProcessState state, int channel,
                                 int joined)
{
    TelemetryRecord record;
    record.kind = EventKind::State;
    record.tNs = record.startNs = tNs;
    record.detail = quint8(state);
    record.channel = channel < 0 ? kNoChannel : quint16(channel);
    record.amount = joined < 0 ? 0 : joined;
    append(lane, record, {});
}

void TraceCollector::append(Lane& lane, const TelemetryRecord& record, QByteArrayView text,
                            QByteArrayView head)
{
    const Result<qint32> appended = m_store.append(lane.storeProcess, record, text, head);
    if (!appended) {
        problem(appended.error().message());
        return;
    }
    lane.lastNs = std::max(lane.lastNs, record.tNs);
}

void TraceCollector::problem(const QString& description)
{
    // The same fault repeated (a broken process sending garbage) is noted a bounded number of
    // times.
    if (m_problems.size() >= 100)
        return;
    m_problems.append(description);
    Q_EMIT problemFound(description);
}

} // namespace pipescope
