#include "trace/TextPool.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace pipescope {

// Packed frames lately read, unpacked: a table's rows, a view's labels and a filter's walk read
// texts of nearby messages, which share frames; a sort of the table by value reads them all,
// again and again, so up to kFrames are kept (filled only as far as they are read).
class TextPool::Unpacked
{
public:
    static constexpr size_t kFrames = 512; // 32 MiB

    struct Entry
    {
        quint64 used = 0;
        QByteArray bytes;
    };
    std::mutex mutex;
    std::unordered_map<qsizetype, Entry> frames;
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
    frame.length = m_openUsed;
    frame.bytes = qCompress(reinterpret_cast<const uchar*>(m_open.get()), m_openUsed, 1);
    frame.packed = !frame.bytes.isEmpty() && frame.bytes.size() < m_openUsed;
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
    auto& frames = m_unpacked->frames;
    auto found = frames.find(frame);
    if (found == frames.end()) {
        QByteArray unpacked = qUncompress(stored.bytes);
        if (unpacked.size() != stored.length)
            return {}; // out of memory: the text is not there to read
        if (frames.size() >= Unpacked::kFrames) {
            frames.erase(
                std::min_element(frames.begin(), frames.end(), [](const auto& a, const auto& b) {
                    return a.second.used < b.second.used;
                }));
        }
        found = frames.emplace(frame, Unpacked::Entry{0, std::move(unpacked)}).first;
    }
    found->second.used = ++m_unpacked->clock;
    return QByteArray(found->second.bytes.constData() + at, length);
}

} // namespace pipescope
