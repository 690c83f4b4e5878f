// FindingsAnalyzer over hand-built runs: each detector on a run that proves its finding and on
// one that must not give it; and the CLI's check on saved scenario runs.
#include "findings/FindingsAnalyzer.h"
#include "findings/FindingsJson.h"
#include "trace/TraceStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace pipescope;

namespace {

constexpr qint64 kMs = 1'000'000;

// A run written event by event, in time order, as a runner records it.
class Run
{
public:
    Run()
    {
        m_store.setOrigin(0);
        a = m_store.addProcess(QStringLiteral("a"), {});
        b = m_store.addProcess(QStringLiteral("b"), {});
        ab = m_store.addChannel(QStringLiteral("a->b"), a, b);
    }
    void send(int process, int channel, qint64 seq, qint64 start, qint64 t, qint64 bytes = 5,
              const char* value = "1")
    {
        TelemetryRecord r;
        r.kind = EventKind::Send;
        r.channel = quint16(channel);
        r.seq = seq;
        r.startNs = start;
        r.tNs = t;
        r.amount = bytes;
        QVERIFY(m_store.append(process, r, QByteArray(value)).ok());
    }
    void recv(int process, int channel, qint64 seq, qint64 start, qint64 t, qint64 bytes = 5)
    {
        TelemetryRecord r;
        r.kind = EventKind::Recv;
        r.channel = quint16(channel);
        r.seq = seq;
        r.startNs = start;
        r.tNs = t;
        r.amount = bytes;
        QVERIFY(m_store.append(process, r, QByteArray("1")).ok());
    }
    void state(int process, qint64 t, ProcessState state, int channel = -1)
    {
        TelemetryRecord r;
        r.kind = EventKind::State;
        r.detail = quint8(state);
        r.channel = channel < 0 ? kNoChannel : quint16(channel);
        r.tNs = r.startNs = t;
        QVERIFY(m_store.append(process, r, {}).ok());
    }
    void exit(int process, qint64 t, int code, bool signal = false)
    {
        TelemetryRecord r;
        r.kind = EventKind::Exit;
        r.detail = signal ? 1 : 0;
        r.amount = code;
        r.tNs = r.startNs = t;
        QVERIFY(m_store.append(process, r, QByteArray("ended")).ok());
        state(process, t, signal || code != 0 ? ProcessState::Crashed : ProcessState::Exited);
    }
    void error(int process, qint64 t, const char* text)
    {
        TelemetryRecord r;
        r.kind = EventKind::Error;
        r.tNs = r.startNs = t;
        QVERIFY(m_store.append(process, r, QByteArray(text)).ok());
    }
    void poll(int process, qint64 start, qint64 t, double timeout)
    {
        TelemetryRecord r;
        r.kind = EventKind::Poll;
        r.startNs = start;
        r.tNs = t;
        r.amount = t - start;
        r.number = timeout;
        QVERIFY(m_store.append(process, r, {}).ok());
    }
    QStringList kinds(bool ended = true) const
    {
        QStringList kinds;
        for (const Finding& finding : FindingsAnalyzer::analyze(m_store, ended))
            kinds.append(QStringLiteral("%1 %2").arg(severityName(finding.severity), finding.kind));
        return kinds;
    }
    std::vector<Finding> findings() const { return FindingsAnalyzer::analyze(m_store, true); }

    TraceStore m_store;
    int a = 0;
    int b = 0;
    int ab = 0;
};

} // namespace

class TestFindings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanRunHasNone();
    void undeliveredLastValueIsInfo();
    void undeliveredResultsAreWarnings();
    void crashesAndExitCodes();
    void stoppedIsNoCrash();
    void failedCalls();
    void blockedSend();
    void busyPolling();
    void largeMessages();
    void sharedPipeEnd();
    void twoReadersWaitingOnOneEndAtOnce();
    void itemsPutAndNeverSent();
    void killedWhileSending();
    void anAnalyzerFollowingAGrowingRunFindsWhatAWholeAnalysisDoes();
    void slowConsumer();
    void latencyOutliers();
    void runnerDeadlock();
    void internalTrafficIsNoFinding();
    void json();
    void checkCommand();
};

