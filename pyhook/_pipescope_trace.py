"""The Python side of ``pipescope trace``: reports every multiprocessing message of the process.

``sitecustomize.py`` (found first on ``PYTHONPATH``) calls :func:`install` in every Python process
of a traced program when ``PIPESCOPE_TRACE_DIR`` is set. ``docs/tracing-protocol.md`` is the
contract with the collector (``core/pytrace/``); ``docs/tracing-design.md`` has the measurements
behind the choices below.

Design
------
Two channels to the collector:

* **Control connection** (``<dir>/control.sock``, one per process, framed JSON): who the process
  is (``hello``, ``process``), its segment files, labels for channels, children, exits. Low rate;
  written with a blocking ``sendall`` under a lock and a timeout. When the collector is gone the
  hook goes quiet: it never raises into the program and never blocks for longer than the timeout.
* **Segments** (``<dir>/seg-<pid>-<tid>-<n>.ring``, one writer thread each, 4 MiB, mmapped):
  every message event as a fixed record, the commit word (the record length) stored last. No
  system call per event, and nothing is lost on ``os._exit()`` or SIGKILL because the pages
  belong to the file. A segment's blocks are reserved with ``posix_fallocate`` a chunk ahead of
  the writer, so a full file system stops tracing instead of killing the program with SIGBUS.

What is hooked (all patches are made in place on the classes and modules, so references the
program took earlier see them too):

* ``Connection._send_bytes`` / ``_recv_bytes`` / ``_poll``: every send, receive and poll of
  every Pipe, Queue, SimpleQueue, Pool, Listener/Client and Manager ends in these, looked up at
  call time (``Queue`` binds ``send_bytes``, which calls ``_send_bytes``).
* ``Queue.put`` / ``JoinableQueue.put``: the user-side buffer (kind 4 records).
* ``BaseProcess._bootstrap``: ``process`` at the start of a multiprocessing child, ``exit`` at its
  end (the child then leaves with ``os._exit``, so ``atexit`` never runs there).
* Constructors (``Pipe``, the queues, ``Pool``, ``Listener.accept``, ``Client``, managers, the
  resource sharer, ``ProcessPoolExecutor``'s wakeup pipe) label their channels; the outermost
  constructor of a thread wins (a Queue's inner Pipe is not reported as a Pipe of its own).
* ``deliver_challenge`` / ``answer_challenge``: records during them are marked internal.
* ``Popen.poll`` (fork, spawn and forkserver), ``util.spawnv_passfds``, ``subprocess.Popen``
  (and its ``poll``/``wait``): children and their exit codes. ``Thread.name``: renames of threads that have a segment.

Modules are patched lazily: a ``sys.meta_path`` finder wraps ``exec_module`` of the modules above
and patches each one right after it executed, so a program that never imports multiprocessing
never gets it imported by us. Modules imported before :func:`install` are patched at once; the
finder removes itself once everything is patched.

Channel keys (``docs/tracing-protocol.md``) are computed once per ``Connection`` and cached on it
as ``_pipescope_keys = (send key, recv key, record flags)``: ``Pipe()`` sets both ends' keys from
the pair it made; any other Connection (unpickled in a spawn or forkserver child, accepted,
connected) asks the kernel (``fstat``; ``NETLINK_SOCK_DIAG`` for the peer of an AF_UNIX socket,
asked again while a client's server has not accepted yet; the addresses of a TCP socket).

Fork: ``os.register_at_fork(after_in_child=...)`` gives the child a new control connection (and
``hello``), a new control lock and a new thread-local store, which drops the parent's segments:
a fork child never writes into its parent's segments, it opens its own on its first record.
Replacing the store does what a generation number would, without a check per record.

Hot path: ``_send_bytes``, ``_recv_bytes`` and ``Queue.put`` are written by the native writer
``_pipescope_ring`` (``pyhook/native/ring.c``, about 0.2 us a send) when ``pipescope trace`` gives
it (``PIPESCOPE_TRACE_RING``) and the interpreter is 3.11 or later; it writes the same records as
the Python wrappers below (``tests/pytrace/writers.py``), which are used otherwise.
Python's (about 0.7 us a send, 0.8 us a recv on a warm CPU): the wrappers use globals and
closure cells only, keep the per-thread segment in a ``_thread._local`` subclass (cheaper than
``get_ident()`` plus a dict), and write a record with one ``pack_into`` of the fields that are
not 0 (a recv's head included, a send's head is one slice copy) and then one aligned 8-byte
store of its first 8 bytes, from precomputed tables: length, kind and flags land together, and
the commit word is still stored last. The slow path (first record of a thread, next chunk,
next segment) is ``_make_room``.

Safety rules followed everywhere: the original function is called exactly once with the same
arguments and its result or exception is passed on unchanged; all tracer work runs under
``except Exception`` and is counted (``errors`` message at exit); nothing is printed; user
``__repr__``/``__str__`` are never called and nothing is unpickled.
"""

import _socket
import _thread
import atexit
import itertools
import mmap
import os
import struct
import sys
from time import monotonic_ns as _now

# --- protocol constants (docs/tracing-protocol.md) -----------------------------------------

_SEGMENT_SIZE = 4 << 20
_HEADER_SIZE = 64
_RECORDS_END = _SEGMENT_SIZE - 8  # records stay before it: the end marker always fits
_CHUNK = 256 << 10  # blocks reserved ahead of the writer (posix_fallocate)
_HEAD_MAX = 256
_FRAME_MAX = 64 << 10
_CONTROL_TIMEOUT = 5.0  # seconds; a control send that takes longer makes the hook quiet
_END_MARK = (0xFFFFFFFF).to_bytes(4, 'little')  # in place of a length: continued in the next

_SEND, _RECV, _POLL, _PUT, _RECV_BEGIN, _FAILED, _JOIN, _WAIT, _CLOSE = 1, 2, 3, 4, 5, 6, 7, 8, 9
# Modules whose wait() calls are multiprocessing's own (a join's timeout, a pool's sentinels):
# only the program's own calls of connection.wait() are recorded.
_LIBRARY_MODULES = ('multiprocessing.', 'concurrent.futures.')
_COMPLETE, _CUT, _INTERNAL = 1, 2, 4

_SOCKET_KEY = 1 << 62
_NO_PEER_KEY = 1 << 61
_TCP_KEY = 2 << 62
_TCP_HASH_MASK = (1 << 61) - 1
_INODE_MASK = (1 << 61) - 1
_PEER_TRIES = 8  # times a socket without a known peer asks the kernel again (_resolve_peer)

