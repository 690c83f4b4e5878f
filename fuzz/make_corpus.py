#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

Regenerate from the repository root, after building the fuzz preset (scripts/fuzz does):

    python3 fuzz/make_corpus.py [--telemetry-writer build-fuzz/bin/make_telemetry_seeds]

fuzz_frame_decoder: [split byte][max length byte] + frames that CPython's
    multiprocessing.connection really writes, the -1 escape with an 8-byte length, and hostile
    headers (a huge length, an escape beyond what a machine can address, a negative length, a
    length over the max length, a truncated header).
fuzz_pickle_reader: pickle.dumps() of a value of every supported type for protocols 2 to 5
    (and 0 and 1 for a few, for the text opcodes), plus pickles that must be refused: GLOBAL,
    REDUCE, STACK_GLOBAL, nesting deeper than PickleLimits.maxDepth, a memo doubling beyond
    maxValues, a list that contains itself, an int over 64 bits, a truncated pickle.
fuzz_telemetry: [process byte] + what real Tracers send (written by make_telemetry_seeds, which
    the fuzz preset builds; skipped, keeping the committed tracer_*.bin, when it is not there),
    plus batches the decoder or the store must refuse, packed here as TelemetryRecords.

The script re-runs itself with PYTHONHASHSEED=0 so that set order, and so the corpus, is stable.
"""

import argparse
import hashlib
import multiprocessing.connection
import os
import pickle
import struct
import subprocess
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

ROOT = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(ROOT, "corpus")


def target_dir(target, keep=()):
    """The target's corpus folder, emptied except for files whose name starts with `keep`."""
    path = os.path.join(CORPUS, target)
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if not name.startswith(tuple(keep)):
            os.remove(os.path.join(path, name))
    return path


def write(path, name, data):
    with open(os.path.join(path, name), "wb") as f:
        f.write(data)


# ---- fuzz_frame_decoder ----------------------------------------------------------------------

def cpython_frames(messages):
    """The bytes multiprocessing.connection writes for `messages` (bytes, or objects to pickle)."""
    r, w = os.pipe()
    writer = multiprocessing.connection.Connection(w, readable=False)
    for message in messages:
        if isinstance(message, bytes):
            writer.send_bytes(message)
        else:
            writer.send(message)
    writer.close()
    chunks = []
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    return b"".join(chunks)


def short(length):
    return struct.pack("!i", length)


def escape(length):
    return struct.pack("!iQ", -1, length)


def frame_corpus():
    path = target_dir("fuzz_frame_decoder")
    few = cpython_frames([b"hello", b"", b"x" * 300, [1, "two", 3.0], None])
    big = cpython_frames([bytes(range(256)) * 80, b"tail"])  # 20 KiB: the buffer grows
    bigger = cpython_frames([b"z" * 65000])  # beyond kGrowthStep, within -max_len
    long_form = escape(5) + b"hello" + escape(0) + short(3) + b"abc"
    # split byte: bits 0-1 the split, 2-4 its parameter, 5 direct reads, 6 takeGathered,
    # 7 reuse after endOfStream; max length byte: 0 none, 1-127 that minus one, else 2^(b&63).
    seeds = {
        "few_whole_bytes": (0x00, 0x00, few),
        "few_random_small_direct": (0x21, 0x00, few),
        "few_random_large_take": (0x42, 0x00, few),
        "few_marker_reuse": (0x83, 0x00, few),
        "few_fixed4_maxlen_1000": (0x0C, 0x80 | 0x40 | 10, few),
        "big_random_direct_take": (0x61, 0x00, big),
        "big_fixed4097_direct": (0x3C, 0x00, big),
        "bigger_random_large_direct": (0x22, 0x00, bigger),
        "escape_fixed3": (0x08, 0x00, long_form),
        "escape_single_bytes_direct": (0xE0, 0x00, long_form),
        # Hostile headers.
        "huge_short_length": (0x21, 0x00, short(0x7FFFFFFF) + b"only a few bytes"),
        "huge_escape_length": (0x21, 0x00, escape(1 << 62) + b"x" * 100),
        "escape_beyond_address_space": (0x00, 0x00, escape(1 << 63) + b"x"),
        "escape_max": (0x01, 0x00, escape(0xFFFFFFFFFFFFFFFF)),
        "negative_length": (0x00, 0x00, short(3) + b"abc" + short(-2) + b"zz"),
        "over_max_length": (0x00, 0x33, short(5) + b"small" + short(100) + b"y" * 100),
        "truncated_header": (0x01, 0x00, short(1) + b"a" + b"\x00\x00"),
        "truncated_escape": (0x01, 0x00, short(0) + b"\xff\xff\xff\xff\x00\x00"),
    }
    for name, (split, max_length, stream) in seeds.items():
        write(path, name + ".bin", bytes([split, max_length]) + stream)