void TestFindings::cleanRunHasNone()
{
    Run run;
    for (int i = 0; i < 3; ++i) {
        run.send(run.a, run.ab, i, i * 10 * kMs, i * 10 * kMs + 1000);
        run.recv(run.b, run.ab, i, i * 10 * kMs, i * 10 * kMs + 5000);
    }
    run.exit(run.a, 40 * kMs, 0);
    run.exit(run.b, 41 * kMs, 0);
    QCOMPARE(run.kinds(), QStringList());
}

void TestFindings::undeliveredLastValueIsInfo()
{
    Run run;
    run.send(run.a, run.ab, 0, kMs, kMs + 100, 5, "11.5");
    run.exit(run.b, 2 * kMs, 0);
    run.exit(run.a, 3 * kMs, 0);
    QCOMPARE(run.kinds(), QStringList{"info undelivered"});
    const Finding finding = run.findings().front();
    QVERIFY2(finding.title.contains(QLatin1String("11.5")), qPrintable(finding.title));
    QCOMPARE(finding.events.size(), size_t(1));
    QCOMPARE(run.m_store.kind(finding.events.front()), EventKind::Send);
    // While the run goes on, a message not yet received is in flight, not undelivered.
    QCOMPARE(run.kinds(false), QStringList());
}

void TestFindings::undeliveredResultsAreWarnings()
{
    Run run;
    run.send(run.a, run.ab, 0, kMs, kMs + 100);
    run.send(run.a, run.ab, 1, 2 * kMs, 2 * kMs + 100);
    run.exit(run.a, 3 * kMs, 0);
    run.exit(run.b, 4 * kMs, 0);
    QCOMPARE(run.kinds(), QStringList{"warning undelivered"});
    QCOMPARE(run.findings().front().events.size(), size_t(2));
}

void TestFindings::internalTrafficIsNoFinding()
{
    // Undelivered messages on multiprocessing's own channel, and a helper killed at the end, are
    // not the program's doing; the same on the program's channel are.
    Run run;
    const int helper = run.m_store.addProcess(QStringLiteral("resource tracker"), {});
    run.m_store.setInternal(helper, true);
    const int handshake = run.m_store.addChannel(QStringLiteral("a->b handshake"), run.a, run.b);
    run.m_store.setChannelInternal(handshake, true);
    run.send(run.a, handshake, 0, kMs, kMs + 100);
    run.send(run.a, handshake, 1, 2 * kMs, 2 * kMs + 100);
    run.exit(helper, 3 * kMs, SIGKILL, true);
    run.exit(run.a, 3 * kMs, 0);
    run.exit(run.b, 4 * kMs, 0);
    QCOMPARE(run.kinds(), QStringList());
    run.send(run.a, run.ab, 0, kMs, kMs + 100);
    run.send(run.a, run.ab, 1, 2 * kMs, 2 * kMs + 100);
    QCOMPARE(run.kinds(), QStringList{"warning undelivered"});

    // While a run goes on, a wait in a handshake is served by the other end (a forkserver still
    // starting up), whoever else is blocked: no deadlock.
    Run live;
    const int waited = live.m_store.addChannel(QStringLiteral("b->a handshake"), live.b, live.a);
    live.m_store.setChannelInternal(waited, true);
    live.state(live.a, kMs, ProcessState::BlockedRecv, waited);
    live.state(live.b, kMs, ProcessState::BlockedRecv, live.ab);
    QCOMPARE(FindingsAnalyzer::analyze(live.m_store, false, 5000 * kMs).size(), size_t(0));
    live.m_store.setChannelInternal(waited, false);
    const std::vector<Finding> stuck = FindingsAnalyzer::analyze(live.m_store, false, 5000 * kMs);
    QCOMPARE(stuck.size(), size_t(1));
    QCOMPARE(stuck.front().kind, QStringLiteral("deadlock"));
}

