# udp_sender.py - the reference's UDP sender (shared/reference/004_*.txt,
# "Sending data via UDP"), as printed there.  Adapted for the tests in one
# way only: the port is argv[1] (default the reference's 6667), so that a
# test can choose a free one.
import sys
from socket import socket, AF_INET, SOCK_DGRAM
s = socket(AF_INET, SOCK_DGRAM)
msg = ("Hello you there!").encode('utf-8') # socket.sendto() takes bytes as input, hence we must
s.sendto(msg, ('localhost', int(sys.argv[1]) if len(sys.argv) > 1 else 6667))
