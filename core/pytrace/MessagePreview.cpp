#include "pytrace/MessagePreview.h"

#include "trace/TraceEvent.h"
#include "wire/PicklePreview.h"

namespace pipescope {

MessagePreview previewMessage(QByteArrayView head, qint64 size, bool headCut)
{
    MessagePreview preview;
    if (!looksPickled(head)) {
        preview.detail = kBytesPreview;
        return preview;
    }
    const bool cut = headCut || head.size() < size;
    preview.text = picklePreview(head, cut, kMaxRecordText);
    if (cut)
        preview.detail = kTextCut;
    return preview;
}

} // namespace pipescope
