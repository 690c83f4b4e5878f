#pragma once

#include <QList>
#include <QObject>
#include <array>

class QAction;
class QDockWidget;
class QMainWindow;
class QWidget;

namespace pipescope {

// The window's side panels: the scenarios on the left, the details and statistics on the right,
// as docks that can be moved, floated and closed (their toggles go in View > Panels). The timeline
// gets the space: in a narrow window the docked panels take at most kMostShare of its width
// between them, as the window is shown and whenever it is resized.
class SidePanels : public QObject
{
public:
    static constexpr double kMostShare = 0.4;

    SidePanels(QMainWindow& window, QWidget* scenarios, QWidget* details);

    // Show / hide actions, one per panel.
    QList<QAction*> toggles() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void fit();

    QMainWindow& m_window;
    std::array<QDockWidget*, 2> m_docks;
};

} // namespace pipescope