# ---- fuzz_pickle_reader ----------------------------------------------------------------------

class Evil:
    def __reduce__(self):
        return (os.system, ("echo hi",))


def nested(depth):
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


def doubling(levels):
    value = []
    for _ in range(levels):
        value = [value, value]
    return value


def recursive_list():
    value = []
    value.append(value)
    return value


def shared():
    a = [1, "s"]
    return [a, a, (a,), {"k": a}]


VALUES = {
    "none": None,
    "true": True,
    "false": False,
    "int_0": 0,
    "int_255": 255,
    "int_65535": 65535,
    "int_65536": 65536,
    "int_neg": -1,
    "int_i32_min": -(2**31),
    "int_i64_max": 2**63 - 1,
    "int_i64_min": -(2**63),
    "float": 0.6394267984578837,
    "float_neg_zero": -0.0,
    "float_nan": float("nan"),
    "float_inf": float("-inf"),
    "str_empty": "",
    "str": "h\u00e9llo \U0001F600",
    "str_surrogate": "\ud800x",
    "str_long": "y" * 300,
    "bytes_empty": b"",
    "bytes": b"\x00\x01\xfe\xff",
    "bytes_long": bytes(range(256)) * 2,
    "bytearray": bytearray(b"ab\x00"),
    "tuple_0": (),
    "tuple_1": (1,),
    "tuple_2": (1, "2"),
    "tuple_3": (1, 2.0, None),
    "tuple_4": (1, 2, 3, (4,)),
    "list_empty": [],
    "list": [1, [2, [3, b"4"]], "5"],
    "list_1000": list(range(1000)),
    "dict_empty": {},
    "dict": {"a": 1, 2: [3], (4, 5): None, b"k": 1.5},
    "dict_merged_keys": {1: "int", 2.0: "float", True: "bool"},
    "set_empty": set(),
    "set": {1, "a", (2, 3), b"b"},
    "frozenset_empty": frozenset(),
    "frozenset": frozenset({1, "a", frozenset({2})}),
    "shared": shared(),
    "nested_50": nested(50),
    "mixed": {"values": [None, True, 1, 1.0, "s", b"b", (), frozenset()], "n": {"m": {}}},
}

# Pickles that decodePickle() must refuse (or that end in an error), by protocol where it matters.
HOSTILE_VALUES = {
    "int_2_64": 2**64,
    "int_2_100": -(2**100),
    "global_os_system": os.system,
    "reduce_evil": Evil(),
    "nested_150": nested(150),
    "doubling_25": doubling(25),
    "recursive_list": recursive_list(),
    "bytearray_in_p2": bytearray(b"x"),  # REDUCE before protocol 5
}


def pickle_corpus():
    path = target_dir("fuzz_pickle_reader")
    for name, value in VALUES.items():
        for protocol in (2, 3, 4, 5):
            write(path, f"p{protocol}_{name}.pickle", pickle.dumps(value, protocol=protocol))
    for name in ("none", "int_65536", "str", "list", "dict", "tuple_3", "float"):
        for protocol in (0, 1):
            write(path, f"p{protocol}_{name}.pickle", pickle.dumps(VALUES[name], protocol=protocol))
    for name, value in HOSTILE_VALUES.items():
        for protocol in (2, 4):
            data = pickle.dumps(value, protocol=protocol)
            write(path, f"hostile_p{protocol}_{name}.pickle", data)
    raw = {
        "global_text": b"cos\nsystem\n(S'echo hi'\ntR.",
        "stack_global": b"\x80\x04\x8c\x02os\x8c\x06system\x93.",
        "truncated": pickle.dumps(VALUES["dict"], protocol=4)[:-5],
        "bad_proto": b"\x80\x06N.",
        "empty": b"",
        "stop_on_empty_stack": b"\x80\x04.",
        "two_values_at_stop": b"\x80\x04NN.",
        "open_mark_at_stop": b"\x80\x04(N.",
        "get_unknown_memo": b"\x80\x04h\x05.",
        "frame_past_end": b"\x80\x04\x95\xff\x00\x00\x00\x00\x00\x00\x00N.",
        "unhashable_key": b"\x80\x04}]N\x73.",
        "long_negative_count": b"\x80\x04\x8b\xff\xff\xff\xff.",
        "binunicode8_huge": b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\x7fabc.",
        "bad_utf8": b"\x80\x04\x8c\x02\xc3\x28.",
    }
    for name, data in raw.items():
        write(path, f"hostile_{name}.pickle", data)


