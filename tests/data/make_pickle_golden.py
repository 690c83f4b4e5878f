#!/usr/bin/env python3
"""Writes pickle_golden.json: what CPython's pickle makes of each case, for tst_pickle.

Regenerate with CPython 3.11 from the repository root:

    python3 tests/data/make_pickle_golden.py

The script re-runs itself with PYTHONHASHSEED=0 so that set order, and so the file, is stable.
Each case records, for protocols 2 to 5, the pickle and what decodePickle() must make of it:
the repr, an error (a case listed with one), or a refusal naming the first opcode that would
import or call something. "canonical" is the protocol whose pickle encodePickle() must write for
the value: 4, or 5 for values holding a bytearray.

To keep the file small: values whose pickle is over 4 KiB skip protocols 2 and 3; a pickle that
differs from the previous protocol's only in its PROTO byte says "same_as"; pickles over 1 KiB
are stored as base64 of qCompress() data (zlib behind a 4-byte big-endian length); reprs over
2000 characters as their SHA-256.
"""

import base64
import functools
import hashlib
import io
import json
import os
import pickle
import pickletools
import struct
import sys
import zlib

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

REFUSED = {
    "GLOBAL", "STACK_GLOBAL", "REDUCE", "BUILD", "INST", "OBJ", "NEWOBJ", "NEWOBJ_EX",
    "PERSID", "BINPERSID", "EXT1", "EXT2", "EXT4", "NEXT_BUFFER", "READONLY_BUFFER",
}
# The builtins decodePickle() lets GLOBAL / STACK_GLOBAL name, for REDUCE to "call".
ALLOWED_BUILTINS = {"bytearray", "complex", "range", "slice"}


class RefusedGlobal(Exception):
    pass


class AllowListUnpickler(pickle.Unpickler):
    """Loads as decodePickle() would: only the allowed builtins resolve."""

    def __init__(self, data):
        super().__init__(io.BytesIO(data))
        self.globals_seen = 0

    def find_class(self, module, name):
        self.globals_seen += 1
        python2_range = module == "__builtin__" and name == "xrange"  # protocol 2's range
        if module in ("builtins", "__builtin__") and name in ALLOWED_BUILTINS or python2_range:
            return super().find_class(module, name)
        raise RefusedGlobal(self.globals_seen)


def refusal(data):
    """(opcode name, offset) of the first opcode decodePickle() refuses, or None."""
    ops = list(pickletools.genops(data))
    try:
        AllowListUnpickler(data).load()
    except RefusedGlobal as refused:
        named = [(op.name, pos) for op, _, pos in ops if op.name in ("GLOBAL", "STACK_GLOBAL")]
        return named[refused.args[0] - 1]
    for op, _, pos in ops:
        if op.name in REFUSED - {"GLOBAL", "STACK_GLOBAL", "REDUCE"}:
            return op.name, pos
    return None


def int_repr(value):
    """repr(), or for an int CPython refuses to convert (over 4300 digits) decodePickle()'s form."""
    try:
        return repr(value)
    except ValueError:
        sign = "negative " if value < 0 else ""
        return "<%sint of %d bits>" % (sign, abs(value).bit_length())


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


NAMESPACE = {"Evil": Evil, "nested": nested, "doubling": doubling,
             "recursive_list": recursive_list, "functools": functools}

