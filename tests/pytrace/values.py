# A sender and a receiver over a one-way Pipe: values of many types, a user's dataclass and a None
# sentinel; the receiver prints the repr of each value it gets.
import dataclasses
import multiprocessing as mp
import sys


@dataclasses.dataclass
class Point:
    x: int
    y: int


VALUES = [0.1, "naïve 'quoted'", b"\x00\xffbytes", (1, (2, [3.5, None])), {"k": {1, 2}},
          2 ** 80, True, -7, Point(1, 2), None]


def sender(conn):
    for value in VALUES:
        conn.send(value)


def receiver(conn):
    while True:
        value = conn.recv()
        print(repr(value), flush=True)
        if value is None:
            break


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    r, w = mp.Pipe(duplex=False)
    procs = [mp.Process(target=sender, args=(w,), name="sender"),
             mp.Process(target=receiver, args=(r,), name="receiver")]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
