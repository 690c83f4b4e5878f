#include "SequenceView.h"

#include "CurrentRun.h"
#include "Run.h"
#include "Theme.h"
#include "TimeAxis.h"
#include "TimeScale.h"
#include "trace/TraceStore.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace pipescope {

SequenceView::SequenceView(TimeAxis& axis, QWidget* parent)
    : QAbstractScrollArea(parent)
    , m_axis(axis)
{
    setFocusPolicy(Qt::StrongFocus);
    verticalScrollBar()->setSingleStep(kRowHeight);
    horizontalScrollBar()->setSingleStep(20);
    connect(&m_axis, &TimeAxis::selectedMessageChanged, this, [this](int message) {
        scrollToMessage(message);
        viewport()->update();
    });
}

void SequenceView::watch(const CurrentRun& current)
{
    connect(&current, &CurrentRun::changed, this,
            [this](Run* run) { setStore(run ? &run->store() : nullptr, run && run->live()); });
    connect(&current, &CurrentRun::refreshed, this, [this, &current] {
        if (const Run* run = current.run())
            refresh(run->live());
    });
}

void SequenceView::setStore(const TraceStore* store, bool live)
{
    m_store = store;
    m_rows.clear();
    m_waiting.clear();
    m_known = 0;
    m_live = live;
    verticalScrollBar()->setValue(0);
    refresh(live);
}

void SequenceView::showEvent(QShowEvent* event)
{
    QAbstractScrollArea::showEvent(event);
    refresh(m_live); // what came while it was not on screen
}

qint64 SequenceView::orderTime(int message) const
{
    const TraceStore::Message& m = m_store->messages()[size_t(message)];
    return m.sendEvent >= 0 ? m_store->startTime(m.sendEvent) : m_store->startTime(m.recvEvent);
}

void SequenceView::refresh(bool live)
{
    // Off screen it waits: showEvent() takes in what came meanwhile.
    if (m_store && isVisible())
        takeIn(live);
    m_live = live;
    updateScrollBars();
    viewport()->update();
}

void SequenceView::takeIn(bool live)
{
    const auto& messages = m_store->messages();
    const size_t before = m_rows.size();
    // Those that waited for their send, and at the end those whose send never came.
    std::erase_if(m_waiting, [&](int message) {
        if (messages[size_t(message)].sendEvent < 0 && live)
            return false;
        m_rows.emplace_back(orderTime(message), message);
        return true;
    });
    for (; m_known < messages.size(); ++m_known) {
        const TraceStore::Message& m = messages[m_known];
        if (!m_store->channelShown(m.channel))
            continue;
        if (m.sendEvent < 0 && live)
            m_waiting.push_back(int(m_known));
        else
            m_rows.emplace_back(orderTime(int(m_known)), int(m_known));
    }
    // The new rows sorted among themselves, then merged from where the first of them goes
    // (usually the end: what comes in was mostly sent after what came before).
    const auto middle = m_rows.begin() + qsizetype(before);
    if (middle == m_rows.end())
        return;
    std::sort(middle, m_rows.end());
    std::inplace_merge(std::upper_bound(m_rows.begin(), middle, *middle), middle, m_rows.end());
}

int SequenceView::rowOfMessage(int message) const
{
    if (!m_store || message < 0 || size_t(message) >= m_store->messages().size())
        return -1;
    const std::pair<qint64, int> key(orderTime(message), message);
    const auto found = std::lower_bound(m_rows.begin(), m_rows.end(), key);
    return found != m_rows.end() && *found == key ? int(found - m_rows.begin()) : -1;
}

double SequenceView::columnWidth() const
{
    const int columns = m_store ? std::max(1, m_store->rowCount()) : 1;
    return std::max<double>(kMinColumnWidth,
                            double(viewport()->width() - kTimeWidth) / double(columns));
}

double SequenceView::columnX(int process) const
{
    if (!m_store || process < 0 || process >= m_store->processCount() ||
        m_store->rowOf(process) < 0)
        return -1;
    return kTimeWidth + (m_store->rowOf(process) + 0.5) * columnWidth() -
           horizontalScrollBar()->value();
}

