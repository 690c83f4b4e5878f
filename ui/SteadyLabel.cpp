#include "SteadyLabel.h"

#include <algorithm>

namespace pipescope {

SteadyLabel::SteadyLabel(QWidget* parent)
    : QLabel(parent)
{}

void SteadyLabel::setSteadyText(const QString& text)
{
    if (text == this->text())
        return;
    // A fixed size (minimum = maximum) is what spares the layout: QWidget::updateGeometry()
    // only invalidates the parent's layout for a widget whose size may change.
    setText(text);
    // Whether it fits, from its advance and the room the label took around the last text it was
    // sized to: a size hint is a text layout (a document's, for a selectable label).
    const int advance = fontMetrics().horizontalAdvance(text);
    const bool fixed = minimumSize() == maximumSize();
    if (fixed && advance + m_padding <= width())
        return;
    const QSize needed = sizeHint();
    m_padding = needed.width() - advance;
    setFixedSize(std::max(needed.width(), fixed ? width() : 0), needed.height());
}

void SteadyLabel::release()
{
    setMinimumSize(0, 0);
    setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX);
}

} // namespace pipescope
