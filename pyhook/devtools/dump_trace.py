#!/usr/bin/env python3
"""A collector for `pipescope trace` written in Python, for developing the hook and the C++ side.

    python3 dump_trace.py [options] -- python3 prog.py args...

Does what `pipescope trace` does (docs/tracing-protocol.md): makes a private directory (0700),
listens on <dir>/control.sock, runs the program with PIPESCOPE_TRACE_DIR and PYTHONPATH set,
reads every control connection until the program and all its processes are gone, then decodes
every segment. It prints every control message and every record, checks the invariants of the
protocol and prints a summary per channel (sends and receives matched by payload size and head).

Exit status: 0 when every invariant holds, 1 otherwise (the program's own status is printed).
As a module, `run(argv)` returns the decoded `Trace` for tests.
"""

import argparse
import collections
import glob
import json
import os
import re
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

PYHOOK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HEADER = struct.Struct('<8sIIII')
RECORD = struct.Struct('<IBBHQqqqd')
END_OF_SEGMENT = 0xFFFFFFFF
KINDS = {1: 'send', 2: 'recv', 3: 'poll', 4: 'put', 5: 'recv-begin', 6: 'failed'}
COMPLETE, CUT, INTERNAL = 1, 2, 4
NO_PEER = 1 << 61
HEAD_MAX = 256
SEGMENT_NAME = re.compile(r'seg-(\d+)-(\d+)-(\d+)\.ring$')