void SequenceView::updateScrollBars()
{
    const int rows = rowCount();
    const int height = viewport()->height() - kHeaderHeight;
    verticalScrollBar()->setPageStep(std::max(kRowHeight, height));
    verticalScrollBar()->setRange(0, std::max(0, rows * kRowHeight - height));
    const int columns = m_store ? m_store->rowCount() : 0;
    const int width = kTimeWidth + int(std::ceil(columns * columnWidth()));
    horizontalScrollBar()->setPageStep(viewport()->width());
    horizontalScrollBar()->setRange(0, std::max(0, width - viewport()->width()));
}

void SequenceView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

int SequenceView::messageAt(QPoint position) const
{
    if (position.y() < kHeaderHeight)
        return -1;
    const int row = (position.y() - kHeaderHeight + verticalScrollBar()->value()) / kRowHeight;
    return row >= 0 && row < rowCount() ? messageAtRow(row) : -1;
}

void SequenceView::scrollToMessage(int message)
{
    if (message < 0 || !m_store)
        return;
    const int row = rowOfMessage(message);
    if (row < 0)
        return;
    const int top = row * kRowHeight;
    const int height = viewport()->height() - kHeaderHeight;
    QScrollBar* bar = verticalScrollBar();
    if (top < bar->value() || top + kRowHeight > bar->value() + height)
        bar->setValue(top - height / 3);
}

void SequenceView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    const int message = messageAt(event->position().toPoint());
    if (message >= 0)
        m_axis.setSelectedMessage(message);
}

bool SequenceView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

QString SequenceView::toolTipAt(QPoint position) const
{
    const int message = messageAt(position);
    if (message < 0)
        return {};
    const TraceStore& store = *m_store;
    const TraceStore::Message& m = store.messages()[size_t(message)];
    const qint32 known = m.sendEvent >= 0 ? m.sendEvent : m.recvEvent;
    QString text =
        tr("%1 #%2: %3 -> %4\n%5")
            .arg(store.channel(m.channel).name)
            .arg(m.seq)
            .arg(store.processName(store.senderOf(m)), store.processName(store.receiverOf(m)),
                 QString::fromUtf8(store.text(known)).left(500));
    if (m.sendEvent >= 0)
        text += tr("\nsent at %1").arg(TimeScale::formatSeconds(store.startTime(m.sendEvent)));
    if (m.sendEvent >= 0 && m.recvEvent >= 0)
        text += tr(", received after %1")
                    .arg(TimeScale::formatDuration(store.time(m.recvEvent) -
                                                   store.startTime(m.sendEvent)));
    else if (m.recvEvent < 0)
        text += m_live ? tr(", in flight") : tr(", never received");
    if (const qint32 error = store.errorOf(m); error >= 0)
        text += tr("\nraised %1").arg(QString::fromUtf8(store.text(error)));
    return text;
}

