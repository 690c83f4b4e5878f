# A child sends five messages and leaves without any clean-up: os._exit(0), or a SIGKILL of its
# own. The parent reads the five messages after the child has gone.
import multiprocessing as mp
import os
import signal
import sys


def child(conn, how):
    for i in range(5):
        conn.send(i)
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(0)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    r, w = mp.Pipe(duplex=False)
    p = mp.Process(target=child, args=(w, sys.argv[2]), name="leaver")
    p.start()
    p.join()
    print(p.exitcode, [r.recv() for _ in range(5)], flush=True)