class Collector:
    """Accepts control connections and reads their frames in a thread of its own."""

    def __init__(self, path):
        self.messages = []  # (connection number, seconds since start, message)
        self.open_connections = 0
        self.problems = []
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(path)
        self._server.listen(128)
        self._server.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._server, selectors.EVENT_READ)
        self._connections = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._thread = threading.Thread(target=self._loop, name='collector', daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop.is_set():
            for key, _ in self._selector.select(0.05):
                if key.fileobj is self._server:
                    self._accept()
                else:
                    self._read(key)
        self._selector.close()
        self._server.close()

    def _accept(self):
        try:
            sock, _ = self._server.accept()
        except BlockingIOError:
            return
        sock.setblocking(False)
        with self._lock:
            self._connections += 1
            self.open_connections += 1
            state = {'number': self._connections, 'buffer': b''}
        self._selector.register(sock, selectors.EVENT_READ, state)

    def _read(self, key):
        state = key.data
        try:
            data = key.fileobj.recv(1 << 16)
        except BlockingIOError:
            return
        except OSError:
            data = b''
        if not data:
            self._selector.unregister(key.fileobj)
            key.fileobj.close()
            if state['buffer']:
                self.problems.append('connection %d: %d bytes of an incomplete frame at its end'
                                     % (state['number'], len(state['buffer'])))
            with self._lock:
                self.open_connections -= 1
                self.messages.append((state['number'], time.monotonic() - self._start,
                                      {'type': '(closed)'}))
            return
        buffer = state['buffer'] + data
        while len(buffer) >= 4:
            size = int.from_bytes(buffer[:4], 'big')
            if size > 64 << 10:
                self.problems.append('connection %d: frame of %d bytes' % (state['number'], size))
            if len(buffer) < 4 + size:
                break
            frame, buffer = buffer[4:4 + size], buffer[4 + size:]
            try:
                message = json.loads(frame.decode('utf-8'))
            except ValueError as exc:
                self.problems.append('connection %d: bad frame %r: %s'
                                     % (state['number'], frame[:80], exc))
                continue
            with self._lock:
                self.messages.append((state['number'], time.monotonic() - self._start, message))
        state['buffer'] = buffer

    def wait_idle(self, timeout):
        """Wait until every control connection closed (or `timeout` seconds passed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.open_connections == 0:
                    return True
            time.sleep(0.02)
        return False

    def stop(self):
        self._stop.set()
        self._thread.join()


class Trace:
    """Everything one run produced, decoded."""

    def __init__(self):
        self.status = None  # the program's exit status (negative: killed by that signal)
        self.messages = []  # (connection, seconds, message) in arrival order
        self.processes = {}  # pid -> {'hello':…, 'process':…, 'exit':…, 'errors':…, 'closed':…}
        self.segments = []  # dicts: path, pid, tid, number, thread, header, records, end
        self.records = []  # every record of every segment, in each thread's order
        self.channels = []  # `channel` messages
        self.problems = []  # broken invariants
        self.notes = []  # things worth knowing that are not errors

    def by_kind(self, kind, pid=None):
        return [r for r in self.records if r['kind'] == kind and (pid is None or r['pid'] == pid)]


def decode_segment(path):
    """(header tuple, records, how the segment ends: 'open' (no more yet), 'continued' (the
    0xFFFFFFFF marker), 'full' (no room for a marker: the writer must never do that) or
    'broken')."""
    with open(path, 'rb') as f:
        data = f.read()
    header = HEADER.unpack_from(data, 0)
    records = []
    offset = 64
    end = 'full'
    while offset + 4 <= len(data):
        length = struct.unpack_from('<I', data, offset)[0]
        if length == 0:
            end = 'open'
            break
        if length == END_OF_SEGMENT:
            end = 'continued'
            break
        if length < 48 or offset + length > len(data):
            records.append({'offset': offset, 'length': length, 'bad': 'length out of range'})
            end = 'broken'
            break
        (_, kind, flags, head_length, key, start, t, amount,
         number) = RECORD.unpack_from(data, offset)
        records.append({
            'offset': offset, 'length': length, 'kind': kind, 'flags': flags,
            'head_length': head_length, 'key': key, 'start': start, 't': t, 'amount': amount,
            'number': number, 'head': data[offset + 48:offset + 48 + head_length],
        })
        offset += length
    return header, records, end


def run(argv, grace=10.0, keep=False, stdout=None):
    """Run a program traced (its stdout to `stdout`, a file, when given); return the Trace."""
    # Like pipescope trace: a tmpfs when there is one (the first store into a new segment file
    # costs about 1.7 ms on ext4, 10 us on tmpfs).
    base = os.environ.get('XDG_RUNTIME_DIR') or ('/dev/shm' if os.path.isdir('/dev/shm') else None)
    trace_dir = tempfile.mkdtemp(prefix='pipescope-', dir=base)
    os.chmod(trace_dir, 0o700)
    collector = Collector(os.path.join(trace_dir, 'control.sock'))
    env = dict(os.environ)
    env['PIPESCOPE_TRACE_DIR'] = trace_dir
    env['PYTHONPATH'] = PYHOOK + (os.pathsep + env['PYTHONPATH'] if env.get('PYTHONPATH') else '')
    trace = Trace()
    try:
        trace.status = subprocess.call(argv, env=env, stdout=stdout)
        if not collector.wait_idle(grace):
            trace.notes.append('control connections still open %.0f s after the program ended'
                               % grace)
        collector.stop()
        trace.messages = list(collector.messages)
        trace.problems.extend(collector.problems)
        _read_segments(trace, trace_dir)
        _check(trace)
    finally:
        if keep:
            trace.notes.append('trace directory kept: ' + trace_dir)
        else:
            shutil.rmtree(trace_dir, ignore_errors=True)
    return trace


def _read_segments(trace, trace_dir):
    pids = {}  # connection -> pid (from hello)
    announced = set()
    for connection, _, message in trace.messages:
        kind = message.get('type')
        if kind == 'hello':
            if connection in pids:
                trace.problems.append('connection %d: second hello' % connection)
            if message['pid'] in trace.processes:  # pipescope trace rejects it
                trace.problems.append('pid %d said hello twice' % message['pid'])
            pids[connection] = message['pid']
            trace.processes.setdefault(message['pid'], {})['hello'] = message
            continue
        pid = pids.get(connection)
        if pid is None:
            if kind != '(closed)':
                trace.problems.append('connection %d: %s before hello' % (connection, kind))
            continue
        process = trace.processes[pid]
        if kind in ('process', 'exit', 'errors'):
            process[kind] = message
        elif kind == '(closed)':
            process['closed'] = True
        elif kind == 'channel':  # keys come as the signed int64 of their bits
            trace.channels.append(dict(message, pid=pid,
                                       keys=[key & (1 << 64) - 1 for key in message['keys']]))
        elif kind in ('child', 'child_exit', 'thread'):
            process.setdefault(kind, []).append(message)
        elif kind == 'segment':
            path = message['path']
            announced.add(path)
            match = SEGMENT_NAME.search(path)
            if not match or (int(match.group(1)), int(match.group(2)), int(match.group(3))) != \
                    (pid, message['tid'], message['number']):
                trace.problems.append('segment %s: name does not match pid %d tid %d number %d'
                                      % (path, pid, message['tid'], message['number']))
            if os.path.dirname(path) != trace_dir:
                trace.problems.append('segment %s: outside the trace directory' % path)
            header, records, end = decode_segment(path)
            if header != (b'PSRING01', 1, pid, message['tid'], message['number']):
                trace.problems.append('segment %s: header %r' % (path, header))
            segment = {'path': path, 'pid': pid, 'tid': message['tid'],
                       'number': message['number'], 'thread': message['thread'],
                       'records': records, 'end': end}
            trace.segments.append(segment)
            for record in records:
                record.update(pid=pid, tid=message['tid'], segment=message['number'],
                              thread=message['thread'])
                trace.records.append(record)
        else:
            trace.problems.append('connection %d: unknown message type %r' % (connection, kind))
    for path in glob.glob(os.path.join(trace_dir, 'seg-*.ring')):
        if path not in announced:
            trace.problems.append('segment %s was never announced' % path)


def _check(trace):
    """Check the invariants of docs/tracing-protocol.md on a decoded trace."""
    problems = trace.problems
    threads = collections.defaultdict(list)
    for segment in trace.segments:
        threads[(segment['pid'], segment['tid'])].append(segment)
    for (pid, tid), segments in threads.items():
        segments.sort(key=lambda s: s['number'])
        for before, after in zip(segments, segments[1:]):
            if before['end'] != 'continued' or after['number'] != before['number'] + 1:
                problems.append('thread %d/%d: segment %d ends %s, next is %d'
                                % (pid, tid, before['number'], before['end'], after['number']))
        if segments[-1]['end'] != 'open':
            problems.append('thread %d/%d: last segment ends %s' % (pid, tid, segments[-1]['end']))
    for record in trace.records:
        where = 'pid %d thread %r segment %d @%d' % (record.get('pid', -1), record.get('thread'),
                                                      record.get('segment', -1), record['offset'])
        if 'bad' in record:
            problems.append('%s: %s' % (where, record['bad']))
            continue
        kind, flags = record['kind'], record['flags']
        if record['length'] % 8 or record['length'] != (48 + record['head_length'] + 7) & -8:
            problems.append('%s: length %d for a head of %d' % (where, record['length'],
                                                                record['head_length']))
        if kind not in KINDS or flags & ~7 or record['head_length'] > HEAD_MAX:
            problems.append('%s: kind %d flags %d head %d' % (where, kind, flags,
                                                              record['head_length']))
            continue
        if flags & COMPLETE:
            if not 0 < record['start'] <= record['t']:
                problems.append('%s: %s from %d to %d' % (where, KINDS[kind], record['start'],
                                                          record['t']))
        elif kind != 1:
            problems.append('%s: %s not complete' % (where, KINDS[kind]))
        elif record['t'] != 0:
            problems.append('%s: open send with t_ns %d' % (where, record['t']))
        else:  # killed during it, or a daemon thread in it when the process left
            trace.notes.append('%s: open send (the process ended during it)' % where)
        if kind in (1, 2) and (record['head_length'] != min(record['amount'], HEAD_MAX) or
                               bool(flags & CUT) != (record['amount'] > HEAD_MAX)):
            problems.append('%s: head %d of %d bytes, flags %d' % (where, record['head_length'],
                                                                   record['amount'], flags))
        if kind == 6:
            try:
                record['head'].decode('utf-8')
            except UnicodeDecodeError:
                problems.append('%s: failure text is not UTF-8' % where)
            if record['amount'] not in KINDS:
                problems.append('%s: failure of unknown call %d' % (where, record['amount']))
    for (pid, tid), segments in threads.items():
        records = [r for s in segments for r in s['records'] if 'bad' not in r]
        for index, record in enumerate(records):
            if record['kind'] != 5:
                continue
            follow = records[index + 1:index + 2]
            if not follow:
                trace.notes.append('pid %d thread %r: last record is a recv-begin (blocked)'
                                   % (pid, record['thread']))
            elif not (follow[0]['kind'] == 2 or (follow[0]['kind'] == 6 and
                                                 follow[0]['amount'] == 2)) or \
                    follow[0]['start'] != record['start'] or \
                    (follow[0]['key'] != record['key'] and not record['key'] & NO_PEER):
                # (a recv-begin before the peer was known carries the no-peer key)
                problems.append('pid %d thread %r: recv-begin @%d not followed by its recv'
                                % (pid, record['thread'], record['offset']))
    for pid, process in trace.processes.items():
        if 'hello' not in process:
            problems.append('pid %d: no hello' % pid)
        if process.get('errors'):
            problems.append('pid %d: tracer errors %r' % (pid, process['errors']))


def channel_summary(trace):
    """Per key: label, sends, recvs, and whether the (size, head) multisets of both agree."""
    labels = {}
    for channel in trace.channels:
        for key in channel['keys']:
            labels.setdefault(key, channel['kind'] + (' (internal)' if channel['internal'] else ''))
    sends = collections.defaultdict(collections.Counter)
    recvs = collections.defaultdict(collections.Counter)
    for record in trace.records:
        if record.get('kind') == 1:
            sends[record['key']][(record['amount'], record['head'])] += 1
        elif record.get('kind') == 2:
            recvs[record['key']][(record['amount'], record['head'])] += 1
    rows = []
    for key in sorted(set(sends) | set(recvs) | set(labels)):
        s, r = sends.get(key, collections.Counter()), recvs.get(key, collections.Counter())
        rows.append({'key': key, 'label': labels.get(key, '?'), 'sends': sum(s.values()),
                     'recvs': sum(r.values()), 'unmatched_recvs': sum((r - s).values()),
                     'unreceived_sends': sum((s - r).values())})
    return rows


def format_key(key):
    kind = key >> 62
    if kind == 0:
        return 'pipe:%d' % key
    if kind == 1:
        low = key & ((1 << 61) - 1)
        return 'unix:%d%s' % (low, ' (no peer)' if key & (1 << 61) else '')
    return 'tcp:%x' % (key & ((1 << 61) - 1))


def print_trace(trace, out, summary_only=False):
    if not summary_only:
        print('== control messages', file=out)
        for connection, seconds, message in trace.messages:
            print('[%3d %8.3fs] %s' % (connection, seconds, json.dumps(message)), file=out)
        print('== records', file=out)
        first = min((r['start'] for r in trace.records if r.get('start')), default=0)
        for segment in trace.segments:
            print('-- %s (pid %d, thread %r, ends %s)' % (os.path.basename(segment['path']),
                  segment['pid'], segment['thread'], segment['end']), file=out)
            for r in segment['records']:
                if 'bad' in r:
                    print('  @%-7d BAD %s' % (r['offset'], r['bad']), file=out)
                    continue
                flags = ''.join(c for c, bit in (('c', COMPLETE), ('+', CUT), ('i', INTERNAL))
                                if r['flags'] & bit)
                took = ('%9.1fus' % ((r['t'] - r['start']) / 1e3)) if r['t'] else '     open'
                extra = ''
                if r['kind'] == 3:
                    extra = ' timeout=%s' % r['number']
                head = r['head'].decode('utf-8', 'replace') if r['kind'] == 6 else \
                    repr(r['head'][:48]) + ('…' if r['head_length'] > 48 else '')
                print('  @%-7d %-10s %-3s %-22s +%10.3fms %s amount=%d%s %s'
                      % (r['offset'], KINDS.get(r['kind'], r['kind']), flags, format_key(r['key']),
                         (r['start'] - first) / 1e6, took, r['amount'], extra, head), file=out)
    print('== processes', file=out)
    for pid, p in sorted(trace.processes.items()):
        hello = p.get('hello', {})
        name = p.get('process', {}).get('name', hello.get('name'))
        method = p.get('process', {}).get('start_method', hello.get('start_method'))
        print('pid %d (ppid %s) %s start=%s exit=%s closed=%s records=%d' % (
            pid, hello.get('ppid'), name, method, p.get('exit', {}).get('exitcode'),
            p.get('closed', False), sum(1 for r in trace.records if r['pid'] == pid)), file=out)
    print('== channels', file=out)
    for row in channel_summary(trace):
        print('%-26s %-24s sends=%-6d recvs=%-6d unreceived=%d unmatched=%d' % (
            format_key(row['key']), row['label'], row['sends'], row['recvs'],
            row['unreceived_sends'], row['unmatched_recvs']), file=out)
    counts = collections.Counter(KINDS.get(r.get('kind'), '?') for r in trace.records)
    print('== %d records (%s), %d segments, %d processes; program exit status %s' % (
        len(trace.records), ', '.join('%s %d' % kv for kv in sorted(counts.items())),
        len(trace.segments), len(trace.processes), trace.status), file=out)
    for note in trace.notes[:50]:
        print('note: ' + note, file=out)
    if len(trace.notes) > 50:
        print('note: … %d more notes' % (len(trace.notes) - 50), file=out)
    for problem in trace.problems:
        print('PROBLEM: ' + problem, file=out)
    print('OK' if not trace.problems else 'PROBLEMS: %d' % len(trace.problems), file=out)


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `dump_trace.py ... | head` ends quietly
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('-s', '--summary', action='store_true',
                        help='print processes, channels and problems only')
    parser.add_argument('-o', '--output', help='write the report to this file (not stdout)')
    parser.add_argument('--keep', action='store_true', help='keep the trace directory')
    parser.add_argument('--grace', type=float, default=10.0,
                        help='seconds to wait for processes still running after the program')
    parser.add_argument('argv', nargs=argparse.REMAINDER, help='-- program and arguments')
    args = parser.parse_args()
    argv = args.argv[1:] if args.argv[:1] == ['--'] else args.argv
    if not argv:
        parser.error('no program given')
    trace = run(argv, grace=args.grace, keep=args.keep)
    if args.output:
        with open(args.output, 'w') as out:
            print_trace(trace, out, args.summary)
    else:
        print_trace(trace, sys.stdout, args.summary)
    return 1 if trace.problems else 0


if __name__ == '__main__':
    sys.exit(main())
