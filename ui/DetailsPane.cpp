#include "DetailsPane.h"

#include "CurrentRun.h"
#include "Theme.h"
#include "TimeScale.h"
#include "trace/TraceStore.h"
#include "wire/FrameHeader.h"

namespace pipescope {

namespace {

QString hexBytes(QByteArrayView bytes)
{
    QString text;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (i > 0)
            text += (i % 16 == 0) ? QStringLiteral("<br>") : QStringLiteral(" ");
        text += QStringLiteral("%1").arg(uchar(bytes[i]), 2, 16, QLatin1Char('0'));
    }
    return text;
}

} // namespace

DetailsPane::DetailsPane(QWidget* parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
    setPlaceholderText(tr("Select a message in the timeline or the table to see its value, its "
                          "frame and its timings."));
}

void DetailsPane::watch(const CurrentRun& current)
{
    connect(&current, &CurrentRun::changed, this, [this, &current] { setStore(current.store()); });
    connect(&current, &CurrentRun::refreshed, this, [this] {
        if (m_message >= 0)
            showMessage(m_message);
    });
}

void DetailsPane::setStore(const TraceStore* store)
{
    m_store = store;
    showMessage(-1);
}

void DetailsPane::showMessage(int message)
{
    m_message = message;
    if (!m_store || message < 0 || message >= qsizetype(m_store->messages().size())) {
        clear();
        return;
    }
    const TraceStore::Message& m = m_store->messages()[size_t(message)];
    const TraceStore::Channel& channel = m_store->channel(m.channel);
    const qint32 known = m.sendEvent >= 0 ? m.sendEvent : m.recvEvent;
    const qint32 error = m_store->errorOf(m);
    const qint64 size = m_store->messageBytes(known);
    char header[FrameHeader::kLongSize];
    const qsizetype headerSize = FrameHeader::encode(quint64(size), header);
    const QByteArrayView head = m_store->payloadHead(known);

    QString html = tr("<h3>%1 &nbsp;#%2</h3>").arg(channel.name.toHtmlEscaped()).arg(m.seq);
    html += tr("<p><b>Value</b><br><code>%1</code></p>")
                .arg(QString::fromUtf8(m_store->text(known)).toHtmlEscaped());
    html += tr("<p><b>Frame</b>: %1-byte header + %2-byte payload<br>").arg(headerSize).arg(size);
    html +=
        QStringLiteral("<code><span style=\"background-color:#f6c26b;color:#000\">%1</span> %2%3"
                       "</code></p>")
            .arg(hexBytes(QByteArrayView(header, headerSize)), hexBytes(head),
                 head.size() < size ? QStringLiteral(" …") : QString());
    html += QStringLiteral("<table cellspacing=4>");
    auto row = [&](const QString& name, const QString& value) {
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(name, value);
    };
    if (m.sendEvent >= 0) {
        row(tr("sent by"), tr("%1 at %2 s (send call %3)")
                               .arg(m_store->processName(m_store->senderOf(m)))
                               .arg(double(m_store->startTime(m.sendEvent)) / 1e9, 0, 'f', 6)
                               .arg(TimeScale::formatDuration(m_store->time(m.sendEvent) -
                                                              m_store->startTime(m.sendEvent))));
    }
    if (m.recvEvent >= 0) {
        row(tr("received by"),
            tr("%1 at %2 s (recv call %3)")
                .arg(m_store->processName(m_store->receiverOf(m)))
                .arg(double(m_store->time(m.recvEvent)) / 1e9, 0, 'f', 6)
                .arg(TimeScale::formatDuration(m_store->time(m.recvEvent) -
                                               m_store->startTime(m.recvEvent))));
        if (m.sendEvent >= 0)
            row(tr("latency"), TimeScale::formatDuration(m_store->time(m.recvEvent) -
                                                         m_store->startTime(m.sendEvent)));
    } else if (error < 0) {
        row(tr("received"), tr("not (yet): still in the pipe"));
    }
    if (error >= 0) {
        // The call about this message that raised: its receiver's (BufferTooShort, a refused
        // maxlength) or its sender's.
        row(tr("raised"), tr("<span style=\"color:%1\">%2</span> in %3 at %4 s")
                              .arg(Theme(palette()).undelivered().name(),
                                   QString::fromUtf8(m_store->text(error)).toHtmlEscaped(),
                                   m_store->processName(m_store->processOf(error)).toHtmlEscaped())
                              .arg(double(m_store->time(error)) / 1e9, 0, 'f', 6));
    }
    html += QStringLiteral("</table>");
    setHtml(html);
}

} // namespace pipescope
