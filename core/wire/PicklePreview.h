#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pipescope {

// The text PipeScope shows for a pickled message it must not unpickle: the value of a message an
// unmodified Python program sent (it pickles anything, its own classes included), read without
// importing or calling anything. UTF-8, never empty, at most max(maxText, 3) bytes.
//
// `pickle` is the start of a pickle of protocol 0 to 5 as CPython writes it (pickle.dumps,
// multiprocessing's ForkingPickler); `cut` says it is only the first bytes of a longer one (the
// tracer copies at most 256 bytes). Bytes after STOP are ignored.
//
// Plain values (what decodePickle() reads: None, bool, int, float, str, bytes, bytearray, tuple,
// list, dict, set, frozenset, complex, range, slice) read exactly as Python's repr(): a complete
// pickle that decodePickle() reads gives Value::reprUtf8(), the text the rest of PipeScope shows;
// the same values written in ways it refuses (protocols 0 and 1, bytes and sets in protocol 2,
// a list that contains itself: "[[...]]") give the same text.
//
// Everything else is named, never executed:
//   a global (a function or class sent by reference)   __main__.helper, len, int
//   REDUCE, NEWOBJ, NEWOBJ_EX, INST or OBJ of a callable, with its positional arguments
//                                                       __main__.Reduced(3, 'x'),
//                                                       ValueError('boom')
//   ... NEWOBJ_EX's keyword arguments as name=value     __main__.KW(1, b=2)
//   ... a BUILD state dict with str keys as name=value  __main__.Point(x=1, y=2)
//       (also a (dict or None, slots dict) tuple)       __main__.Slotted(a=1, b='two')
//   ... any other BUILD state as "..."                  __main__.Custom(...)
//   ... what APPEND(S) or SETITEM(S) added to the object, as a list or dict argument
//                                                       collections.OrderedDict({'a': 1, 'b': 2})
//   a persistent id, an extension code, an out-of-band buffer
//                                                       <persistent id>, <extension 240>,
//                                                       <out-of-band buffer>
// The module is shown as pickled (a spawn child's __main__ is __mp_main__); builtins drop their
// module (ValueError, int, len); for protocols 0 to 2 the Python 2 names CPython writes read as
// Python 3's (__builtin__.xrange is range, exceptions.ValueError is ValueError).
// copyreg._reconstructor(cls, base, state) (objects in protocols 0 and 1) shows as cls(state), or
// as cls() when state is None, which BUILD then completes as above: __main__.Point(x=1, y=2);
// copyreg.__newobj__ and __newobj_ex__ show as the call of cls they make. An object the memo shares
// is shown at each use; one inside itself as "..." ("[...]", "{...}").
//
// "..." marks what is not shown because the pickle was cut (or ended early) or maxText was
// reached, where the text stops, followed by the closing brackets and quotes of everything still
// open, so that a cut text always ends with "..." and closers only:
//   a str, bytes or bytearray: its characters read (whole escapes)       'abc...', b'\x00...'
//   a list, tuple, dict, set or call: its items read, then "..." as the last item
//                                                                        [0, 1, 2, ...]
//       ("..." alone when none was read)                                 [...], set(...)
//   a container holding a cut one: its cut one, then "..." for the rest  [[1, 2], [3, ...], ...]
//   a dict key whose value did not come                                  {'a': 1, 'b': ...}
//   an object whose BUILD state was cut                                  __main__.Point(x=9, y=...)
//   a value whose maker is not known yet (set, complex, range, copyreg... before their
//   arguments)                                                           ...
//   a cut pickle whose last value looks complete: "..." after it         5...
//   a cut before any value                                               ...
// Where the cut took what would say where the last items go (a MARK's items before TUPLE or
// APPENDS, TUPLE1 to TUPLE3, STACK_GLOBAL's two str), the stack is read as CPython's pickler lays
// it out (see SketchStack::finishCut()): a best effort for the last few items.
//
// A malformed pickle (not merely cut) gives "<unreadable pickle: WHAT (OPCODE) at offset N>", e.g.
// "<unreadable pickle: unknown opcode 0xff at offset 3>",
// "<unreadable pickle: stack underflow (TUPLE2) at offset 4>".
//
// Time and memory are linear in the input (a few hundred bytes per opcode at most; no length
// header is trusted beyond the bytes that are there; nothing recurses while reading), and the
// text is built in time that grows with maxText, not with the value. Nesting beyond
// PickleLimits::maxDepth shows as "...".
QByteArray picklePreview(QByteArrayView pickle, bool cut, qsizetype maxText);

// Whether a payload that starts with `head` is a pickle as multiprocessing writes one: protocol 2
// and later start with PROTO, and it pickles with the default (4 or 5); what send_bytes() sent
// is taken for bytes.
bool looksPickled(QByteArrayView head);

} // namespace pipescope
