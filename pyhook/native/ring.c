/* _pipescope_ring: the native record writer of PipeScope's Python hook.
 *
 * The hook (pyhook/_pipescope_trace.py) writes every message event as a record into the calling
 * thread's segment file (docs/tracing-protocol.md, "Segments"). In pure Python the send and recv
 * wrappers cost about 1 us a record, which makes a small-message ping-pong about 1.5x slower
 * traced than untraced; here they cost a fraction of that (docs/tracing-design.md, M1: "cring").
 *
 * What this module provides, and nothing more:
 * - Segment: the hook's per-thread segment (the same attributes as the pure-Python class it
 *   replaces: view, i64, offset, limit, path), so that the hook's slow path (opening segments,
 *   reserving chunks) and its other records keep working on it unchanged, while the functions
 *   below write into its memory directly.
 * - send(original, connection, buf), recv(original, connection, maxsize) and put(original, queue,
 *   obj, block, timeout): the bodies of the Connection._send_bytes, _recv_bytes and Queue.put
 *   wrappers. Each calls original(connection, ...) exactly
 *   once and passes its result or exception on unchanged; the records are those the pure-Python
 *   wrappers write, byte for byte (tests/pyhook/test_ring.py compares them).
 * - configure(hook_globals): where the hook's slow path lives (_tls, _make_room, _keys_of,
 *   _resolve_peer, _failure, _put_failure, _error, _Untraced), looked up by name when needed, so
 * that a fork child's new _tls is seen at once.
 *
 * Built against the stable ABI of Python 3.11 (one .abi3.so for 3.11 and later); the hook uses the
 * pure-Python writer on older versions and when this module cannot be loaded.
 */
#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <structmember.h>
#include <time.h>

/* Record kinds and flags (docs/tracing-protocol.md; the same names in _pipescope_trace.py). */
enum
{
    kSend = 1,
    kRecv = 2,
    kPut = 4,
    kRecvBegin = 5
};
enum
{
    kComplete = 1,
    kCut = 2,
    kInternal = 4
};
enum
{
    kBodyEnd = 48,
    kHeadMax = 256
};
static const uint64_t kNoPeerKey = (uint64_t)1 << 61;

/* Offsets of a record's fields. */
enum
{
    kFlagsAt = 5,
    kKeyAt = 8,
    kStartAt = 16,
    kTimeAt = 24,
    kAmountAt = 32
};

typedef struct
{
    PyObject_HEAD PyObject*
        view;      /* memoryview of the whole mmapped file, or None (the hook's sentinels) */
    PyObject* i64; /* the same memory as native int64 (the hook's record headers), or None */
    PyObject* path;
    Py_ssize_t offset; /* next record */
    Py_ssize_t limit;  /* end of the reserved blocks (-1: left); records never go past it */
    Py_buffer memory;  /* of view, while it is not None */
    int has_memory;
} Segment;

static PyTypeObject* segment_type;
static PyObject* hook_globals; /* the hook module's globals (configure) */
static PyObject *str_tls, *str_segment, *str_keys, *str_make_room, *str_keys_of;
static PyObject *str_resolve_peer, *str_failure, *str_error, *str_untraced;
static PyObject *str_tell, *str_getbuffer, *str_bad_length, *str_put_failure, *str_writer;
static PyObject* str_buffer;

/* --- Segment ----------------------------------------------------------------------------- */

static int segment_init(Segment* self, PyObject* args, PyObject* kwargs)
{
    static char* names[] = {"view", "offset", "limit", "path", NULL};
    PyObject *view, *path;
    Py_ssize_t offset, limit;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OnnO", names, &view, &offset, &limit, &path))
        return -1;
    if (self->view != NULL || self->has_memory) {
        PyErr_SetString(PyExc_TypeError, "Segment is initialised once");
        return -1;
    }
    if (view != Py_None) {
        if (PyObject_GetBuffer(view, &self->memory, PyBUF_WRITABLE) < 0)
            return -1;
        self->i64 = PyObject_CallMethod(view, "cast", "s", "q");
        if (self->i64 == NULL) {
            PyBuffer_Release(&self->memory);
            return -1;
        }
        self->has_memory = 1;
    } else {
        Py_INCREF(Py_None);
        self->i64 = Py_None;
    }
    Py_INCREF(view);
    self->view = view;
    Py_INCREF(path);
    self->path = path;
    self->offset = offset;
    self->limit = limit;
    return 0;
}

