#include "RunStatusBar.h"

#include "Quantity.h"
#include "Run.h"
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
    , m_elapsed(new QLabel(&bar))
    , m_events(new QLabel(&bar))
    , m_rate(new QLabel(&bar))
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
    const qint64 elapsed = run.elapsedNs();
    m_elapsed->setText(tr("%1 s").arg(double(elapsed) / 1e9, 0, 'f', 2));
    m_events->setText(Quantity::count(store.eventCount(), tr("event"), tr("events")));
    const double seconds = std::max(1e-9, double(elapsed) / 1e9);
    const auto messages = qint64(store.messageCount());
    m_rate->setText(tr("%1 · %2 %3 · %4")
                        .arg(Quantity::count(messages, tr("message"), tr("messages")),
                             Quantity::count(messages - store.deliveredCount()),
                             run.live() ? tr("in flight") : tr("undelivered"),
                             Quantity::rate(double(messages) / seconds, tr("msg"))));
    const QString color = run.stateColor();
    m_state->setText(run.stateText());
    m_state->setStyleSheet(
        color.isEmpty() ? QString() : QStringLiteral("color: %1; font-weight: bold").arg(color));
}

} // namespace pipescope
