#!/usr/bin/python3
"""inet_convert.py - check `sockit inet-convert` against Python's socket module.

Python's socket functions are the independent implementation: for every
operation, thousands of generated inputs (random, boundary and malformed
ones) go through sockit's stdin batch mode, in both the JSON and the human
format, and each answer (or error text) must be what Python gives.
Usage: SOCKIT=path/to/sockit inet_convert.py [COUNT] ; exits 1 on any mismatch.
"""
import json
import os
import random
import socket
import subprocess
import sys

SOCKIT = os.environ["SOCKIT"]
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
rng = random.Random(20261121)


def py_packed_in(text):
    """The packed input sockit reads for ntoa/ntop: hex, 0x hex."""
    if text[:2] in ("0x", "0X"):
        text = text[2:]
    if any(c not in "0123456789abcdefABCDEF" for c in text):
        raise LookupError("non-hex digit")
    if len(text) % 2:
        raise LookupError("odd number of hex digits")
    return bytes.fromhex(text)


def expect(op, text, fmt):
    """Python's answer: ('ok', output) or ('error', message)."""
    try:
        if op == "aton":
            b = socket.inet_aton(text)
        elif op == "pton":
            fam = socket.AF_INET6 if ":" in text else socket.AF_INET
            b = socket.inet_pton(fam, text)
        elif op == "ntoa":
            return ("ok", socket.inet_ntoa(py_packed_in(text)))
        elif op == "ntop":
            b = py_packed_in(text)
            fam = socket.AF_INET6 if len(b) == 16 else socket.AF_INET
            return ("ok", socket.inet_ntop(fam, b))
        else:
            if text.startswith(("0x", "-0x")):
                try:
                    v = int(text, 16)
                except ValueError:
                    raise LookupError("invalid number")
            else:
                if not text.lstrip("-").isdigit() or text.count("-") > 1:
                    raise LookupError("invalid number")
                v = int(text, 10)
            return ("ok", getattr(socket, op)(v))
    except (OSError, ValueError, OverflowError) as e:
        return ("error", str(e))
    except LookupError as e:
        return ("error", None)     # our own parse error: any message
    return ("ok", repr(b) if fmt == "python" else b.hex())


def octet():
    return str(rng.choice([0, 1, 9, 10, 99, 127, 128, 255, 256,
                           rng.randrange(256), rng.randrange(1000)]))


def gen_ipv4_text():
    kind = rng.randrange(10)
    if kind < 5:
        return ".".join(octet() for _ in range(4))
    if kind == 5:       # short forms inet_aton(3) accepts: 127.1, 10.1.2
        return ".".join(octet() for _ in range(rng.randrange(1, 4)))
    if kind == 6:       # hex and octal parts
        return ".".join(rng.choice([hex(rng.randrange(256)),
                                    "0%o" % rng.randrange(256), octet()])
                        for _ in range(4))
    if kind == 7:       # a single 32-bit number
        return str(rng.randrange(2 ** 33))
    return rng.choice(["", ".", "1..2", "1.2.3.4.5", "a.b.c.d", "1.2.3.4 x",
                       " 1.2.3.4", "1.2.3.", "0x", "4294967295",
                       "4294967296", "1.2.3.04", "1.2.3.4\t", "::1"])


def gen_ipv6_text():
    groups = [format(rng.choice([0, 0, 1, 0xffff, rng.randrange(65536)]),
                     "x") for _ in range(8)]
    kind = rng.randrange(6)
    if kind == 0:
        i = rng.randrange(8)
        j = rng.randrange(i, 8)
        return ":".join(groups[:i]) + "::" + ":".join(groups[j + 1:])
    if kind == 1:
        return "::ffff:" + ".".join(octet() for _ in range(4))
    if kind == 2:
        return rng.choice(["::", "::1", "1::", ":::", "1:2:3:4:5:6:7:8:9",
                           "g::1", "1::2::3", "fe80::1%lo", "[::1]"])
    return ":".join(groups)


