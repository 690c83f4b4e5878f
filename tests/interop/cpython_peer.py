"""A real CPython multiprocessing.connection peer for PipeScope's interoperability tests.

  cpython_peer.py listen ADDRESS KEYHEX objects|bytes   Listener: prints 'ready', accepts one
      client, sends it test messages and checks that each comes back equal (the client is
      pipescope-worker echo-objects or echo).
  cpython_peer.py client ADDRESS KEYHEX                 Client: sends the test objects to a
      PipeScope Listener that echoes them, and checks what comes back.

KEYHEX is the authkey in hex, or '-' for none. Prints 'ok N' (N messages checked) on success, or
'error: Type: message' and exits 1.
"""
import sys
from multiprocessing.connection import Client, Listener

OBJECTS = [
    [1, 2.25, None],
    'hello',
    {'a': (1, 2)},
    2**40,
    b'xyz',
    (0.7672216614763814, 10.51892536850362, -0.0, float('inf')),
    {'nested': [{'deep': (True, False)}, frozenset({1}), {2, 3}]},
    'unicode \u00e9\u4e2d\U0001f600',
    -2**63,
    b'',
    # Beyond 64 bits, and what CPython pickles through builtins and REDUCE (protocol 4).
    2**64,
    10**100,
    -(10**100),
    2**2100,
    [2**63, -2**63 - 1, {2**70: 2**64}],
    bytearray(b'xyz'),
    complex(1, 2),
    range(1, 10, 2),
    slice(1, 2, 3),
    [bytearray(b''), complex(0, -1), range(3), slice(None, 5, None)],
]
SIZES = [0, 1, 16384, 16385, 1 << 20, 16 << 20]


def payload(size):
    return bytes((i * 31 + i // 977) & 0xFF for i in range(min(size, 4096))) * (size // 4096) + \
        bytes((i * 31) & 0xFF for i in range(size % 4096))


def check_objects(conn):
    for obj in OBJECTS:
        conn.send(obj)
        back = conn.recv()
        if back != obj or type(back) is not type(obj):
            raise AssertionError(f'sent {obj!r}, got back {back!r}')
    return len(OBJECTS)


def check_bytes(conn):
    for size in SIZES:
        if size == 0:
            continue  # an empty message tells echo to stop
        data = payload(size)
        conn.send_bytes(data)
        back = conn.recv_bytes()
        if back != data:
            raise AssertionError(f'{size}-byte message came back different ({len(back)} bytes)')
    conn.send_bytes(b'')
    return len(SIZES) - 1


def main():
    mode, address, keyhex = sys.argv[1:4]
    if address.startswith('@'):
        address = '\0' + address[1:]
    authkey = None if keyhex == '-' else bytes.fromhex(keyhex)
    try:
        if mode == 'listen':
            kind = sys.argv[4]
            with Listener(address, authkey=authkey) as listener:
                print('ready', flush=True)
                with listener.accept() as conn:
                    count = check_objects(conn) if kind == 'objects' else check_bytes(conn)
        else:
            with Client(address, authkey=authkey) as conn:
                count = check_objects(conn)
    except Exception as error:  # reported to the test, which asserts on it
        print(f'error: {type(error).__name__}: {error}', flush=True)
        return 1
    print(f'ok {count}', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
