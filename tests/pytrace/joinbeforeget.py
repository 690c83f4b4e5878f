# The guideline's trap: main joins a worker that has put a large item on a Queue before getting
# it. The worker cannot end while its feeder thread waits for room in the pipe, and main will
# not read until the join returns; the join's timeout (argv[2] seconds) lets this program end.
import multiprocessing as mp
import sys


def work(queue):
    queue.put(b"x" * 1_000_000)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    queue = mp.Queue()
    worker = mp.Process(target=work, args=(queue,), name="worker")
    worker.start()
    worker.join(timeout=float(sys.argv[2]))
    print("alive after join" if worker.is_alive() else "ended", flush=True)
    print(len(queue.get()), flush=True)
    worker.join()
