# udp_server.py - the reference's UDP server "using solely the socket
# module" (shared/reference/004_*.txt, "Receiving data via UDP"), as
# printed there.  Adapted for the tests in one way only: the port is
# argv[1] (default the reference's 6667), so that a test can choose a free
# one.  Run it with python3 -u so that each line is seen as printed.
import sys
from socket import socket, AF_INET, SOCK_DGRAM
sock = socket(AF_INET, SOCK_DGRAM)
sock.bind(('localhost', int(sys.argv[1]) if len(sys.argv) > 1 else 6667))

while True:
    msg, addr = sock.recvfrom(8192) # This is the amount of bytes to read at maximum
    print("Got message from %s: %s" % (addr, msg))
