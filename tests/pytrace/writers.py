# The hook's two record writers, the native one (_pipescope_ring) and the pure-Python one, write
# the same records for the same calls: sends (small, cut, raising), receives (small, cut, too
# long for maxsize, raising) and Queue puts (and one raising). Both hook modules are loaded from
# HOOK_DIR into this process, each writes into a segment of its own, and the segments must be
# byte for byte the same, but for the times. Prints "same N records" and exits 0, else says where
# they differ and exits 1.
#   python3 writers.py HOOK_DIR RING_MODULE
import collections
import io
import mmap
import os
import struct
import sys

SIZE = 1 << 20


def load(hook_dir, ring):
    """A fresh _pipescope_trace module, with the native writer when `ring` is a path."""
    os.environ['PIPESCOPE_TRACE_RING'] = ring
    source = os.path.join(hook_dir, '_pipescope_trace.py')
    module = type(sys)('_pipescope_trace')
    module.__file__ = source
    with open(source, 'rb') as f:
        exec(compile(f.read(), source, 'exec'), module.__dict__)
    return module


class Connection:
    def __init__(self, key):
        self._pipescope_keys = (key, key ^ 1, 0)


class Queue:
    def __init__(self, writer):
        self._writer = writer
        self._buffer = collections.deque()


def original_send(connection, buf):
    if bytes(buf[:4]) == b'FAIL':
        raise BrokenPipeError(32, 'Broken pipe')


def original_recv(connection, maxsize):
    if maxsize == -1:
        raise EOFError
    if maxsize == 3:
        return None  # what _recv_bytes returns for a message longer than maxsize
    data = bytes(range(256)) * 2 if maxsize == 512 else b'\x80\x04K\x07.'
    result = io.BytesIO()
    result.write(data)
    return result


def original_put(queue, obj, block, timeout):
    if obj == 'full':
        raise ValueError('Queue is full')
    queue._buffer.append(obj)


def play(hook):
    """The same calls through `hook`'s wrappers, into a segment of its own: the records."""
    memory = mmap.mmap(-1, SIZE)
    segment = hook._Segment(memoryview(memory), 64, SIZE - 8, None)
    hook._tls.segment = segment
    send = hook._wrap_send_bytes(original_send)
    recv = hook._wrap_recv_bytes(original_recv)
    put = hook._wrap_put(original_put)
    pipe = Connection(0x1234)
    socket = Connection(hook._SOCKET_KEY | 99)
    socket._pipescope_keys = (hook._SOCKET_KEY | 99, hook._SOCKET_KEY | 98, hook._INTERNAL)
    queue = Queue(pipe)
    send(pipe, memoryview(b'\x80\x04K\x01.'))
    send(socket, memoryview(bytes(300)))
    send(pipe, b'')
    for maxsize in (None, 512, 3, -1):
        try:
            recv(socket if maxsize == 512 else pipe, maxsize)
        except EOFError:
            pass
    try:
        send(pipe, b'FAIL')
    except BrokenPipeError:
        pass
    put(queue, 1, True, None)
    put(queue, 2, True, None)
    try:
        put(queue, 'full', True, None)
    except ValueError:
        pass
    if hook._errors[0]:
        raise SystemExit('the hook failed: %s' % hook._errors[1])
    return bytes(memory[64:segment.offset])


def records(data):
    """Each record's bytes, its start and end times zeroed."""
    found = []
    offset = 0
    while offset < len(data):
        length = struct.unpack_from('<I', data, offset)[0]
        record = bytearray(data[offset:offset + length])
        record[16:32] = bytes(16)
        found.append(bytes(record))
        offset += length
    return found


def main():
    hook_dir, ring = sys.argv[1], sys.argv[2]
    python = load(hook_dir, '')
    native = load(hook_dir, ring)
    if python._ring is not None or native._ring is None:
        raise SystemExit('the native writer did not load: %r' % (native._ring_problem,))
    expected = records(play(python))
    written = records(play(native))
    if written != expected:
        for i, (a, b) in enumerate(zip(expected, written)):
            if a != b:
                print('record %d differs:\n  python %s\n  native %s' % (i, a.hex(), b.hex()))
                break
        print('python wrote %d records, native %d' % (len(expected), len(written)))
        return 1
    print('same %d records' % len(written))
    return 0


if __name__ == '__main__':
    sys.exit(main())
