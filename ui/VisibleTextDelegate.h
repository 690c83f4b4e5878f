#pragma once

#include <QFont>
#include <QStyledItemDelegate>

namespace pipescope {

// An item delegate that hands the style only as much of a cell's text as its width can show
// (and an ellipsis): the style shapes a cell's whole text to elide it, twice, at every paint, and
// a message's value may be hundreds of characters where a few dozen show. The cut is made where
// even the narrowest characters would overflow the cell, so the style still elides where it
// would have; a cut text that fits (zero-width characters) ends in the ellipsis all the same. A
// view that wraps its texts gets them whole.
class VisibleTextDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    // The most characters of `font` that `width` pixels can show.
    int visibleCharacters(const QFont& font, int width) const;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

protected:
    // Cuts the text while painting only: a size hint (a column fitted to its contents) measures
    // it whole.
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    mutable bool m_painting = false;
    // The advance of the narrowest printable ASCII character of m_font.
    mutable QFont m_font;
    mutable double m_narrowest = 0;
};

} // namespace pipescope