# ---- fuzz_telemetry --------------------------------------------------------------------------

# TelemetryRecord (core/trace/TraceEvent.h), in the machine's byte order: tNs, startNs, seq,
# amount, number, channel, kind, detail, textLength, headLength; 48 bytes.
RECORD = struct.Struct("=qqqqdHBBHH")
assert RECORD.size == 48
KINDS = {"send": 0, "recv": 1, "poll": 2, "state": 3, "stdout": 4, "stderr": 5, "exit": 6,
         "error": 7}
T0 = 1_000_000_000_000  # fuzz_telemetry's origin


def record(kind, t=T0 + 1000, start=None, seq=-1, amount=0, number=0.0, channel=0xFFFF,
           detail=0, text=b"", head=b"", text_length=None, head_length=None):
    kind = KINDS.get(kind, kind)
    return RECORD.pack(t, t if start is None else start, seq, amount, number, channel, kind,
                       detail, len(text) if text_length is None else text_length,
                       len(head) if head_length is None else head_length) + text + head


def telemetry_corpus(writer):
    keep = () if writer else ("tracer_",)
    path = target_dir("fuzz_telemetry", keep)
    if writer:
        subprocess.run([writer, path], check=True)
    else:
        print("make_corpus.py: no make_telemetry_seeds, keeping the committed tracer_*.bin",
              file=sys.stderr)
    good = (record("state", detail=0) + record("send", seq=0, amount=9, channel=0, text=b"0.25",
                                                head=b"\x80\x04\x95") +
            record("poll", channel=1, number=0.5, amount=100, detail=1) +
            record("stdout", text=b"Sender: Running"))
    seeds = {
        # Refused by the decoder.
        "truncated_record": (0x00, good + record("state")[:20]),
        "text_past_batch": (0x00, record("stdout", text=b"ab", text_length=200)),
        "text_over_bound": (0x00, record("stdout", text=b"x" * 300)),
        "head_over_bound": (0x00, record("send", seq=0, channel=0, head=b"h" * 65)),
        "unknown_kind": (0x00, good + record(99)),
        # Refused by the store, then decoding goes on.
        "unknown_state": (0x00, record("state", detail=200) + good),
        "unknown_channel": (0x00, record("send", seq=0, channel=9) + record("poll", channel=7)),
        "wrong_seq": (0x00, record("send", seq=5, channel=0) + record("recv", seq=0, channel=0)),
        "negative_amount": (0x00, record("send", seq=0, channel=0, amount=-1)),
        "runner_sends": (0x83, record("send", seq=0, channel=0) + good),
        "negative_start": (0x00, record("send", seq=0, channel=0, start=-5) + good),
        "start_after_end": (0x00, record("stdout", t=T0, start=T0 + 1, text=b"x") + good),
        "time_beyond_limit": (0x00, record("recv", seq=0, channel=0, t=2**62 + 1) + good),
        "huge_amount": (0x00, record("send", seq=0, channel=0, amount=2**48 + 1) + good),
        "wrong_end": (0x81, record("send", seq=0, channel=0) + record("recv", seq=0, channel=0)),
        # Accepted: a recv recorded before its send, messages on every channel, rotation.
        "recv_before_send": (0x00, record("recv", seq=0, channel=0, t=T0 + 50) +
                             record("send", seq=0, channel=0, t=T0 + 10)),
        "every_channel": (0x40, b"".join(
            record("send", seq=0, channel=c, t=T0 + 10 * c, amount=c) +
            record("recv", seq=0, channel=c, t=T0 + 10 * c + 5, amount=c) for c in range(4))),
        "empty_batch": (0x00, b""),
    }
    for name, (choice, batch) in seeds.items():
        write(path, name + ".bin", bytes([choice]) + batch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_writer = os.path.join(ROOT, "..", "build-fuzz", "bin", "make_telemetry_seeds")
    parser.add_argument("--telemetry-writer", default=default_writer)
    args = parser.parse_args()
    writer = args.telemetry_writer if os.access(args.telemetry_writer, os.X_OK) else None
    frame_corpus()
    pickle_corpus()
    telemetry_corpus(writer)
    for target in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, target))
        digest = hashlib.sha256()
        for name in sorted(files):
            with open(os.path.join(CORPUS, target, name), "rb") as f:
                digest.update(name.encode() + b"\0" + f.read())
        print(f"{target}: {len(files)} seeds, sha256 {digest.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
