#pragma once

#include "wire/SketchTree.h"

#include <QString>
#include <unordered_map>
#include <vector>

namespace pipescope {

// The unpickler's stack, MARKs and memo for a preview: it holds indices of a SketchTree's nodes
// and does what the structural opcodes do with them, as CPython's Unpickler would (the opcode
// names below), without calling anything. Each operation returns false, with error() set, when
// the stack does not allow it. Every operation takes time in proportion to what it takes off the
// stack, so that a pickle costs time linear in its size.
class SketchStack
{
public:
    explicit SketchStack(SketchTree& tree);

    const QString& error() const { return m_error; }

    bool push(quint32 node);
    bool mark();                     // MARK
    bool pop();                      // POP (takes a MARK on top instead, as CPython does)
    bool popMark();                  // POP_MARK
    bool dup();                      // DUP
    bool tuple(qsizetype n);         // EMPTY_TUPLE, TUPLE1, TUPLE2, TUPLE3
    bool fromMark(SketchNode::Kind); // TUPLE, LIST, DICT, FROZENSET
    bool addItems(unsigned char op); // APPEND(S), SETITEM(S), ADDITEMS
    bool call(unsigned char op);     // REDUCE, NEWOBJ, NEWOBJ_EX, OBJ
    bool inst(quint32 cls);          // INST, once its global is made
    bool build();                    // BUILD
    bool stackGlobal(int protocol);  // STACK_GLOBAL
    bool replaceTop(quint32 node);   // BINPERSID
    bool needTop();                  // READONLY_BUFFER
    bool memoPut(quint64 key);       // PUT, BINPUT, LONG_BINPUT
    bool memoize();                  // MEMOIZE
    bool memoGet(quint64 key);       // GET, BINGET, LONG_BINGET
    bool stop(qint32& root);         // STOP: the value on top

    // The value of a pickle cut here, as far as the stack shows it: what is still on it is put
    // where the opcodes that did not come would have put it, open parts marked. -1: none.
    qint32 finishCut(int protocol);

private:
    qsizetype fence() const { return m_marks.empty() ? 0 : m_marks.back(); }
    qsizetype available() const { return qsizetype(m_stack.size()) - fence(); }
    // The position of the topmost MARK, which is taken off; -1 (error set) without one.
    qsizetype takeMark();
    // A container of the stack from `from` up, which it takes off the stack.
    quint32 takeContainer(SketchNode::Kind kind, qsizetype from, bool open = false);
    bool fail(const QString& what);
    bool underflow();

    bool foldTop(qsizetype from, bool sure, int protocol);
    bool foldArguments(qsizetype from, bool sure);
    void flushMark(qsizetype mark);

    SketchTree& m_tree;
    std::vector<quint32> m_stack;
    std::vector<qsizetype> m_marks;
    std::unordered_map<quint64, quint32> m_memo;
    QString m_error;
};

} // namespace pipescope
