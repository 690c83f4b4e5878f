#include "trace/TextPool.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

namespace pipescope {

// Packed frames lately read, unpacked: a table's rows, a view's labels and a filter's walk read
// texts of nearby messages, which share frames.
class TextPool::Unpacked
{
public:
    static constexpr int kFrames = 8;

    std::mutex mutex;
    struct Entry
    {
        qsizetype frame = -1;
        quint64 used = 0;
        QByteArray bytes;
    };
    std::array<Entry, kFrames> entries;
    quint64 clock = 0;
};

namespace {

constexpr qsizetype kMaxOffsets = qsizetype(1) << 32;

} // namespace

TextPool::TextPool(qsizetype maxBytes)
    : m_maxBytes(maxBytes)
    , m_unpacked(std::make_unique<Unpacked>())
{}

TextPool::TextPool(TextPool&&) noexcept = default;
TextPool& TextPool::operator=(TextPool&&) noexcept = default;
TextPool::~TextPool() = default;

std::optional<quint32> TextPool::append(QByteArrayView text)
{
    if (text.size() > kMaxTextBytes)
        return std::nullopt;
    if (text.isEmpty())
        return quint32(m_size); // never read
    if (!m_filling || text.size() > kFrameBytes - m_openUsed) {
        // A new frame: the rest of the current one stays unused.
        if (m_filling)
            seal();
        if (m_size + text.size() > kMaxOffsets || m_keptBytes + kFrameBytes > m_maxBytes)
            return std::nullopt;
        if (!m_open)
            m_open = std::make_unique_for_overwrite<char[]>(size_t(kFrameBytes));
        m_filling = true;
        m_keptBytes += kFrameBytes;
    }
    std::memcpy(m_open.get() + m_openUsed, text.data(), size_t(text.size()));
    const auto offset = quint32(m_size);
    m_size += text.size();
    m_openUsed += text.size();
    return offset;
}

void TextPool::seal()
{
    Frame frame;
    frame.bytes = qCompress(reinterpret_cast<const uchar*>(m_open.get()), m_openUsed, 1);
    frame.packed = frame.bytes.size() < m_openUsed;
    if (!frame.packed)
        frame.bytes = QByteArray(m_open.get(), m_openUsed);
    frame.bytes.squeeze();
    m_keptBytes += frame.bytes.size() - kFrameBytes;
    m_frames.push_back(std::move(frame));
    m_size = qsizetype(m_frames.size()) * kFrameBytes;
    m_openUsed = 0;
    m_filling = false; // its room is used again for the next frame
}

QByteArray TextPool::text(quint32 offset, qsizetype length) const
{
    if (length == 0)
        return {};
    const auto frame = qsizetype(offset / kFrameBytes);
    const qsizetype at = offset % kFrameBytes;
    if (frame == qsizetype(m_frames.size()))
        return QByteArray(m_open.get() + at, length);
    const Frame& stored = m_frames[size_t(frame)];
    if (!stored.packed)
        return QByteArray(stored.bytes.constData() + at, length);
    std::lock_guard lock(m_unpacked->mutex);
    auto& entries = m_unpacked->entries;
    auto found = std::find_if(entries.begin(), entries.end(),
                              [frame](const Unpacked::Entry& e) { return e.frame == frame; });
    if (found == entries.end()) {
        found = std::min_element(
            entries.begin(), entries.end(),
            [](const Unpacked::Entry& a, const Unpacked::Entry& b) { return a.used < b.used; });
        found->frame = frame;
        found->bytes = qUncompress(stored.bytes);
    }
    found->used = ++m_unpacked->clock;
    return QByteArray(found->bytes.constData() + at, length);
}

} // namespace pipescope
