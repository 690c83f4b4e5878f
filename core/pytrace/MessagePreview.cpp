#include "pytrace/MessagePreview.h"

#include "trace/TraceEvent.h"
#include "wire/PicklePreview.h"

namespace pipescope {

namespace {

// Protocol 2 and later start with PROTO; multiprocessing pickles with the default (4 or 5).
bool looksPickled(QByteArrayView head)
{
    return head.size() >= 2 && quint8(head[0]) == 0x80 && quint8(head[1]) >= 2 &&
           quint8(head[1]) <= 5;
}

} // namespace

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
