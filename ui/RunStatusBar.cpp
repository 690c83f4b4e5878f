#include "RunStatusBar.h"

#include "Quantity.h"
#include "Run.h"
#include "SteadyLabel.h"
#include "trace/TraceStore.h"

#include <QCoreApplication>
#include <QLabel>
#include <QStatusBar>
#include <algorithm>

namespace pipescope {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("RunStatusBar", text);
}

} // namespace

RunStatusBar::RunStatusBar(QStatusBar& bar)
    : m_state(new QLabel(tr("Ready"), &bar))
    , m_findings(new QLabel(&bar))
    , m_elapsed(new SteadyLabel(&bar))
    , m_events(new SteadyLabel(&bar))
    , m_rate(new SteadyLabel(&bar))
{
    bar.addWidget(m_state, 1);
    bar.addPermanentWidget(m_findings);
    bar.addPermanentWidget(m_elapsed);
    bar.addPermanentWidget(m_events);
    bar.addPermanentWidget(m_rate);
}

void RunStatusBar::show(const Run& run)
{
    const TraceStore& store = run.store();
    if (m_run != &run) {
        m_run = &run;
        for (SteadyLabel* label : {m_elapsed, m_events, m_rate})
            label->release();
    }
    const qint64 elapsed = run.elapsedNs();
    m_elapsed->setSteadyText(tr("%1 s").arg(double(elapsed) / 1e9, 0, 'f', 2));
    m_events->setSteadyText(Quantity::count(store.eventCount(), tr("event"), tr("events")));
    const double seconds = std::max(1e-9, double(elapsed) / 1e9);
    const auto messages = qint64(store.messageCount());
    m_rate->setSteadyText(tr("%1 · %2 %3 · %4")
                              .arg(Quantity::count(messages, tr("message"), tr("messages")),
                                   Quantity::count(messages - store.deliveredCount()),
                                   run.live() ? tr("in flight") : tr("undelivered"),
                                   Quantity::rate(double(messages) / seconds, tr("msg"))));
    const QString color = run.stateColor();
    m_state->setText(run.stateText());
    // Set only when it changes: a style sheet set, even the same, polishes the label again.
    const QString style =
        color.isEmpty() ? QString() : QStringLiteral("color: %1; font-weight: bold").arg(color);
    if (m_state->styleSheet() != style)
        m_state->setStyleSheet(style);
}

} // namespace pipescope
