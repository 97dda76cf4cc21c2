# The reference's IPv4-and-IPv6 echo server ("Echo server program", the
# second pair in the Python socket documentation, section Example), copied
# verbatim for sockit's tests, except that HOST and PORT come from argv
# (python3 echo_server_dual.py HOST PORT; an empty HOST is the reference's
# None).
# Echo server program
import socket
import sys

HOST = sys.argv[1] or None  # Symbolic name meaning all available interfaces
PORT = int(sys.argv[2])     # Arbitrary non-privileged port
s = None
for res in socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC,
                              socket.SOCK_STREAM, 0, socket.AI_PASSIVE):
    af, socktype, proto, canonname, sa = res
    try:
        s = socket.socket(af, socktype, proto)
    except OSError as msg:
        s = None
        continue
    try:
        s.bind(sa)
        s.listen(1)
    except OSError as msg:
        s.close()
        s = None
        continue
    break
if s is None:
    print('could not open socket')
    sys.exit(1)
conn, addr = s.accept()
with conn:
    print('Connected by', addr)
    while True:
        data = conn.recv(1024)
        if not data: break
        conn.send(data)