_HEADER = struct.Struct('<8sIIII')  # magic, version, pid, tid, number
# How records are written: the body (bytes 8..48, and the head when it is bytes) with one
# pack_into, then bytes 0..8 (length, kind, flags, head_length) with one aligned 8-byte store:
# the commit word is stored last, together with the kind and flags it commits. Records go into
# space never written before, so fields that are 0 are not written (8x: padding) and the hot
# paths pack fewer arguments.
_BODY = struct.Struct('<Qqqqd')  # key, start, t, amount, number
_SEND_BODY = struct.Struct('<Qq8xq')  # key, start, amount (t_ns is stored when the call returns)
_BEGIN_BODY = struct.Struct('<Qqq')  # key, start, t
_PUT_BODY = struct.Struct('<Qqqq')  # key, start, t, amount


class _RecvBodies(dict):
    """Struct of a recv record's body with its head of n bytes: _RECV_BODIES[n]."""

    def __missing__(self, size):
        body = self[size] = struct.Struct('<Qqqq8x%ds' % size)  # key, start, t, amount, head
        return body


_RECV_BODIES = _RecvBodies()


def _header(kind, flags, head_length):
    """Bytes 0..8 of a record as the u64 that stores them."""
    return ((48 + head_length + 7) & -8) | kind << 32 | flags << 40 | head_length << 48


_SEND_HEADERS = [_header(_SEND, 0, n) for n in range(_HEAD_MAX + 1)]  # [head_length]
_RECV_HEADERS = [_header(_RECV, _COMPLETE, n) for n in range(_HEAD_MAX + 1)]  # [head_length]
_BEGIN_HEADERS = [_header(_RECV_BEGIN, _COMPLETE | f, 0) for f in range(8)]  # [flags]
_PUT_HEADERS = [_header(_PUT, _COMPLETE | f, 0) for f in range(8)]  # [flags]
_INF = float('inf')

# NETLINK_SOCK_DIAG request for one AF_UNIX inode with its peer: nlmsghdr + unix_diag_req.
_NETLINK_SOCK_DIAG = 4
_SOCK_DIAG_BY_FAMILY = 20
_NLM_F_REQUEST = 1
_UDIAG_SHOW_PEER = 4
_UNIX_DIAG_PEER = 2
_DIAG_REQUEST = struct.Struct('=IHHIIBBHIIIII')
_NLMSGHDR = struct.Struct('=IHHII')
_RTATTR = struct.Struct('=HH')
_DIAG_MSG_SIZE = 16  # struct unix_diag_msg

# --- process state ------------------------------------------------------------------------

_dir = None  # the trace directory (absolute); set by install()
_pid = 0
_main_ident = _thread.get_ident()  # the thread that installed the hook (or survived the fork)
_control_sock = None  # None: quiet (no collector)
_control_lock = None
_start_method = None  # this process's start method when it is a multiprocessing child
_fork_start_method = None  # "forkserver" in the forkserver: the start method of its fork children
_launching = {}  # thread ident -> Process object being started by popen_fork (read after fork)
_scopes = {}  # thread ident -> keys gathered by the channel constructor running in that thread
_objects = itertools.count(1)  # numbers objects whose channels are parts ("Pool tasks")
_exec_forks = set()  # thread idents in subprocess.Popen(): a fork there execs (preexec_fn)
_segment_numbers = {}  # native tid -> number of the thread's next segment
_errors = [0, '']  # tracer failures in this process: count, last one


class _Untraced(Exception):
    """Raised on the slow path when the calling thread cannot trace (quiet, or failed before)."""


def _load_ring():
    """(module, problem): the native record writer named by PIPESCOPE_TRACE_RING
    (pyhook/native/ring.c, built for the stable ABI of 3.11), or None and why not.

    Loaded without importing importlib (the import system's own loader classes) and without
    entering sys.modules: the program sees no module it did not import.
    """
    path = os.environ.get('PIPESCOPE_TRACE_RING')
    if not path or sys.version_info < (3, 11):
        return None, None
    try:
        import _imp
        if '.abi3.so' not in _imp.extension_suffixes():  # a free-threaded build (3.13t)
            return None, None
        from _frozen_importlib import module_from_spec, spec_from_loader
        from _frozen_importlib_external import ExtensionFileLoader
        loader = ExtensionFileLoader('_pipescope_ring', path)
        module = module_from_spec(spec_from_loader('_pipescope_ring', loader))
        loader.exec_module(module)
        return module, None
    except Exception as exc:
        return None, exc


_ring, _ring_problem = _load_ring()


class _PySegment:
    """The calling thread's current segment: where its next record goes (the native writer's
    Segment has the same attributes, and is used when that writer is loaded)."""

    __slots__ = ('view', 'i64', 'offset', 'limit', 'path')

    def __init__(self, view, offset, limit, path):
        self.view = view  # memoryview of the whole mmapped file (bytes)
        # The same memory as native i64 (little endian, checked by install()): record headers
        # and a send's t_ns. An item store is a single aligned 8-byte store.
        self.i64 = view.cast('q') if view is not None else None
        self.offset = offset  # next record
        self.limit = limit  # end of the reserved blocks (-1: left); records never go past it
        self.path = path


_Segment = _ring.Segment if _ring is not None else _PySegment

# Sentinels whose limit sends every record to the slow path (_make_room).
_UNOPENED = _Segment(None, 0, -1, None)
_DISABLED = _Segment(None, 0, -1, None)


class _Local(_thread._local):
    segment = _UNOPENED


_tls = _Local()  # replaced in a fork child: that drops the parent's segments


def _error(exc):
    """Count a failure of the tracer itself (reported in the `errors` message)."""
    _errors[0] += 1
    _errors[1] = _describe(exc)


def _describe(exc):
    """`Type: message` for an exception, without running code of the program.

    The message is only formatted for built-in exception types whose arguments are plain
    strings and numbers; other exceptions are described by their qualified type name.
    """
    cls = type(exc)
    if cls.__module__ == 'builtins':
        name = cls.__qualname__
        if all(type(arg) in (str, int, float) for arg in exc.args):
            text = str(exc)
            if text:
                return name + ': ' + text
        return name
    return '%s.%s' % (cls.__module__, cls.__qualname__)


# --- control connection -------------------------------------------------------------------

_JSON_ESCAPES = {i: '\\u%04x' % i for i in range(32)}
_JSON_ESCAPES.update({ord('"'): '\\"', ord('\\'): '\\\\'})