# (name, expression, error): error is a substring of the message decodePickle() must give.
CASES = [
    ("none", "None", None),
    ("true", "True", None),
    ("false", "False", None),
    ("int 0", "0", None),
    ("int 1", "1", None),
    ("int -1", "-1", None),
    ("int 255", "255", None),
    ("int 256", "256", None),
    ("int 65535", "65535", None),
    ("int 65536", "65536", None),
    ("int 2**31-1", "2**31 - 1", None),
    ("int -2**31", "-2**31", None),
    ("int 2**31", "2**31", None),
    ("int -2**31-1", "-2**31 - 1", None),
    ("int 2**32", "2**32", None),
    ("int 2**40", "2**40", None),
    ("int -2**40", "-2**40", None),
    ("int -2**39", "-2**39", None),
    ("int -2**32", "-2**32", None),
    ("int 2**63-1", "2**63 - 1", None),
    ("int -2**63", "-2**63", None),
    ("int 2**63", "2**63", None),
    ("int -2**63-1", "-2**63 - 1", None),
    ("int 2**64", "2**64", None),
    ("int -2**64", "-2**64", None),
    ("int 2**64-1", "2**64 - 1", None),
    ("int 2**100", "2**100", None),
    ("int 10**100", "10**100", None),
    ("int -10**100", "-(10**100)", None),
    ("int -2**71", "-2**71", None),
    ("int 2**2039-1 LONG1 255 bytes", "2**2039 - 1", None),
    ("int -2**2039 LONG1 255 bytes", "-2**2039", None),
    ("int 2**2039 LONG4 256 bytes", "2**2039", None),
    ("int 2**2100", "2**2100", None),
    ("int 10**4299 4300 digits", "10**4299", None),
    ("int 10**4300 4301 digits", "10**4300", None),
    ("int -10**4300", "-(10**4300)", None),
    ("int 2**100000", "2**100000", None),
    ("big ints in containers", "[2**64, (-2**64, 10**30), {2**70: 2**63, 1: -2**80}]", None),
    ("set big int and float", "{2**64, 3.5, -2**65}", None),
    ("dict big int key same as float", "{2**64: 'a', float(2**64): 'b', 2.0**70: 'c'}", None),
    ("float 0.0", "0.0", None),
    ("float -0.0", "-0.0", None),
    ("float 0.5", "0.5", None),
    ("float 0.1", "0.1", None),
    ("float 0.7672216614763814", "0.7672216614763814", None),
    ("float 10.51892536850362", "10.51892536850362", None),
    ("float 1e16", "1e16", None),
    ("float 1e15", "1e15", None),
    ("float 1e-05", "1e-05", None),
    ("float 0.0001", "0.0001", None),
    ("float 2**40", "float(2**40)", None),
    ("float 1.5e300", "1.5e300", None),
    ("float 5e-324", "5e-324", None),
    ("float max", "1.7976931348623157e308", None),
    ("float inf", "float('inf')", None),
    ("float -inf", "float('-inf')", None),
    ("float nan", "float('nan')", None),
    ("str empty", "''", None),
    ("str a", "'a'", None),
    ("str hello", "'hello'", None),
    ("str single quote", "\"it's\"", None),
    ("str double quote", "'say \"hi\"'", None),
    ("str both quotes", "'both \\' and \"'", None),
    ("str escapes", "'tab\\there\\nnew\\rline\\\\'", None),
    ("str controls", "'\\x00\\x1f\\x7f\\x80\\x9f\\xa0\\xad'", None),
    ("str latin", "'caf\\xe9'", None),
    ("str cjk", "'\\u65e5\\u672c'", None),
    ("str emoji", "'\\U0001f600'", None),
    ("str separators", "'\\u2028\\u3000\\u200b'", None),
    ("str unassigned", "'\\U000e0080\\uffff'", None),
    ("str lone surrogate", "'\\ud800x'", None),
    ("str surrogate pair as two", "'\\ud83d\\ude00'", None),
    ("str 255", "'x' * 255", None),
    ("str 256", "'x' * 256", None),
    ("str 65535", "'y' * 65535", None),
    ("str 65536", "'y' * 65536", None),
    ("str 70000 unicode", "'\\xe9' * 35000", None),
    ("bytes empty", "b''", None),
    ("bytes hello", "b'hello'", None),
    ("bytes quote", "b\"it's\"", None),
    ("bytes all", "bytes(range(256))", None),
    ("bytes 256", "b'z' * 256", None),
    ("bytes 70000", "b'z' * 70000", None),
    ("bytearray empty", "bytearray()", None),
    ("bytearray x", "bytearray(b'x')", None),
    ("bytearray in list", "[bytearray(b'ab'), b'ab', 'ab']", None),
    ("bytearray 70000", "bytearray(b'q' * 70000)", None),
    ("tuple empty", "()", None),
    ("tuple 1", "(1,)", None),
    ("tuple 2", "(1, 'two')", None),
    ("tuple 3", "(1, 2.5, None)", None),
    ("tuple 4", "(1, 2, 3, 4)", None),
    ("tuple nested", "((), ((),), (1, (2, (3,))))", None),
    ("list empty", "[]", None),
    ("list 1", "[1]", None),
    ("list mixed", "[1, 2.25, None, True, 'x', b'y']", None),
    ("list 1000", "list(range(1000))", None),
    ("list 1001", "list(range(1001))", None),
    ("list 2000", "list(range(2000))", None),
    ("list frames", "[i % 1000 for i in range(40000)]", None),
    ("list big bytes", "[1, b'x' * 70000, 2]", None),
    ("list big str", "['a', 'b' * 70000, 'c' * 300]", None),
    ("list shared empty", "[[]] * 3", None),
    ("list shared", "(lambda a: [a, a, (a,)])([1, 2])", None),
    ("list shared str", "(lambda s: [s, s, {s: s}])('shared ' + 'text')", None),
    ("list long binget", "(lambda l: l + [l[-1], l[0]])([str(i) * 2 for i in range(300)])",
     None),
    ("dict empty", "{}", None),
    ("dict 1", "{'a': 1}", None),
    ("dict 2", "{'a': 1, 'b': [1, 2]}", None),
    ("dict keys", "{1: 'a', 2.5: 'b', None: 'c', b'k': 1, (1, 'x'): 2, frozenset({1}): 3, "
     "True: 4}", None),
    ("dict records", "[{'id': i, 'name': 'n' + str(i), 'ok': i % 2 == 0} for i in range(5)]",
     None),
    ("dict 1000", "{i: i for i in range(1000)}", None),
    ("dict 2000", "{i: -i for i in range(2000)}", None),
    ("dict frames", "{i: 'v' for i in range(14000)}", None),
    ("set empty", "set()", None),
    ("set 1", "{1}", None),
    ("set 3", "{1, 2, 3}", None),
    ("set strs", "{'a', 'b', 'c', 'd'}", None),
    ("set 1000", "set(range(1000))", None),
    ("set 2000", "set(range(2000))", None),
    ("set mixed", "{None, 1, 2.5, 'x', b'y', (1, 2), frozenset({3})}", None),
    ("frozenset empty", "frozenset()", None),
    ("frozenset 1", "frozenset({1})", None),
    ("frozenset 1500", "frozenset(range(1500))", None),
    ("frozenset in set", "{frozenset({1, 2}), frozenset()}", None),
    ("nested 100", "nested(100)", None),
    ("nested 101", "nested(101)", "deeper than the limit of 100"),
    ("doubling 10", "doubling(10)", None),
    ("doubling 30", "doubling(30)", "more than the limit of 1000000 values"),
    ("recursive list", "recursive_list()", "contains itself"),
    ("os.system", "Evil()", None),
    ("complex", "complex(1, 2)", None),
    ("complex zero real", "complex(0, 2)", None),
    ("complex negative zero", "complex(-0.0, -0.0)", None),
    ("complex big", "complex(1e16, -1e-05)", None),
    ("complex inf nan", "complex(float('inf'), float('nan'))", None),
    ("complex in dict", "{complex(1, 2): complex(3, 0), 1: 2}", None),
    ("range", "range(3)", None),
    ("range step", "range(1, 10, 2)", None),
    ("range negative", "range(10, -5, -3)", None),
    ("range big", "range(2**64, 2**65, 2**63)", None),
    ("slice", "slice(1, 2, 3)", None),
    ("slice none", "slice(None, 5, None)", None),
    ("slice of containers", "slice([1], 'a', (2, b'x'))", None),
    ("bytearray ab", "bytearray(b'ab')", None),
    ("bytearray shared", "(lambda b: [b, b, bytearray(b'c')])(bytearray(b'xyz'))", None),
    ("builtins mixed", "[complex(1, 2), range(3), complex(3, 4), slice(None, [1], 'a'), "
     "range(0)]", None),
    ("builtin in frozenset", "frozenset({complex(0, 1), range(2)})", None),
]


