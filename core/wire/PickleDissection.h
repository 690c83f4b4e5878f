#pragma once

#include <QByteArrayView>
#include <QString>
#include <vector>

namespace pipescope {

// One opcode of a pickle as Python's pickletools.dis() lists it: where it is, its bytes, its
// name and its argument as text ("'abc'", "2.5", "(MARK at 11)", "(as 0)"), and how deep in
// MARKs it sits (dis() indents by that).
struct PickleOp
{
    qsizetype offset = 0;
    qsizetype length = 0;
    unsigned char code = 0;
    QString name;     // "SHORT_BINUNICODE"; "unknown opcode" for a byte that is none
    QString argument; // empty for an opcode without one
    int depth = 0;
    bool cut = false; // the bytes end inside it: its argument is what was there
};

// The opcodes of `pickle`, in order, up to and including STOP. Reads only: nothing is imported,
// built or called. Stops at a byte that is no opcode (listed as "unknown opcode") and where the
// bytes end (the last opcode, if the end is inside it, marked cut): a message's first bytes
// dissect as far as they go.
std::vector<PickleOp> dissectPickle(QByteArrayView pickle);

// One line of pickletools.dis() for `op`: "   11: G        BINFLOAT   2.5" (the byte as dis()
// writes it: printable ASCII as is, others as \xNN).
QString pickleOpLine(const PickleOp& op);

} // namespace pipescope
