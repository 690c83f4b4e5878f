#include "trace/TextPool.h"

#include "base/BackgroundPriority.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace pipescope {

// The full frames, as they were (until packed) or packed, and those lately read, unpacked: a
// table's rows, a view's labels and a filter's walk read texts of nearby messages, which share
// frames; a sort of the table by value reads them all, again and again, so up to kUnpacked are
// kept (filled only as far as they are read).
class TextPool::Frames
{
public:
    static constexpr size_t kUnpacked = 512; // 32 MiB

    struct Frame
    {
        QByteArray bytes;
        qsizetype length = 0; // unpacked
        bool packed = false;
    };
    struct Unpacked
    {
        quint64 used = 0;
        QByteArray bytes;
    };

    mutable std::mutex mutex;
    mutable std::condition_variable packed; // a frame was packed
    std::vector<Frame> frames;
    qsizetype keptBytes = 0;
    int packing = 0; // frames handed over and not packed yet
    mutable std::unordered_map<qsizetype, Unpacked> unpacked;
    mutable quint64 clock = 0;

    // Packs frame `index` (on the packer thread, below): outside the lock, then swapped in.
    void pack(qsizetype index)
    {
        QByteArray bytes;
        {
            std::lock_guard lock(mutex);
            bytes = frames[size_t(index)].bytes; // shared, not copied
        }
        QByteArray packedBytes = qCompress(bytes, 1);
        std::lock_guard lock(mutex);
        Frame& frame = frames[size_t(index)];
        if (!packedBytes.isEmpty() && packedBytes.size() < frame.length) {
            packedBytes.squeeze();
            keptBytes += packedBytes.size() - frame.bytes.size();
            frame.bytes = std::move(packedBytes);
            frame.packed = true;
        }
        --packing;
        packed.notify_all();
    }
};

namespace {

constexpr qsizetype kMaxOffsets = qsizetype(1) << 32;

// The thread that packs every pool's full frames, in the order they were sealed: started with
// the first, it lives as long as the program and finishes what it was given before the end.
class Packer
{
public:
    static Packer& instance()
    {
        static Packer packer;
        return packer;
    }

    void post(std::function<void()> task)
    {
        {
            std::lock_guard lock(m_mutex);
            m_tasks.push_back(std::move(task));
            if (!m_thread.joinable())
                m_thread = std::thread([this] {
                    setBackgroundPriority();
                    work();
                });
        }
        m_posted.notify_one();
    }

    ~Packer()
    {
        {
            std::lock_guard lock(m_mutex);
            m_ending = true;
        }
        m_posted.notify_one();
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    Packer() = default;

    void work()
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_posted.wait(lock, [this] { return m_ending || !m_tasks.empty(); });
            if (m_tasks.empty())
                return; // ending, and nothing is left
            std::function<void()> task = std::move(m_tasks.front());
            m_tasks.pop_front();
            lock.unlock();
            task();
            lock.lock();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_posted;
    std::deque<std::function<void()>> m_tasks;
    bool m_ending = false;
    std::thread m_thread;
};

} // namespace

TextPool::TextPool(qsizetype maxBytes)
    : m_maxBytes(maxBytes)
    , m_frames(std::make_shared<Frames>())
{}

TextPool::~TextPool() = default;

qsizetype TextPool::keptBytes() const
{
    std::lock_guard lock(m_frames->mutex);
    return m_frames->keptBytes + (m_filling ? kFrameBytes : 0);
}

void TextPool::waitForPacking() const
{
    std::unique_lock lock(m_frames->mutex);
    m_frames->packed.wait(lock, [this] { return m_frames->packing == 0; });
}

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
        if (m_size + text.size() > kMaxOffsets)
            return std::nullopt;
        // At the bound while frames wait to be packed: what they will keep is what counts.
        if (keptBytes() + kFrameBytes > m_maxBytes)
            waitForPacking();
        if (keptBytes() + kFrameBytes > m_maxBytes)
            return std::nullopt;
        if (!m_open)
            m_open = std::make_unique_for_overwrite<char[]>(size_t(kFrameBytes));
        m_filling = true;
    }
    std::memcpy(m_open.get() + m_openUsed, text.data(), size_t(text.size()));
    const auto offset = quint32(m_size);
    m_size += text.size();
    m_openUsed += text.size();
    return offset;
}

void TextPool::seal()
{
    qsizetype index = 0;
    {
        std::lock_guard lock(m_frames->mutex);
        index = qsizetype(m_frames->frames.size());
        m_frames->frames.push_back({QByteArray(m_open.get(), m_openUsed), m_openUsed, false});
        m_frames->keptBytes += m_openUsed;
        ++m_frames->packing;
    }
    Packer::instance().post([frames = m_frames, index] { frames->pack(index); });
    m_size = (index + 1) * kFrameBytes;
    m_openUsed = 0;
    m_filling = false; // its room is used again for the next frame
}

QByteArray TextPool::text(quint32 offset, qsizetype length) const
{
    if (length == 0)
        return {};
    const auto index = qsizetype(offset / kFrameBytes);
    const qsizetype at = offset % kFrameBytes;
    std::lock_guard lock(m_frames->mutex);
    auto& frames = m_frames->frames;
    if (index == qsizetype(frames.size()))
        return QByteArray(m_open.get() + at, length);
    const Frames::Frame& frame = frames[size_t(index)];
    if (!frame.packed)
        return QByteArray(frame.bytes.constData() + at, length);
    auto& unpacked = m_frames->unpacked;
    auto found = unpacked.find(index);
    if (found == unpacked.end()) {
        QByteArray bytes = qUncompress(frame.bytes);
        if (bytes.size() != frame.length)
            return {}; // out of memory: the text is not there to read
        if (unpacked.size() >= Frames::kUnpacked) {
            unpacked.erase(std::min_element(
                unpacked.begin(), unpacked.end(),
                [](const auto& a, const auto& b) { return a.second.used < b.second.used; }));
        }
        found = unpacked.emplace(index, Frames::Unpacked{0, std::move(bytes)}).first;
    }
    found->second.used = ++m_frames->clock;
    return QByteArray(found->second.bytes.constData() + at, length);
}

} // namespace pipescope
