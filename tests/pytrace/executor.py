# concurrent.futures.ProcessPoolExecutor and a Manager's dict: both talk over multiprocessing
# Connections (the executor's call and result queues, the manager's proxy connection).
import concurrent.futures
import multiprocessing as mp
import sys


def square(x):
    return x * x


if __name__ == "__main__":
    context = mp.get_context(sys.argv[1])
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as executor:
        print(list(executor.map(square, range(5))), flush=True)
    with context.Manager() as manager:
        shared = manager.dict()
        shared["answer"] = 42
        print(shared["answer"], flush=True)
