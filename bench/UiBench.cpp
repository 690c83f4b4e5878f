#include "UiBench.h"

#include "BenchError.h"
#include "CurrentRun.h"
#include "MainWindow.h"
#include "Run.h"
#include "RunHistoryModel.h"
#include "Samples.h"
#include "SyntheticRun.h"
#include "TimeAxis.h"
#include "TimelineView.h"
#include "base/MonotonicClock.h"
#include "base/ProcessMemory.h"
#include "pytrace/ProgramTracer.h"
#include "trace/TraceStore.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFileInfo>
#include <QImage>
#include <QTimer>
#include <algorithm>
#include <string>

namespace pipescope::bench {

UiBench::Paint UiBench::paint(qint64 messages, int repeats)
{
    Paint result;
    TraceStore store;
    const qint64 end = SyntheticRun::fill(store, messages, "paint");
    for (int p = 0; p < store.processCount(); ++p) {
        store.setPid(p, 40'000 + p);
        TelemetryRecord exit;
        exit.kind = EventKind::Exit;
        exit.tNs = exit.startNs = end;
        if (!store.append(p, exit, "exited with code 0"))
            fail("paint: the synthetic run does not fit the store");
    }
    result.messages = qint64(store.messages().size());
    result.events = store.eventCount();

    TimeAxis axis;
    TimelineView view(axis);
    view.resize(1400, 500);
    view.setStore(&store, false);
    axis.setFollowLive(false);
    axis.setDataEnd(end);
    axis.fit();
    QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);
    auto paintOnce = [&] {
        const qint64 started = monotonicNs();
        view.render(&image);
        return double(monotonicNs() - started) / 1e6;
    };

    result.firstFullMs = paintOnce();
    Samples full;
    for (int i = 0; i < repeats; ++i)
        full.add(paintOnce());
    result.fullMs = full.median();
    result.fullArrows = view.arrowsDrawn();
    result.fullBundles = view.bundlesDrawn();

    const qint64 middle = end / 2;
    axis.setRange(middle - 500'000, middle + 500'000);
    Samples window;
    paintOnce();
    for (int i = 0; i < repeats; ++i)
        window.add(paintOnce());
    result.windowMs = window.median();
    result.windowArrows = view.arrowsDrawn();
    result.windowBundles = view.bundlesDrawn();
    return result;
}

namespace {

// A flood of `count` 64-byte messages with no pause in the receiver, at `rate` (0: at once).
RunRequest floodRequest(qint64 count, int rate)
{
    const QString worker = ScenarioRunner::defaultWorkerPath();
    if (!QFileInfo(worker).isExecutable()) {
        const std::string message = "UI stall: no worker at " + worker.toStdString() +
                                    " (build pipescope-worker, or set PIPESCOPE_WORKER)";
        fail(message.c_str());
    }
    RunRequest request;
    request.scenario = QStringLiteral("flood");
    request.seed = 1;
    request.parameters = {{QStringLiteral("count"), double(count)},
                          {QStringLiteral("size"), 64.0},
                          {QStringLiteral("delay"), 0.0},
                          {QStringLiteral("rate"), double(rate)}};
    return request;
}

} // namespace

UiBench::Stall UiBench::stall(qint64 count, int limitMs)
{
    const RunRequest request = floodRequest(count, 0);
    return watch([&](MainWindow& window) { return window.startRun(request); }, limitMs);
}

UiBench::Stall UiBench::paced(int rate, int seconds, int sampleSeconds)
{
    const RunRequest request = floodRequest(qint64(rate) * seconds, rate);
    // A minute past the run's length: a run that falls behind its rate is stopped and says so.
    return watch([&](MainWindow& window) { return window.startRun(request); },
                 (seconds + 60) * 1000, sampleSeconds);
}

UiBench::Stall UiBench::tracedStall(const QString& python, const QString& script, qint64 count,
                                    int limitMs)
{
    TraceRequest request;
    request.program = python;
    request.arguments = {script, QStringLiteral("flood"), QString::number(count)};
    request.output = TraceRequest::Output::Capture;
    return watch([&](MainWindow& window) { return window.startTrace(request); }, limitMs);
}

UiBench::Stall UiBench::watch(const std::function<bool(MainWindow&)>& start, int limitMs,
                              int sampleSeconds)
{
    Stall result;
    MainWindow window;
    window.show();
    // Let the window reach the screen before the run starts.
    const qint64 shown = monotonicNs();
    while (monotonicNs() - shown < 300'000'000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);

    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    qint64 lastTick = 0;
    qint64 finishedAt = 0;
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 now = monotonicNs();
        const double gap = double(now - lastTick) / 1e6;
        lastTick = now;
        result.maxGapMs = std::max(result.maxGapMs, gap);
        if (finishedAt == 0)
            result.maxGapStreamingMs = std::max(result.maxGapStreamingMs, gap);
        result.gapsOver16Ms += gap > 16 ? 1 : 0;
        result.gapsOver50Ms += gap > 50 ? 1 : 0;
    });
    QObject::connect(&window, &MainWindow::runFinished, &loop, [&] {
        finishedAt = monotonicNs();
        QTimer::singleShot(300, &loop, &QEventLoop::quit);
    });
    QTimer limit;
    limit.setSingleShot(true);
    QObject::connect(&limit, &QTimer::timeout, &window, &MainWindow::stopRun);

    const qint64 residentBefore = ProcessMemory::residentBytes();
    if (!start(window))
        fail("UI stall: the run did not start");
    const qint64 startedNs = monotonicNs();
    QTimer sample;
    QObject::connect(&sample, &QTimer::timeout, &loop, [&] {
        const TraceStore& store = window.currentRun()->run()->store();
        result.samples.push_back({double(monotonicNs() - startedNs) / 1e9,
                                  qint64(store.messages().size()),
                                  ProcessMemory::residentBytes() - residentBefore});
    });
    if (sampleSeconds > 0)
        sample.start(sampleSeconds * 1000);
    auto* application = qobject_cast<BenchApplication*>(QCoreApplication::instance());
    if (application)
        application->startWatching(10.0);
    lastTick = monotonicNs();
    tick.start();
    limit.start(limitMs);
    loop.exec();
    tick.stop();
    sample.stop();
    if (application) {
        application->stopWatching();
        result.slowEvents = application->slowEvents();
        result.outliers = application->outliers();
        result.outliersLeftOut = application->outliersLeftOut();
    }

    Run* run = window.currentRun()->run();
    const bool stopped = run->runner() ? run->runner()->stopped() : run->tracer()->stopped();
    result.finished = !stopped;
    result.succeeded = run->succeeded();
    result.seconds = double(run->elapsedNs()) / 1e9;
    result.events = run->store().eventCount();
    result.messages = qint64(run->store().messages().size());
    const qint64 residentAfter = ProcessMemory::residentBytes();
    if (!window.history()->remove(run))
        fail("UI stall: the run could not be removed from the history");
    result.residentGrowth = residentAfter - residentBefore;
    result.residentFreed = residentAfter - ProcessMemory::residentBytes();
    return result;
}

} // namespace pipescope::bench