def canonical_protocol(value):
    data = pickle.dumps(value, protocol=5)
    return 5 if any(op.name == "BYTEARRAY8" for op, _, _ in pickletools.genops(data)) else 4


def encode_data(data):
    if len(data) <= 1024:
        return {"hex": data.hex()}
    packed = struct.pack(">I", len(data)) + zlib.compress(data, 9)
    return {"zlib": base64.b64encode(packed).decode("ascii")}


def main():
    out = []
    for name, expr, error in CASES:
        value = eval(expr, NAMESPACE)
        case = {"name": name, "expr": expr}
        if error:
            case["error"] = error
        pickles = []
        big = len(pickle.dumps(value, protocol=4)) > 4096
        previous = None
        for protocol in (2, 3, 4, 5):
            data = pickle.dumps(value, protocol=protocol)
            if big and protocol < 4:
                continue
            entry = {"protocol": protocol}
            if previous is not None and data == previous[:1] + bytes([protocol]) + previous[2:]:
                entry["same_as"] = protocol - 1
            else:
                entry.update(encode_data(data))
            previous = data
            refused = refusal(data)
            if refused:
                entry["refused"], entry["offset"] = refused
            pickles.append(entry)
        case["pickles"] = pickles
        # A value refused at every protocol is never compared, and its repr may hold an address.
        if not all("refused" in p for p in pickles):
            text = int_repr(value)
            if len(text) <= 2000:
                case["repr"] = text
            else:
                case["repr_sha256"] = hashlib.sha256(
                    text.encode("utf-8", "surrogatepass")).hexdigest()
        if not error and not all("refused" in p for p in pickles):
            # encodePickle() must write the pickle of this protocol.
            case["canonical"] = canonical_protocol(value)
        out.append(case)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pickle_golden.json")
    with open(path, "w", encoding="ascii") as f:
        # One case a line: diffs stay readable, the file small.
        f.write('{"python": %s, "cases": [\n' % json.dumps(sys.version.split()[0]))
        f.write(",\n".join(json.dumps(case) for case in out))
        f.write("\n]}\n")
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()
