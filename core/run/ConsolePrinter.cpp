#include "run/ConsolePrinter.h"

#include "base/MonotonicClock.h"
#include "trace/TraceStore.h"

#include <algorithm>
#include <cstdio>

namespace pipescope {

ConsolePrinter::ConsolePrinter(const TraceStore& store, bool quiet, std::FILE* out)
    : m_store(store)
    , m_quiet(quiet)
    , m_out(out)
{}

void ConsolePrinter::print(bool everything)
{
    m_cursors.resize(static_cast<size_t>(m_store.processCount()), 0);
    for (int p = 0; p < m_store.processCount(); ++p) {
        const TraceStore::EventList& events = m_store.process(p).events;
        for (size_t& i = m_cursors[size_t(p)]; i < events.size(); ++i) {
            const EventKind kind = m_store.kind(events[i]);
            if (kind == EventKind::Stdout || kind == EventKind::Stderr)
                m_pending.push_back(events[i]);
        }
    }
    std::stable_sort(m_pending.begin(), m_pending.end(),
                     [this](quint32 a, quint32 b) { return m_store.time(a) < m_store.time(b); });
    const qint64 cutoff =
        everything ? std::numeric_limits<qint64>::max()
                   : monotonicNs() - m_store.origin() - qint64(kReorderWindowMs) * 1'000'000;
    size_t printed = 0;
    for (; printed < m_pending.size() && m_store.time(m_pending[printed]) <= cutoff; ++printed) {
        const quint32 e = m_pending[printed];
        if (m_quiet)
            continue;
        const QByteArray text = m_store.text(e);
        if (m_store.kind(e) == EventKind::Stdout) {
            std::fwrite(text.data(), 1, size_t(text.size()), m_out);
            std::fputc('\n', m_out);
        } else {
            std::fprintf(stderr, "[%s] %.*s\n",
                         qPrintable(m_store.processName(m_store.processOf(e))), int(text.size()),
                         text.data());
        }
    }
    m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(printed));
}

} // namespace pipescope
