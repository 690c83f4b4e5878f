#!/usr/bin/env python3
"""CPython's side of pipescope-bench: multiprocessing.Pipe() between two processes, the child
made with os.fork() after the pipe, exactly as the C++ contenders are measured.

  cpython_bench.py rtt SIZE WARMUP ITERATIONS  ping-pong of SIZE-byte send_bytes/recv_bytes:
                                               {"samples_ns": [one round trip each, ...]}
  cpython_bench.py throughput SIZE COUNT [simplex]
                                               the child sends COUNT messages of SIZE bytes once
                                               the parent says go: {"seconds": S, "messages": N}
  cpython_bench.py objects COUNT [simplex]     the same with conn.send(float) / conn.recv()

The one-way tests run over Pipe() (a socketpair), or with `simplex` over Pipe(duplex=False) (an
os.pipe()), the parent's go then going through a second Pipe(duplex=False) the other way.

Prints one JSON object on stdout; on a failure, a line on stderr and exit status 1.
"""
import json
import os
import sys
import time
from multiprocessing import Pipe


def fork(child_body, child_ends, parent_ends):
    """Runs child_body() in a child process that ends with os._exit; each process closes the
    other's ends (closing one twice is harmless)."""
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            for end in parent_ends:
                end.close()
            child_body()
        except BaseException as error:  # noqa: BLE001 - the child reports whatever stops it
            print(f'cpython_bench child: {error!r}', file=sys.stderr, flush=True)
            status = 1
        os._exit(status)
    for end in child_ends:
        end.close()
    return pid


def reap(pid):
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f'child exited with status {status}')


def rtt(size, warmup, iterations):
    parent, child = Pipe()

    def echo():
        while True:
            message = child.recv_bytes()
            if not message:
                return
            child.send_bytes(message)

    pid = fork(echo, (child,), (parent,))
    message = b'x' * size
    clock = time.perf_counter_ns
    samples = []
    for i in range(warmup + iterations):
        started = clock()
        parent.send_bytes(message)
        parent.recv_bytes()
        ended = clock()
        if i >= warmup:
            samples.append(ended - started)
    parent.send_bytes(b'')
    reap(pid)
    return {'samples_ns': samples}


def one_way(count, send, simplex):
    if simplex:
        # (reader, writer): the data flows child to parent, so "go" needs a pipe of its own.
        parent, child = Pipe(duplex=False)
        child_go, parent_go = Pipe(duplex=False)
    else:
        parent, child = Pipe()
        child_go, parent_go = child, parent

    def sender():
        child_go.recv_bytes()  # go
        send(child)

    pid = fork(sender, (child, child_go), (parent, parent_go))
    receive = parent.recv if send.objects else parent.recv_bytes
    started = time.perf_counter_ns()
    parent_go.send_bytes(b'go')
    for _ in range(count):
        receive()
    seconds = (time.perf_counter_ns() - started) / 1e9
    reap(pid)
    return {'seconds': seconds, 'messages': count}


def throughput(size, count, simplex):
    message = b'x' * size

    def send(conn):
        for _ in range(count):
            conn.send_bytes(message)

    send.objects = False
    return one_way(count, send, simplex)


def objects(count, simplex):
    def send(conn):
        for i in range(count):
            conn.send(i * 0.5 + 0.25)

    send.objects = True
    return one_way(count, send, simplex)


def main():
    test, *numbers = sys.argv[1:]
    simplex = test in ('throughput', 'objects') and numbers[-1:] == ['simplex']
    if simplex:
        numbers.pop()
    numbers = [int(n) for n in numbers]
    if test == 'rtt' and len(numbers) == 3:
        result = rtt(*numbers)
    elif test == 'throughput' and len(numbers) == 2:
        result = throughput(*numbers, simplex)
    elif test == 'objects' and len(numbers) == 1:
        result = objects(*numbers, simplex)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    result['python'] = sys.version.split()[0]
    json.dump(result, sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception as error:  # noqa: BLE001 - one line for the bench, not a traceback
        print(f'cpython_bench: {error!r}', file=sys.stderr)
        sys.exit(1)