def _json(value):
    """JSON text of the few types control messages use (json would import re at startup)."""
    if value is None:
        return 'null'
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, str):
        return '"' + value.translate(_JSON_ESCAPES) + '"'
    if isinstance(value, dict):
        return '{' + ','.join(_json(k) + ':' + _json(v) for k, v in value.items()) + '}'
    if isinstance(value, (list, tuple)):
        return '[' + ','.join(_json(v) for v in value) + ']'
    raise TypeError('no JSON for ' + type(value).__name__)


def _frame(message):
    """The frame of a control message; argv lists too long for a frame are cut."""
    data = _json(message).encode('utf-8', 'replace')
    if len(data) > _FRAME_MAX and 'argv' in message:
        message = dict(message, argv=[arg[:128] for arg in message['argv'][:64]])
        data = _json(message).encode('utf-8', 'replace')
    if len(data) > _FRAME_MAX:
        raise ValueError('control message too long')
    return len(data).to_bytes(4, 'big') + data


def _connect():
    """Open this process's control connection; False when there is no collector."""
    global _control_sock, _control_lock
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(_CONTROL_TIMEOUT)
        sock.connect(os.path.join(_dir, 'control.sock'))
    except OSError:
        sock.close()
        return False
    _control_sock, _control_lock = sock, _thread.allocate_lock()
    return True


def _send(message):
    """Send one control message; False when the hook is quiet.

    Errors of the connection (the collector went away, or did not read for the whole timeout)
    close it and make the hook quiet for the rest of the process.
    """
    global _control_sock
    if _control_sock is None:
        return False
    frame = _frame(message)
    if not _control_lock.acquire(True, _CONTROL_TIMEOUT):
        raise TimeoutError('control connection lock')
    try:
        sock = _control_sock
        if sock is None:
            return False
        try:
            sock.sendall(frame, _socket.MSG_NOSIGNAL)  # no SIGPIPE if the program set SIG_DFL
        except OSError:
            _control_sock = None
            sock.close()
            return False
    finally:
        _control_lock.release()
    return True


def _command_line():
    """The process's command line as the system started it, interpreter first."""
    argv = getattr(sys, 'orig_argv', None)
    if argv is None:  # before 3.10
        with open('/proc/self/cmdline', 'rb') as f:
            argv = [os.fsdecode(arg) for arg in f.read().split(b'\0')[:-1]]
    return list(argv)


def _process_name():
    """The multiprocessing name of this process, as far as it is known."""
    process = sys.modules.get('multiprocessing.process')
    if process is not None:
        name = getattr(process.current_process(), '_name', None)
        if isinstance(name, str):
            return name
    return 'MainProcess'


def _hello(name):
    flags = sys.flags
    _send({
        'type': 'hello',
        't_ns': _now(),
        'pid': _pid,
        'ppid': os.getppid(),
        'python': '%d.%d.%d' % sys.version_info[:3],
        'executable': sys.executable,
        'argv': _command_line(),
        'name': name,
        'start_method': _start_method,
        'writer': 'native' if _ring is not None else 'python',
        'flags': {
            'isolated': flags.isolated,
            'ignore_environment': flags.ignore_environment,
            'no_site': flags.no_site,
        },
    })


def _report_errors():
    """Send `errors` if the tracer failed in this process (at exit, end of _bootstrap)."""
    try:
        if _errors[0]:
            _send({'type': 'errors', 'count': _errors[0], 'last': _errors[1]})
    except Exception:
        pass  # nothing left to report to


# --- segments -----------------------------------------------------------------------------

def _thread_name(ident):
    """The threading name of a thread, without creating a threading object for it."""
    threading = sys.modules.get('threading')
    if threading is not None:
        thread = threading._active.get(ident)
        if thread is not None:
            return thread._name
    return 'MainThread' if ident == _main_ident else ''


def _open_segment():
    """Create the calling thread's next segment and announce it (before any record in it)."""
    if _control_sock is None:
        raise _Untraced
    tid = _thread.get_native_id()
    number = _segment_numbers.get(tid, 0)
    _segment_numbers[tid] = number + 1
    path = os.path.join(_dir, 'seg-%d-%d-%d.ring' % (_pid, tid, number))
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.ftruncate(fd, _SEGMENT_SIZE)
        os.posix_fallocate(fd, 0, _CHUNK)
        view = memoryview(mmap.mmap(fd, _SEGMENT_SIZE))
    finally:
        os.close(fd)
    _HEADER.pack_into(view, 0, b'PSRING01', 1, _pid, tid, number)
    if not _send({'type': 'segment', 'path': path, 'tid': tid,
                  'thread': _thread_name(_thread.get_ident()), 'number': number}):
        raise _Untraced
    return _Segment(view, _HEADER_SIZE, _CHUNK, path)


def _make_room(segment, length):
    """Slow path of every record: return the thread's segment with `length` bytes free.

    Opens the thread's first segment, reserves the next chunk of the current one, or ends it
    with the 0xFFFFFFFF marker and opens the next. A wrapper may still hold a segment the
    thread has left since (a recv that blocked while a signal handler wrote records): its
    limit is -1, so it comes here and gets the current one. Raises _Untraced when the thread
    cannot trace (the hook is quiet, or a segment could not be made: the thread stops tracing).
    """
    current = _tls.segment
    if segment is not current:
        if current.offset + length <= current.limit:
            return current
        segment = current
    if segment is _DISABLED:
        raise _Untraced
    try:
        if segment is _UNOPENED:
            segment = _open_segment()
        elif segment.limit < _RECORDS_END:
            fd = os.open(segment.path, os.O_RDWR | os.O_CLOEXEC)
            try:
                os.posix_fallocate(fd, segment.limit, _CHUNK)
            finally:
                os.close(fd)
            segment.limit = min(segment.limit + _CHUNK, _RECORDS_END)
            return segment
        else:
            segment.view[segment.offset:segment.offset + 4] = _END_MARK
            segment.limit = -1
            segment = _open_segment()
    except _Untraced:
        _tls.segment = _DISABLED
        raise
    except Exception as exc:
        _error(exc)
        _tls.segment = _DISABLED
        raise _Untraced from None
    _tls.segment = segment
    return segment


def _reserve(length):
    """(segment, offset) of `length` bytes taken for one record of the calling thread (the hot
    send and recv wrappers do the same inline)."""
    segment = _tls.segment
    offset = segment.offset
    if offset + length > segment.limit:
        segment = _make_room(segment, length)
        offset = segment.offset
    segment.offset = offset + length
    return segment, offset


def _record(kind, flags, key, start, end, amount, number, head=b''):
    """Write one complete record (the path of every record but those of the hot wrappers)."""
    size = len(head)
    segment, offset = _reserve((size + 55) & -8)
    view = segment.view
    try:
        _BODY.pack_into(view, offset + 8, key, start, end, amount, number)
        view[offset + 48:offset + 48 + size] = head
    finally:
        segment.i64[offset >> 3] = _header(kind, flags, size)


