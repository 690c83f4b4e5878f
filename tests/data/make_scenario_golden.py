"""Golden lines for the tutorial scenarios, played by real CPython multiprocessing.

Run from the repository root:  python3 tests/data/make_scenario_golden.py > tests/data/scenario_golden.json

The tutorial's own functions (sleeps removed: time scale 0), each process seeding random as
PipeScope documents it: the sender and player1 with SEED, player2 with SEED + 1. Each process's
lines are collected separately, since the interleaving of two processes is not deterministic but
each one's lines are.
"""
import json
import random
from multiprocessing import Pipe, Process


def sender(connection, seed, out):
    random.seed(seed)
    lines = ['Sender: Running']
    for i in range(10):
        value = random.random()
        connection.send(value)
    connection.send(None)
    lines.append('Sender: Done')
    out.send(lines)


def receiver(connection, out):
    lines = ['Receiver: Running']
    while True:
        item = connection.recv()
        lines.append(f'>receiver got {item}')
        if item is None:
            break
    lines.append('Receiver: Done')
    out.send(lines)


def pingpong(connection, send_first, seed, out):
    random.seed(seed)
    lines = ['Process Running']

    def generate_send(value):
        new_value = random.random()
        value = value + new_value
        lines.append(f'>sending {value}')
        connection.send(value)

    if send_first:
        generate_send(0)
    while True:
        value = connection.recv()
        lines.append(f'>received {value}')
        generate_send(value)
        if value > 10:
            break
    lines.append('Process Done')
    out.send(lines)


def run(targets):
    results = {}
    for name, target, args in targets:
        mine, theirs = Pipe()
        process = Process(target=target, args=args + (theirs,))
        process.start()
        results[name] = (process, mine)
    return {name: conn.recv() for name, (process, conn) in results.items()}


def main():
    golden = {}
    for seed in (42, 0, 7):
        conn1, conn2 = Pipe(duplex=False)
        golden[f'sender-receiver {seed}'] = run([
            ('sender', sender, (conn2, seed)),
            ('receiver', receiver, (conn1,)),
        ])
        conn1, conn2 = Pipe(duplex=True)
        golden[f'pingpong {seed}'] = run([
            ('player1', pingpong, (conn1, True, seed)),
            ('player2', pingpong, (conn2, False, seed + 1)),
        ])
    print(json.dumps(golden, indent=1, sort_keys=True))


if __name__ == '__main__':
    main()
