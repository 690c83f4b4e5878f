// pipescope-bench: PipeScope side by side with a raw C++ framing and CPython's
// multiprocessing.connection in one run (pipes, codec, tracing, ingestion, the window), with
// ratios and targets marked PASS or MISS. See usage() and the README's Performance section.
#include "BenchApplication.h"
#include "BenchPlan.h"
#include "CpythonBench.h"
#include "IngestBench.h"
#include "KillBench.h"
#include "OpenBench.h"
#include "PipeBench.h"
#include "PythonTraceBench.h"
#include "Report.h"
#include "Samples.h"
#include "SyntheticRun.h"
#include "TracingBench.h"
#include "UiBench.h"
#include "base/MonotonicClock.h"
#include "findings/FindingsAnalyzer.h"
#include "trace/TraceStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>
#include <QTemporaryDir>
#include <algorithm>
#include <array>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

using namespace pipescope;
using namespace pipescope::bench;

namespace {

enum Contender
{
    kPipeScope,
    kRaw,
    kCpython,
    kContenders
};

constexpr qsizetype kSmall = 64;

// One value per round and contender (a contender that could not run has none that round).
struct PerRound
{
    std::array<std::vector<std::optional<double>>, kContenders> values;

    void set(int contender, int round, std::optional<double> value)
    {
        auto& column = values[std::size_t(contender)];
        if (column.size() <= std::size_t(round))
            column.resize(std::size_t(round) + 1);
        column[std::size_t(round)] = value;
    }
    std::optional<double> median(int contender) const
    {
        Samples samples;
        for (const auto& value : values[std::size_t(contender)]) {
            if (value)
                samples.add(*value);
        }
        return samples.empty() ? std::nullopt : std::optional<double>(samples.median());
    }
    // The median over rounds of a / b within each round: contenders measured moments apart.
    std::optional<double> ratio(int a, int b) const
    {
        Samples ratios;
        const auto& first = values[std::size_t(a)];
        const auto& second = values[std::size_t(b)];
        for (std::size_t r = 0; r < std::min(first.size(), second.size()); ++r) {
            if (first[r] && second[r] && *second[r] > 0)
                ratios.add(*first[r] / *second[r]);
        }
        return ratios.empty() ? std::nullopt : std::optional<double>(ratios.median());
    }
    Report::Triple triple() const { return {median(kPipeScope), median(kRaw), median(kCpython)}; }
};

struct Sections
{
    bool rtt = true;
    bool throughput = true;
    bool objects = true;
    bool simplex = true;
    bool tracing = true;
    bool pytrace = true;
    bool ingest = true;
    bool open = true;
    bool paint = true;
    bool stall = true;
    // An hour long: only when --only names it.
    bool hour = false;