void TestFindings::crashesAndExitCodes()
{
    Run run;
    run.send(run.a, run.ab, 0, kMs, kMs + 100);
    run.exit(run.b, 2 * kMs, SIGKILL, true);
    run.exit(run.a, 3 * kMs, 3);
    const QStringList kinds = run.kinds();
    QCOMPARE(kinds.count(QStringLiteral("error crash")), 2);
    QVERIFY(kinds.contains(QStringLiteral("warning undelivered")));
    const Finding first = run.findings().front();
    QCOMPARE(first.severity, Severity::Error);
    QVERIFY2(first.title == QLatin1String("b was killed by SIGKILL") ||
                 first.title == QLatin1String("a exited with code 3"),
             qPrintable(first.title));
}

void TestFindings::stoppedIsNoCrash()
{
    Run run;
    run.state(run.a, kMs, ProcessState::Running);
    TelemetryRecord r;
    r.kind = EventKind::Exit;
    r.detail = 1;
    r.amount = SIGTERM;
    r.tNs = r.startNs = 2 * kMs;
    QVERIFY(run.m_store.append(run.a, r, QByteArray("was stopped")).ok());
    run.state(run.a, 2 * kMs, ProcessState::Stopped);
    QCOMPARE(run.kinds(), QStringList());
}

void TestFindings::failedCalls()
{
    Run run;
    run.error(run.a, kMs, "BrokenPipeError: [Errno 32] Broken pipe");
    run.error(run.a, 2 * kMs, "BrokenPipeError: [Errno 32] Broken pipe");
    run.error(run.b, 3 * kMs, "OSError: bad message length");
    run.error(run.b, 4 * kMs, "EOFError: ");
    // The runner's words about a process are not a call that failed.
    run.error(run.b, 5 * kMs, "b (pid 12) exited with code 1: see its output");
    const QStringList kinds = run.kinds();
    QVERIFY2(kinds.contains(QStringLiteral("warning broken-pipe")) &&
                 kinds.contains(QStringLiteral("warning buffer-too-short")) &&
                 kinds.contains(QStringLiteral("info eof")) && kinds.size() == 3,
             qPrintable(kinds.join(QLatin1Char(','))));
    for (const Finding& finding : run.findings()) {
        if (finding.kind == QLatin1String("broken-pipe"))
            QCOMPARE(finding.events.size(), size_t(2));
    }
}

void TestFindings::blockedSend()
{
    Run run;
    run.state(run.a, kMs, ProcessState::BlockedSend, run.ab);
    run.state(run.a, 30 * kMs, ProcessState::Running);
    run.send(run.a, run.ab, 0, kMs, 30 * kMs);
    run.recv(run.b, run.ab, 0, 29 * kMs, 31 * kMs);
    // A short wait (under 10 ms) is not one.
    run.state(run.a, 40 * kMs, ProcessState::BlockedSend, run.ab);
    run.state(run.a, 45 * kMs, ProcessState::Running);
    run.exit(run.a, 50 * kMs, 0);
    run.exit(run.b, 50 * kMs, 0);
    QCOMPARE(run.kinds(), QStringList{"warning blocked-send"});
    QVERIFY2(run.findings().front().title.contains(QLatin1String("29 ms")),
             qPrintable(run.findings().front().title));
}

void TestFindings::busyPolling()
{
    Run busy;
    for (int i = 0; i < 200; ++i)
        busy.poll(busy.b, kMs + i * 10'000, kMs + i * 10'000 + 500, 0);
    QCOMPARE(busy.kinds(), QStringList{"warning busy-poll"});
    // As many polls with a timeout, or at 100 a second, are no busy loop.
    Run patient;
    for (int i = 0; i < 200; ++i)
        patient.poll(patient.b, kMs + i * 10 * kMs, kMs + i * 10 * kMs + 500, 0.1);
    Run slow;
    for (int i = 0; i < 200; ++i)
        slow.poll(slow.b, kMs + i * 10 * kMs, kMs + i * 10 * kMs + 500, 0);
    QCOMPARE(patient.kinds(), QStringList());
    QCOMPARE(slow.kinds(), QStringList());
}

