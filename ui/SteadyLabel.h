#pragma once

#include <QLabel>

namespace pipescope {

// A label for a figure that changes at every refresh of a live run (a count, a rate, a clock).
// It keeps a fixed size while its text changes, widening only when a text needs more room:
// a QLabel that may change size has its window laid out again at every new text (each a
// LayoutRequest up to the window, its labels' size hints computed anew), where this one is only
// repainted.
class SteadyLabel : public QLabel
{
    Q_OBJECT

public:
    explicit SteadyLabel(QWidget* parent = nullptr);

    // Shows `text`, in a wider label when it does not fit.
    void setSteadyText(const QString& text);
    // Sized to its text again, narrower too (for another run's figures).
    void release();

private:
    int m_padding = 0; // the width beyond its text's advance it was last sized with
};

} // namespace pipescope
