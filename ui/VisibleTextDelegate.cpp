#include "VisibleTextDelegate.h"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace pipescope {

int VisibleTextDelegate::visibleCharacters(const QFont& font, int width) const
{
    if (m_narrowest <= 0 || font != m_font) {
        const QFontMetricsF metrics(font);
        double narrowest = metrics.horizontalAdvance(QLatin1Char('M'));
        for (char c = ' '; c <= '~'; ++c)
            narrowest = std::min(narrowest, metrics.horizontalAdvance(QLatin1Char(c)));
        m_font = font;
        m_narrowest = std::max(1.0, narrowest);
    }
    return int(std::ceil(std::max(0, width) / m_narrowest)) + 1;
}

void VisibleTextDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const
{
    m_painting = true;
    QStyledItemDelegate::paint(painter, option, index);
    m_painting = false;
}

void VisibleTextDelegate::initStyleOption(QStyleOptionViewItem* option,
                                          const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    // A text that wraps shows more than a line of it.
    if (!m_painting || option->features.testFlag(QStyleOptionViewItem::WrapText))
        return;
    const int visible = visibleCharacters(option->font, option->rect.width());
    if (option->text.size() <= visible)
        return;
    qsizetype cut = visible;
    if (option->text.at(cut - 1).isHighSurrogate())
        --cut; // a pair is kept whole or not at all
    option->text.truncate(cut);
    option->text += QChar(0x2026); // …
}

} // namespace pipescope
