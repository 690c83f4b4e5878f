# Pool.map over two workers: the tasks go out on Pool's task queue, the results come back.
import multiprocessing as mp
import sys


def square(x):
    return x * x


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    with mp.Pool(2) as pool:
        print(pool.map(square, range(8), chunksize=2), flush=True)