void TestFindings::largeMessages()
{
    Run run;
    run.send(run.a, run.ab, 0, kMs, 2 * kMs, 64 * 1024);
    run.recv(run.b, run.ab, 0, kMs, 2 * kMs, 64 * 1024);
    QCOMPARE(run.kinds(), QStringList()); // exactly the buffer: fits
    run.send(run.a, run.ab, 1, 3 * kMs, 4 * kMs, 64 * 1024 + 1);
    run.recv(run.b, run.ab, 1, 3 * kMs, 4 * kMs, 64 * 1024 + 1);
    QCOMPARE(run.kinds(), QStringList{"info large-message"});
    run.send(run.a, run.ab, 2, 5 * kMs, 6 * kMs, 40 * 1024 * 1024);
    run.recv(run.b, run.ab, 2, 5 * kMs, 6 * kMs, 40 * 1024 * 1024);
    QCOMPARE(run.kinds(), QStringList{"warning large-message"});
}

void TestFindings::sharedPipeEnd()
{
    Run run;
    const int c = run.m_store.addProcess(QStringLiteral("c"), {});
    const int pipe = run.m_store.addChannel(QStringLiteral("Pipe#1 a->b,c"),
                                            TraceStore::kAnyProcess, TraceStore::kAnyProcess);
    const int queue = run.m_store.addChannel(QStringLiteral("Queue#1 a->b,c"),
                                             TraceStore::kAnyProcess, TraceStore::kAnyProcess);
    for (const int channel : {pipe, queue}) {
        run.send(run.a, channel, 0, kMs, kMs + 10);
        run.send(run.a, channel, 1, kMs + 20, kMs + 30);
        run.recv(run.b, channel, 0, kMs, kMs + 100);
        run.recv(c, channel, 1, kMs, kMs + 200);
    }
    // A Queue is made for it; a Pipe is not.
    QCOMPARE(run.kinds(), QStringList{"warning shared-end"});
    QCOMPARE(run.findings().front().processes, QStringList({"b", "c"}));
}

void TestFindings::twoReadersWaitingOnOneEndAtOnce()
{
    // A scenario's pipe (named without a kind): b and c both wait in recv on it.
    Run run;
    const int c = run.m_store.addProcess(QStringLiteral("c"), {});
    run.state(run.b, kMs, ProcessState::BlockedRecv, run.ab);
    run.state(run.b, 5 * kMs, ProcessState::Running);
    // One after the other is no sharing.
    run.state(c, 6 * kMs, ProcessState::BlockedRecv, run.ab);
    run.state(c, 7 * kMs, ProcessState::Running);
    QCOMPARE(run.kinds(), QStringList());
    // At once is.
    run.state(run.b, 8 * kMs, ProcessState::BlockedRecv, run.ab);
    run.state(c, 9 * kMs, ProcessState::BlockedRecv, run.ab);
    run.state(run.b, 10 * kMs, ProcessState::Running);
    run.state(c, 11 * kMs, ProcessState::Running);
    const std::vector<Finding> findings = run.findings();
    QCOMPARE(findings.size(), size_t(1));
    QCOMPARE(findings.front().kind, QStringLiteral("shared-end"));
    QCOMPARE(findings.front().title, QStringLiteral("a->b was read by b and c at once"));
    QCOMPARE(findings.front().processes, QStringList({"b", "c"}));
    QCOMPARE(findings.front().events.size(), size_t(2));
    QVERIFY(findings.front().explanation.contains(QLatin1String("at 9.0 ms")));
}

void TestFindings::itemsPutAndNeverSent()
{
    // Three puts, one send: two items died in a's buffer.
    Run run;
    for (int i = 0; i < 3; ++i) {
        TelemetryRecord put;
        put.kind = EventKind::Put;
        put.channel = quint16(run.ab);
        put.startNs = (i + 1) * kMs;
        put.tNs = put.startNs + 1000;
        put.amount = i + 1;
        QVERIFY(run.m_store.append(run.a, put, {}).ok());
    }
    run.send(run.a, run.ab, 0, 5 * kMs, 5 * kMs + 100);
    run.recv(run.b, run.ab, 0, 5 * kMs, 6 * kMs);
    run.exit(run.a, 7 * kMs, 0);
    run.exit(run.b, 8 * kMs, 0);
    const std::vector<Finding> findings = run.findings();
    QCOMPARE(run.kinds(), QStringList{"warning undelivered"});
    QCOMPARE(findings.front().title,
             QStringLiteral("2 item(s) that a put on a->b never went into the pipe"));
    QCOMPARE(findings.front().events.size(), size_t(2));
    QCOMPARE(run.m_store.startTime(findings.front().events.front()), 2 * kMs);
    QCOMPARE(findings.front().processes, QStringList{"a"});
}

