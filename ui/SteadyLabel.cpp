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
    const QSize needed = sizeHint();
    const bool fixed = minimumSize() == maximumSize();
    if (!fixed || needed.width() > width() || needed.height() != height())
        setFixedSize(std::max(needed.width(), fixed ? width() : 0), needed.height());
}

void SteadyLabel::release()
{
    setMinimumSize(0, 0);
    setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX);
}

} // namespace pipescope