void SequenceView::paintEvent(QPaintEvent*)
{
    QPainter painter(viewport());
    const Theme theme(palette());
    painter.fillRect(viewport()->rect(), theme.base());
    if (!m_store)
        return;
    const TraceStore& store = *m_store;
    const double width = columnWidth();
    const int height = viewport()->height();
    const QFontMetricsF metrics(font());

    // The lanes' lifelines, under everything.
    painter.setPen(QPen(theme.grid(), 1));
    for (int row = 0; row < store.rowCount(); ++row) {
        const double x = columnX(store.processAtRow(row));
        painter.drawLine(QPointF(x, kHeaderHeight), QPointF(x, height));
    }

    // The rows on screen.
    const int scroll = verticalScrollBar()->value();
    const int first = scroll / kRowHeight;
    const int last = std::min(rowCount(), (scroll + height - kHeaderHeight) / kRowHeight + 1);
    const int selected = m_axis.selectedMessage();
    painter.setRenderHint(QPainter::Antialiasing, true);
    for (int row = first; row < last; ++row) {
        const int message = messageAtRow(row);
        const TraceStore::Message& m = store.messages()[size_t(message)];
        const double top = kHeaderHeight + row * kRowHeight - scroll;
        if (message == selected)
            painter.fillRect(QRectF(0, top, viewport()->width(), kRowHeight),
                             QColor(theme.highlight().red(), theme.highlight().green(),
                                    theme.highlight().blue(), 60));
        painter.setPen(theme.dimText());
        painter.drawText(QRectF(4, top, kTimeWidth - 8, kRowHeight),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         TimeScale::formatSeconds(orderTime(message)));

        const int receiver = store.receiverOf(m);
        const bool known = receiver >= 0 && columnX(receiver) >= 0;
        // A sender not known or not shown: the arrow comes in from the left of its receiver.
        const double sender = columnX(store.senderOf(m));
        const double from = sender >= 0 ? sender
                            : known ? std::max(kTimeWidth + 4.0, columnX(receiver) - width * 0.6)
                                    : kTimeWidth + 4.0;
        const double y = top + kRowHeight - 7;
        const QColor colour = theme.channel(store.channel(m.channel).ordinal);
        QPen pen(colour, message == selected ? 2.5 : 1.5);
        const bool delivered = m.recvEvent >= 0;
        if (!delivered && m_live)
            pen.setStyle(Qt::DashLine);
        painter.setPen(pen);
        painter.setBrush(colour);
        double to = known ? columnX(receiver) : from + width * 0.6;
        double labelLeft = std::min(from, to);
        double labelRight = std::max(from, to);
        if (known && std::abs(to - from) < 1) {
            // To its own lane (both ends of a pipe in one process): a loop to the right.
            QPainterPath loop(QPointF(from, y - 9));
            loop.lineTo(from + 26, y - 9);
            loop.lineTo(from + 26, y);
            loop.lineTo(from + 6, y);
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(loop);
            painter.setBrush(colour);
            to = from + 2;
            labelLeft = from + 30;
            labelRight = from + width - 10;
        } else {
            const double end = delivered || m_live ? to : from + (to - from) * 0.7;
            painter.drawLine(QPointF(from, y), QPointF(end, y));
            if (!delivered && !m_live) {
                // Never received: a cross where it stopped.
                painter.drawLine(QPointF(end - 4, y - 4), QPointF(end + 4, y + 4));
                painter.drawLine(QPointF(end - 4, y + 4), QPointF(end + 4, y - 4));
            } else {
                const double direction = to > from ? -1 : 1;
                const QPointF head[3] = {QPointF(end, y), QPointF(end + direction * 8, y - 4),
                                         QPointF(end + direction * 8, y + 4)};
                painter.setPen(Qt::NoPen);
                painter.drawPolygon(head, 3);
            }
        }
        painter.drawEllipse(QPointF(from, y), 2.5, 2.5);

        // The value above its arrow, as Python prints it; a failed call about it first, so that
        // a long value cannot hide it.
        QString label = QString::fromUtf8(store.text(m.sendEvent >= 0 ? m.sendEvent : m.recvEvent));
        const qint32 error = store.errorOf(m);
        if (error >= 0)
            label = QString::fromUtf8(store.text(error)).section(QLatin1Char(':'), 0, 0) +
                    QStringLiteral(" · ") + label;
        const double room = std::max(40.0, labelRight - labelLeft - 12);
        painter.setPen(error >= 0 ? theme.state(ProcessState::Crashed) : theme.text());
        painter.drawText(QRectF(labelLeft + 6, top + 1, room, kRowHeight - 9),
                         Qt::AlignHCenter | Qt::AlignBottom,
                         metrics.elidedText(label, Qt::ElideRight, room));
    }

    // The lanes' names on top, over the rows that scroll under them.
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.fillRect(QRectF(0, 0, viewport()->width(), kHeaderHeight), theme.alternateBase());
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(theme.text());
    painter.drawText(QRectF(4, 0, kTimeWidth - 8, kHeaderHeight), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("sent at"));
    const QFontMetricsF boldMetrics(bold);
    for (int row = 0; row < store.rowCount(); ++row) {
        const double x = columnX(store.processAtRow(row));
        painter.drawText(QRectF(x - width / 2 + 4, 0, width - 8, kHeaderHeight), Qt::AlignCenter,
                         boldMetrics.elidedText(store.process(store.processAtRow(row)).name,
                                                Qt::ElideMiddle, width - 8));
    }
    painter.setPen(theme.grid());
    painter.drawLine(QPointF(0, kHeaderHeight - 0.5),
                     QPointF(viewport()->width(), kHeaderHeight - 0.5));
}

} // namespace pipescope
