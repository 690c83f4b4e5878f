# Two producers, each with its own one-way Pipe to main, which waits on both with
# multiprocessing.connection.wait() and reads whichever is ready, until both sent None. One
# poll(0.01) first, which CPython itself answers with wait().
import multiprocessing as mp
import sys
import time
from multiprocessing.connection import wait


def produce(connection, count, pause):
    for i in range(count):
        time.sleep(pause)
        connection.send(i)
    connection.send(None)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    readers = []
    for name, pause in (("fast", 0.01), ("slow", 0.03)):
        reader, writer = mp.Pipe(duplex=False)
        mp.Process(target=produce, args=(writer, 3, pause), name=name).start()
        writer.close()
        readers.append(reader)
    print("polled", readers[0].poll(0.01), flush=True)
    got = 0
    while readers:
        for reader in wait(readers, timeout=1.0):
            item = reader.recv()
            if item is None:
                readers.remove(reader)
            else:
                got += 1
    print("got", got, flush=True)