void TestFindings::killedWhileSending()
{
    // b killed while its send waited for room: the pipe may be torn.
    Run run;
    const int ba = run.m_store.addChannel(QStringLiteral("b->a"), run.b, run.a);
    run.state(run.b, kMs, ProcessState::BlockedSend, ba);
    run.exit(run.b, 5 * kMs, SIGTERM, true);
    run.exit(run.a, 6 * kMs, 0);
    const std::vector<Finding> findings = run.findings();
    QCOMPARE(run.kinds(), QStringList{"error terminated-while-sending"});
    QCOMPARE(findings.front().title,
             QStringLiteral("b was killed by SIGTERM while sending on b->a"));
    QCOMPARE(findings.front().channels, QStringList{"b->a"});
    QCOMPARE(run.m_store.kind(findings.front().events.front()), EventKind::State);
    // Killed while waiting to receive: a crash, nothing torn.
    Run receiving;
    receiving.state(receiving.b, kMs, ProcessState::BlockedRecv, receiving.ab);
    receiving.exit(receiving.b, 5 * kMs, SIGTERM, true);
    QCOMPARE(receiving.kinds(), QStringList{"error crash"});
    // Blocked in a send that went through, then killed: a crash.
    Run later;
    const int back = later.m_store.addChannel(QStringLiteral("b->a"), later.b, later.a);
    later.state(later.b, kMs, ProcessState::BlockedSend, back);
    later.state(later.b, 2 * kMs, ProcessState::Running);
    later.exit(later.b, 5 * kMs, SIGKILL, true);
    QCOMPARE(later.kinds(), QStringList{"error crash"});
}

