# A Listener with an authkey in the main process and a Client in a child: the authentication
# handshake is multiprocessing's own traffic, the two messages after it are the program's.
import multiprocessing as mp
import sys
from multiprocessing.connection import Client, Listener


def client(address):
    with Client(address, authkey=b"secret") as conn:
        conn.send("hello")
        conn.send(42)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    with Listener(("localhost", 0) if sys.argv[2] == "tcp" else None, authkey=b"secret") as lst:
        child = mp.Process(target=client, args=(lst.address,), name="client")
        child.start()
        with lst.accept() as conn:
            print(repr(conn.recv()), flush=True)
            print(repr(conn.recv()), flush=True)
        child.join()
