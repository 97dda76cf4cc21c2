#!/usr/bin/env python3
"""probe_peer.py - the far side for the probe and ping tests, on loopback.

Each mode binds what it needs on port 0 (or on the ports the kernel gave),
prints one line of ports when it is ready, and then waits to be killed:

  open HOST...        a TCP listener on one port, on every HOST (the first
                      gets port 0, the others the same port); prints it
  bound HOST          a TCP socket bound, not listening: SYNs are refused
                      (and the port stays ours); prints the port; on
                      SIGUSR1 it starts listening (a port that opens later)
  full HOST           a listener with a backlog of 0 that never accepts,
                      filled by connections: later SYNs are dropped and a
                      connect times out; prints the port
  many N WIDTH HOST   N listeners on port 0; keeps those in the WIDTH
                      ports from the first one's up; prints the first port,
                      then the kept ports
  accept HOST         a TCP listener that accepts and closes every
                      connection (a server for many connects); prints it
  udp-echo HOST       a UDP socket that answers every datagram
  udp-silent HOST     a UDP socket that never answers
  udp-closed HOST     a UDP port bound and closed again: nothing there
"""
import os
import signal
import socket
import sys
import time


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def tcp(host, port=0):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    if family(host) == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((host, port))
    return s


def ready(*words):
    print(*words, flush=True)


def park():
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        signal.pause()


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    keep = []
    if mode == "open":
        first = tcp(args[0])
        first.listen(128)
        port = first.getsockname()[1]
        keep.append(first)
        for host in args[1:]:
            s = tcp(host, port)
            s.listen(128)
            keep.append(s)
        ready(port)
    elif mode == "accept":
        s = tcp(args[0])
        s.listen(4096)
        ready(s.getsockname()[1])
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            c, _ = s.accept()
            c.close()
    elif mode == "bound":
        s = tcp(args[0])
        keep.append(s)
        signal.signal(signal.SIGUSR1, lambda *_: s.listen(128))
        ready(s.getsockname()[1])
    elif mode == "full":
        s = tcp(args[0])
        s.listen(0)
        port = s.getsockname()[1]
        keep.append(s)
        for _ in range(4):
            c = socket.socket(family(args[0]), socket.SOCK_STREAM)
            c.setblocking(False)
            try:
                c.connect((args[0], port))
            except BlockingIOError:
                pass
            keep.append(c)
        ready(port)
    elif mode == "many":
        n, width, host = int(args[0]), int(args[1]), args[2]
        socks = []
        for _ in range(n):
            s = tcp(host)
            s.listen(4096)
            socks.append(s)
        base = socks[0].getsockname()[1]
        kept = [s for s in socks
                if base <= s.getsockname()[1] < base + width]
        for s in socks:
            if s not in kept:
                s.close()
        keep.extend(kept)
        ready(base, *sorted(s.getsockname()[1] for s in kept))
    elif mode in ("udp-echo", "udp-silent", "udp-closed"):
        s = socket.socket(family(args[0]), socket.SOCK_DGRAM)
        s.bind((args[0], 0))
        port = s.getsockname()[1]
        if mode == "udp-closed":
            s.close()
            ready(port)
            park()
            return
        ready(port)
        if mode == "udp-echo":
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                data, peer = s.recvfrom(2048)
                s.sendto(b"yes" + data, peer)
        keep.append(s)
    else:
        sys.exit("probe_peer.py: unknown mode " + mode)
    park()


if __name__ == "__main__":
    main()
