"""bench/peers/udp_recv.py - the Python peer of `sockit udp-listen`.

    udp_recv.py count|print PORT COUNT IDLE

The reference's UDP server loop (recvfrom(8192) on a socket bound to
127.0.0.1:PORT), with the socket's default buffer, as its users run it:
`print` prints each datagram as the reference does ("Got message from
%s: %s") to stdout; `count` only counts them.  It stops after COUNT
datagrams or when none came for IDLE seconds (socket.settimeout), then
writes "received N dropped D" to stderr, D being the kernel's drop count
for the socket (SO_MEMINFO, which the socket module has no name for).
The loop keeps its names local, as a competent user would.  Run it as
`python3 -I` so that PYTHONUNBUFFERED in the environment cannot slow it.
"""
import socket
import struct
import sys

SO_MEMINFO = 55       # linux/socket.h
SK_MEMINFO_DROPS = 8  # linux/sock_diag.h


def main():
    mode, port, count, idle = (sys.argv[1], int(sys.argv[2]),
                               int(sys.argv[3]), float(sys.argv[4]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', port))
    sock.settimeout(idle)
    recvfrom = sock.recvfrom
    n = 0
    try:
        if mode == 'print':
            while n < count:
                msg, addr = recvfrom(8192)
                print("Got message from %s: %s" % (addr, msg))
                n += 1
        else:
            while n < count:
                recvfrom(8192)
                n += 1
    except socket.timeout:
        pass
    sys.stdout.flush()
    mem = struct.unpack('9I', sock.getsockopt(socket.SOL_SOCKET,
                                              SO_MEMINFO, 36))
    print("received %d dropped %d" % (n, mem[SK_MEMINFO_DROPS]),
          file=sys.stderr)


if __name__ == "__main__":
    main()
