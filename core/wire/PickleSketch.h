#pragma once

#include "wire/SketchStack.h"
#include "wire/SketchTree.h"

#include <QByteArrayView>
#include <QString>

namespace pipescope {

// Reads a pickle of any protocol (0 to 5) into a SketchTree without importing or calling
// anything: what decodePickle() refuses (globals, REDUCE, NEWOBJ, BUILD, persistent ids,
// extensions, out-of-band buffers) is recorded symbolically, and a pickle that ends early is
// finished as well as the stack allows (SketchStack::finishCut()). Time and memory are linear in
// the input: every opcode adds at most two nodes, no length header is trusted beyond the bytes
// that are there, and nothing recurses.
class PickleSketch
{
public:
    explicit PickleSketch(QByteArrayView pickle);

    // Malformed: `error()` says what and where ("unknown opcode 0xff at offset 3").
    bool failed() const { return !m_error.isEmpty(); }
    const QString& error() const { return m_error; }
    // The input ended before STOP; the tree is what was read, open parts marked.
    bool cut() const { return m_cut; }
    // The value (the root of the tree), -1 when a cut came before any.
    qint32 root() const { return m_root; }
    const SketchTree& tree() const { return m_tree; }

private:
    bool step(unsigned char op);
    bool loadCounted(Value::Type type, int lengthSize);
    bool loadTextLine(unsigned char op);
    bool loadDecimal(unsigned char op, QByteArrayView line);

    const unsigned char* read(qsizetype n);
    bool readLine(QByteArrayView& line);
    // The stack's verdict: false with its error when it refused.
    bool check(bool ok);
    bool fail(const QString& what);

    const unsigned char* const m_begin;
    const unsigned char* m_p;
    const unsigned char* const m_end;
    qsizetype m_opOffset = 0;
    unsigned char m_op = 0;
    int m_protocol = 0;
    bool m_cut = false;
    bool m_stopped = false;
    qint32 m_root = -1;
    QString m_error;
    SketchTree m_tree;
    SketchStack m_stack{m_tree};
};

} // namespace pipescope
