#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pipescope {

// What a pickle's GLOBAL or STACK_GLOBAL names, as Python 3 would look it up: for protocols 0 to
// 2, the Python 2 names CPython's pickler writes with fix_imports (__builtin__.xrange,
// exceptions.ValueError, copy_reg._reconstructor) become the Python 3 ones (builtins.range,
// builtins.ValueError, copyreg._reconstructor), as _compat_pickle maps them for the unpickler.
// Only the names: nothing is imported.
struct PyGlobal
{
    QByteArray module;
    QByteArray name;
};
PyGlobal python3Global(QByteArrayView module, QByteArrayView name, int protocol);

// The callables whose effect a preview reproduces (without calling them) because CPython pickles
// plain values or plain objects through them. Any other global is only named.
enum class KnownCallable : quint8
{
    Other,
    Set,           // builtins.set(iterable): protocols 0 to 3 write sets so
    FrozenSet,     // builtins.frozenset(iterable)
    Bytes,         // builtins.bytes(): protocols 0 to 2 write b'' so
    ByteArray,     // builtins.bytearray(), (bytes) or (str, 'latin-1')
    CodecsEncode,  // _codecs.encode(str, 'latin1'): protocols 0 to 2 write bytes so
    Complex,       // builtins.complex(real, imag)
    Range,         // builtins.range(start, stop, step)
    Reconstructor, // copyreg._reconstructor(cls, base, state): objects in protocols 0 and 1
    NewObj,        // copyreg.__newobj__(cls, *args)
    NewObjEx,      // copyreg.__newobj_ex__(cls, args, kwargs)
};
KnownCallable knownCallable(const PyGlobal& global);

} // namespace pipescope