void TestFindings::anAnalyzerFollowingAGrowingRunFindsWhatAWholeAnalysisDoes()
{
    // A run growing step by step: an analyzer that follows it (reading only what is new at each
    // update) agrees with a whole analysis at every step, live and at the end.
    Run run;
    const int c = run.m_store.addProcess(QStringLiteral("c"), {});
    FindingsAnalyzer following;
    QStringList disagreements;
    const auto same = [&](qint64 now, bool ended) {
        QStringList incremental;
        for (const Finding& f : following.update(run.m_store, ended, now))
            incremental.append(f.kind + u' ' + f.title);
        QStringList whole;
        for (const Finding& f : FindingsAnalyzer::analyze(run.m_store, ended, now))
            whole.append(f.kind + u' ' + f.title);
        if (incremental != whole)
            disagreements.append(incremental.join(u'|') + QStringLiteral(" != ") +
                                 whole.join(u'|'));
        return whole;
    };
    qint64 t = kMs;
    // b polls with timeout 0, 150 times in 1.5 ms, in three steps.
    for (int step = 0; step < 3; ++step) {
        for (int i = 0; i < 50; ++i, t += 10'000)
            run.poll(run.b, t, t + 1000, 0);
        same(t, false);
    }
    QVERIFY(same(t, false).join(u'\n').contains(QLatin1String("busy-poll")));
    // b and c both wait in recv on a->b: first one after the other, then at once, the second
    // wait still open when the analysis runs.
    run.state(run.b, t += kMs, ProcessState::BlockedRecv, run.ab);
    run.state(run.b, t += kMs, ProcessState::Running);
    run.state(c, t += kMs, ProcessState::BlockedRecv, run.ab);
    QVERIFY(!same(t, false).join(u'\n').contains(QLatin1String("shared-end")));
    run.state(run.b, t += kMs, ProcessState::BlockedRecv, run.ab);
    QVERIFY(same(t, false).join(u'\n').contains(QLatin1String("read by c and b at once")));
    run.state(c, t += kMs, ProcessState::Running);
    run.state(run.b, t += kMs, ProcessState::Running);
    QVERIFY(same(t, false).join(u'\n').contains(QLatin1String("read by c and b at once")));
    // a joins c while c is blocked sending on c->a, for more than a second.
    const int ca = run.m_store.addChannel(QStringLiteral("c->a"), c, run.a);
    run.state(c, t += kMs, ProcessState::BlockedSend, ca);
    TelemetryRecord join;
    join.kind = EventKind::State;
    join.detail = quint8(ProcessState::Joining);
    join.amount = c;
    join.tNs = join.startNs = t += kMs;
    QVERIFY(run.m_store.append(run.a, join, {}).ok());
    QVERIFY(!same(t + 500 * kMs, false).join(u'\n').contains(QLatin1String("join-pending")));
    QVERIFY(same(t + 1500 * kMs, false).join(u'\n').contains(QLatin1String("join-pending")));
    run.exit(c, t += 2000 * kMs, SIGKILL, true);
    run.exit(run.a, t += kMs, 0);
    run.exit(run.b, t += kMs, 0);
    const QString atEnd = same(t, true).join(u'\n');
    for (const char* kind : {"busy-poll", "shared-end", "join-pending", "terminated-while-sending"})
        QVERIFY2(atEnd.contains(QLatin1String(kind)), qPrintable(atEnd));
    QVERIFY2(disagreements.isEmpty(), qPrintable(disagreements.join(u'\n')));
    // Given another run, it starts afresh.
    Run clean;
    QVERIFY(following.update(clean.m_store, true, 0).empty());
}

void TestFindings::slowConsumer()
{
    // 100 messages in 99 ms; b takes one every 10 ms: 90 wait when the last is sent.
    Run slow;
    for (int i = 0; i < 100; ++i)
        slow.send(slow.a, slow.ab, i, i * kMs, i * kMs + 100);
    for (int i = 0; i < 100; ++i)
        slow.recv(slow.b, slow.ab, i, 0, 5 * kMs + i * 10 * kMs);
    const std::vector<Finding> findings = slow.findings();
    QCOMPARE(slow.kinds(), QStringList{"warning slow-consumer"});
    QVERIFY2(findings.front().title.contains(QLatin1String("msg/s in")),
             qPrintable(findings.front().title));
    QVERIFY2(findings.front().explanation.contains(QLatin1String("only 10 were received")),
             qPrintable(findings.front().explanation));
    // A reader that keeps up (each message read 0.5 ms after it was sent): none.
    Run steady;
    for (int i = 0; i < 100; ++i) {
        steady.send(steady.a, steady.ab, i, i * kMs, i * kMs + 100);
        steady.recv(steady.b, steady.ab, i, i * kMs, i * kMs + 500'000);
    }
    QCOMPARE(steady.kinds(), QStringList());
    // A backlog that the reader works off while the sending goes on: none.
    Run catching;
    for (int i = 0; i < 100; ++i)
        catching.send(catching.a, catching.ab, i, i * kMs, i * kMs + 100);
    for (int i = 0; i < 100; ++i)
        catching.recv(catching.b, catching.ab, i, 0,
                      i < 50 ? 40 * kMs + i * 100 : 60 * kMs + i * kMs);
    QCOMPARE(catching.kinds(), QStringList());
}

void TestFindings::latencyOutliers()
{
    Run steady;
    Run spiky;
    for (int i = 0; i < 200; ++i) {
        const qint64 t = i * kMs;
        steady.send(steady.a, steady.ab, i, t, t + 1000);
        steady.recv(steady.b, steady.ab, i, t, t + 50'000);
        spiky.send(spiky.a, spiky.ab, i, t, t + 1000);
        spiky.recv(spiky.b, spiky.ab, i, t, t + (i % 50 == 49 ? 900'000 : 20'000));
    }
    QCOMPARE(steady.kinds(), QStringList());
    // 4 of 200 slow, but under 1 ms: nothing; make them slower and it is a finding.
    QCOMPARE(spiky.kinds(), QStringList());
    Run slow;
    for (int i = 0; i < 200; ++i) {
        const qint64 t = i * 10 * kMs;
        slow.send(slow.a, slow.ab, i, t, t + 1000);
        slow.recv(slow.b, slow.ab, i, t, t + (i % 50 == 49 ? 5 * kMs : 20'000));
    }
    QCOMPARE(slow.kinds(), QStringList{"info latency-outliers"});
    QCOMPARE(slow.findings().front().events.size(), size_t(3));
}

void TestFindings::runnerDeadlock()
{
    Run run;
    run.state(run.a, kMs, ProcessState::BlockedRecv, run.ab);
    TelemetryRecord r;
    r.kind = EventKind::Error;
    r.tNs = r.startNs = 300 * kMs;
    QVERIFY(
        run.m_store
            .append(TraceStore::kRunner, r,
                    QByteArray("deadlock: a is blocked in recv on b->a; b is blocked in recv on "
                               "a->b; closing the runner's copies"))
            .ok());
    const std::vector<Finding> findings = run.findings();
    QCOMPARE(findings.size(), size_t(1));
    QCOMPARE(findings.front().kind, QStringLiteral("deadlock"));
    QCOMPARE(findings.front().severity, Severity::Error);
    QCOMPARE(findings.front().title, QStringLiteral("a, b wait for each other"));
    QCOMPARE(findings.front().processes, (QStringList{"a", "b"}));
}

void TestFindings::json()
{
    Run run;
    run.send(run.a, run.ab, 0, kMs, kMs + 100, 5, "11.5");
    run.exit(run.b, 2 * kMs, 0);
    run.exit(run.a, 3 * kMs, 0);
    const QJsonArray array =
        QJsonDocument::fromJson(findingsJson(run.m_store, run.findings())).array();
    QCOMPARE(array.size(), 1);
    const QJsonObject finding = array.first().toObject();
    for (const char* key :
         {"severity", "kind", "title", "explanation", "processes", "channels", "events"})
        QVERIFY2(finding.contains(QLatin1String(key)), key);
    QCOMPARE(finding.value(QStringLiteral("severity")).toString(), QStringLiteral("info"));
    const QJsonObject event = finding.value(QStringLiteral("events")).toArray().first().toObject();
    QCOMPARE(event.value(QStringLiteral("t_ns")).toInteger(), kMs + 100); // the send returned
    QCOMPARE(event.value(QStringLiteral("channel")).toString(), QStringLiteral("a->b"));
    QCOMPARE(event.value(QStringLiteral("seq")).toInteger(), 0);
}

void TestFindings::checkCommand()
{
    // Real runs, saved and checked: pingpong ends with its friendly undelivered value (exit 0);
    // flood fills the pipe (a warning: exit 1); the findings file says the same.
    QTemporaryDir dir;
    const auto pipescope = [](const QStringList& arguments, QByteArray* out = nullptr) {
        QProcess process;
        process.start(QStringLiteral(PIPESCOPE_PATH), arguments);
        process.waitForFinished(120000);
        if (out)
            *out = process.readAllStandardOutput();
        return process.exitCode();
    };
    const QString pingpong = dir.filePath(QStringLiteral("pingpong.jsonl"));
    const QString flood = dir.filePath(QStringLiteral("flood.jsonl"));
    QCOMPARE(pipescope({"run", "pingpong", "--seed", "1", "--time-scale", "0", "--quiet",
                        "--events", pingpong}),
             0);
    QCOMPARE(pipescope({"run", "flood", "--param", "count=300", "--quiet", "--events", flood}), 0);
    QByteArray out;
    QCOMPARE(pipescope({"check", pingpong}, &out), 0);
    QVERIFY2(out.startsWith("info: undelivered: "), out.constData());
    const QString findings = dir.filePath(QStringLiteral("findings.json"));
    QCOMPARE(pipescope({"check", flood, "--findings", findings}, &out), 1);
    QVERIFY2(out.contains("warning: blocked-send: sender was blocked in send on sender->receiver"),
             out.constData());
    QFile file(findings);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray array = QJsonDocument::fromJson(file.readAll()).array();
    QVERIFY(!array.isEmpty());
    QCOMPARE(array.first().toObject().value(QStringLiteral("kind")).toString(),
             QStringLiteral("blocked-send"));
    QCOMPARE(pipescope({"check", dir.filePath(QStringLiteral("missing.jsonl"))}), 1);
    QCOMPARE(pipescope({"check"}), 2);
}

QTEST_GUILESS_MAIN(TestFindings)
#include "tst_findings.moc"