    bool pipes() const { return rtt || throughput || objects || simplex; }
    // Every section off (--only turns on those it names).
    static Sections none()
    {
        Sections sections;
        for (bool* flag : {&sections.rtt, &sections.throughput, &sections.objects,
                           &sections.simplex, &sections.tracing, &sections.pytrace,
                           &sections.ingest, &sections.open, &sections.paint, &sections.stall})
            *flag = false;
        return sections;
    }
};

QJsonValue jsonOrNull(std::optional<double> value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

void progress(const std::string& what)
{
    std::fprintf(stderr, "pipescope-bench: %s\n", what.c_str());
}

std::string roundText(const char* what, int round, int rounds)
{
    return std::string(what) + ", round " + std::to_string(round + 1) + " of " +
           std::to_string(rounds);
}

PipeBench::Contender pipeContender(int contender)
{
    return contender == kPipeScope ? PipeBench::Contender::PipeScope : PipeBench::Contender::Raw;
}

// 1-3: the pipes between two processes. Every contender runs once per round, in an order that
// rotates from round to round, so that a noisy moment hurts all of them alike. The targets are on
// the socketpair; the simplex rows repeat two one-way tests on a pipe() for all three, where one
// write() per message costs less, to show where that ceiling lies (information, not targets).
void runPipes(const BenchPlan& plan, const Sections& sections, CpythonBench& cpython,
              Report& report)
{
    struct OneWay
    {
        const char* tag; // in the JSON keys
        const char* size;
        qsizetype bytes;
        qint64 count;
        bool megabytes; // MiB/s, else messages/s
        PerRound rates;
    };
    OneWay oneWay[] = {
        {"64B", "64 B", kSmall, plan.count64B, false, {}},
        {"64KiB", "64 KiB", 64 * 1024, plan.count64KiB, true, {}},
        {"1MiB", "1 MiB", 1024 * 1024, plan.count1MiB, true, {}},
    };
    OneWay simplex64B{"64B_simplex", "64 B", kSmall, plan.count64B, false, {}};
    Samples rttPooled[kContenders];
    PerRound rttMedians;
    PerRound rttP99;
    PerRound objects;
    PerRound simplexObjects;
    auto countFor = [&](int contender, qint64 count) {
        return contender == kCpython
                   ? std::max<qint64>(1, qint64(double(count) * plan.cpythonShare))
                   : count;
    };
    // One run of a contender: messages (or MiB) per second; none if it could not run.
    auto oneWayRate = [&](int c, Transport transport, const OneWay& test) {
        const qint64 count = countFor(c, test.count);
        const std::optional<double> seconds =
            c == kCpython
                ? cpython.oneWaySeconds(transport, test.bytes, count)
                : PipeBench::oneWaySeconds(pipeContender(c), transport, test.bytes, count);
        const double units =
            test.megabytes ? double(count) * double(test.bytes) / 1048576.0 : double(count);
        return seconds && *seconds > 0 ? std::optional<double>(units / *seconds) : std::nullopt;
    };
    auto objectsRate = [&](int c, Transport transport) {
        const qint64 count = countFor(c, plan.objectCount);
        const std::optional<double> seconds =
            c == kCpython ? cpython.objectsSeconds(transport, count)
                          : PipeBench::objectsSeconds(pipeContender(c), transport, count);
        return seconds && *seconds > 0 ? std::optional<double>(double(count) / *seconds)
                                       : std::nullopt;
    };

    // A round of an objects row: CPython once, then plan.objectPairs pairs of PipeScope and raw
    // back to back, each pair in a slot of its own (CPython's shares the round's first), so that
    // PipeScope / raw is the median over every pair and PipeScope / CPython over the rounds.
    auto objectsRound = [&](PerRound& rates, Transport transport, int round) {
        const int first = round * plan.objectPairs;
        rates.set(kCpython, first, objectsRate(kCpython, transport));
        for (int pair = 0; pair < plan.objectPairs; ++pair) {
            const bool pipeScopeFirst = (round + pair) % 2 == 0;
            for (const int c :
                 {pipeScopeFirst ? kPipeScope : kRaw, pipeScopeFirst ? kRaw : kPipeScope})
                rates.set(c, first + pair, objectsRate(c, transport));
        }
    };

    for (int round = 0; round < plan.rounds; ++round) {
        progress(roundText("pipes", round, plan.rounds));
        std::array<int, kContenders> order{};
        for (int i = 0; i < kContenders; ++i)
            order[std::size_t(i)] = (i + round) % kContenders;

        for (const int c : order) {
            if (!sections.rtt)
                break;
            const std::optional<Samples> samples =
                c == kCpython ? cpython.roundTrips(kSmall, plan.rttWarmup, plan.rttIterations)
                              : PipeBench::roundTrips(pipeContender(c), kSmall, plan.rttWarmup,
                                                      plan.rttIterations);
            if (!samples || samples->empty())
                continue;
            rttPooled[c].append(*samples);
            rttMedians.set(c, round, samples->median() / 1e3);
            rttP99.set(c, round, samples->percentile(99) / 1e3);
        }
        for (OneWay& test : oneWay) {
            if (!sections.throughput)
                break;
            for (const int c : order)
                test.rates.set(c, round, oneWayRate(c, Transport::Duplex, test));
        }
        if (sections.objects)
            objectsRound(objects, Transport::Duplex, round);
        const bool simplex = sections.simplex && round < plan.simplexRounds;
        for (const int c : order) {
            if (!simplex)
                break;
            simplex64B.rates.set(c, round, oneWayRate(c, Transport::Simplex, simplex64B));
        }
        if (simplex)
            objectsRound(simplexObjects, Transport::Simplex, round);
    }

    QJsonObject ratios;
    if (sections.rtt) {
        auto pooled = [&](double percentile) {
            Report::Triple t;
            std::optional<double>* slots[kContenders] = {&t.pipescope, &t.raw, &t.cpython};
            for (int c = 0; c < kContenders; ++c) {
                if (!rttPooled[c].empty())
                    *slots[c] = rttPooled[c].percentile(percentile) / 1e3;
            }
            return t;
        };
        report.addTriple("rtt_us_median", "round trip 64 B, median", "us", pooled(50));
        report.addTriple("rtt_us_p99", "round trip 64 B, p99", "us", pooled(99));
        report.addTarget("rtt_median_vs_raw", "round trip median, PipeScope / raw",
                         rttMedians.ratio(kPipeScope, kRaw), true, 1.2, "x");
        ratios.insert(QStringLiteral("rtt_median_pipescope_raw"),
                      jsonOrNull(rttMedians.ratio(kPipeScope, kRaw)));
        ratios.insert(QStringLiteral("rtt_p99_pipescope_raw"),
                      jsonOrNull(rttP99.ratio(kPipeScope, kRaw)));
        ratios.insert(QStringLiteral("rtt_median_pipescope_cpython"),
                      jsonOrNull(rttMedians.ratio(kPipeScope, kCpython)));
    }
    if (sections.throughput) {
        for (const OneWay& test : oneWay) {
            const std::string key = std::string("throughput_") + test.tag;
            const std::string label = std::string("one way ") + test.size;
            report.addTriple((key + (test.megabytes ? "_MiB_per_s" : "_msgs_per_s")).c_str(),
                             label.c_str(), test.megabytes ? "MiB/s" : "msgs/s",
                             test.rates.triple());
            report.addTarget((key + "_vs_raw").c_str(), (label + ", PipeScope / raw").c_str(),
                             test.rates.ratio(kPipeScope, kRaw), false, 0.9, "x");
            ratios.insert(QString::fromStdString(key + "_pipescope_raw"),
                          jsonOrNull(test.rates.ratio(kPipeScope, kRaw)));
            ratios.insert(QString::fromStdString(key + "_pipescope_cpython"),
                          jsonOrNull(test.rates.ratio(kPipeScope, kCpython)));
        }
        // Information since issue 15, as objects / CPython below (the transport's floor).
        report.addInformation("throughput_64B_vs_cpython", "one way 64 B, PipeScope / CPython",
                              oneWay[0].rates.ratio(kPipeScope, kCpython), false, 3, "x");
    }
    if (sections.objects) {
        report.addTriple("objects_msgs_per_s", "objects: send(float) / recv()", "msgs/s",
                         objects.triple());
        // Information since issue 15: on a socketpair, one write() per message bounds even the
        // raw contender at about 3.6x CPython. The target is the raw floor of the transport.
        report.addInformation("objects_vs_cpython", "objects, PipeScope / CPython",
                              objects.ratio(kPipeScope, kCpython), false, 5, "x");
        report.addTarget("objects_vs_raw_socketpair", "objects, PipeScope / raw, socketpair",
                         objects.ratio(kPipeScope, kRaw), false, 0.95, "x");
        // Issue 15's names, at the top of the JSON as its other figures are.
        report.addJson("objects_vs_raw_socketpair", jsonOrNull(objects.ratio(kPipeScope, kRaw)));
        ratios.insert(QStringLiteral("objects_pipescope_cpython"),
                      jsonOrNull(objects.ratio(kPipeScope, kCpython)));
        ratios.insert(QStringLiteral("objects_pipescope_raw"),
                      jsonOrNull(objects.ratio(kPipeScope, kRaw)));
        report.addNote("objects rows: PipeScope and raw run " + std::to_string(plan.objectPairs) +
                       " times back to back a round (CPython once), their ratio the median over "
                       "all those pairs");
    }
    if (sections.simplex) {
        struct Simplex
        {
            const char* key; // of the measurement and, without "_msgs_per_s", of its ratios
            const char* label;
            const char* test; // in the ratio rows' labels
            const PerRound& rates;
        };
        const Simplex simplex[] = {
            {"throughput_64B_simplex", "one way 64 B, Pipe(duplex=False)", "64 B simplex",
             simplex64B.rates},
            {"objects_simplex", "objects, Pipe(duplex=False)", "objects simplex", simplexObjects},
        };
        constexpr std::array<std::array<int, 2>, 3> kPairs = {
            {{kPipeScope, kCpython}, {kRaw, kCpython}, {kPipeScope, kRaw}}};
        const char* const names[kContenders] = {"PipeScope", "raw", "CPython"};
        const char* const tags[kContenders] = {"pipescope", "raw", "cpython"};
        for (const Simplex& test : simplex) {
            const std::string key = test.key;
            report.addTriple((key + "_msgs_per_s").c_str(), test.label, "msgs/s",
                             test.rates.triple());
            for (const auto& [a, b] : kPairs) {
                const std::optional<double> ratio = test.rates.ratio(a, b);
                const std::string label =
                    std::string("  ") + test.test + ": " + names[a] + " / " + names[b];
                report.addValue(nullptr, label.c_str(), "x", ratio);
                ratios.insert(QString::fromStdString(key + "_" + tags[a] + "_" + tags[b]),
                              jsonOrNull(ratio));
            }
        }
        report.addTarget("objects_vs_raw_pipe", "objects, PipeScope / raw, pipe()",
                         simplexObjects.ratio(kPipeScope, kRaw), false, 0.95, "x");
        report.addJson("objects_vs_raw_pipe", jsonOrNull(simplexObjects.ratio(kPipeScope, kRaw)));
        report.addNote("Pipe(duplex=False) rows: one way 64 B and objects again over a pipe() for "
                       "all three (makePipe(false), raw on pipe2(), CPython's Pipe(duplex=False)), "
                       "where a write() costs less than on a socket, in " +
                       std::to_string(std::min(plan.simplexRounds, plan.rounds)) + " rounds");
        report.addNote("the CPython ratios (info) were targets until issue 15: one write() per "
                       "message bounds even the raw contender near them on a socketpair, so the "
                       "targets are now PipeScope against the raw floor of each transport");
    }
    report.addJson("ratios", ratios);
}

// 4: the same 64-byte flood untraced, traced on both workers (as a run has it) and traced on
// the sender only, interleaved the same way.
void runTracing(const BenchPlan& plan, Report& report)
{
    using Traced = TracingBench::Traced;
    constexpr Traced kVariants[] = {Traced::None, Traced::Both, Traced::Sender};
    PerRound rates; // columns: untraced, both traced, sender traced
    TracingBench::Outcome traced;
    for (int round = 0; round < plan.traceRounds; ++round) {
        progress(roundText("tracing", round, plan.traceRounds));
        for (int i = 0; i < 3; ++i) {
            const int variant = (i + round) % 3;
            const TracingBench::Outcome outcome =
                TracingBench::flood(kVariants[variant], kSmall, plan.traceCount);
            rates.set(variant, round, outcome.messagesPerSecond);
            if (kVariants[variant] == Traced::Both)
                traced = outcome;
        }
    }
    report.addValue("trace_off_msgs_per_s", "flood 64 B, untraced", "msgs/s", rates.median(0));
    report.addValue("trace_on_msgs_per_s", "flood 64 B, both workers traced", "msgs/s",
                    rates.median(1));
    report.addValue("trace_sender_only_msgs_per_s", "flood 64 B, sender traced", "msgs/s",
                    rates.median(2));
    report.addValue("trace_on_off_ratio", "tracing on / off (both traced)", "x", rates.ratio(1, 0));
    report.addValue("trace_sender_only_on_off_ratio", "tracing on / off (sender only)", "x",
                    rates.ratio(2, 0));
    report.addTarget("trace_on_off", "tracing on / off", rates.ratio(1, 0), false, 0.9, "x");
    report.addNote("traced flood of " + std::to_string(plan.traceCount) +
                   " messages: " + std::to_string(traced.records) + " telemetry records in " +
                   std::to_string(traced.batches) + " wakes of the reader");
}

// SIGKILLs against telemetry: every send a killed child began and whose message was received is
// in the run.
void runKill(const BenchPlan& plan, Report& report)
{
    progress("kill rounds");
    const KillBench::Outcome outcome = KillBench::run(plan.killRounds);
    report.addTarget("lost_sends_on_sigkill", "received messages whose sends a SIGKILL lost",
                     double(outcome.lostSends), true, 0, "msgs");
    report.addJson("lost_sends_on_sigkill", QJsonValue(qint64(outcome.lostSends)));
    report.addNote("kill rounds: " + std::to_string(outcome.rounds) + " runs (flood, fan-in), " +
                   std::to_string(outcome.killedWhileRunning) +
                   " SIGKILLs landed on a running child, " + std::to_string(outcome.received) +
                   " messages received, " + std::to_string(outcome.lostSends) +
                   " of them without their send");
}

// What a stall measurement saw: "WHAT: N messages, M events in S s (finished); ...".
std::string stallNote(const char* what, const UiBench::Stall& stall)
{
    char note[256];
    std::snprintf(
        note, sizeof note,
        "%s: %lld messages, %lld events in %.1f s (%s); %lld gaps of the 1 ms timer over 16 ms, "
        "%lld over 50 ms",
        what, static_cast<long long>(stall.messages), static_cast<long long>(stall.events),
        stall.seconds,
        stall.finished ? (stall.succeeded ? "finished" : "failed") : "stopped at the time limit",
        static_cast<long long>(stall.gapsOver16Ms), static_cast<long long>(stall.gapsOver50Ms));
    return note;
}

// 4b: what `pipescope trace` costs a real Python program, against strace.
void runPythonTrace(const BenchPlan& plan, Report& report)
{
    const PythonTraceBench bench;
    if (!bench.available()) {
        report.addNote("tracing Python programs: not measured (" + bench.missing().toStdString() +
                       ")");
        return;
    }
    using Mode = PythonTraceBench::Mode;
    constexpr Mode kModes[] = {Mode::Untraced, Mode::PipeScope, Mode::Strace};
    const int modes = bench.straceAvailable() ? 3 : 2;
    struct Test
    {
        const char* name;
        qint64 count;
        const char* key;
        const char* label;
    };
    const Test tests[] = {
        {"pingpong", plan.pythonPingPongs, "python_trace_pingpong", "Python ping-pong"},
        {"queue", plan.pythonQueueItems, "python_trace_queue", "Python Queue"}};
    for (const Test& test : tests) {
        PerRound seconds; // columns: untraced, PipeScope, strace
        for (int round = 0; round < plan.pythonTraceRounds; ++round) {
            progress(roundText(test.label, round, plan.pythonTraceRounds));
            for (int i = 0; i < modes; ++i) {
                const int mode = (i + round) % modes;
                seconds.set(
                    mode, round,
                    bench.seconds(kModes[mode], QString::fromLatin1(test.name), test.count));
            }
        }
        const std::string key = test.key;
        report.addValue((key + "_untraced_s").c_str(),
                        (std::string(test.label) + ", untraced").c_str(), "s", seconds.median(0));
        report.addValue((key + "_traced_s").c_str(), (std::string(test.label) + ", traced").c_str(),
                        "s", seconds.median(1));
        report.addTarget((key + "_ratio").c_str(),
                         (std::string(test.label) + ", traced / untraced").c_str(),
                         seconds.ratio(1, 0), true, 1.3, "x");
        report.addValue((key + "_strace_ratio").c_str(),
                        (std::string(test.label) + ", strace / untraced").c_str(), "x",
                        bench.straceAvailable() ? seconds.ratio(2, 0) : std::nullopt);
    }
    if (!bench.straceAvailable())
        report.addNote("strace is not installed: the strace rows are empty");

    progress("UI stall while the window traces a Python flood");
    const UiBench::Stall stall = UiBench::tracedStall(bench.python(), bench.script(),
                                                      plan.pythonFloodCount, plan.floodLimitMs * 3);
    report.addValue("python_trace_ui_stall_ms", "UI stall, window tracing Python", "ms",
                    stall.maxGapMs);
    report.addTarget("python_trace_ui_stall", "UI stall, window tracing Python", stall.maxGapMs,
                     true, 50, "ms");
    report.addNote(stallNote("window tracing python_trace_bench.py flood", stall));
}

// 5: the runner's ingestion of telemetry into the TraceStore.
// 5b: opening a saved run (EventsJsonReader, File > Open, `pipescope FILE.jsonl`).
void runOpen(const BenchPlan& plan, Report& report)
{
    progress("opening a saved events file");
    const OpenBench::Outcome open = OpenBench::run(plan.openMessages, plan.openRounds);
    const std::optional<double> rate =
        open.seconds > 0 ? std::optional<double>(double(open.events) / open.seconds) : std::nullopt;
    report.addValue("open_events_per_s", "opening a saved events file", "events/s", rate);
    report.addTarget("open_events_per_s", "opening a saved events file", rate, false, 2'000'000,
                     "events/s");
    char note[200];
    std::snprintf(note, sizeof note,
                  "opening: %lld events (%lld messages), %.0f MiB of JSON Lines, read in %.2f s "
                  "(median of %d)",
                  static_cast<long long>(open.events), static_cast<long long>(plan.openMessages),
                  double(open.fileBytes) / 1048576.0, open.seconds, plan.openRounds);
    report.addNote(note);
}

void runIngest(const BenchPlan& plan, Report& report)
{
    progress("ingestion");
    const IngestBench ingest(plan.ingestMessages);
    Samples rates;
    IngestBench::Outcome outcome;
    for (int round = 0; round < plan.ingestRounds; ++round) {
        outcome = ingest.run();
        rates.add(double(outcome.events) / outcome.seconds);
    }
    report.addValue("ingest_events_per_s", "ingestion: decoder + TraceStore::append", "events/s",
                    rates.median());
    report.addValue("store_heap_bytes_per_event", "store heap growth per event", "B",
                    outcome.heapBytesPerEvent);
    report.addValue("store_preview_bytes_per_event", "  of which value previews", "B",
                    outcome.previewBytesPerEvent);
    report.addValue("store_bytes_per_event", "store per event, previews aside", "B",
                    outcome.storeBytesPerEvent);
    report.addValue("store_declared_bytes_per_event", "TraceStore::bytesPerEvent()", "B",
                    double(TraceStore::bytesPerEvent()));
    report.addTarget("ingest_rate", "ingestion", rates.median(), false, 2'000'000, "events/s");
    const std::optional<double> storeBytes =
        std::isnan(outcome.storeBytesPerEvent) ? std::nullopt
                                               : std::optional<double>(outcome.storeBytesPerEvent);
    report.addTarget("store_bytes", "store per event, previews aside", storeBytes, true, 64, "B");
    report.addJson("ingest_events", double(outcome.events));
    report.addNote("ingestion: " + std::to_string(outcome.events) + " events in " +
                   std::to_string(outcome.batches) + " batches, " +
                   std::to_string(plan.ingestRounds) + " rounds; the store's heap growth is " +
                   "measured with mallinfo2() (arena + mmapped bytes in use)");
}

// 6a: drawing the timeline of a big recorded run.
// 5b: what the findings analysis costs per event: live, as the window runs it (an analyzer that
// follows the store, updated as it grows: each update reads what came in since the last), and at
// the end (all the detectors, once), over the synthetic run of the paint benchmark.
void runFindings(const BenchPlan& plan, Report& report)
{
    progress("findings analysis");
    TraceStore store;
    store.addProcess(QStringLiteral("sender"), QStringLiteral("sender"));
    store.addProcess(QStringLiteral("receiver"), QStringLiteral("receiver"));
    store.addChannel(QStringLiteral("sender->receiver"), SyntheticRun::kSender,
                     SyntheticRun::kReceiver);
    // Live: an update after every 1/100 of the run.
    FindingsAnalyzer following;
    qint64 updating = 0;
    const qsizetype step = std::max<qsizetype>(1, qsizetype(plan.paintMessages) / 100);
    qsizetype messages = 0;
    SyntheticRun::generate(plan.paintMessages, [&](int process, const TelemetryRecord& record,
                                                   QByteArrayView text, QByteArrayView head) {
        (void)store.append(process, record, text, head);
        if (record.kind == EventKind::Recv && ++messages % step == 0) {
            const qint64 started = monotonicNs();
            (void)following.update(store, false, store.activityEnd());
            updating += monotonicNs() - started;
        }
    });
    Samples idle;
    Samples ended;
    std::size_t findings = 0;
    for (int repeat = 0; repeat < plan.ingestRounds; ++repeat) {
        qint64 started = monotonicNs();
        (void)following.update(store, false, store.activityEnd()); // nothing new
        idle.add(double(monotonicNs() - started) / 1e3);
        started = monotonicNs();
        findings = FindingsAnalyzer::analyze(store, true, store.activityEnd()).size();
        ended.add(double(monotonicNs() - started) / double(store.eventCount()));
    }
    report.addValue("findings_ns_per_event_live", "findings analysis, live, per event taken in",
                    "ns", double(updating) / double(store.eventCount()));
    report.addValue("findings_update_us_idle", "findings update with nothing new", "us",
                    idle.median());
    report.addValue("findings_ns_per_event_end", "findings analysis, at the end, per event", "ns",
                    ended.median());
    report.addNote("findings analysis over " + std::to_string(store.eventCount()) + " events (" +
                   std::to_string(findings) + " findings); live: an update after every " +
                   std::to_string(step) + " messages");
}

void runPaint(const BenchPlan& plan, Report& report)
{
    progress("timeline paint");
    const UiBench::Paint paint = UiBench::paint(plan.paintMessages, plan.paintRepeats);
    const std::string run = "timeline " + std::to_string(paint.messages / 1000) + "k msgs";
    report.addValue("paint_ms_1M_full", (run + ", full zoom-out").c_str(), "ms", paint.fullMs);
    report.addValue("paint_ms_1M_full_first", (run + ", first paint").c_str(), "ms",
                    paint.firstFullMs);
    report.addValue("paint_ms_1M_1ms", (run + ", 1 ms window").c_str(), "ms", paint.windowMs);
    report.addTarget("paint_full", (run + ", full zoom-out").c_str(), paint.fullMs, true, 16, "ms");
    report.addJson("paint_messages", double(paint.messages));
    report.addJson("paint_events", double(paint.events));
    report.addNote(run + " (" + std::to_string(paint.events) +
                   " events) rendered at 1400x500: " + std::to_string(paint.fullArrows) +
                   " arrows + " + std::to_string(paint.fullBundles) +
                   " bundles at full zoom-out, " + std::to_string(paint.windowArrows) + " + " +
                   std::to_string(paint.windowBundles) + " in the 1 ms window; medians of " +
                   std::to_string(plan.paintRepeats) + " paints");
}

// 6b: the UI thread while a real flood run streams into the window.
// The UI events that took 10 ms or more during a stall measurement: a note and JSON `key`.
void addSlowEvents(Report& report, const char* key, const UiBench::Stall& stall)
{
    char note[256];
    QJsonArray slowJson;
    std::string slowText = "UI events of 10 ms or more (count, longest, total):";
    for (const BenchApplication::Slow& slow : stall.slowEvents) {
        QJsonObject entry;
        entry.insert(QStringLiteral("event"), QString::fromStdString(slow.what));
        entry.insert(QStringLiteral("count"), slow.count);
        entry.insert(QStringLiteral("max_ms"), slow.maxMs);
        entry.insert(QStringLiteral("total_ms"), slow.totalMs);
        slowJson.append(entry);
        std::snprintf(note, sizeof note, "\n    %s: %d, %.1f ms, %.0f ms", slow.what.c_str(),
                      slow.count, slow.maxMs, slow.totalMs);
        slowText += note;
    }
    report.addJson(key, slowJson);
    if (stall.slowEvents.empty())
        slowText += " none";
    report.addNote(slowText);

    // The outliers one by one (in the JSON as KEY_outliers): when, and what inside them took it.
    QJsonArray outliersJson;
    std::string outliersText = "UI events of 50 ms or more (second of the run, ms, event; its "
                               "longest paint; page faults minor/major, involuntary switches):";
    for (const BenchApplication::Outlier& outlier : stall.outliers) {
        QJsonObject entry;
        entry.insert(QStringLiteral("seconds"), outlier.seconds);
        entry.insert(QStringLiteral("ms"), outlier.ms);
        entry.insert(QStringLiteral("event"), QString::fromStdString(outlier.what));
        entry.insert(QStringLiteral("longest_paint"), QString::fromStdString(outlier.longestPaint));
        entry.insert(QStringLiteral("longest_paint_ms"), outlier.longestPaintMs);
        entry.insert(QStringLiteral("minor_faults"), double(outlier.minorFaults));
        entry.insert(QStringLiteral("major_faults"), double(outlier.majorFaults));
        entry.insert(QStringLiteral("involuntary_switches"), double(outlier.involuntarySwitches));
        outliersJson.append(entry);
        std::snprintf(note, sizeof note, "\n    %8.1f s: %6.1f ms, %s; %s %.1f ms; %ld/%ld, %ld",
                      outlier.seconds, outlier.ms, outlier.what.c_str(),
                      outlier.longestPaint.empty() ? "no paint" : outlier.longestPaint.c_str(),
                      outlier.longestPaintMs, outlier.minorFaults, outlier.majorFaults,
                      outlier.involuntarySwitches);
        outliersText += note;
    }
    report.addJson((std::string(key) + "_outliers").c_str(), outliersJson);
    if (stall.outliers.empty())
        outliersText += " none";
    if (stall.outliersLeftOut > 0) {
        std::snprintf(note, sizeof note, "\n    and %d shorter ones", stall.outliersLeftOut);
        outliersText += note;
    }
    report.addNote(outliersText);
}

void runStall(const BenchPlan& plan, Report& report)
{
    progress("UI stall during a flood run");
    const UiBench::Stall stall = UiBench::stall(plan.floodCount, plan.floodLimitMs);
    report.addValue("ui_stall_ms_max", "UI stall during flood, max", "ms", stall.maxGapMs);
    report.addValue("ui_stall_ms_max_streaming", "UI stall until the run ended", "ms",
                    stall.maxGapStreamingMs);
    report.addTarget("ui_stall", "UI stall during flood", stall.maxGapMs, true, 50, "ms");
    report.addJson("flood_messages", double(stall.messages));
    report.addJson("flood_seconds", stall.seconds);
    report.addJson("flood_finished", stall.finished);
    report.addNote(stallNote("flood run in the window (64 B, delay 0)", stall));
    addSlowEvents(report, "ui_slow_events", stall);

    // The long flood: ten million messages (fewer with --quick, said in the note).
    progress("UI stall and memory during the long flood run");
    const UiBench::Stall big = UiBench::stall(plan.longFloodCount, plan.longFloodLimitMs);
    const double messages = double(std::max<qint64>(1, big.messages));
    const std::optional<double> perMessage =
        big.messages > 0 ? std::optional<double>(double(big.residentGrowth) / messages)
                         : std::nullopt;
    const std::optional<double> freed =
        big.residentGrowth > 0
            ? std::optional<double>(double(big.residentFreed) / double(big.residentGrowth))
            : std::nullopt;
    report.addValue("ui_stall_ms_10M", "UI stall during the long flood", "ms", big.maxGapMs);
    report.addValue("bytes_per_message_10M", "resident memory per message, long flood", "B",
                    perMessage);
    report.addValue("history_freed_ratio", "memory given back when the run is removed", "x", freed);
    report.addTarget("ui_stall_10M", "UI stall during the long flood", big.maxGapMs, true, 50,
                     "ms");
    report.addTarget("bytes_per_message_10M", "resident memory per message, long flood", perMessage,
                     true, 100, "B");
    report.addTarget("history_freed_ratio", "memory given back by removing the run", freed, false,
                     0.9, "x");
    char note[256];
    std::snprintf(note, sizeof note,
                  "long flood: %lld messages%s; the window's resident memory grew by %.0f MiB "
                  "and fell by %.0f MiB when the run was removed from the history",
                  static_cast<long long>(big.messages),
                  plan.longFloodCount < 10'000'000 ? " (scaled down from 10M by --quick)" : "",
                  double(big.residentGrowth) / 1048576.0, double(big.residentFreed) / 1048576.0);
    report.addNote(note);
    report.addNote(stallNote("long flood run in the window (64 B, delay 0)", big));
    addSlowEvents(report, "ui_slow_events_10M", big);
}

// 6c: a long run at a steady rate (issue 15's hour at 10k messages a second): the UI stall, the
// memory per message, and how the memory grew as the run went.
void runHour(const BenchPlan& plan, Report& report)
{
    progress("a paced flood of " + std::to_string(plan.hourMinutes) + " minutes at " +
             std::to_string(plan.hourRate) + " messages/s");
    const UiBench::Stall run =
        UiBench::paced(plan.hourRate, plan.hourMinutes * 60, plan.hourSampleSeconds);
    const std::optional<double> perMessage =
        run.messages > 0 ? std::optional<double>(double(run.residentGrowth) / double(run.messages))
                         : std::nullopt;
    const double rate = run.seconds > 0 ? double(run.messages) / run.seconds : 0;
    report.addValue("hour_msgs_per_s", "paced run, messages a second", "msgs/s", rate);
    report.addValue("hour_ui_stall_ms_streaming", "paced run, UI stall until it ended", "ms",
                    run.maxGapStreamingMs);
    report.addTarget("hour_ui_stall", "UI stall during the paced run", run.maxGapMs, true, 50,
                     "ms");
    report.addTarget("hour_bytes_per_message", "resident memory per message, paced run", perMessage,
                     true, 100, "B");
    report.addJson("hour_minutes", plan.hourMinutes);
    report.addJson("hour_rate", plan.hourRate);
    report.addJson("hour_messages", double(run.messages));
    report.addJson("hour_finished", run.finished && run.succeeded);
    QJsonArray samples;
    std::string growth = "the paced run's resident growth (minute: messages, MiB, B a message):";
    char line[128];
    // In the text, the first minute's sample and one per five minutes, chosen by index (sample i
    // is taken about (i + 1) sample periods in).
    const int perMinute = std::max(1, 60 / plan.hourSampleSeconds);
    for (std::size_t i = 0; i < run.samples.size(); ++i) {
        const UiBench::Stall::Sample& sample = run.samples[i];
        QJsonObject entry;
        entry.insert(QStringLiteral("seconds"), sample.seconds);
        entry.insert(QStringLiteral("messages"), double(sample.messages));
        entry.insert(QStringLiteral("resident_growth"), double(sample.residentGrowth));
        samples.append(entry);
        const std::size_t period = i + 1;
        if (period != std::size_t(perMinute) && period % std::size_t(5 * perMinute) != 0)
            continue;
        std::snprintf(
            line, sizeof line, "\n    %3d: %11lld  %7.0f  %5.1f", int(sample.seconds + 0.5) / 60,
            static_cast<long long>(sample.messages), double(sample.residentGrowth) / 1048576.0,
            sample.messages > 0 ? double(sample.residentGrowth) / double(sample.messages) : 0.0);
        growth += line;
    }
    report.addJson("hour_memory_samples", samples);
    report.addNote(growth);
    report.addNote(stallNote("paced flood run in the window (64 B, rate-limited sender)", run));
    addSlowEvents(report, "hour_slow_events", run);
}

QtMessageHandler g_previousHandler = nullptr;

// The offscreen platform says this for every window the bench shows: noise, not news.
void quietMessages(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (message.contains(QLatin1String("does not support propagateSizeHints")))
        return;
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

int usage(FILE* to, int status)
{
    std::fputs(
        "usage: pipescope-bench [--quick] [--json FILE] [--only SECTION[,SECTION...]]\n"
        "                       [--hour-minutes N] [--hour-rate N]\n"
        "  Measures PipeScope against a raw C++ framing and CPython's multiprocessing (python3\n"
        "  and cpython_bench.py) in one run and prints a table with every target PASS or MISS.\n"
        "  --quick      a brief run that only proves the bench works (CI)\n"
        "  --json FILE  also write the results as one JSON object\n"
        "  --only ...   run only these sections (for profiling): rtt, throughput, objects,\n"
        "               simplex, tracing, pytrace, ingest, open, paint, stall; and hour,\n"
        "               which only runs when named: a flood paced at 10k messages/s for an\n"
        "               hour in the window (its memory per message and UI stall)\n"
        "  --hour-minutes N  the paced run's length in minutes (default 60; at most 100 million\n"
        "               messages in all: 166 minutes at the default rate)\n"
        "  --hour-rate N     the paced run's messages a second, 1 to 1000000 (default 10000)\n"
        "  The pipe sections run over a socketpair, like multiprocessing.Pipe(), except simplex:\n"
        "  one way 64 B and objects over a pipe(), like Pipe(duplex=False), for information.\n",
        to);
    return status;
}

std::optional<Sections> parseSections(const QString& list)
{
    Sections sections = Sections::none();
    for (const QString& name : list.split(QLatin1Char(','))) {
        bool* flag = name == QLatin1String("rtt")          ? &sections.rtt
                     : name == QLatin1String("throughput") ? &sections.throughput
                     : name == QLatin1String("objects")    ? &sections.objects
                     : name == QLatin1String("simplex")    ? &sections.simplex
                     : name == QLatin1String("tracing")    ? &sections.tracing
                     : name == QLatin1String("pytrace")    ? &sections.pytrace
                     : name == QLatin1String("ingest")     ? &sections.ingest
                     : name == QLatin1String("open")       ? &sections.open
                     : name == QLatin1String("paint")      ? &sections.paint
                     : name == QLatin1String("stall")      ? &sections.stall
                     : name == QLatin1String("hour")       ? &sections.hour
                                                           : nullptr;
        if (!flag)
            return std::nullopt;
        *flag = true;
    }
    return sections;
}

} // namespace

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::signal(SIGPIPE, SIG_IGN);
    g_previousHandler = qInstallMessageHandler(quietMessages);
    BenchApplication application(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("PipeScope"));
    QCoreApplication::setApplicationName(QStringLiteral("pipescope-bench"));
    // The window saves its settings: into a scratch directory, not the user's.
    QTemporaryDir settingsDirectory;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDirectory.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDirectory.path());

