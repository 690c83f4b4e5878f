#pragma once

#include "RunExports.h"

#include <QList>
#include <vector>

class QAction;
class QMainWindow;
class QMenu;

namespace pipescope {

// The window's commands, each with its shortcut and tip (shown in the tooltip with the shortcut,
// and in the status bar), and where they sit: the toolbar and the File, Run, View and Help menus.
// What they do is connected by the window.
class WindowActions
{
public:
    // Creates the actions on `window` (so their shortcuts work anywhere in it), one export
    // action per row of `exports`.
    WindowActions(QMainWindow& window, const std::vector<RunExport>& exports);

    // Puts them on the window's toolbar and in its menus; `colours` is View's Colours menu,
    // `panels` the side panels' show/hide toggles (View > Panels).
    void addToWindow(QMainWindow& window, QMenu* colours, const QList<QAction*>& panels) const;

    QAction* run;
    QAction* stop;
    QAction* removeRun;
    QAction* limitHistory;
    QAction* compareRuns;
    QAction* fit;
    QAction* follow;
    QAction* zoomIn;
    QAction* zoomOut;
    QAction* depthInBytes;
    QAction* showInternal;
    QAction* find;
    QAction* findNext;
    QAction* findPrevious;
    QAction* open;
    QAction* traceProgram;
    QAction* quit;
    QAction* about;
    QList<QAction*> exports; // in the order of the exports table
};

} // namespace pipescope
