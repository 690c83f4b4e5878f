# The forgotten close(): the reader reads until EOFError, but holds a copy of the write end (an
# argument of its own, as under fork it would inherit one anyway) that it never closes. main
# sends, closes its end, and joins the reader with a timeout (argv[2] seconds): no EOF comes.
import multiprocessing as mp
import sys


def read(reader, writer):
    got = 0
    while True:
        try:
            reader.recv()
        except EOFError:
            break
        got += 1
    print("reader got EOF after", got, flush=True)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    reader, writer = mp.Pipe(duplex=False)
    process = mp.Process(target=read, args=(reader, writer), name="reader")
    process.start()
    for i in range(3):
        writer.send(i)
    writer.close()
    process.join(timeout=float(sys.argv[2]))
    print("alive" if process.is_alive() else "ended", flush=True)
    process.terminate()
    process.join()
