#pragma once

#include "wire/Value.h"

#include <QByteArray>

namespace pipescope {

// Pickles a Value byte for byte as CPython 3.11's pickle.dumps(obj, protocol=4) does, frames
// (split at 64 KiB) and memo included. Values that share storage are one object to the memo, as
// the same Python object is to CPython.
//
// Ints beyond 64 bits go as LONG1 (LONG4 past 255 bytes), complex, range and slice through
// builtins and REDUCE with the global memoized, all as CPython writes them.
//
// The exception is bytearray: protocol 4 pickles it through builtins.bytearray and REDUCE, which
// older PipeScope versions refuse, so a value holding one is written as protocol 5 (BYTEARRAY8),
// exactly as pickle.dumps(obj, protocol=5) writes it. CPython 3.8 and later read that back.
QByteArray encodePickle(const Value& value);
// The same, appended to out (which may already hold data), so a hot path can reuse one buffer.
void appendPickle(QByteArray& out, const Value& value);

// The longest pickle writeScalarPickle() writes.
constexpr qsizetype kScalarPickleMax = 21;
// The pickle of a lone None, bool, 32-bit int or float (as encodePickle() writes it) into `out`,
// which has room for kScalarPickleMax bytes; returns its size, or 0 (nothing written) for any other
// value. A stream of such values is pickled without a buffer that grows.
qsizetype writeScalarPickle(const Value& value, char* out);

} // namespace pipescope
