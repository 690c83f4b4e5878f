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
    QList<QDockWidget*> docked;
    QList<int> widths;
    int total = 0;
    for (QDockWidget* panel : m_docks) {
        if (panel->isVisible() && !panel->isFloating()) {
            docked.append(panel);
            widths.append(panel->width());
            total += panel->width();
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
