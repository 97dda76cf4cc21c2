# The reference's IPv4 echo client ("Echo client program", Python socket
# documentation, section Example), copied verbatim for sockit's tests,
# except that HOST and PORT come from argv (python3 echo_client_v4.py HOST
# PORT), hence "import sys" too.
# Echo client program
import socket
import sys

HOST = sys.argv[1]        # The remote host
PORT = int(sys.argv[2])   # The same port as used by the server
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect((HOST, PORT))
    s.sendall(b'Hello, world')
    data = s.recv(1024)
print('Received', repr(data))
