#include "wire/PicklePreview.h"

#include "wire/PickleReader.h"
#include "wire/PickleSketch.h"
#include "wire/SketchRenderer.h"

#include <algorithm>
#include <optional>

namespace pipescope {

namespace {

QByteArray cutText(QByteArray text, qsizetype limit)
{
    if (text.size() <= limit)
        return text;
    return text.left(limit - 3) + "...";
}

} // namespace

QByteArray picklePreview(QByteArrayView pickle, bool cut, qsizetype maxText)
{
    const qsizetype limit = std::max<qsizetype>(maxText, 3);
    std::optional<Value> decoded;
    if (!cut) {
        // The plain values PipeScope reads: the very text it shows for them everywhere else.
        Result<Value> value = decodePickle(pickle.data(), pickle.size());
        if (value) {
            bool longer = false;
            QByteArray text = value->reprUtf8(limit, longer);
            if (!longer)
                return text;
            decoded = std::move(*value);
        }
    }
    const PickleSketch sketch(pickle);
    if (sketch.failed()) {
        if (decoded) { // not expected: the sketch reads all decodePickle() does
            bool longer = false;
            return decoded->reprUtf8(limit - 3, longer) + "...";
        }
        return cutText("<unreadable pickle: " + sketch.error().toUtf8() + '>', limit);
    }
    SketchRenderer renderer(sketch, PickleLimits{}.maxDepth);
    QByteArray text = renderer.render(limit).toUtf8();
    // A unit takes one to three bytes of UTF-8: shorter, until it fits (as Value::reprUtf8()).
    for (qsizetype units = limit; text.size() > limit;) {
        if (units <= 3)
            return QByteArrayLiteral("...");
        units = std::max<qsizetype>(3, units - std::max<qsizetype>(1, (text.size() - limit) / 3));
        text = renderer.render(units).toUtf8();
    }
    return text;
}

bool looksPickled(QByteArrayView head)
{
    return head.size() >= 2 && quint8(head[0]) == 0x80 && quint8(head[1]) >= 2 &&
           quint8(head[1]) <= 5;
}

} // namespace pipescope