def _copy_head(view, offset, data):
    """Copy a payload head whose buffer format differs from bytes (e.g. array('b'))."""
    try:
        view[offset:offset + len(data)] = memoryview(data).cast('B')
    except Exception as exc:
        _error(exc)  # the head stays zeros; the record is still committed


def _failure(key, flags, start, call, exc):
    """Write the kind-6 record of a call that raised; `amount` is the kind of that call."""
    try:
        text = _describe(exc).encode('utf-8', 'replace')
        if len(text) > _HEAD_MAX:
            text = text[:_HEAD_MAX].decode('utf-8', 'ignore').encode('utf-8')
            flags |= _CUT
        _record(_FAILED, flags | _COMPLETE, key, start, _now(), call, 0.0, text)
    except _Untraced:
        pass
    except Exception as error:
        _error(error)


# --- channel keys -------------------------------------------------------------------------

def _keys_of(connection):
    """(send key, recv key, record flags) of a Connection, computed once and cached on it."""
    fd = connection._handle
    status = os.fstat(fd)
    inode = status.st_ino
    if (status.st_mode & 0o170000) == 0o140000:  # S_ISSOCK
        keys = _socket_keys(fd, inode)
    else:  # os.pipe(): one inode for both ends
        keys = (inode, inode, 0)
    connection._pipescope_keys = keys
    return keys


def _socket_keys(fd, inode):
    """Keys of a socket Connection that Pipe() did not make (accepted, connected, unpickled)."""
    found, peer = _unix_peer(inode)
    if found:
        if peer:
            return (inode | _SOCKET_KEY, peer | _SOCKET_KEY, 0)
        return (inode | _SOCKET_KEY, inode | _SOCKET_KEY | _NO_PEER_KEY, 0)
    local, remote = _tcp_addresses(fd)
    if local is None:  # neither AF_UNIX nor TCP: a channel of its own
        return (inode | _SOCKET_KEY, inode | _SOCKET_KEY | _NO_PEER_KEY, 0)
    return (_TCP_KEY | _fnv61(local + '>' + remote), _TCP_KEY | _fnv61(remote + '>' + local), 0)


def _unix_peer(inode):
    """(is an AF_UNIX socket, peer inode or 0) from the kernel (NETLINK_SOCK_DIAG)."""
    netlink = _socket.socket(_socket.AF_NETLINK, _socket.SOCK_RAW, _NETLINK_SOCK_DIAG)
    try:
        netlink.settimeout(1.0)
        netlink.sendto(_DIAG_REQUEST.pack(
            _DIAG_REQUEST.size, _SOCK_DIAG_BY_FAMILY, _NLM_F_REQUEST, 1, 0,
            _socket.AF_UNIX, 0, 0, 0xFFFFFFFF, inode, _UDIAG_SHOW_PEER, 0xFFFFFFFF, 0xFFFFFFFF),
            (0, 0))
        reply = netlink.recv(8192)
    finally:
        netlink.close()
    length, kind = _NLMSGHDR.unpack_from(reply)[:2]
    if kind != _SOCK_DIAG_BY_FAMILY:  # NLMSG_ERROR: no AF_UNIX socket with this inode
        return False, 0
    offset = _NLMSGHDR.size + _DIAG_MSG_SIZE
    while offset + _RTATTR.size <= length:
        size, kind = _RTATTR.unpack_from(reply, offset)
        if size < _RTATTR.size:
            break
        if kind == _UNIX_DIAG_PEER:
            return True, int.from_bytes(reply[offset + 4:offset + 8], sys.byteorder)
        offset += (size + 3) & -4
    return True, 0


def _tcp_addresses(fd):
    """("ip:port", "peer ip:port") of a TCP socket descriptor; (None, None) for other sockets."""
    blocking = os.get_blocking(fd)
    sock = _socket.socket(fileno=fd)  # sets O_NONBLOCK when the program set a default timeout
    try:
        if sock.family not in (_socket.AF_INET, _socket.AF_INET6) or \
                sock.type != _socket.SOCK_STREAM:
            return None, None
        local, remote = sock.getsockname(), sock.getpeername()
    finally:
        sock.detach()
        if os.get_blocking(fd) != blocking:
            os.set_blocking(fd, blocking)
    return '%s:%d' % local[:2], '%s:%d' % remote[:2]


def _fnv61(text):
    """The 61 low bits of FNV-1a-64 of a text's UTF-8 bytes."""
    value = 0xCBF29CE484222325
    for byte in text.encode('utf-8'):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value & _TCP_HASH_MASK


def _resolve_peer(connection):
    """Ask the kernel again for the peer of a socket Connection that had none; return its
    recv key.

    A client that connected before the server accepted has no peer yet (the server's end gets
    its inode from accept()). Called by every recv and poll on such a Connection, before and
    after the call (once data came, the server has accepted); gives up after _PEER_TRIES tries
    (the peer is gone, or the socket is no AF_UNIX one).
    """
    send_key, recv_key, flags = connection._pipescope_keys
    tries = vars(connection).get('_pipescope_peer_tries', 0)
    if tries < _PEER_TRIES:
        connection._pipescope_peer_tries = tries + 1
        peer = _unix_peer(send_key & _INODE_MASK)[1]
        if peer:
            recv_key = peer | _SOCKET_KEY
            connection._pipescope_keys = (send_key, recv_key, flags)
    return recv_key


def _connection_keys(connection):
    try:
        return connection._pipescope_keys
    except AttributeError:
        return _keys_of(connection)


# --- channel labels -----------------------------------------------------------------------

def _label(kind, keys, internal=False, obj=None):
    """Report a channel, or hand its keys to the channel constructor this one runs inside.

    `obj` names the object a channel is a part of ("Pool tasks", "Pool results"). Keys go into
    JSON as the signed 64-bit integers of the same bits: JSON readers keep integers exactly
    only up to int64 (Qt reads a TCP key, >= 2**63, as a double).
    """
    scope = _scopes.get(_thread.get_ident())
    if scope is not None:
        scope.extend(keys)
        return
    message = {'type': 'channel', 'kind': kind,
               'keys': [key - (1 << 64) if key >> 63 else key for key in keys],
               'internal': internal}
    if obj is not None:
        message['object'] = obj
    _send(message)


