#pragma once

#include <QPalette>
#include <QString>

class QMenu;
class QWidget;

namespace pipescope {

// The window's light or dark look, or the desktop's: View > Colours, remembered between sessions.
// Light and Dark use Qt's Fusion style with a palette of their own, so they look the same on
// every desktop; System gives back the style and palette PipeScope started with. The views take
// their colours from the palette (Theme), so all of them follow.
class ColorScheme
{
public:
    enum Scheme
    {
        System,
        Light,
        Dark,
    };

    // Applies `scheme` to the whole application.
    static void apply(Scheme scheme);
    static Scheme current() { return s_current; }
    // The scheme remembered in the settings, applied (at start-up).
    static void restore();
    // A "Colours" menu of the three, checked as applied; choosing one applies and remembers it.
    static QMenu* menu(QWidget* parent);

    static QPalette lightPalette();
    static QPalette darkPalette();

private:
    static Scheme s_current;
};

} // namespace pipescope
