#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>
#include <memory>
#include <optional>

namespace pipescope {

// The bytes of a store's texts (values' reprs, payload heads, printed lines), appended into
// frames of kFrameBytes. A text never straddles two frames; it is found by the 32-bit offset
// append() gave. A full frame is packed (zlib, its fastest level) on a thread of its own, not by
// the thread that appends (a run's texts stream in on the window's thread), and kept
// packed unless that saves nothing: texts repeat themselves (a run's values have one type and one
// shape), so they take a fraction of their size. Packed frames lately read are kept unpacked for
// readers (see Frames). Reading copies the text out under a lock, so several threads may read
// at once (a finished run's analysis and the window); appends are not safe with reads on other
// threads.
class TextPool
{
public:
    static constexpr qsizetype kFrameBytes = 64 * 1024;
    // The longest text one append takes.
    static constexpr qsizetype kMaxTextBytes = kFrameBytes;

    // `maxBytes`: the most it keeps (frames as kept, and the one being filled).
    explicit TextPool(qsizetype maxBytes);
    TextPool(const TextPool&) = delete;
    TextPool& operator=(const TextPool&) = delete;
    ~TextPool();

    // Where `text` (at most kMaxTextBytes) is kept; std::nullopt once the pool's bound would be
    // passed, or its 4 GiB of offsets (nothing is stored then).
    std::optional<quint32> append(QByteArrayView text);
    // A copy of the text at `offset`.
    QByteArray text(quint32 offset, qsizetype length) const;
    // The bytes it keeps: full frames as kept (packed once packed), the frame being filled whole.
    qsizetype keptBytes() const;
    // Waits until every full frame has been packed (for the tests and the benchmarks).
    void waitForPacking() const;
    // The offset the next text may get (frame ends left unused included).
    qsizetype size() const { return m_size; }

private:
    class Frames;

    // Hands the frame being filled over to be packed.
    void seal();

    qsizetype m_maxBytes;
    qsizetype m_size = 0;
    std::unique_ptr<char[]> m_open; // the frame being filled: the one after the full frames
    qsizetype m_openUsed = 0;
    bool m_filling = false; // m_open holds a frame's texts
    // The full frames: shared with the tasks that pack them, which may outlive the pool.
    std::shared_ptr<Frames> m_frames;
};

} // namespace pipescope