class _Scope:
    """The run of a channel constructor in a thread (a `with` block, so that a traceback through
    it shows no frame of ours): the channels made inside are not reported, their keys are
    gathered in `keys` for the constructor to report as what they are."""

    __slots__ = ('ident', 'outer', 'keys')

    def __enter__(self):
        self.ident = _thread.get_ident()
        self.outer = _scopes.get(self.ident)
        self.keys = _scopes[self.ident] = []
        return self

    def __exit__(self, *exc_info):
        if self.outer is None:
            _scopes.pop(self.ident, None)
        else:
            _scopes[self.ident] = self.outer


def _label_connection(connection, kind, internal=False):
    send_key, recv_key = _connection_keys(connection)[:2]
    _label(kind, [send_key, recv_key], internal)


def _label_queue(queue, kind, internal=False, obj=None):
    _label(kind, [_connection_keys(queue._writer)[0]], internal, obj)


# --- wrappers -----------------------------------------------------------------------------

def _wraps(wrapper, original):
    """Give a wrapper the identity of the function it replaces (pickling by reference finds
    the wrapper under the original's name) and mark it as ours."""
    for name in ('__module__', '__name__', '__qualname__', '__doc__'):
        try:
            setattr(wrapper, name, getattr(original, name))
        except AttributeError:
            pass
    wrapper.__wrapped__ = original
    wrapper._pipescope_wrapper = True
    return wrapper


def _replace(owner, name, make_wrapper):
    """Replace owner.name (a class or module attribute) by make_wrapper(original), once."""
    try:
        original = vars(owner)[name]
        if not getattr(original, '_pipescope_wrapper', False):
            setattr(owner, name, _wraps(make_wrapper(original), original))
    except Exception as exc:
        _error(exc)


def _wrap_send_bytes(original):
    if _ring is not None:
        send = _ring.send

        def _send_bytes(self, buf):
            return send(original, self, buf)  # the same records as the Python version below
        return _send_bytes

    def _send_bytes(self, buf):
        segment = None
        try:
            try:
                key, _, flags = self._pipescope_keys
            except AttributeError:
                key, _, flags = _keys_of(self)
            size = len(buf)
            if size > _HEAD_MAX:
                head = bytes(buf[:_HEAD_MAX])  # no view of the pickler's buffer is kept
                head_length = _HEAD_MAX
                flags |= _CUT
            else:
                head = buf
                head_length = size
            header = _SEND_HEADERS[head_length]
            if flags:
                header |= flags << 40
            length = (head_length + 55) & -8
            segment = _tls.segment
            offset = segment.offset
            if offset + length > segment.limit:
                segment = _make_room(segment, length)
                offset = segment.offset
            segment.offset = offset + length
            view = segment.view
            start = _now()  # after the slow path: opening a segment is not the call's time
            try:
                _SEND_BODY.pack_into(view, offset + 8, key, start, size)
                try:
                    view[offset + 48:offset + 48 + head_length] = head
                except (TypeError, ValueError):  # a buffer of another format, e.g. array('b')
                    _copy_head(view, offset + 48, head)
            finally:
                segment.i64[offset >> 3] = header
        except _Untraced:
            segment = None
        except Exception as exc:
            segment = None
            _error(exc)
        if segment is None:
            return original(self, buf)
        try:
            result = original(self, buf)
        except BaseException as exc:
            try:
                segment.i64[(offset >> 3) + 3] = _now()
                view[offset + 5] = flags | _COMPLETE
            except Exception as error:
                _error(error)
            _failure(key, flags & _INTERNAL, start, _SEND, exc)
            raise
        try:
            segment.i64[(offset >> 3) + 3] = _now()  # t_ns, then the flags byte
            view[offset + 5] = flags | _COMPLETE
        except Exception as exc:
            _error(exc)
        return result
    return _send_bytes


def _wrap_recv_bytes(original):
    if _ring is not None:
        recv = _ring.recv

        def _recv_bytes(self, maxsize=None):
            return recv(original, self, maxsize)  # the same records as the Python version below
        return _recv_bytes

    def _recv_bytes(self, maxsize=None):
        segment = None
        try:
            try:
                _, key, flags = self._pipescope_keys
            except AttributeError:
                _, key, flags = _keys_of(self)
            if key & _NO_PEER_KEY:
                key = _resolve_peer(self)
            segment = _tls.segment
            offset = segment.offset
            if offset + 48 > segment.limit:
                segment = _make_room(segment, 48)
                offset = segment.offset
            segment.offset = offset + 48
            start = _now()
            try:
                _BEGIN_BODY.pack_into(segment.view, offset + 8, key, start, start)
            finally:
                segment.i64[offset >> 3] = _BEGIN_HEADERS[flags]
        except _Untraced:
            segment = None
        except Exception as exc:
            segment = None
            _error(exc)
        if segment is None:
            return original(self, maxsize)
        try:
            result = original(self, maxsize)
        except BaseException as exc:
            _failure(key, flags, start, _RECV, exc)
            raise
        try:
            end = _now()
            if key & _NO_PEER_KEY:
                key = _resolve_peer(self)
            if result is None:  # longer than maxsize: recv_bytes raises this next
                _failure(key, flags, start, _RECV, OSError('bad message length'))
                return result
            size = result.tell()  # _recv leaves the position at the end (recv_bytes_into uses it)
            if size > _HEAD_MAX:
                with result.getbuffer() as data:
                    head = data[:_HEAD_MAX].tobytes()
                head_length = _HEAD_MAX
                flags |= _CUT
            else:
                head = result.getvalue()
                head_length = size
            header = _RECV_HEADERS[head_length]
            if flags:
                header |= flags << 40
            length = (head_length + 55) & -8
            offset = segment.offset  # the segment of the recv-begin, if still the thread's
            if offset + length > segment.limit:
                segment = _make_room(segment, length)
                offset = segment.offset
            segment.offset = offset + length
            try:
                _RECV_BODIES[head_length].pack_into(segment.view, offset + 8, key, start, end,
                                                    size, head)
            finally:
                segment.i64[offset >> 3] = header
        except _Untraced:
            pass
        except Exception as exc:
            _error(exc)
        return result
    return _recv_bytes


def _wrap_poll(original):
    def _poll(self, timeout):
        start = _now()
        try:
            result = original(self, timeout)
        except BaseException as exc:
            try:
                _, key, flags = _connection_keys(self)
            except Exception as error:
                _error(error)
            else:
                _failure(key, flags, start, _POLL, exc)
            raise
        try:
            try:
                _, key, flags = self._pipescope_keys
            except AttributeError:
                _, key, flags = _keys_of(self)
            if key & _NO_PEER_KEY:
                key = _resolve_peer(self)
            _record(_POLL, flags | _COMPLETE, key, start, _now(), 1 if result else 0,
                    _INF if timeout is None else float(timeout))
        except _Untraced:
            pass
        except Exception as exc:
            _error(exc)
        return result
    return _poll


