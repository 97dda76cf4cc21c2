"""bench/peers/echo_server.py - the Python peer of `sockit echo-server`.

    python3 -I echo_server.py PORT [HOST]

A socketserver.ThreadingTCPServer echo server (a thread per connection),
the reference's echo server made concurrent with the standard library, on
HOST (default 127.0.0.1) and PORT.  Written the way a competent Python
user writes it for a benchmark: recv of up to 64 KiB and sendall, as the
reference's server does with 1 KiB (a buffer preallocated per connection
would be no faster here, and would cost its size in every idle thread),
daemon threads, SO_REUSEADDR, and a listen backlog of SOMAXCONN instead of
socketserver's default of 5 (which makes the kernel drop the SYNs of a
burst of connections, so that clients wait for a SYN retransmission a
second later; bench/echo measures the server, not that default).  It
prints `Listening on ('127.0.0.1', PORT)` on stderr once it accepts, and
runs until killed (SIGTERM).
"""
import signal
import socket
import socketserver
import sys


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        recv = self.request.recv
        sendall = self.request.sendall
        try:
            while data := recv(1 << 16):
                sendall(data)
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = socket.SOMAXCONN


def main():
    port = int(sys.argv[1])
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with Server((host, port), Echo) as server:
        print(f"Listening on {server.server_address!r}", file=sys.stderr,
              flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
