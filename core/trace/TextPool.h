#pragma once

#include <QByteArrayView>
#include <QtGlobal>
#include <memory>
#include <optional>
#include <vector>

namespace pipescope {

// The bytes of a store's texts, kept in fixed blocks so that growing never copies what is there.
// A text never straddles two blocks; it is found by the 32-bit offset append() gave.
class TextPool
{
public:
    static constexpr qsizetype kBlockBytes = 1024 * 1024;
    // The longest text one append takes.
    static constexpr qsizetype kMaxTextBytes = 64 * 1024;

    explicit TextPool(qsizetype maxBytes);

    // Where `text` (at most kMaxTextBytes) is kept; std::nullopt once the pool's bound would be
    // passed (nothing is stored then).
    std::optional<quint32> append(QByteArrayView text);
    QByteArrayView view(quint32 offset, qsizetype length) const;
    // The bytes handed out so far (block ends left unused included).
    qsizetype size() const { return m_size; }

private:
    qsizetype m_maxBytes;
    qsizetype m_size = 0;
    std::vector<std::unique_ptr<char[]>> m_blocks;
};

} // namespace pipescope