def gen_packed():
    n = rng.choice([4, 4, 4, 16, 16, 0, 3, 5, 15, 17])
    h = bytes(rng.randrange(256) for _ in range(n)).hex()
    kind = rng.randrange(8)
    if kind == 0:
        h = h.upper()
    elif kind == 1:
        h = "0x" + h
    elif kind == 2 and h:
        h = h[:-1]
    elif kind == 3:
        h = h + "zz"
    return h


def gen_int():
    v = rng.choice([0, 1, 255, 256, 65535, 65536, 2 ** 31, 2 ** 32 - 1,
                    2 ** 32, -1, -65536, rng.randrange(2 ** 16),
                    rng.randrange(2 ** 32), rng.randrange(-2 ** 40, 2 ** 40)])
    kind = rng.randrange(6)
    if kind == 0 and v >= 0:
        return hex(v)
    if kind == 1:
        return rng.choice(["", "x", "12a", "1.5", "+3", "--1", "0x", " 7"])
    return str(v)


GEN = {"aton": gen_ipv4_text, "ntoa": gen_packed, "ntop": gen_packed,
       "pton": lambda: rng.choice([gen_ipv4_text, gen_ipv6_text])(),
       "htons": gen_int, "ntohs": gen_int, "htonl": gen_int, "ntohl": gen_int}


def run(args, data):
    p = subprocess.run([SOCKIT, "inet-convert"] + args, input=data,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def check(op, fmt):
    inputs = [GEN[op]() for _ in range(COUNT)]
    want = [expect(op, t, fmt) for t in inputs]
    args = [op] + (["--format", fmt] if fmt else [])
    data = "".join(t + "\n" for t in inputs).encode()
    bad = 0

    rc, out, err = run(args + ["--json"], data)
    recs = [json.loads(line) for line in out.splitlines()]
    # The last object says how the run ended: status 1 when any failed.
    end = recs.pop() if recs else {}
    if end != {"event": "exit", "status": rc, "reason": end.get("reason")} \
            or not end["reason"]:
        print(f"{op}: no exit event with status {rc} last: {end}")
        return 1
    if len(recs) != len(inputs):
        print(f"{op}: {len(recs)} JSON lines for {len(inputs)} inputs")
        return 1
    for t, (kind, val), r in zip(inputs, want, recs):
        ok = r.get("input") == t and (
            ("output" in r and kind == "ok" and r["output"] == val) or
            ("error" in r and kind == "error" and
             (val is None or r["error"] == val)))
        if not ok:
            bad += 1
            if bad <= 10:
                print(f"{op} {fmt}: {t!r}: sockit {r} python {kind} {val!r}")
    nerr = sum(1 for k, _ in want if k == "error")
    if rc != (1 if nerr else 0):
        print(f"{op}: --json exit {rc} with {nerr} bad inputs")
        bad += 1

    rc, out, err = run(args, data)
    goods = [str(v) for k, v in want if k == "ok"]
    if out.splitlines() != goods:
        print(f"{op}: human output differs from Python's")
        bad += 1
    errlines = err.splitlines()
    wanted = [f"sockit inet-convert: line {i + 1}: " + (v or "")
              for i, (k, v) in enumerate(want) if k == "error"]
    if len(errlines) != len(wanted) or any(
            not e.startswith(w) if v_is_none else e != w
            for e, w, v_is_none in zip(
                errlines, wanted,
                [v is None for k, v in want if k == "error"])):
        print(f"{op}: stderr lines differ: {errlines[:3]} vs {wanted[:3]}")
        bad += 1
    print(f"# {op} {fmt or 'hex'}: {len(inputs)} inputs, "
          f"{nerr} errors, {bad} mismatches")
    return bad


total = 0
for op in GEN:
    total += check(op, None)
total += check("aton", "python")
total += check("pton", "python")
sys.exit(1 if total else 0)
