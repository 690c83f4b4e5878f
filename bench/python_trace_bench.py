#!/usr/bin/env python3
"""The program pipescope-bench traces to measure what tracing costs a Python program: the same
program runs untraced, under `pipescope trace` (PipeScope's hook and collector) and, when it is
installed, under `strace -f -e trace=read,write`.

  python_trace_bench.py pingpong COUNT  a Pipe() ping-pong of small tuples with an echo child,
                                        COUNT round trips
  python_trace_bench.py queue COUNT     a child puts COUNT ints on a Queue (and a None), the
                                        parent gets them
  python_trace_bench.py flood COUNT     a child sends COUNT ints (and a None) through a
                                        Pipe(duplex=False) as fast as it can, the parent
                                        receives them (the window's live test)

Both use the fork start method. Prints {"seconds": S} on stdout: the loop's time, measured by
the program itself (interpreter start-up is not counted).
"""
import json
import multiprocessing as mp
import sys
import time


def echo(conn):
    while True:
        message = conn.recv()
        if message is None:
            break
        conn.send(message)


def produce(queue, count):
    for i in range(count):
        queue.put(i)
    queue.put(None)


def send_all(conn, count):
    for i in range(count):
        conn.send(i)
    conn.send(None)


def flood(count):
    reader, writer = mp.Pipe(duplex=False)
    child = mp.Process(target=send_all, args=(writer, count))
    started = time.perf_counter()
    child.start()
    while reader.recv() is not None:
        pass
    seconds = time.perf_counter() - started
    child.join()
    return seconds


def pingpong(count):
    ours, theirs = mp.Pipe()
    child = mp.Process(target=echo, args=(theirs,))
    child.start()
    ours.send(("warm-up", 0))
    ours.recv()
    started = time.perf_counter()
    for i in range(count):
        ours.send(("ping", i))
        ours.recv()
    seconds = time.perf_counter() - started
    ours.send(None)
    child.join()
    return seconds


def queue(count):
    items = mp.Queue()
    child = mp.Process(target=produce, args=(items, count))
    started = time.perf_counter()
    child.start()
    while items.get() is not None:
        pass
    seconds = time.perf_counter() - started
    child.join()
    return seconds


if __name__ == "__main__":
    mp.set_start_method("fork")
    test = {"pingpong": pingpong, "queue": queue, "flood": flood}[sys.argv[1]]
    print(json.dumps({"seconds": test(int(sys.argv[2]))}), flush=True)
