#include "DetailsPane.h"

#include "CurrentRun.h"
#include "FrameDump.h"
#include "Theme.h"
#include "TimeScale.h"
#include "trace/TraceStore.h"
#include "wire/FrameHeader.h"
#include "wire/PickleDissection.h"
#include "wire/PicklePreview.h"

#include <QFontDatabase>
#include <QScrollBar>
#include <QUrl>

namespace pipescope {

DetailsPane::DetailsPane(QWidget* parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
    // An opcode of the pickle, clicked: its bytes marked in the hex.
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl& link) {
        if (link.scheme() != QLatin1String("op"))
            return;
        m_selectedOp = link.path().toInt();
        const int scroll = verticalScrollBar()->value();
        showMessage(m_message);
        verticalScrollBar()->setValue(scroll);
    });
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
    if (message != m_message)
        m_selectedOp = -1;
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
    const QByteArray head = m_store->payloadHead(known);

    QString html =
        tr("<h3>%1 &nbsp;#%2</h3>").arg(channel.name.toHtmlEscaped(), QString::number(m.seq));
    html += tr("<p><b>Value</b><br><code>%1</code></p>")
                .arg(QString::fromUtf8(m_store->text(known)).toHtmlEscaped());
    html += tr("<p><b>Frame</b>: %1-byte header + %2-byte payload%3</p>")
                .arg(headerSize)
                .arg(size)
                .arg(head.size() < size ? tr(", the first %1 bytes of it shown").arg(head.size())
                                        : QString());
    // The payload's pickle, opcode by opcode as pickletools.dis() lists it (a byte message's
    // payload is no pickle).
    // (A saved run does not say which API sent a message: its bytes do.)
    const bool pickled = !(m_store->detail(known) & kBytesPreview) && looksPickled(head);
    const std::vector<PickleOp> ops = pickled ? dissectPickle(head) : std::vector<PickleOp>();
    FrameDump::Range selected;
    if (m_selectedOp >= 0 && size_t(m_selectedOp) < ops.size()) {
        const PickleOp& op = ops[size_t(m_selectedOp)];
        selected = {headerSize + op.offset, headerSize + op.offset + op.length,
                    palette().color(QPalette::Highlight).lighter(150)};
    }
    const QByteArray frame = QByteArray(header, headerSize) + head;
    // 16 bytes a line where they fit, else 8.
    const QFontMetrics fixed(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const int perLine =
        fixed.horizontalAdvance(QString(FrameDump::lineWidth(16), QLatin1Char('0'))) + 24 <=
                viewport()->width()
            ? 16
            : 8;
    html += FrameDump::html(frame, perLine, {0, headerSize, QColor(0xf6, 0xc2, 0x6b)}, selected);
    if (!ops.empty()) {
        html +=
            tr("<p><b>Pickle</b> (click an opcode to mark its bytes)</p><pre style=\"margin:0\">");
        for (size_t i = 0; i < ops.size(); ++i) {
            const QString line = pickleOpLine(ops[i]).toHtmlEscaped();
            html += int(i) == m_selectedOp
                        ? QStringLiteral("<b>%1</b>\n").arg(line)
                        : QStringLiteral("<a href=\"op:%1\">%2</a>\n").arg(i).arg(line);
        }
        if (head.size() < size && !ops.back().cut && ops.back().name != QLatin1String("STOP"))
            html += tr("… (the rest of the payload was not recorded)\n");
        html += QStringLiteral("</pre>");
    }
    html += QStringLiteral("<table cellspacing=4>");
    auto row = [&](const QString& name, const QString& value) {
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>").arg(name, value);
    };
    if (m.sendEvent >= 0) {
        row(tr("sent by"), tr("%1 at %2 (send call %3)")
                               .arg(m_store->processName(m_store->senderOf(m)).toHtmlEscaped(),
                                    TimeScale::formatSeconds(m_store->startTime(m.sendEvent)),
                                    TimeScale::formatDuration(m_store->time(m.sendEvent) -
                                                              m_store->startTime(m.sendEvent))));
    }
    if (m.recvEvent >= 0) {
        row(tr("received by"),
            tr("%1 at %2 (recv call %3)")
                .arg(m_store->processName(m_store->receiverOf(m)).toHtmlEscaped(),
                     TimeScale::formatSeconds(m_store->time(m.recvEvent)),
                     TimeScale::formatDuration(m_store->time(m.recvEvent) -
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
        // One arg() for all: the exception's text (user data) may hold "%1".
        row(tr("raised"), tr("<span style=\"color:%1\">%2</span> in %3 at %4")
                              .arg(Theme(palette()).undelivered().name(),
                                   QString::fromUtf8(m_store->text(error)).toHtmlEscaped(),
                                   m_store->processName(m_store->processOf(error)).toHtmlEscaped(),
                                   TimeScale::formatSeconds(m_store->time(error))));
    }
    html += QStringLiteral("</table>");
    setHtml(html);
}

} // namespace pipescope
