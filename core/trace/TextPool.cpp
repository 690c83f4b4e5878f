#include "trace/TextPool.h"

#include <cstring>

namespace pipescope {

static_assert(TextPool::kMaxTextBytes <= TextPool::kBlockBytes);

TextPool::TextPool(qsizetype maxBytes)
    : m_maxBytes(std::min<qsizetype>(maxBytes, qsizetype(0xffffffffU)))
{}

std::optional<quint32> TextPool::append(QByteArrayView text)
{
    if (text.size() > kMaxTextBytes)
        return std::nullopt;
    if (text.isEmpty())
        return quint32(m_size);
    qsizetype offset = m_size;
    const qsizetype room = kBlockBytes - offset % kBlockBytes;
    if (offset % kBlockBytes == 0 || text.size() > room) {
        // A new block: the rest of the current one stays unused.
        if (offset % kBlockBytes != 0)
            offset += room;
        if (offset + text.size() > m_maxBytes)
            return std::nullopt;
        m_blocks.push_back(std::make_unique_for_overwrite<char[]>(size_t(kBlockBytes)));
    } else if (offset + text.size() > m_maxBytes) {
        return std::nullopt;
    }
    std::memcpy(m_blocks.back().get() + offset % kBlockBytes, text.data(), size_t(text.size()));
    m_size = offset + text.size();
    return quint32(offset);
}

QByteArrayView TextPool::view(quint32 offset, qsizetype length) const
{
    if (length == 0)
        return {};
    return QByteArrayView(m_blocks[offset / kBlockBytes].get() + offset % kBlockBytes, length);
}

} // namespace pipescope