def _wrap_close(original):
    def close(self):
        # A writing end closed by the program: its reader gets EOF once every copy is closed.
        try:
            if self._handle is not None and self._writable:
                try:
                    key, _, flags = self._pipescope_keys
                except AttributeError:
                    key, _, flags = _keys_of(self)
                now = _now()
                _record(_CLOSE, flags | _COMPLETE, key, now, now, 0, 0.0)
        except _Untraced:
            pass
        except Exception as exc:
            _error(exc)
        return original(self)
    return close


def _wrap_wait(original):
    def wait(object_list, timeout=None):
        try:
            caller = sys._getframe(1).f_globals.get('__name__', '')
            library = isinstance(caller, str) and caller.startswith(_LIBRARY_MODULES)
            waited_on = str(len(object_list)).encode('ascii')  # before the call consumes it
        except Exception:
            library, waited_on = False, b'?'
        if library:
            return original(object_list, timeout)
        start = _now()
        ready = original(object_list, timeout)
        try:
            # One record for the call: how many it waited on (the head), how many were ready.
            _record(_WAIT, _COMPLETE, 0, start, _now(), len(ready),
                    _INF if timeout is None else float(timeout), waited_on)
        except _Untraced:
            pass
        except Exception as exc:
            _error(exc)
        return ready
    return wait


def _put_failure(queue, start, exc):
    """The failure record of a Queue.put that raised (both writers)."""
    try:
        key, _, flags = _connection_keys(queue._writer)
    except Exception as error:
        _error(error)
    else:
        _failure(key, flags, start, _PUT, exc)


def _wrap_put(original):
    if _ring is not None:
        ring_put = _ring.put

        def put(self, obj, block=True, timeout=None):
            return ring_put(original, self, obj, block, timeout)  # as the Python version below
        return put

    def put(self, obj, block=True, timeout=None):
        start = _now()
        try:
            result = original(self, obj, block, timeout)
        except BaseException as exc:
            _put_failure(self, start, exc)
            raise
        try:
            writer = self._writer
            try:
                key, _, flags = writer._pipescope_keys
            except AttributeError:
                key, _, flags = _keys_of(writer)
            amount = len(self._buffer)
            segment, offset = _reserve(48)
            try:
                _PUT_BODY.pack_into(segment.view, offset + 8, key, start, _now(), amount)
            finally:
                segment.i64[offset >> 3] = _PUT_HEADERS[flags]
        except _Untraced:
            pass
        except Exception as exc:
            _error(exc)
        return result
    return put


def _wrap_pipe(original):
    def Pipe(duplex=True):
        ends = original(duplex)
        try:
            first, second = ends
            a = os.fstat(first._handle).st_ino
            b = os.fstat(second._handle).st_ino
            if a == b:  # os.pipe(): one channel
                first._pipescope_keys = second._pipescope_keys = (a, a, 0)
                _label('Pipe', [a])
            else:  # socketpair(): each end sends on its own key and receives on its peer's
                first._pipescope_keys = (a | _SOCKET_KEY, b | _SOCKET_KEY, 0)
                second._pipescope_keys = (b | _SOCKET_KEY, a | _SOCKET_KEY, 0)
                _label('Pipe', [a | _SOCKET_KEY, b | _SOCKET_KEY])
        except Exception as exc:
            _error(exc)
        return ends
    return Pipe


def _wrap_rebuild_connection(original):
    def rebuild_connection(*args, **kwargs):
        connection = original(*args, **kwargs)
        try:  # now, while the sending process surely still holds the other end
            _keys_of(connection)
        except Exception as exc:
            _error(exc)
        return connection
    return rebuild_connection


def _wrap_accept(original):
    def accept(self):
        connection = original(self)
        try:  # a Manager's server or the resource sharer may have labelled the listener
            _label_connection(connection, *vars(self).get('_pipescope_label', ('Listener',)))
        except Exception as exc:
            _error(exc)
        return connection
    return accept


def _client_wrapper(original, kind):
    def Client(address, family=None, authkey=None):
        connection = original(address, family, authkey)
        try:
            _label_connection(connection, kind)
        except Exception as exc:
            _error(exc)
        return connection
    return Client


def _wrap_challenge(original):
    """deliver_challenge / answer_challenge: the records they cause are internal."""
    def challenge(connection, *args, **kwargs):
        try:
            keys = _connection_keys(connection)
            connection._pipescope_keys = keys[:2] + (keys[2] | _INTERNAL,)
        except Exception as exc:
            _error(exc)
            keys = None
        try:
            return original(connection, *args, **kwargs)
        finally:
            if keys is not None:  # the keys may have been resolved meanwhile: keep those
                connection._pipescope_keys = connection._pipescope_keys[:2] + keys[2:]
    return challenge


def _wrap_queue_init(kind):
    def make(original):
        def __init__(self, *args, **kwargs):
            with _Scope():  # its Pipe is part of it
                result = original(self, *args, **kwargs)
            try:
                _label_queue(self, kind)
            except Exception as exc:
                _error(exc)
            return result
        return __init__
    return make


def _wrap_pool_init(original):
    def __init__(self, *args, **kwargs):
        with _Scope():
            result = original(self, *args, **kwargs)
        try:
            pool = 'pool-%d' % next(_objects)  # its tasks and results: parts of one object
            for name, kind, internal, obj in (('_inqueue', 'Pool tasks', False, pool),
                                              ('_outqueue', 'Pool results', False, pool),
                                              ('_change_notifier', 'SimpleQueue', True, None)):
                queue = vars(self).get(name)
                if hasattr(queue, '_writer'):  # not ThreadPool's queue.SimpleQueue
                    _label_queue(queue, kind, internal, obj)
        except Exception as exc:
            _error(exc)
        return result
    return __init__


def _relabelling(kind, internal):
    """Wrapper maker for a function whose channels are to be reported as `kind`: a Manager's
    start (the pipe its server reports its address on), the resource sharer's connections,
    the wakeup pipe of a ProcessPoolExecutor."""
    def make(original):
        def wrapper(*args, **kwargs):
            with _Scope() as scope:
                result = original(*args, **kwargs)
            try:
                if scope.keys:
                    _label(kind, scope.keys, internal)
            except Exception as exc:
                _error(exc)
            return result
        return wrapper
    return make


