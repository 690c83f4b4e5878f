#include "ConsoleView.h"

#include "CurrentRun.h"
#include "trace/TraceStore.h"

#include <QFontDatabase>
#include <algorithm>

namespace pipescope {

ConsoleView::ConsoleView(QWidget* parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setMaximumBlockCount(200000);
    setLineWrapMode(QPlainTextEdit::NoWrap);
}

void ConsoleView::watch(const CurrentRun& current)
{
    connect(&current, &CurrentRun::changed, this, [this, &current] { setStore(current.store()); });
    connect(&current, &CurrentRun::refreshed, this, &ConsoleView::refresh);
}

void ConsoleView::setStore(const TraceStore* store)
{
    m_store = store;
    m_cursors.clear();
    clear();
    refresh();
}

void ConsoleView::refresh()
{
    if (!m_store)
        return;
    // The runner's cursor first: processes that come later add theirs after it.
    m_cursors.resize(size_t(m_store->processCount()) + 1, 0);
    // The new lines of every process, in time order (multiprocessing's own only when shown).
    std::vector<quint32> lines;
    auto collect = [&](const TraceStore::EventList& events, size_t& cursor) {
        for (; cursor < events.size(); ++cursor) {
            const EventKind kind = m_store->kind(events[cursor]);
            if ((kind == EventKind::Stdout || kind == EventKind::Stderr ||
                 kind == EventKind::Error) &&
                m_store->eventShown(events[cursor]))
                lines.push_back(events[cursor]);
        }
    };
    collect(m_store->runnerEvents(), m_cursors.front());
    for (int p = 0; p < m_store->processCount(); ++p)
        collect(m_store->process(p).events, m_cursors[size_t(p) + 1]);
    if (lines.empty())
        return;
    std::stable_sort(lines.begin(), lines.end(),
                     [this](quint32 a, quint32 b) { return m_store->time(a) < m_store->time(b); });
    QString text;
    for (const quint32 e : lines) {
        if (!text.isEmpty())
            text += QLatin1Char('\n');
        const EventKind kind = m_store->kind(e);
        text += QStringLiteral("%1  %2  %3%4")
                    .arg(double(m_store->time(e)) / 1e9, 11, 'f', 6)
                    .arg(m_store->processName(m_store->processOf(e)), -10)
                    .arg(kind == EventKind::Stdout   ? QString()
                         : kind == EventKind::Stderr ? tr("stderr: ")
                                                     : tr("error: "))
                    .arg(QString::fromUtf8(m_store->text(e)));
    }
    appendPlainText(text);
}

} // namespace pipescope
