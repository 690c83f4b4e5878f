# A producer puts numbers on a Queue and a None at the end; the main process gets them.
import multiprocessing as mp
import sys


def produce(queue, count):
    for i in range(count):
        queue.put(i)
    queue.put(None)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    queue = mp.Queue()
    producer = mp.Process(target=produce, args=(queue, 50), name="producer")
    producer.start()
    total = 0
    while (item := queue.get()) is not None:
        total += item
    producer.join()
    print(total, flush=True)