    bool quick = false;
    int hourMinutes = 0;
    int hourRate = 0;
    QString jsonPath;
    Sections sections;
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& argument = arguments[i];
        const bool hasValue = i + 1 < arguments.size();
        if (argument == QLatin1String("--quick")) {
            quick = true;
        } else if (argument == QLatin1String("--json") && hasValue) {
            jsonPath = arguments[++i];
        } else if (argument == QLatin1String("--only") && hasValue) {
            const std::optional<Sections> only = parseSections(arguments[++i]);
            if (!only) {
                std::fprintf(stderr, "pipescope-bench: unknown section in '%s'\n",
                             qPrintable(arguments[i]));
                return usage(stderr, 2);
            }
            sections = *only;
        } else if (argument == QLatin1String("--hour-minutes") && hasValue) {
            bool ok = false;
            hourMinutes = arguments[++i].toInt(&ok);
            if (!ok || hourMinutes < 1) {
                std::fprintf(stderr, "pipescope-bench: --hour-minutes takes a whole number of "
                                     "minutes, 1 or more\n");
                return usage(stderr, 2);
            }
        } else if (argument == QLatin1String("--hour-rate") && hasValue) {
            bool ok = false;
            hourRate = arguments[++i].toInt(&ok);
            if (!ok || hourRate < 1 || hourRate > BenchPlan::kMaxHourRate) {
                std::fprintf(stderr,
                             "pipescope-bench: --hour-rate takes 1 to %d messages a second\n",
                             BenchPlan::kMaxHourRate);
                return usage(stderr, 2);
            }
        } else if (argument == QLatin1String("--help") || argument == QLatin1String("-h")) {
            return usage(stdout, 0);
        } else {
            std::fprintf(stderr, "pipescope-bench: unknown argument '%s'\n", qPrintable(argument));
            return usage(stderr, 2);
        }
    }

    BenchPlan plan = quick ? BenchPlan::quickPlan() : BenchPlan::full();
    if (hourRate > 0)
        plan.hourRate = hourRate;
    if (hourMinutes > 0)
        plan.hourMinutes = hourMinutes;
    if (plan.hourMinutes > plan.maxHourMinutes()) {
        std::fprintf(stderr,
                     "pipescope-bench: at %d messages a second, --hour-minutes takes 1 to %d (the "
                     "paced run sends at most 100 million messages and lasts a week at most)\n",
                     plan.hourRate, plan.maxHourMinutes());
        return usage(stderr, 2);
    }
    const qint64 started = monotonicNs();
    CpythonBench cpython;
    if (!cpython.available())
        progress("CPython is missing: " + cpython.missing().toStdString());

    Report report;
    // The pipes first: fork() is cheapest while the heap is small.
    if (sections.pipes())
        runPipes(plan, sections, cpython, report);
    if (sections.tracing) {
        runTracing(plan, report);
        runKill(plan, report);
    }
    if (sections.pytrace)
        runPythonTrace(plan, report);
    if (sections.ingest)
        runIngest(plan, report);
    if (sections.open)
        runOpen(plan, report);
    if (sections.paint) {
        runFindings(plan, report);
        runPaint(plan, report);
    }
    if (sections.stall)
        runStall(plan, report);
    if (sections.hour)
        runHour(plan, report);

    // The version comes from cpython_bench.py's output: none when --only ran none of it.
    const std::string python =
        !cpython.available()          ? "missing (" + cpython.missing().toStdString() + ")"
        : cpython.version().isEmpty() ? std::string("not run")
                                      : "python " + cpython.version().toStdString();
    char heading[512];
    std::snprintf(heading, sizeof heading,
                  "PipeScope benchmark, %s run (%.0f s). Pipe benchmarks: %d rounds, contenders "
                  "alternated,\nvalues the medians over rounds, ratios the medians of per-round "
                  "ratios. CPython: %s.",
                  plan.quick ? "quick" : "full", double(monotonicNs() - started) / 1e9, plan.rounds,
                  python.c_str());
    report.setHeading(heading);
    report.addJson("quick", plan.quick);
    report.addJson("rounds", plan.rounds);
    report.addJson("cpython", !cpython.available()
                                  ? QJsonValue(QStringLiteral("missing: ") + cpython.missing())
                              : cpython.version().isEmpty() ? QJsonValue(QStringLiteral("not run"))
                                                            : QJsonValue(cpython.version()));
    if (plan.quick)
        report.addNote("quick run: too brief for the numbers to mean much; it only shows that "
                       "the bench works");

    std::fputs(report.text().c_str(), stdout);
    std::fflush(stdout);
    if (!jsonPath.isEmpty()) {
        QFile file(jsonPath);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            file.write(QJsonDocument(report.json()).toJson(QJsonDocument::Indented)) < 0) {
            std::fprintf(stderr, "pipescope-bench: cannot write %s: %s\n", qPrintable(jsonPath),
                         qPrintable(file.errorString()));
            return 1;
        }
    }
    return 0;
}
