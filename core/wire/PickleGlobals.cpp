#include "wire/PickleGlobals.h"

namespace pipescope {

namespace {

struct ModuleRename
{
    const char* python2;
    const char* python3;
};

// _compat_pickle.IMPORT_MAPPING for the modules a Python 3 program's objects come from (the
// reverse of what CPython's pickler renames for protocols below 3), and Python 2's exceptions.
constexpr ModuleRename kModules[] = {
    {"__builtin__", "builtins"},
    {"exceptions", "builtins"},
    {"copy_reg", "copyreg"},
    {"Queue", "queue"},
    {"SocketServer", "socketserver"},
    {"ConfigParser", "configparser"},
    {"repr", "reprlib"},
    {"thread", "_thread"},
    {"dummy_thread", "_dummy_thread"},
    {"markupbase", "_markupbase"},
    {"_winreg", "winreg"},
    {"_abcoll", "collections.abc"},
    {"cPickle", "pickle"},
    {"UserDict", "collections"},
    {"UserList", "collections"},
    {"UserString", "collections"},
    {"StringIO", "io"},
    {"cStringIO", "io"},
    {"httplib", "http.client"},
    {"xmlrpclib", "xmlrpc.client"},
    {"urlparse", "urllib.parse"},
    {"urllib2", "urllib.request"},
    {"Cookie", "http.cookies"},
    {"cookielib", "http.cookiejar"},
    {"HTMLParser", "html.parser"},
    {"htmlentitydefs", "html.entities"},
    {"Tkinter", "tkinter"},
    {"anydbm", "dbm"},
    {"dbm", "dbm.ndbm"},
    {"gdbm", "dbm.gnu"},
    {"dumbdbm", "dbm.dumb"},
    {"dbhash", "dbm.bsd"},
    {"commands", "subprocess"},
    {"test.test_support", "test.support"},
};

struct NameRename
{
    const char* module2;
    const char* name2;
    const char* module3;
    const char* name3;
};

// _compat_pickle.NAME_MAPPING where the name changes too (or the module differs from kModules).
constexpr NameRename kNames[] = {
    {"__builtin__", "xrange", "builtins", "range"},
    {"__builtin__", "unicode", "builtins", "str"},
    {"__builtin__", "basestring", "builtins", "str"},
    {"__builtin__", "long", "builtins", "int"},
    {"__builtin__", "unichr", "builtins", "chr"},
    {"__builtin__", "reduce", "functools", "reduce"},
    {"__builtin__", "intern", "sys", "intern"},
    {"exceptions", "StandardError", "builtins", "Exception"},
    {"itertools", "izip", "builtins", "zip"},
    {"itertools", "imap", "builtins", "map"},
    {"itertools", "ifilter", "builtins", "filter"},
    {"itertools", "ifilterfalse", "itertools", "filterfalse"},
    {"itertools", "izip_longest", "itertools", "zip_longest"},
    {"UserDict", "IterableUserDict", "collections", "UserDict"},
    {"_socket", "fromfd", "socket", "fromfd"},
    {"_multiprocessing", "Connection", "multiprocessing.connection", "Connection"},
    {"multiprocessing.process", "Process", "multiprocessing.context", "Process"},
    {"multiprocessing.forking", "Popen", "multiprocessing.popen_fork", "Popen"},
    {"multiprocessing", "AuthenticationError", "multiprocessing.context", "AuthenticationError"},
    {"multiprocessing", "BufferTooShort", "multiprocessing.context", "BufferTooShort"},
    {"multiprocessing", "ProcessError", "multiprocessing.context", "ProcessError"},
    {"multiprocessing", "TimeoutError", "multiprocessing.context", "TimeoutError"},
};

struct Known
{
    const char* module;
    const char* name;
    KnownCallable callable;
};

constexpr Known kKnown[] = {
    {"builtins", "set", KnownCallable::Set},
    {"builtins", "frozenset", KnownCallable::FrozenSet},
    {"builtins", "bytes", KnownCallable::Bytes},
    {"builtins", "bytearray", KnownCallable::ByteArray},
    {"_codecs", "encode", KnownCallable::CodecsEncode},
    {"builtins", "complex", KnownCallable::Complex},
    {"builtins", "range", KnownCallable::Range},
    {"copyreg", "_reconstructor", KnownCallable::Reconstructor},
    {"copyreg", "__newobj__", KnownCallable::NewObj},
    {"copyreg", "__newobj_ex__", KnownCallable::NewObjEx},
};

} // namespace

PyGlobal python3Global(QByteArrayView module, QByteArrayView name, int protocol)
{
    // CPython's Unpickler maps only for protocols below 3 (fix_imports).
    if (protocol < 3) {
        for (const NameRename& rename : kNames) {
            if (module == rename.module2 && name == rename.name2)
                return {rename.module3, rename.name3};
        }
        for (const ModuleRename& rename : kModules) {
            if (module == rename.python2)
                return {rename.python3, name.toByteArray()};
        }
    }
    return {module.toByteArray(), name.toByteArray()};
}

KnownCallable knownCallable(const PyGlobal& global)
{
    for (const Known& known : kKnown) {
        if (global.module == known.module && global.name == known.name)
            return known.callable;
    }
    return KnownCallable::Other;
}

} // namespace pipescope
