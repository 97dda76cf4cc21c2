"""bench/peers/inet_ntoa.py - the Python peer of `sockit inet-convert ntoa`.

For each line of stdin (8 hex digits), socket.inet_ntoa(bytes.fromhex(line))
one a line (bytes.fromhex skips the trailing newline itself).  Chunked like
bench/peers/inet_aton.py: readlines with a size hint, a list
comprehension, one write per chunk.  Run it as `python3 -I`.
"""
import socket
import sys


def main():
    ntoa, fromhex = socket.inet_ntoa, bytes.fromhex
    out = sys.stdout
    while lines := sys.stdin.readlines(1 << 20):
        out.write("\n".join([ntoa(fromhex(line)) for line in lines]))
        out.write("\n")


if __name__ == "__main__":
    main()
