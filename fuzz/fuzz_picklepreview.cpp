// libFuzzer target: picklePreview() and dissectPickle() on arbitrary bytes.
//
// Input: [options byte] [pickle...]
//   options byte, bit 0: the pickle is a cut (the tracer's first bytes of a longer one);
//   bits 1-7 (v): maxText, v * 4 (0 to 504), or 100000 for v = 127.
//
// Invariants (a violation traps): the text is never empty, never longer than max(maxText, 3)
// bytes, valid UTF-8, and the same when asked again; a complete pickle that decodePickle() reads
// and whose repr fits gives exactly Value::reprUtf8() (and PickleSketch reads it too); a malformed
// pickle gives "<unreadable pickle: ...>" (cut to maxText); a cut one (that PickleSketch finds cut)
// shows its cut mark: a "..." followed by nothing but closing brackets and quotes. The heap the
// call holds at its peak (ASan's allocation hooks) stays within a fixed multiple of the input and
// maxText: no length header is trusted. dissectPickle() (the same bytes) lists opcodes that cover
// the bytes from the start with no gap and no overlap, each inside them, stopping at STOP, an
// unknown opcode or a cut (only the last may be cut), and its heap stays within a multiple of the
// input too.

#include "FuzzCheck.h"
#include "wire/PickleDissection.h"
#include "wire/PicklePreview.h"
#include "wire/PickleReader.h"
#include "wire/PickleSketch.h"

#include <QByteArray>
#include <QString>
#include <algorithm>
#include <cstdint>
#include <sanitizer/allocator_interface.h>
#include <vector>

using namespace pipescope;

namespace {

// ---- Heap metering: the peak of net bytes allocated during a call ----------------------------

struct Meter
{
    long long live = 0;
    long long peak = 0;
};

Meter* g_meter = nullptr;

void mallocHook(const volatile void*, size_t size)
{
    if (g_meter) {
        g_meter->live += static_cast<long long>(size);
        g_meter->peak = std::max(g_meter->peak, g_meter->live);
    }
}

void freeHook(const volatile void* pointer)
{
    if (g_meter && pointer)
        g_meter->live -= static_cast<long long>(__sanitizer_get_allocated_size(pointer));
}

bool endsWithCutMark(const QByteArray& text)
{
    const qsizetype at = text.lastIndexOf("...");
    if (at < 0)
        return false;
    return std::all_of(text.begin() + at + 3, text.end(),
                       [](char c) { return QByteArrayView(")]}'\"").contains(c); });
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    __sanitizer_install_malloc_and_free_hooks(mallocHook, freeHook);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size)
{
    if (size < 1)
        return 0;
    const bool cut = (bytes[0] & 1) != 0;
    const int v = bytes[0] >> 1;
    const qsizetype maxText = v == 127 ? 100000 : v * 4;
    const qsizetype limit = std::max<qsizetype>(maxText, 3);
    const QByteArrayView pickle(reinterpret_cast<const char*>(bytes) + 1, qsizetype(size) - 1);

    Meter meter;
    g_meter = &meter;
    const QByteArray text = picklePreview(pickle, cut, maxText);
    g_meter = nullptr;
    // About 200 bytes a node (at most one an input byte), vectors growing by doubling, the text.
    FUZZ_CHECK(meter.peak <= 1024LL * pickle.size() + 64LL * limit + (1LL << 20));

    FUZZ_CHECK(!text.isEmpty());
    FUZZ_CHECK(text.size() <= limit);
    FUZZ_CHECK(QString::fromUtf8(text).toUtf8() == text);
    FUZZ_CHECK(picklePreview(pickle, cut, maxText) == text);

    const PickleSketch sketch(pickle);
    if (!cut) {
        // What decodePickle() reads the sketch reads too, and the text is the same repr.
        const Result<Value> value = decodePickle(pickle.data(), pickle.size());
        if (value) {
            bool longer = false;
            const QByteArray repr = value->reprUtf8(limit, longer);
            FUZZ_CHECK(longer || text == repr);
            FUZZ_CHECK(!sketch.failed());
        }
    }
    if (sketch.failed())
        FUZZ_CHECK(limit < 23 || text.startsWith("<unreadable pickle: "));
    else if (sketch.cut())
        FUZZ_CHECK(endsWithCutMark(text));

    Meter dissectionMeter;
    g_meter = &dissectionMeter;
    const std::vector<PickleOp> ops = dissectPickle(pickle);
    g_meter = nullptr;
    FUZZ_CHECK(dissectionMeter.peak <= 4096LL * pickle.size() + (1LL << 20));
    qsizetype at = 0;
    for (size_t i = 0; i < ops.size(); ++i) {
        const PickleOp& op = ops[i];
        const bool last = i + 1 == ops.size();
        FUZZ_CHECK(op.offset == at && op.length >= 1 && op.offset + op.length <= pickle.size());
        FUZZ_CHECK(!op.cut || last);
        FUZZ_CHECK(!(op.code == '.' && op.name == QLatin1String("STOP")) || last);
        FUZZ_CHECK(!pickleOpLine(op).isEmpty());
        at += op.length;
    }
    // All of the bytes, unless a STOP or an unknown opcode ended the listing first.
    FUZZ_CHECK(at == pickle.size() ||
               (!ops.empty() && (ops.back().name == QLatin1String("STOP") ||
                                 ops.back().name == QLatin1String("unknown opcode"))));
    return 0;
}
