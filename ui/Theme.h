#pragma once

#include "trace/TraceEvent.h"

#include <QColor>
#include <QPalette>
#include <array>

namespace pipescope {

// Every colour the views paint with, in one place, derived from a palette: the palette's own roles
// (text, base, grid, highlight) and the timeline's fixed hues (process states, channels, poll
// results, undelivered). On a light palette the hues are the ones PipeScope always had; on a dark
// one each is lightened until it stands out from the base as well as on a light one.
class Theme
{
public:
    explicit Theme(const QPalette& palette);

    bool isDark() const { return m_dark; }

    QColor state(ProcessState state) const;
    QColor channel(int channel) const;
    QColor pollTrue() const { return m_pollTrue; }
    QColor pollFalse() const { return m_pollFalse; }
    // Text of what was not received (the message table's columns, the lane's failed exit).
    QColor undelivered() const { return m_undelivered; }
    // Text written on a state's bar (the crashed one's reason).
    QColor onState() const { return m_onState; }

    QColor base() const { return m_base; }
    QColor alternateBase() const { return m_alternateBase; }
    QColor text() const { return m_text; }
    QColor dimText() const { return m_dimText; }
    QColor highlight() const { return m_highlight; }
    QColor grid() const { return m_grid; }
    // The background behind a name written over a plot.
    QColor veil() const { return m_veil; }

    // WCAG's contrast ratio of two colours: 1 (the same) to 21 (black on white).
    static double contrast(const QColor& a, const QColor& b);

private:
    QColor readable(QColor color, double ratio) const;

    bool m_dark = false;
    QColor m_base;
    QColor m_alternateBase;
    QColor m_text;
    QColor m_dimText;
    QColor m_highlight;
    QColor m_grid;
    QColor m_veil;
    std::array<QColor, kProcessStateCount> m_states;
    std::array<QColor, 6> m_channels;
    QColor m_pollTrue;
    QColor m_pollFalse;
    QColor m_undelivered;
    QColor m_onState;
};

} // namespace pipescope
