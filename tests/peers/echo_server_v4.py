# The reference's IPv4 echo server ("Echo server program", Python socket
# documentation, section Example), copied verbatim for sockit's tests,
# except that HOST and PORT come from argv (python3 echo_server_v4.py HOST
# PORT), hence "import sys" too.
# Echo server program
import socket
import sys

HOST = sys.argv[1]        # Symbolic name meaning all available interfaces
PORT = int(sys.argv[2])   # Arbitrary non-privileged port
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind((HOST, PORT))
    s.listen(1)
    conn, addr = s.accept()
    with conn:
        print('Connected by', addr)
        while True:
            data = conn.recv(1024)
            if not data: break
            conn.sendall(data)
