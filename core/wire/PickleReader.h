#pragma once

#include "base/Result.h"
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
// Accepted: the opcodes CPython uses for None, bool, int (LONG1 and LONG4 of any length the input
// holds), float, str, bytes, bytearray (protocol 5), tuple, list, dict, set and frozenset, with
// MARK, POP, POP_MARK, DUP, FRAME and the memo (binary and text PUT/GET); and, as CPython's
// protocols 2 to 4 write bytearray, complex, range and slice, GLOBAL or STACK_GLOBAL naming exactly
// builtins.bytearray, .complex, .range or .slice (in GLOBAL also __builtin__, and
// __builtin__.xrange for range, as protocol 2 writes them), which only REDUCE may use, with an
// argument tuple of the shape CPython writes (bytearray:
// () or (bytes,); complex: two numbers; range: three ints, the step not 0; slice: three values).
// That builds the value; nothing is imported or called. Such a global may be memoized and fetched
// again (CPython reuses it), but put anywhere else (a container, an argument, the result) it is
// refused ("refused use of builtins.bytearray ..."), as are other arguments ("refused call of
// ..."). Unknown opcodes, malformed and truncated input, and structures that contain themselves
// are Unpickling errors, as is every other global and every other opcode that would import or
// call: GLOBAL, STACK_GLOBAL, REDUCE, BUILD, INST, OBJ, NEWOBJ, NEWOBJ_EX, PERSID, BINPERSID,
// EXT1/2/4, NEXT_BUFFER and READONLY_BUFFER ("refused opcode GLOBAL ('c') at offset 2: ...").
// Like CPython, an empty payload (or one ending exactly between opcodes) gives
// ErrorKind::Eof with "Ran out of input", and bytes after STOP are ignored. Unlike CPython, STOP
// must find exactly one value on the stack and no open MARK.
//
// Dicts and sets merge equal keys as Python does (1, 1.0, True and complex(1, 0) are one key, as
// are 2**64 and 2.0**64; the first key is kept with the last value) and unhashable keys (list,
// dict, set, bytearray, slice) are errors. Ranges compare as keys by start, stop and step, where
// Python compares them as sequences (range(0, 0) == range(1, 1)).
//
// Decoding takes time linear in the input: every opcode's work is bounded by its own size,
// amortised (PickleWork counts it).
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
