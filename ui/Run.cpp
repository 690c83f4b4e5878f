#include "Run.h"

#include "EventsFileLoader.h"
#include "base/BackgroundPriority.h"
#include "findings/FindingsAnalyzer.h"
#include "pytrace/ProgramTracer.h"
#include "run/ScenarioRunner.h"
#include "trace/TraceStore.h"

#include <QFileInfo>
#include <QLocale>

namespace pipescope {

Run::Run(QString title, QString toolTip)
    : m_title(std::move(title))
    , m_toolTip(std::move(toolTip))
{
    // First of whatever listens to finished(): the analysis starts before anyone asks for it.
    connect(this, &Run::finished, this, &Run::analyze);
}

Run::~Run()
{
    if (m_analysis.joinable())
        m_analysis.join();
}

void Run::analyze()
{
    if (m_analysis.joinable() || m_findings)
        return;
    m_analysis = std::thread([this] {
        setBackgroundPriority();
        std::vector<Finding> findings = FindingsAnalyzer::analyze(store(), true);
        // Delivered on the run's own thread; dropped if the run has gone meanwhile.
        QMetaObject::invokeMethod(
            this,
            [this, found = std::move(findings)]() mutable {
                m_findings = std::move(found);
                Q_EMIT findingsReady();
            },
            Qt::QueuedConnection);
    });
}

const std::vector<Finding>* Run::findings() const
{
    return m_findings ? &*m_findings : nullptr;
}

Result<std::unique_ptr<Run>> Run::start(const RunSettings& settings, int number)
{
    const Scenario& scenario = *settings.scenario;
    const QString title =
        scenario.random ? tr("#%1 %2 (seed %3)").arg(number).arg(scenario.name).arg(settings.seed)
                        : tr("#%1 %2").arg(number).arg(scenario.name);
    QStringList parameters;
    for (auto it = settings.values.cbegin(); it != settings.values.cend(); ++it)
        parameters.append(QStringLiteral("%1 %2").arg(it.key()).arg(it.value()));
    QString toolTip = tr("%1, time scale %2").arg(scenario.title).arg(settings.timeScale);
    if (scenario.random)
        toolTip += tr(", seed %1").arg(settings.seed);
    if (!parameters.isEmpty())
        toolTip += QStringLiteral("\n") + parameters.join(QStringLiteral(", "));

    std::unique_ptr<Run> run(new Run(title, toolTip));
    run->m_runner = std::make_unique<ScenarioRunner>();
    connect(run->m_runner.get(), &ScenarioRunner::finished, run.get(), &Run::finished);
    connect(run->m_runner.get(), &ScenarioRunner::problemFound, run.get(), &Run::problemFound);
    if (Status started = run->m_runner->start(settings); !started)
        return started.error();
    return run;
}

Result<std::unique_ptr<Run>> Run::trace(const TraceRequest& request, int number)
{
    const QString command =
        (QStringList{request.program} + request.arguments).join(QLatin1Char(' '));
    std::unique_ptr<Run> run(new Run(tr("#%1 %2").arg(number).arg(command),
                                     request.workingDirectory.isEmpty()
                                         ? command
                                         : tr("%1\nin %2").arg(command, request.workingDirectory)));
    run->m_tracer = std::make_unique<ProgramTracer>();
    connect(run->m_tracer.get(), &ProgramTracer::finished, run.get(), &Run::finished);
    connect(run->m_tracer.get(), &ProgramTracer::problemFound, run.get(), &Run::problemFound);
    if (Status started = run->m_tracer->start(request); !started)
        return started.error();
    return run;
}

Result<std::unique_ptr<Run>> Run::open(const QString& path, int number)
{
    auto loader = EventsFileLoader::open(path);
    if (!loader)
        return loader.error();
    std::unique_ptr<Run> run(
        new Run(tr("#%1 %2 (file)").arg(number).arg(QFileInfo(path).fileName()),
                QFileInfo(path).absoluteFilePath()));
    run->m_loader = std::move(*loader);
    connect(run->m_loader.get(), &EventsFileLoader::finished, run.get(), [raw = run.get()] {
        if (!raw->m_loader->problem().isEmpty())
            Q_EMIT raw->problemFound(raw->fileStateText());
        Q_EMIT raw->finished();
    });
    if (!run->live()) // read whole at once: it never says finished()
        run->analyze();
    return run;
}

const TraceStore& Run::store() const
{
    return m_runner ? m_runner->store() : m_tracer ? m_tracer->store() : m_loader->store();
}

TraceStore& Run::viewedStore()
{
    return m_runner ? m_runner->store() : m_tracer ? m_tracer->store() : m_loader->store();
}

void Run::setInternalShown(bool shown)
{
    viewedStore().setInternalShown(shown);
}

void Run::moveLane(int process, int steps)
{
    viewedStore().moveLane(process, steps);
}

bool Run::live() const
{
    if (m_tracer)
        return m_tracer->state() != ProgramTracer::State::Finished;
    if (m_loader)
        return m_loader->reading();
    return m_runner && m_runner->state() != ScenarioRunner::State::Finished;
}

QString Run::demonstrates() const
{
    return m_runner ? m_runner->settings().scenario->demonstrates : QString();
}

bool Run::succeeded() const
{
    if (m_tracer)
        return !live() && m_tracer->exitStatus() == 0;
    if (m_loader)
        return !live() && !m_loader->stopped() && m_loader->problem().isEmpty();
    return m_runner->succeeded();
}

qint64 Run::dataEndNs() const
{
    return live() ? elapsedNs() : std::max(store().activityEnd(), store().firstTime());
}

qint64 Run::elapsedNs() const
{
    // A file's run ends with its last event (the events are not in time order across processes).
    return m_runner ? m_runner->elapsedNs() : m_tracer ? m_tracer->elapsedNs() : m_loader->endNs();
}

QString Run::historyText() const
{
    if (m_tracer) {
        if (live())
            return m_title;
        const QString outcome = m_tracer->stopped() ? tr("stopped")
                                : m_tracer->exitStatus() == 0
                                    ? tr("exited 0")
                                    : tr("exit status %1").arg(m_tracer->exitStatus());
        return tr("%1 — %2, %3 s").arg(m_title, outcome).arg(double(elapsedNs()) / 1e9, 0, 'f', 2);
    }
    if (m_loader) {
        if (m_loader->stopped())
            return tr("%1 — stopped at %2%").arg(m_title).arg(qRound(m_loader->progress() * 100));
        if (!m_loader->problem().isEmpty())
            return tr("%1 — not read to the end").arg(m_title);
        return m_title;
    }
    if (m_runner->state() != ScenarioRunner::State::Finished)
        return m_title;
    const QString outcome = m_runner->succeeded() ? tr("finished")
                            : m_runner->stopped() ? tr("stopped")
                                                  : tr("failed");
    return tr("%1 — %2, %3 s").arg(m_title, outcome).arg(double(elapsedNs()) / 1e9, 0, 'f', 2);
}

QString Run::stateText() const
{
    if (m_tracer)
        return tracerStateText();
    if (m_loader)
        return fileStateText();
    QString state;
    switch (m_runner->state()) {
    case ScenarioRunner::State::Ready:
    case ScenarioRunner::State::Running:
        state = tr("Running %1").arg(m_runner->settings().scenario->name);
        break;
    case ScenarioRunner::State::Stopping:
        state = tr("Stopping");
        break;
    case ScenarioRunner::State::Finished:
        if (m_runner->succeeded() && !m_runner->demonstration().isEmpty())
            return tr("Finished: the mistake played out as designed — %1 (see Findings)")
                .arg(m_runner->demonstration());
        if (m_runner->succeeded())
            return tr("Finished");
        if (m_runner->stopped())
            return tr("Stopped");
        return tr("Failed: %1").arg(m_runner->problems().join(QStringLiteral("; ")));
    }
    if (!m_runner->problems().isEmpty())
        state += QStringLiteral(" — ") + m_runner->problems().last();
    return state;
}

QString Run::tracerStateText() const
{
    // What could not be traced is said first: an empty picture never goes without a word.
    const QStringList notes = m_tracer->untraced() + m_tracer->problems();
    const QString more =
        notes.isEmpty() ? QString() : QStringLiteral(" — ") + notes.join(QStringLiteral("; "));
    if (live())
        return tr("Tracing %1 (%n Python processes)", "", m_tracer->tracedProcessCount())
                   .arg(m_tracer->request().program) +
               more;
    if (m_tracer->stopped())
        return tr("Stopped") + more;
    return tr("The program exited with status %1").arg(m_tracer->exitStatus()) + more;
}

QString Run::stateColor() const
{
    if (m_tracer) {
        if (live())
            return {};
        if (!m_tracer->untraced().isEmpty() || !m_tracer->problems().isEmpty() ||
            m_tracer->exitStatus() != 0)
            return m_tracer->stopped() ? QStringLiteral("#a06000") : QStringLiteral("#c00000");
        return {};
    }
    if (m_loader) {
        if (m_loader->stopped())
            return QStringLiteral("#a06000");
        return m_loader->problem().isEmpty() ? QString() : QStringLiteral("#c00000");
    }
    if (m_runner->state() != ScenarioRunner::State::Finished)
        return m_runner->problems().isEmpty() ? QString() : QStringLiteral("#c00000");
    if (m_runner->succeeded())
        return {};
    return m_runner->stopped() ? QStringLiteral("#a06000") : QStringLiteral("#c00000");
}

void Run::stop()
{
    if (m_runner)
        m_runner->stop();
    if (m_tracer)
        m_tracer->stop();
    if (m_loader)
        m_loader->stop();
}

QString Run::fileStateText() const
{
    const int percent = qRound(m_loader->progress() * 100);
    const QString events = QLocale().toString(store().eventCount());
    if (m_loader->reading())
        return tr("Reading the file: %1%, %2 events (Esc stops)").arg(percent).arg(events);
    if (m_loader->stopped())
        return tr("Stopped reading the file at %1%: %2 events shown").arg(percent).arg(events);
    if (!m_loader->problem().isEmpty())
        return tr("Read %1 events; then %2").arg(events, m_loader->problem());
    return tr("Opened from a file");
}

} // namespace pipescope
