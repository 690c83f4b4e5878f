#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>
#include <memory>
#include <optional>
#include <vector>

namespace pipescope {

// The bytes of a store's texts (values' reprs, payload heads, printed lines), appended into
// frames of kFrameBytes. A text never straddles two frames; it is found by the 32-bit offset
// append() gave. A full frame is packed (zlib, its fastest level) unless that saves nothing:
// texts repeat themselves (a run's values have one type and one shape), so they take a fraction
// of their size; packed frames lately read are kept unpacked for readers (see Unpacked). Reading
// copies the text out under a lock, so several threads may read at once (a finished run's
// analysis and the window); appends are not safe with reads on other threads.
class TextPool
{
public:
    static constexpr qsizetype kFrameBytes = 64 * 1024;
    // The longest text one append takes.
    static constexpr qsizetype kMaxTextBytes = kFrameBytes;

    // `maxBytes`: the most it keeps (packed frames and the one being filled).
    explicit TextPool(qsizetype maxBytes);
    TextPool(TextPool&&) noexcept;
    TextPool& operator=(TextPool&&) noexcept;
    ~TextPool();

    // Where `text` (at most kMaxTextBytes) is kept; std::nullopt once the pool's bound would be
    // passed, or its 4 GiB of offsets (nothing is stored then).
    std::optional<quint32> append(QByteArrayView text);
    // A copy of the text at `offset`.
    QByteArray text(quint32 offset, qsizetype length) const;
    // The bytes it keeps: packed frames as packed, the frame being filled whole.
    qsizetype keptBytes() const { return m_keptBytes; }
    // The offset the next text may get (frame ends left unused included).
    qsizetype size() const { return m_size; }

private:
    struct Frame
    {
        QByteArray bytes;
        qsizetype length = 0; // unpacked
        bool packed = false;
    };
    class Unpacked;

    // Packs the frame being filled into m_frames.
    void seal();

    qsizetype m_maxBytes;
    qsizetype m_size = 0;
    qsizetype m_keptBytes = 0;
    std::vector<Frame> m_frames;    // full frames
    std::unique_ptr<char[]> m_open; // the frame being filled: frame m_frames.size()
    qsizetype m_openUsed = 0;
    bool m_filling = false; // m_open holds a frame's texts
    std::unique_ptr<Unpacked> m_unpacked;
};

} // namespace pipescope
