"""bench/lib/gen_ipv4.py - the input of the inet-convert benchmark.

    gen_ipv4.py N SEED ADDRS HEX

Writes N pseudo-random IPv4 addresses, the same ones to both files, one a
line: ADDRS as dotted quads (no leading zeros, so each is already in the
form inet_ntoa prints), HEX as 8 lowercase hex digits (the form
inet-convert aton prints).  So HEX is the expected output of aton on ADDRS,
and ADDRS that of ntoa on HEX.  Deterministic: the same N and SEED give
the same bytes on any Python 3.9 or later (random.Random.randbytes).
"""
import random
import sys


def main():
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    chunk = 1 << 16
    with open(sys.argv[3], "w", encoding="ascii", newline="\n") as fa, \
            open(sys.argv[4], "w", encoding="ascii", newline="\n") as fh:
        left = n
        while left:
            k = min(chunk, left)
            left -= k
            raw = rng.randbytes(4 * k)
            quads = [raw[i:i + 4] for i in range(0, 4 * k, 4)]
            fa.write("".join(["%d.%d.%d.%d\n" % (q[0], q[1], q[2], q[3])
                              for q in quads]))
            fh.write("".join([q.hex() + "\n" for q in quads]))


if __name__ == "__main__":
    main()