def _listener_labeller(attribute, label):
    """Wrapper maker for a method that makes a Listener in self.<attribute>: the connections
    it accepts are labelled `label` (kind, internal)."""
    def make(original):
        def wrapper(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            try:
                getattr(self, attribute)._pipescope_label = label
            except Exception as exc:
                _error(exc)
            return result
        return wrapper
    return make


def _process_start_method(process):
    method = getattr(process, '_start_method', None)
    if method is None:
        multiprocessing = sys.modules.get('multiprocessing')
        if multiprocessing is not None:
            method = multiprocessing.get_start_method(allow_none=True)
    return method or _start_method


def _wrap_bootstrap(original):
    def _bootstrap(self, *args, **kwargs):
        try:
            _send({'type': 'process', 'name': self._name,
                   'start_method': _process_start_method(self), 'parent_pid': self._parent_pid})
        except Exception as exc:
            _error(exc)
        exitcode = original(self, *args, **kwargs)
        try:
            _send({'type': 'exit', 'exitcode': exitcode})
        except Exception as exc:
            _error(exc)
        _report_errors()
        return exitcode
    return _bootstrap


def _wrap_join(original):
    def join(self, timeout=None):
        # Written when the call begins and completed when it returns, as a send is: a join that
        # never returns shows as joining. The key is the pid of the process joined.
        segment = None
        try:
            popen = vars(self).get('_popen')
            pid = popen.pid if popen is not None else 0
            # Everything that could raise comes before the record is begun: a begun record is
            # always completed below.
            number = _INF if timeout is None else float(timeout)
            if pid > 0:
                segment, offset = _reserve(48)
                try:
                    _BODY.pack_into(segment.view, offset + 8, pid, _now(), 0, 0, number)
                finally:
                    segment.i64[offset >> 3] = _header(_JOIN, 0, 0)
        except _Untraced:
            segment = None
        except Exception as exc:
            segment = None
            _error(exc)
        try:
            return original(self, timeout)
        finally:
            if segment is not None:
                try:
                    segment.i64[(offset >> 3) + 3] = _now()  # t_ns, then the flags byte
                    segment.view[offset + 5] = _COMPLETE
                except Exception as exc:
                    _error(exc)
    return join


def _wrap_launch(original):
    def _launch(self, process_obj):
        ident = _thread.get_ident()
        _launching[ident] = process_obj  # read by the fork child's hello
        try:
            return original(self, process_obj)
        finally:
            _launching.pop(ident, None)
    return _launch


def _wrap_popen_poll(original):
    def poll(self, *args, **kwargs):
        returncode = original(self, *args, **kwargs)
        if returncode is not None:
            try:
                if not vars(self).get('_pipescope_reported'):
                    self._pipescope_reported = True
                    _send({'type': 'child_exit', 'pid': self.pid, 'exitcode': returncode})
            except Exception as exc:
                _error(exc)
        return returncode
    return poll


def _argument_text(arg):
    """An argv element as text; objects other than str, bytes and pathlib paths are not
    converted (that would run code of the program)."""
    if isinstance(arg, str):
        return arg
    if isinstance(arg, bytes):
        return os.fsdecode(arg)
    if type(arg).__module__ == 'pathlib':
        return os.fspath(arg)
    return '?'


def _wrap_spawnv_passfds(original):
    def spawnv_passfds(path, args, passfds):
        pid = original(path, args, passfds)
        try:
            _send({'type': 'child', 'pid': pid, 'argv': [_argument_text(a) for a in args]})
        except Exception as exc:
            _error(exc)
        return pid
    return spawnv_passfds


def _wrap_subprocess_init(original):
    def __init__(self, *args, **kwargs):
        ident = _thread.get_ident()
        _exec_forks.add(ident)  # with a preexec_fn, its child runs our fork handler, then execs
        try:
            result = original(self, *args, **kwargs)
        finally:
            _exec_forks.discard(ident)
        try:
            given = self.args
            if isinstance(given, (list, tuple)):
                argv = [_argument_text(a) for a in given]
            else:
                argv = [_argument_text(given)]
            shell = kwargs['shell'] if 'shell' in kwargs else len(args) > 8 and args[8]
            if type(shell) in (bool, int) and shell:
                argv = ['/bin/sh', '-c'] + argv
            _send({'type': 'child', 'pid': self.pid, 'argv': argv})
        except Exception as exc:
            _error(exc)
        return result
    return __init__


def _wrap_thread_name(prop):
    setter = prop.fset

    def name(self, value):
        setter(self, value)
        try:
            tid = getattr(self, '_native_id', None)
            if tid in _segment_numbers:  # the thread has announced a segment: tell the new name
                _send({'type': 'thread', 'tid': tid, 'thread': self._name})
        except Exception as exc:
            _error(exc)
    return property(prop.fget, _wraps(name, setter), prop.fdel, prop.__doc__)


# --- patching -----------------------------------------------------------------------------

def _patch_connection(module):
    _replace(module.Connection, '_send_bytes', _wrap_send_bytes)
    _replace(module.Connection, '_recv_bytes', _wrap_recv_bytes)
    _replace(module.Connection, '_poll', _wrap_poll)
    _replace(module._ConnectionBase, 'close', _wrap_close)
    _replace(module, 'wait', _wrap_wait)
    _replace(module, 'Pipe', _wrap_pipe)
    _replace(module, 'rebuild_connection', _wrap_rebuild_connection)
    _replace(module.Listener, 'accept', _wrap_accept)
    _replace(module, 'Client', lambda original: _client_wrapper(original, 'Client'))
    _replace(module, 'deliver_challenge', _wrap_challenge)
    _replace(module, 'answer_challenge', _wrap_challenge)


def _patch_queues(module):
    _replace(module.Queue, '__init__', _wrap_queue_init('Queue'))
    _replace(module.Queue, 'put', _wrap_put)
    _replace(module.JoinableQueue, '__init__', _wrap_queue_init('JoinableQueue'))
    _replace(module.JoinableQueue, 'put', _wrap_put)
    _replace(module.SimpleQueue, '__init__', _wrap_queue_init('SimpleQueue'))


def _patch_process(module):
    _replace(module.BaseProcess, '_bootstrap', _wrap_bootstrap)
    _replace(module.BaseProcess, 'join', _wrap_join)


def _patch_pool(module):
    _replace(module.Pool, '__init__', _wrap_pool_init)


def _patch_managers(module):
    _replace(module.BaseManager, 'start', _relabelling('Manager', True))
    _replace(module.Server, '__init__', _listener_labeller('listener', ('Manager', False)))
    try:  # the connections proxies and managers open to the server process
        listener, client = module.listener_client['pickle']
        # (client is connection.Client, already our wrapper labelling "Client")
        if not getattr(client, '_manager_client', False):
            wrapper = _wraps(_client_wrapper(getattr(client, '__wrapped__', client), 'Manager'),
                             client)
            wrapper._manager_client = True
            module.listener_client['pickle'] = (listener, wrapper)
    except Exception as exc:
        _error(exc)


def _patch_resource_sharer(module):
    # Connections passed to another process (e.g. through a Queue) travel over these.
    sharer = module._ResourceSharer
    _replace(sharer, '_start', _listener_labeller('_listener', ('Listener', True)))
    _replace(sharer, 'stop', _relabelling('Client', True))
    get_connection = vars(sharer).get('get_connection')
    if isinstance(get_connection, staticmethod) and \
            not getattr(get_connection.__func__, '_pipescope_wrapper', False):
        function = get_connection.__func__
        sharer.get_connection = staticmethod(
            _wraps(_relabelling('Client', True)(function), function))


def _patch_futures_process(module):
    _replace(module._ThreadWakeup, '__init__', _relabelling('Pipe', True))


def _patch_popen_fork(module):
    _replace(module.Popen, 'poll', _wrap_popen_poll)
    _replace(module.Popen, '_launch', _wrap_launch)


def _patch_popen_forkserver(module):
    _replace(module.Popen, 'poll', _wrap_popen_poll)


def _patch_util(module):
    _replace(module, 'spawnv_passfds', _wrap_spawnv_passfds)


def _patch_subprocess(module):
    _replace(module.Popen, '__init__', _wrap_subprocess_init)
    # Its exit, once known (subprocess.run() waits): a child that ended normally without a hello
    # was out of the hook's reach.
    _replace(module.Popen, 'poll', _wrap_popen_poll)
    _replace(module.Popen, 'wait', _wrap_popen_poll)


def _patch_threading(module):
    prop = vars(module.Thread).get('name')
    if isinstance(prop, property) and prop.fset is not None and \
            not getattr(prop.fset, '_pipescope_wrapper', False):
        module.Thread.name = _wrap_thread_name(prop)


_PATCHES = {
    'multiprocessing.connection': _patch_connection,
    'multiprocessing.queues': _patch_queues,
    'multiprocessing.process': _patch_process,
    'multiprocessing.pool': _patch_pool,
    'multiprocessing.managers': _patch_managers,
    'multiprocessing.popen_fork': _patch_popen_fork,
    'multiprocessing.popen_forkserver': _patch_popen_forkserver,
    'multiprocessing.util': _patch_util,
    'multiprocessing.resource_sharer': _patch_resource_sharer,
    'concurrent.futures.process': _patch_futures_process,
    'subprocess': _patch_subprocess,
    'threading': _patch_threading,
}
_unpatched = set(_PATCHES)


def _patch(name, module):
    _unpatched.discard(name)
    try:
        _PATCHES[name](module)
    except Exception as exc:
        _error(exc)
    if not _unpatched and _finder in sys.meta_path:
        sys.meta_path.remove(_finder)


class _Finder:
    """sys.meta_path entry: patches a watched module right after the module executed.

    The spec comes from the finders after this one, unchanged; only its loader instance gets
    an exec_module of its own for the duration of that one import.
    """

    def find_spec(self, name, path=None, target=None):
        if name not in _unpatched:
            return None
        finders = sys.meta_path
        for finder in finders[finders.index(self) + 1:] if self in finders else ():
            find_spec = getattr(finder, 'find_spec', None)
            if find_spec is not None:
                spec = find_spec(name, path, target)
                if spec is not None:
                    break
        else:
            return None
        loader = spec.loader
        try:
            original = loader.exec_module

            def exec_module(module):
                if getattr(module, '__name__', None) != name:  # a loader shared by modules
                    return original(module)
                try:
                    original(module)
                finally:
                    if vars(loader).get('exec_module') is exec_module:
                        del loader.exec_module
                _patch(name, module)

            loader.exec_module = exec_module
        except Exception as exc:
            _error(exc)
        return spec


_finder = _Finder()


# --- process life -------------------------------------------------------------------------

def _after_fork_in_child():
    """A fork child is a new process: new control connection, no segments of the parent."""
    global _tls, _pid, _control_sock, _control_lock, _start_method, _fork_start_method
    global _main_ident
    try:
        ident = _thread.get_ident()
        process = _launching.get(ident)
        execs = ident in _exec_forks
        _launching.clear()
        _exec_forks.clear()
        _scopes.clear()
        _segment_numbers.clear()
        _errors[:] = [0, '']
        _tls = _Local()
        _pid = os.getpid()
        _main_ident = _thread.get_ident()
        sock, _control_sock = _control_sock, None
        _control_lock = _thread.allocate_lock()
        if sock is not None:
            sock.close()  # the parent's connection stays open in the parent
        if execs:  # subprocess's child: quiet; the program it execs says hello if it is Python
            return
        if process is not None:  # multiprocessing's fork start method
            _start_method, name = 'fork', process._name
        else:  # a forkserver child, or a plain os.fork()
            _start_method, name = _fork_start_method, _process_name()
        _fork_start_method = None
        if _connect():
            _hello(name)
    except Exception as exc:
        _error(exc)


def install(trace_dir):
    """Start tracing this process: hello, then patch multiprocessing (now or when imported).

    Does nothing when the collector cannot be reached, when already installed, before
    Python 3.8, or on a big-endian machine (segments are written in native byte order there).
    """
    global _dir, _pid, _start_method, _fork_start_method, _main_ident
    if _dir is not None or sys.version_info < (3, 8) or sys.byteorder != 'little':
        return
    _dir = os.path.abspath(trace_dir)
    _pid = os.getpid()
    _main_ident = _thread.get_ident()
    if not _connect():
        return
    try:
        if '--multiprocessing-fork' in sys.argv:  # spawn.get_command_line()
            _start_method = 'spawn'
        argv = _command_line()
        code = argv[argv.index('-c') + 1] if '-c' in argv[:-1] else ''
        if code.startswith('from multiprocessing.forkserver import main'):
            _fork_start_method = 'forkserver'  # this is the forkserver: its children fork here
        _hello(_process_name())
        if _ring_problem is not None:
            _error(_ring_problem)  # asked for, not loaded: said in the run's `errors`
        os.register_at_fork(after_in_child=_after_fork_in_child)
        atexit.register(_report_errors)
        for name in list(_unpatched):
            module = sys.modules.get(name)
            if module is not None:
                _patch(name, module)
        if _unpatched:
            sys.meta_path.insert(0, _finder)
    except Exception as exc:
        _error(exc)


if _ring is not None:
    _ring.configure(globals())
