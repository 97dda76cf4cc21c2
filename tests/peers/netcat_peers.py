#!/usr/bin/env python3
"""netcat_peers.py - the peers sockit connect and listen are tested with:
a SOCKS5 proxy (RFC 1928, with RFC 1929 user/password when given), a
systemd-style launcher (LISTEN_FDS, LISTEN_PID), an inetd-style launcher
(the connection on stdin/stdout), and the two ends of the EOF matrix, a
server and a client that are quiet or chatty and close first or last.

    python3 netcat_peers.py COMMAND ARG...

Servers listen on 127.0.0.1 port 0 and write the port they got to
PORTFILE (a temporary file renamed).  Every socket operation has a
timeout, so nothing here can hang a test; a failure prints a line on
stderr and exits 1.
"""
import hashlib
import os
import socket
import struct
import subprocess
import sys
import threading

TIMEOUT = 20.0


def die(msg):
    print('netcat_peers: ' + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def write_port(portfile, port):
    tmp = portfile + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d\n' % port)
    os.rename(tmp, portfile)


def listen_on(portfile, backlog=8):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(backlog)
    ls.settimeout(TIMEOUT)
    write_port(portfile, ls.getsockname()[1])
    return ls


def recv_exact(s, n):
    buf = b''
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            raise OSError('EOF in the middle of a message')
        buf += d
    return buf


def recv_all(s):
    chunks = []
    while True:
        d = s.recv(1 << 16)
        if not d:
            return b''.join(chunks)
        chunks.append(d)


def pattern(n):
    """n bytes of a stream with a period of 65536."""
    block = bytes((i * 7 + (i >> 8)) & 0xff for i in range(1 << 16))
    return (block * (n // len(block) + 1))[:n]


def summary(data):
    return 'got %d bytes sha256 %s' % (len(data),
                                       hashlib.sha256(data).hexdigest())


# The SOCKS5 proxy.

def pump(src, dst):
    try:
        while True:
            d = src.recv(1 << 16)
            if not d:
                break
            dst.sendall(d)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def socks5_client(conn, user, password, log):
    conn.settimeout(TIMEOUT)
    ver, n = recv_exact(conn, 2)
    methods = recv_exact(conn, n)
    if ver != 5:
        return
    want = 2 if user is not None else 0
    if want not in methods:
        conn.sendall(b'\x05\xff')
        return
    conn.sendall(bytes([5, want]))
    if want == 2:
        _, ulen = recv_exact(conn, 2)
        u = recv_exact(conn, ulen)
        plen = recv_exact(conn, 1)[0]
        p = recv_exact(conn, plen)
        good = u == user.encode() and p == password.encode()
        conn.sendall(b'\x01\x00' if good else b'\x01\x01')
        if not good:
            log('AUTH FAILED')
            return
    ver, cmd, _, atyp = recv_exact(conn, 4)
    if atyp == 1:
        host = socket.inet_ntop(socket.AF_INET, recv_exact(conn, 4))
    elif atyp == 4:
        host = socket.inet_ntop(socket.AF_INET6, recv_exact(conn, 16))
    elif atyp == 3:
        host = recv_exact(conn, recv_exact(conn, 1)[0]).decode()
    else:
        conn.sendall(b'\x05\x08\x00\x01' + bytes(6))
        return
    port = struct.unpack('!H', recv_exact(conn, 2))[0]
    log('CONNECT %s %d atyp %d' % (host, port, atyp))
    if cmd != 1:
        conn.sendall(b'\x05\x07\x00\x01' + bytes(6))
        return
    try:
        up = socket.create_connection((host, port), timeout=TIMEOUT)
    except ConnectionRefusedError:
        conn.sendall(b'\x05\x05\x00\x01' + bytes(6))
        return
    except OSError:
        conn.sendall(b'\x05\x04\x00\x01' + bytes(6))
        return
    up.settimeout(None)
    conn.settimeout(None)
    bound = up.getsockname()
    conn.sendall(b'\x05\x00\x00\x01' + socket.inet_aton(bound[0]) +
                 struct.pack('!H', bound[1]))
    t = threading.Thread(target=pump, args=(up, conn), daemon=True)
    t.start()
    pump(conn, up)
    t.join(TIMEOUT * 3)
    up.close()


def cmd_socks5(portfile, user=None, password=None):
    """A SOCKS5 proxy on 127.0.0.1, CONNECT only; with USER and PASSWORD
    it requires them (RFC 1929).  Logs each request on stdout."""
    lock = threading.Lock()

    def log(line):
        with lock:
            print(line, flush=True)

    ls = listen_on(portfile, 64)
    ls.settimeout(120)
    while True:
        try:
            conn, _ = ls.accept()
        except OSError:
            return

        def serve(c=conn):
            try:
                socks5_client(c, user, password, log)
            except OSError as e:
                log('ERROR %s' % e)
            finally:
                c.close()
        threading.Thread(target=serve, daemon=True).start()


# Launchers.

def cmd_launch(portfile, *argv):
    """systemd's socket activation: bind a listening socket on 127.0.0.1
    port 0, write its port, and exec ARGV with it as descriptor 3 and
    LISTEN_FDS=1, LISTEN_PID=our pid (exec keeps the pid)."""
    ls = listen_on(portfile)
    fd = ls.detach()
    if fd != 3:
        os.dup2(fd, 3)
        os.close(fd)
    os.set_inheritable(3, True)
    os.environ['LISTEN_FDS'] = '1'
    os.environ['LISTEN_PID'] = str(os.getpid())
    os.execvp(argv[0], list(argv))


def cmd_inetd(portfile, *argv):
    """inetd's nowait service: accept one connection and run ARGV with it
    as stdin and stdout; exit with ARGV's status."""
    ls = listen_on(portfile)
    conn, _ = ls.accept()
    ls.close()
    rc = subprocess.call(list(argv), stdin=conn.fileno(),
                         stdout=conn.fileno())
    conn.close()
    sys.exit(rc)


# The EOF matrix: a peer that is quiet (sends nothing) or chatty (sends
# SIZE bytes), and closes its sending side first (at once) or last
# (after the other side's EOF).  Either way it reads to EOF and prints
# what it got; it may send after the other side's EOF (last).

def play(s, mode, size):
    size = int(size)
    s.settimeout(TIMEOUT)
    if mode == 'first':        # send, shut down at once, then read
        s.sendall(pattern(size))
        s.shutdown(socket.SHUT_WR)
        data = recv_all(s)
    elif mode == 'last':       # read to EOF, then send and shut down
        data = recv_all(s)
        s.sendall(pattern(size))
        s.shutdown(socket.SHUT_WR)
    elif mode == 'reset':      # read a little, then reset
        data = s.recv(1 << 16)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack('ii', 1, 0))
    else:
        die('unknown mode ' + mode)
    print(summary(data), flush=True)
    s.close()


def cmd_server(portfile, mode, size):
    """One client: play MODE with SIZE bytes (see play)."""
    ls = listen_on(portfile)
    conn, _ = ls.accept()
    ls.close()
    play(conn, mode, size)


def cmd_client(host, port, mode, size):
    """Connect to HOST PORT and play MODE with SIZE bytes."""
    play(socket.create_connection((host, int(port)), timeout=TIMEOUT),
         mode, size)


def cmd_udp(portfile, count):
    """A UDP server on 127.0.0.1 port 0 that prints each of COUNT
    datagrams on a line and answers it with <datagram>."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    s.settimeout(TIMEOUT)
    write_port(portfile, s.getsockname()[1])
    for _ in range(int(count)):
        d, a = s.recvfrom(65536)
        print(d.decode(errors='replace'), flush=True)
        s.sendto(b'<' + d + b'>', a)


def cmd_pattern(size):
    """The pattern the peers send, on stdout."""
    sys.stdout.buffer.write(pattern(int(size)))


def cmd_summary():
    """What summary() prints for stdin."""
    print(summary(sys.stdin.buffer.read()))


COMMANDS = {
    'socks5': cmd_socks5, 'launch': cmd_launch, 'inetd': cmd_inetd,
    'server': cmd_server, 'client': cmd_client, 'pattern': cmd_pattern,
    'summary': cmd_summary, 'udp': cmd_udp,
}

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        die('usage: netcat_peers.py %s ARG...' % '|'.join(COMMANDS))
    COMMANDS[sys.argv[1]](*sys.argv[2:])
