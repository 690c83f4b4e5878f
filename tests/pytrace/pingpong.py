# Two players bounce a number over a duplex Pipe until it passes 10 (the tutorial's game, without
# its randomness): the last value sent is never received.
import multiprocessing as mp
import sys


def player(conn, serves):
    if serves:
        conn.send(1)
    while True:
        value = conn.recv()
        print(f"{mp.current_process().name} got {value}", flush=True)
        value += 1
        conn.send(value)
        if value > 10:
            break


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    a, b = mp.Pipe()
    ping = mp.Process(target=player, args=(a, True), name="ping")
    pong = mp.Process(target=player, args=(b, False), name="pong")
    ping.start()
    pong.start()
    ping.join()
    pong.join()
