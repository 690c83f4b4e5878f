#pragma once

#include "pipe/Result.h"
#include "wire/Value.h"

#include <QByteArray>

namespace pipescope {

// Bounds decodePickle() enforces on what a pickle may expand to.
struct PickleLimits
{
    // Containers nested inside one another, the outermost counting as 1.
    int maxDepth = 100;
    // Values in the result, counted as if every object the memo shares were copied at each use
    // (so [a, a] with a = [1] counts 5); this stops a pickle of a few hundred bytes from
    // expanding exponentially through shared references.
    qint64 maxValues = 1'000'000;
};

// Reads a pickle of protocol 2 to 5 into a Value, without ever importing or calling anything.
//
// Accepted: the opcodes CPython uses for None, bool, int, float, str, bytes, bytearray (protocol
// 5), tuple, list, dict, set and frozenset, with MARK, POP, POP_MARK, DUP, FRAME and the memo
// (binary and text PUT/GET). Ints beyond 64 bits, unknown opcodes, malformed and truncated input,
// and structures that contain themselves are Unpickling errors, as is every opcode that would
// import or call: GLOBAL, STACK_GLOBAL, REDUCE, BUILD, INST, OBJ, NEWOBJ, NEWOBJ_EX, PERSID,
// BINPERSID, EXT1/2/4, NEXT_BUFFER and READONLY_BUFFER ("refused opcode GLOBAL ('c') at offset 2:
// ..."). Like CPython, an empty payload (or one ending exactly between opcodes) gives
// ErrorKind::Eof with "Ran out of input", and bytes after STOP are ignored. Unlike CPython, STOP
// must find exactly one value on the stack and no open MARK.
//
// Dicts and sets merge equal keys as Python does (1, 1.0 and True are one key; the first key is
// kept with the last value) and unhashable keys (list, dict, set, bytearray) are errors.
//
// `work`, when given, counts the reader's elementary steps (opcodes, items moved or copied,
// reallocations included, keys compared, values built): tests use it to check that decoding takes
// time linear in the input, which a peer could otherwise exploit to stall a receiver.
struct PickleWork
{
    qint64 steps = 0;
};
Result<Value> decodePickle(const char* data, qsizetype size, const PickleLimits& limits = {},
                           PickleWork* work = nullptr);
Result<Value> decodePickle(const QByteArray& pickle, const PickleLimits& limits = {},
                           PickleWork* work = nullptr);

} // namespace pipescope
