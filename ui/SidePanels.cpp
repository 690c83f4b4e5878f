#include "SidePanels.h"

#include <QAction>
#include <QDockWidget>
#include <QEvent>
#include <QMainWindow>
#include <QTimer>

namespace pipescope {

namespace {

QDockWidget* dock(QMainWindow& window, const QString& title, const QString& name, QWidget* content,
                  Qt::DockWidgetArea area)
{
    auto* added = new QDockWidget(title, &window);
    added->setObjectName(name);
    added->setWidget(content);
    added->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                       QDockWidget::DockWidgetClosable);
    window.addDockWidget(area, added);
    return added;
}

} // namespace

SidePanels::SidePanels(QMainWindow& window, QWidget* scenarios, QWidget* details)
    : QObject(&window)
    , m_window(window)
    , m_docks{dock(window, QMainWindow::tr("Scenarios"), QStringLiteral("scenarios"), scenarios,
                   Qt::LeftDockWidgetArea),
              dock(window, QMainWindow::tr("Details and statistics"), QStringLiteral("details"),
                   details, Qt::RightDockWidgetArea)}
{
    window.installEventFilter(this);
}

QList<QAction*> SidePanels::toggles() const
{
    return {m_docks[0]->toggleViewAction(), m_docks[1]->toggleViewAction()};
}

bool SidePanels::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == &m_window && event->type() == QEvent::Resize)
        fit();
    // Once the panels have their first sizes.
    if (watched == &m_window && event->type() == QEvent::Show)
        QTimer::singleShot(0, this, &SidePanels::fit);
    return QObject::eventFilter(watched, event);
}

void SidePanels::fit()
{
    // The panels docked beside the timeline, left and right; two stacked in one column count
    // once (the column's width).
    QList<QDockWidget*> docked;
    QList<int> widths;
    int total = 0;
    for (const Qt::DockWidgetArea side : {Qt::LeftDockWidgetArea, Qt::RightDockWidgetArea}) {
        QDockWidget* widest = nullptr;
        for (QDockWidget* panel : m_docks) {
            if (panel->isVisible() && !panel->isFloating() &&
                m_window.dockWidgetArea(panel) == side &&
                (!widest || panel->width() > widest->width()))
                widest = panel;
        }
        if (widest) {
            docked.append(widest);
            widths.append(widest->width());
            total += widest->width();
        }
    }
    const auto most = int(m_window.width() * kMostShare);
    if (total <= most || docked.isEmpty())
        return;
    for (int& width : widths)
        width = width * most / total;
    m_window.resizeDocks(docked, widths, Qt::Horizontal);
}

} // namespace pipescope