static void segment_dealloc(Segment* self)
{
    PyTypeObject* type = Py_TYPE((PyObject*)self);
    if (self->has_memory)
        PyBuffer_Release(&self->memory);
    Py_XDECREF(self->i64);
    Py_XDECREF(self->view);
    Py_XDECREF(self->path);
    freefunc free = (freefunc)PyType_GetSlot(type, Py_tp_free);
    free(self);
    Py_DECREF(type);
}

static PyMemberDef segment_members[] = {
    {"view", T_OBJECT, offsetof(Segment, view), READONLY, NULL},
    {"i64", T_OBJECT, offsetof(Segment, i64), READONLY, NULL},
    {"path", T_OBJECT, offsetof(Segment, path), READONLY, NULL},
    {"offset", T_PYSSIZET, offsetof(Segment, offset), 0, NULL},
    {"limit", T_PYSSIZET, offsetof(Segment, limit), 0, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot segment_slots[] = {
    {Py_tp_doc, "A thread's segment file: where its next record goes (the hook's _Segment)."},
    {Py_tp_init, segment_init},
    {Py_tp_dealloc, segment_dealloc},
    {Py_tp_members, segment_members},
    {Py_tp_new, PyType_GenericNew},
    {0, NULL},
};

static PyType_Spec segment_spec = {
    "_pipescope_ring.Segment", sizeof(Segment), 0, Py_TPFLAGS_DEFAULT, segment_slots,
};

/* --- the hook's slow path ------------------------------------------------------------------ */

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t); /* time.monotonic_ns() */
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* A name of the hook's globals (borrowed), or NULL with an exception set. */
static PyObject* hook(PyObject* name)
{
    if (hook_globals == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_pipescope_ring is not configured");
        return NULL;
    }
    PyObject* value = PyDict_GetItemWithError(hook_globals, name);
    if (value == NULL && !PyErr_Occurred())
        PyErr_SetObject(PyExc_NameError, name);
    return value;
}

static PyObject* call_hook(PyObject* name, PyObject* const* args, int count)
{
    PyObject* function = hook(name);
    if (function == NULL)
        return NULL;
    PyObject* tuple = PyTuple_New(count);
    if (tuple == NULL)
        return NULL;
    for (int i = 0; i < count; ++i) {
        Py_INCREF(args[i]);
        PyTuple_SetItem(tuple, i, args[i]);
    }
    PyObject* result = PyObject_Call(function, tuple, NULL);
    Py_DECREF(tuple);
    return result;
}

/* The tracer part of a call failed with the exception set: as the pure-Python wrappers'
 * `except _Untraced: ...` and `except Exception as exc: _error(exc)`. Returns 0 when the call
 * goes on untraced; -1 when the exception is no Exception (KeyboardInterrupt, SystemExit): it
 * stays set and the wrapper raises it, as the pure-Python wrapper's `except Exception` would. */
static int tracer_failed(void)
{
    if (!PyErr_ExceptionMatches(PyExc_Exception))
        return -1;
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    PyObject* untraced = hook(str_untraced);
    if (untraced == NULL || PyObject_IsInstance(value, untraced) != 1) {
        PyErr_Clear();
        PyObject* reported = call_hook(str_error, &value, 1);
        Py_XDECREF(reported);
        PyErr_Clear();
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
    return 0;
}

static int fits(const Segment* segment, Py_ssize_t length)
{
    return segment->has_memory && segment->offset >= 0 &&
           segment->offset + length <= segment->limit && segment->limit <= segment->memory.len;
}

/* The calling thread's segment (a new reference), with room for `length` more bytes: the hook's
 * _tls.segment, or what _make_room gives. NULL with an exception set when the thread cannot
 * trace (_Untraced) or the hook failed. */
static Segment* room(Segment* held, Py_ssize_t length)
{
    Segment* segment = held;
    if (segment == NULL) {
        PyObject* tls = hook(str_tls);
        if (tls == NULL)
            return NULL;
        segment = (Segment*)PyObject_GetAttr(tls, str_segment);
        if (segment == NULL)
            return NULL;
    } else {
        Py_INCREF((PyObject*)segment);
    }
    if (!PyObject_TypeCheck((PyObject*)segment, segment_type)) {
        Py_DECREF((PyObject*)segment);
        PyErr_SetString(PyExc_TypeError, "the thread's segment is not a _pipescope_ring.Segment");
        return NULL;
    }
    if (fits(segment, length))
        return segment;
    PyObject* args[2] = {(PyObject*)segment, NULL};
    args[1] = PyLong_FromSsize_t(length);
    if (args[1] == NULL) {
        Py_DECREF((PyObject*)segment);
        return NULL;
    }
    Segment* made = (Segment*)call_hook(str_make_room, args, 2);
    Py_DECREF(args[1]);
    Py_DECREF((PyObject*)segment);
    if (made == NULL)
        return NULL;
    if (!PyObject_TypeCheck((PyObject*)made, segment_type) || !fits(made, length)) {
        Py_DECREF((PyObject*)made);
        PyErr_SetString(PyExc_ValueError, "_make_room gave no room");
        return NULL;
    }
    return made;
}

/* Takes `length` bytes of the segment for one record: its address. */
static char* take(Segment* segment, Py_ssize_t length)
{
    char* record = (char*)segment->memory.buf + segment->offset;
    segment->offset += length;
    return record;
}

static void put_u64(char* record, int at, uint64_t value)
{
    memcpy(record + at, &value, 8);
}

/* Bytes 0..8 of a record (length, kind, flags, head length) with one store, after the rest:
 * the commit word is stored last. */
static void commit(char* record, int kind, int flags, Py_ssize_t head_length)
{
    const uint64_t header = (uint64_t)((kBodyEnd + head_length + 7) & ~(Py_ssize_t)7) |
                            (uint64_t)kind << 32 | (uint64_t)flags << 40 |
                            (uint64_t)head_length << 48;
    __atomic_store_n((uint64_t*)record, header, __ATOMIC_RELEASE);
}

/* (send key, recv key, flags) of a Connection: its _pipescope_keys, else the hook's _keys_of. */
static int keys_of(PyObject* connection, uint64_t* send, uint64_t* recv, int* flags)
{
    PyObject* keys = PyObject_GetAttr(connection, str_keys);
    if (keys == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
            return -1;
        PyErr_Clear();
        keys = call_hook(str_keys_of, &connection, 1);
        if (keys == NULL)
            return -1;
    }
    int ok = PyTuple_Check(keys) && PyTuple_Size(keys) == 3;
    if (ok) {
        *send = PyLong_AsUnsignedLongLongMask(PyTuple_GetItem(keys, 0));
        *recv = PyLong_AsUnsignedLongLongMask(PyTuple_GetItem(keys, 1));
        *flags = (int)PyLong_AsLong(PyTuple_GetItem(keys, 2)) & 0xFF;
    }
    Py_DECREF(keys);
    if (!ok) {
        PyErr_SetString(PyExc_TypeError, "_pipescope_keys is not (send, recv, flags)");
        return -1;
    }
    return PyErr_Occurred() ? -1 : 0;
}

static int resolve_peer(PyObject* connection, uint64_t* key)
{
    PyObject* resolved = call_hook(str_resolve_peer, &connection, 1);
    if (resolved == NULL)
        return -1;
    *key = PyLong_AsUnsignedLongLongMask(resolved);
    Py_DECREF(resolved);
    return PyErr_Occurred() ? -1 : 0;
}

/* The hook's _failure(key, flags, start, call, exc): the record of a call that raised `exc`.
 * Leaves no exception set. */
static void write_failure(uint64_t key, int flags, int64_t start, int call, PyObject* exc)
{
    PyObject* args[5] = {PyLong_FromUnsignedLongLong(key), PyLong_FromLong(flags),
                         PyLong_FromLongLong(start), PyLong_FromLong(call), exc};
    if (args[0] != NULL && args[1] != NULL && args[2] != NULL && args[3] != NULL) {
        PyObject* done = call_hook(str_failure, args, 5);
        Py_XDECREF(done);
    }
    for (int i = 0; i < 4; ++i)
        Py_XDECREF(args[i]);
    PyErr_Clear();
}

/* The exception being raised, taken (PyErr_Fetch) to be given to the hook and then raised
 * again unchanged (PyErr_Restore). */
typedef struct
{
    PyObject *type, *value, *traceback;
} Raised;

static Raised take_raised(void)
{
    Raised raised;
    PyErr_Fetch(&raised.type, &raised.value, &raised.traceback);
    PyErr_NormalizeException(&raised.type, &raised.value, &raised.traceback);
    if (raised.traceback != NULL && raised.value != NULL)
        PyException_SetTraceback(raised.value, raised.traceback);
    return raised;
}

static PyObject* exception_of(const Raised* raised)
{
    return raised->value != NULL ? raised->value : Py_None;
}

static void raise_again(Raised raised)
{
    PyErr_Clear();
    PyErr_Restore(raised.type, raised.value, raised.traceback);
}

/* write_failure for the exception being raised, which stays set. */
static void report_raised(uint64_t key, int flags, int64_t start, int call)
{
    Raised raised = take_raised();
    write_failure(key, flags, start, call, exception_of(&raised));
    raise_again(raised);
}

static PyObject* call_original(PyObject* original, PyObject* connection, PyObject* argument)
{
    return PyObject_CallFunctionObjArgs(original, connection, argument, NULL);
}

/* --- send ---------------------------------------------------------------------------------- */

static PyObject* ring_send(PyObject* module, PyObject* const* args, Py_ssize_t count)
{
    (void)module;
    if (count != 3) {
        PyErr_SetString(PyExc_TypeError, "send(original, connection, buf)");
        return NULL;
    }
    PyObject *original = args[0], *connection = args[1], *buf = args[2];
    uint64_t key, unused;
    int flags;
    Segment* segment = NULL;
    char* record = NULL;
    int64_t start = 0;
    Py_buffer data;
    if (keys_of(connection, &key, &unused, &flags) == 0) {
        int has_data = PyObject_GetBuffer(buf, &data, PyBUF_SIMPLE) == 0;
        Py_ssize_t size = has_data ? data.len : PyObject_Size(buf);
        if (!has_data)
            PyErr_Clear(); /* the head stays empty, the size is still said */
        const Py_ssize_t head_length = !has_data ? 0 : size > kHeadMax ? kHeadMax : size;
        if (size > head_length)
            flags |= kCut;
        if (size >= 0 && (segment = room(NULL, (kBodyEnd + head_length + 7) & ~7)) != NULL) {
            record = take(segment, (kBodyEnd + head_length + 7) & ~7);
            start = now_ns(); /* after the slow path: opening a segment is not the call's time */
            put_u64(record, kKeyAt, key);
            put_u64(record, kStartAt, (uint64_t)start);
            put_u64(record, kAmountAt, (uint64_t)size);
            if (head_length > 0)
                memcpy(record + kBodyEnd, data.buf, (size_t)head_length);
            commit(record, kSend, flags, head_length);
        }
        if (has_data)
            PyBuffer_Release(&data);
    }
    if (record == NULL && PyErr_Occurred() && tracer_failed() < 0)
        return NULL;
    PyObject* result = call_original(original, connection, buf);
    if (record != NULL) {
        /* t_ns, then the flags byte that says the record is complete */
        __atomic_store_n((int64_t*)(record + kTimeAt), now_ns(), __ATOMIC_RELAXED);
        __atomic_store_n((uint8_t*)(record + kFlagsAt), (uint8_t)(flags | kComplete),
                         __ATOMIC_RELEASE);
        if (result == NULL)
            report_raised(key, flags & kInternal, start, kSend);
        Py_DECREF((PyObject*)segment);
    }
    return result;
}

/* --- recv ---------------------------------------------------------------------------------- */

/* The recv record of a message received into `result` (an io.BytesIO), the begin record's
 * segment held. 0, or -1 with an exception set. */
static int write_recv(Segment* held, PyObject* result, uint64_t key, int flags, int64_t start,
                      int64_t end)
{
    PyObject* told = PyObject_CallMethodObjArgs(result, str_tell, NULL);
    if (told == NULL)
        return -1;
    const Py_ssize_t size = PyLong_AsSsize_t(told);
    Py_DECREF(told);
    if (size < 0)
        return PyErr_Occurred() ? -1 : 0;
    PyObject* view = PyObject_CallMethodObjArgs(result, str_getbuffer, NULL);
    if (view == NULL)
        return -1;
    Py_buffer data;
    if (PyObject_GetBuffer(view, &data, PyBUF_SIMPLE) < 0) {
        Py_DECREF(view);
        return -1;
    }
    Py_ssize_t head_length = size > kHeadMax ? kHeadMax : size;
    if (head_length > data.len)
        head_length = data.len;
    if (size > head_length)
        flags |= kCut;
    const Py_ssize_t length = (kBodyEnd + head_length + 7) & ~7;
    Segment* segment = room(held, length);
    if (segment != NULL) {
        char* record = take(segment, length);
        put_u64(record, kKeyAt, key);
        put_u64(record, kStartAt, (uint64_t)start);
        put_u64(record, kTimeAt, (uint64_t)end);
        put_u64(record, kAmountAt, (uint64_t)size);
        memcpy(record + kBodyEnd, data.buf, (size_t)head_length);
        commit(record, kRecv, flags | kComplete, head_length);
        Py_DECREF((PyObject*)segment);
    }
    PyBuffer_Release(&data);
    Py_DECREF(view); /* releases the BytesIO's export */
    return segment != NULL ? 0 : -1;
}

static PyObject* ring_recv(PyObject* module, PyObject* const* args, Py_ssize_t count)
{
    (void)module;
    if (count != 3) {
        PyErr_SetString(PyExc_TypeError, "recv(original, connection, maxsize)");
        return NULL;
    }
    PyObject *original = args[0], *connection = args[1], *maxsize = args[2];
    uint64_t key, unused;
    int flags;
    Segment* segment = NULL;
    int64_t start = 0;
    if (keys_of(connection, &unused, &key, &flags) == 0 &&
        (!(key & kNoPeerKey) || resolve_peer(connection, &key) == 0) &&
        (segment = room(NULL, kBodyEnd)) != NULL) {
        char* record = take(segment, kBodyEnd);
        start = now_ns();
        put_u64(record, kKeyAt, key);
        put_u64(record, kStartAt, (uint64_t)start);
        put_u64(record, kTimeAt, (uint64_t)start);
        commit(record, kRecvBegin, kComplete | flags, 0);
    }
    if (segment == NULL && PyErr_Occurred() && tracer_failed() < 0)
        return NULL;
    PyObject* result = call_original(original, connection, maxsize);
    if (segment == NULL)
        return result;
    if (result == NULL) {
        report_raised(key, flags, start, kRecv);
        Py_DECREF((PyObject*)segment);
        return NULL;
    }
    const int64_t end = now_ns();
    int failed = (key & kNoPeerKey) && resolve_peer(connection, &key) < 0;
    if (!failed && result == Py_None) {
        /* longer than maxsize: recv_bytes raises this next */
        PyObject* error = PyObject_CallFunctionObjArgs(PyExc_OSError, str_bad_length, NULL);
        if (error != NULL) {
            write_failure(key, flags, start, kRecv, error);
            Py_DECREF(error);
        }
    } else if (!failed) {
        failed = write_recv(segment, result, key, flags, start, end) < 0;
    }
    Py_DECREF((PyObject*)segment);
    if (PyErr_Occurred() && tracer_failed() < 0) {
        Py_DECREF(result);
        return NULL;
    }
    return result;
}

/* --- Queue.put ----------------------------------------------------------------------------- */

static PyObject* ring_put(PyObject* module, PyObject* const* args, Py_ssize_t count)
{
    (void)module;
    if (count != 5) {
        PyErr_SetString(PyExc_TypeError, "put(original, queue, obj, block, timeout)");
        return NULL;
    }
    PyObject *original = args[0], *queue = args[1];
    const int64_t start = now_ns();
    PyObject* result =
        PyObject_CallFunctionObjArgs(original, queue, args[2], args[3], args[4], NULL);
    if (result == NULL) {
        Raised raised = take_raised();
        PyObject* call[3] = {queue, PyLong_FromLongLong(start), exception_of(&raised)};
        if (call[1] != NULL) {
            PyObject* done = call_hook(str_put_failure, call, 3);
            Py_XDECREF(done);
            Py_DECREF(call[1]);
        }
        raise_again(raised);
        return NULL;
    }
    /* The put's record: its key and flags are its queue's writer's, its amount the items in
     * the queue's buffer after it. */
    uint64_t key, unused;
    int flags;
    Py_ssize_t amount = -1;
    PyObject* writer = PyObject_GetAttr(queue, str_writer);
    if (writer != NULL && keys_of(writer, &key, &unused, &flags) == 0) {
        PyObject* buffer = PyObject_GetAttr(queue, str_buffer);
        if (buffer != NULL) {
            amount = PyObject_Size(buffer);
            Py_DECREF(buffer);
        }
    }
    Py_XDECREF(writer);
    Segment* segment = amount >= 0 ? room(NULL, kBodyEnd) : NULL;
    if (segment != NULL) {
        char* record = take(segment, kBodyEnd);
        put_u64(record, kKeyAt, key);
        put_u64(record, kStartAt, (uint64_t)start);
        put_u64(record, kTimeAt, (uint64_t)now_ns());
        put_u64(record, kAmountAt, (uint64_t)amount);
        commit(record, kPut, kComplete | flags, 0);
        Py_DECREF((PyObject*)segment);
    } else if (PyErr_Occurred() && tracer_failed() < 0) {
        Py_DECREF(result);
        return NULL;
    }
    return result;
}

/* --- module -------------------------------------------------------------------------------- */

static PyObject* ring_configure(PyObject* module, PyObject* globals)
{
    (void)module;
    if (!PyDict_Check(globals)) {
        PyErr_SetString(PyExc_TypeError, "configure(hook_globals): a dict");
        return NULL;
    }
    PyObject* previous = hook_globals;
    Py_INCREF(globals);
    hook_globals = globals;
    Py_XDECREF(previous);
    Py_RETURN_NONE;
}

static PyMethodDef ring_methods[] = {
    {"send", (PyCFunction)(void (*)(void))ring_send, METH_FASTCALL,
     "send(original, connection, buf): original(connection, buf), its send record written."},
    {"recv", (PyCFunction)(void (*)(void))ring_recv, METH_FASTCALL,
     "recv(original, connection, maxsize): original(connection, maxsize), its records written."},
    {"put", (PyCFunction)(void (*)(void))ring_put, METH_FASTCALL,
     "put(original, queue, obj, block, timeout): original(queue, obj, block, timeout), its put "
     "record written."},
    {"configure", ring_configure, METH_O,
     "configure(hook_globals): the hook module whose slow path the writer calls."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef ring_module = {
    PyModuleDef_HEAD_INIT,
    "_pipescope_ring",
    "The native record writer of PipeScope's Python hook (pyhook/native/ring.c).",
    -1,
    ring_methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

static int intern(PyObject** target, const char* text)
{
    *target = PyUnicode_InternFromString(text);
    return *target != NULL ? 0 : -1;
}

PyMODINIT_FUNC PyInit__pipescope_ring(void)
{
    if (intern(&str_tls, "_tls") < 0 || intern(&str_segment, "segment") < 0 ||
        intern(&str_keys, "_pipescope_keys") < 0 || intern(&str_make_room, "_make_room") < 0 ||
        intern(&str_keys_of, "_keys_of") < 0 || intern(&str_resolve_peer, "_resolve_peer") < 0 ||
        intern(&str_failure, "_failure") < 0 || intern(&str_error, "_error") < 0 ||
        intern(&str_untraced, "_Untraced") < 0 || intern(&str_tell, "tell") < 0 ||
        intern(&str_getbuffer, "getbuffer") < 0 || intern(&str_put_failure, "_put_failure") < 0 ||
        intern(&str_writer, "_writer") < 0 || intern(&str_buffer, "_buffer") < 0)
        return NULL;
    str_bad_length = PyUnicode_FromString("bad message length");
    if (str_bad_length == NULL)
        return NULL;
    PyObject* module = PyModule_Create(&ring_module);
    if (module == NULL)
        return NULL;
    segment_type = (PyTypeObject*)PyType_FromSpec(&segment_spec);
    if (segment_type == NULL ||
        PyModule_AddObjectRef(module, "Segment", (PyObject*)segment_type) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
