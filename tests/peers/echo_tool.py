#!/usr/bin/env python3
"""echo_tool.py - the peers sockit's echo tests need beyond the reference's
four programs: demanding clients (bulk data both ways at once, half-close,
many at once, one that never reads, idle ones, more than the server has
descriptors for) and misbehaving servers (one that corrupts a byte, one
that closes early, one that never answers, one that answers only after
the client's EOF, one that answers late, one that half-closes first).

    python3 echo_tool.py COMMAND ARG...

An address is HOST PORT, or a path starting with '/' (AF_UNIX) and any
PORT.  Servers listen on 127.0.0.1, port 0, and write the port they got to
PORTFILE (atomically: a temporary file renamed).  Every socket operation
has a timeout and every wait is bounded, so nothing here can hang a test;
a failure prints a line on stderr and exits 1.
"""
import hashlib
import os
import select
import socket
import sys
import threading
import time

TIMEOUT = 20.0          # seconds any single socket operation may take


def die(msg):
    print('echo_tool: ' + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def connect(host, port, timeout=TIMEOUT):
    if host.startswith('/'):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(host)
        return s
    return socket.create_connection((host, int(port)), timeout=timeout)


def recv_all(s, limit=None):
    """Read until EOF (or limit bytes); returns bytes."""
    buf = bytearray()
    while limit is None or len(buf) < limit:
        want = 1 << 20 if limit is None else min(1 << 20, limit - len(buf))
        d = s.recv(want)
        if not d:
            break
        buf += d
    return bytes(buf)


def first_difference(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return min(len(a), len(b))


def check_same(got, want, what):
    if got != want:
        die('%s: echo differs: sent %d bytes, got %d, first difference at '
            'byte %d' % (what, len(want), len(got),
                         first_difference(got, want)))


def exchange(s, data, shut=True):
    """Send data from a thread while this one reads: the echo of a payload
    larger than every buffer on the way cannot deadlock.  With shut, the
    sender half-closes when done and the reader reads to EOF (so the EOF
    after the last byte is checked too); else it reads len(data) bytes."""
    err = []

    def sender():
        try:
            s.sendall(data)
            if shut:
                s.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append(e)

    t = threading.Thread(target=sender)
    t.start()
    try:
        got = recv_all(s, None if shut else len(data))
    finally:
        t.join(TIMEOUT)
    if err:
        raise err[0]
    return got


# Clients.

def cmd_bulk(host, port, size):
    """SIZE random bytes sent while the echo is read, then SHUT_WR: every
    byte comes back, in order, then EOF."""
    data = os.urandom(int(size))
    with connect(host, port) as s:
        got = exchange(s, data)
    check_same(got, data, 'bulk')
    print('ok %d' % len(got))


def cmd_halfclose(host, port, size):
    """The reference's order: send everything, shut down the sending side,
    and only then read: the rest comes back, then EOF."""
    data = os.urandom(int(size))
    with connect(host, port) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        got = recv_all(s)
        more = s.recv(1)        # EOF stays EOF
    check_same(got, data, 'half-close')
    if more:
        die('half-close: bytes after EOF')
    print('ok %d' % len(got))


def cmd_many(host, port, n, size):
    """N clients at once: all connect, wait for each other (so all N are
    open together), then each echoes SIZE random bytes of its own."""
    n, size = int(n), int(size)
    barrier = threading.Barrier(n, timeout=TIMEOUT)
    results = [None] * n

    def client(i):
        try:
            data = os.urandom(size)
            with connect(host, port) as s:
                barrier.wait()
                got = exchange(s, data)
            results[i] = 'ok' if got == data else 'differs (%d of %d)' % (
                len(got), len(data))
        except (OSError, threading.BrokenBarrierError) as e:
            results[i] = repr(e)
            barrier.abort()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(2 * TIMEOUT)
    bad = [(i, r) for i, r in enumerate(results) if r != 'ok']
    if bad:
        die('many: %d of %d failed, first: client %d: %s' % (
            len(bad), n, bad[0][0], bad[0][1]))
    print('ok %d' % n)


def cmd_nonreader(host, port, limit):
    """Send without ever reading until the socket stays unwritable for half
    a second (the server stopped reading: backpressure), print 'stuck N'
    with the bytes sent, then hold the connection until killed (or a
    minute passes).  Sending LIMIT bytes without getting stuck
    is a failure: the server would be buffering without bound."""
    limit = int(limit)
    s = connect(host, port)
    s.setblocking(False)
    chunk = b'x' * (1 << 16)
    sent = 0
    while sent < limit:
        _, w, _ = select.select([], [s], [], 0.5)
        if not w:
            break
        try:
            sent += s.send(chunk)
        except BlockingIOError:
            pass
    else:
        die('nonreader: sent %d bytes and never got stuck' % sent)
    print('stuck %d' % sent, flush=True)
    time.sleep(60)
    s.close()


def cmd_hold(host, port, n):
    """Open N connections, check each is served with one round trip, print
    'held N', then hold them until killed (or a minute)."""
    conns = []
    for i in range(int(n)):
        s = connect(host, port)
        s.sendall(b'ping')
        if recv_all(s, 4) != b'ping':
            die('hold: connection %d not echoed' % i)
        conns.append(s)
    print('held %d' % len(conns), flush=True)
    time.sleep(60)
    for s in conns:
        s.close()


def cmd_flood(host, port, n, keep, gofile):
    """Open N connections and do nothing with them; print 'open N'; wait
    (at most 20 s) for the file GOFILE to exist; then close all but the
    last KEEP and check each of those is echoed: print 'ok KEEP'."""
    conns = [connect(host, port) for _ in range(int(n))]
    print('open %d' % len(conns), flush=True)
    deadline = time.monotonic() + TIMEOUT
    while not os.path.exists(gofile):
        if time.monotonic() > deadline:
            die('flood: no %s' % gofile)
        time.sleep(0.02)
    keep = int(keep)
    for s in conns[:-keep]:
        s.close()
    for i, s in enumerate(conns[-keep:]):
        want = b'kept %d' % i
        s.sendall(want)
        if recv_all(s, len(want)) != want:
            die('flood: kept connection %d not echoed' % i)
        s.close()
    print('ok %d' % keep)


def cmd_eof(host, port):
    """Connect, send nothing, and print what the first recv returns (b''
    for a connection the server closed at once), or 'reset' when the
    server reset it (which may already fail the connect)."""
    try:
        with connect(host, port, timeout=10) as s:
            print(repr(s.recv(16)))
    except ConnectionResetError:
        print('reset')


def cmd_idle(host, port, limit):
    """One idle connection and one active one (a round trip every 50 ms):
    the idle one must see EOF within LIMIT seconds, and the active one must
    still be served after that."""
    limit = float(limit)
    idle = connect(host, port)
    active = connect(host, port)
    deadline = time.monotonic() + limit
    trips = after = 0
    closed = False
    while time.monotonic() < deadline and after < 5:
        active.sendall(b'still here %d' % trips)
        want = b'still here %d' % trips
        if recv_all(active, len(want)) != want:
            die('idle: the active connection was not echoed')
        trips += 1
        if closed:
            after += 1
            continue
        r, _, _ = select.select([idle], [], [], 0.05)
        if r:
            if idle.recv(16) != b'':
                die('idle: the idle connection got bytes')
            closed = True
    if not closed:
        die('idle: the idle connection was not closed in %g s' % limit)
    if after < 5:
        die('idle: the active connection did not go on after the other '
            'was closed')
    print('ok %d' % trips)


# Servers.

def listen_on(portfile):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(8)
    ls.settimeout(TIMEOUT)
    tmp = portfile + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    os.rename(tmp, portfile)
    return ls


def accept_one(portfile):
    ls = listen_on(portfile)
    conn, _ = ls.accept()
    ls.close()
    conn.settimeout(TIMEOUT)
    return conn


def cmd_corrupt(portfile, offset):
    """An echo server (one client) that flips byte OFFSET of the stream."""
    offset = int(offset)
    with accept_one(portfile) as conn:
        pos = 0
        while True:
            d = conn.recv(1 << 16)
            if not d:
                break
            if pos <= offset < pos + len(d):
                b = bytearray(d)
                b[offset - pos] ^= 0xff
                d = bytes(b)
            pos += len(d)
            conn.sendall(d)


def cmd_short(portfile, want, back):
    """An echo server (one client) that reads WANT bytes, sends back only
    the first BACK of them and closes."""
    with accept_one(portfile) as conn:
        got = recv_all(conn, int(want))
        conn.sendall(got[:int(back)])


def cmd_silent(portfile):
    """A server that accepts, reads and never answers (until killed, or a
    minute)."""
    ls = listen_on(portfile)
    conn, _ = ls.accept()
    conn.settimeout(60)
    try:
        while conn.recv(1 << 16):
            pass
    except OSError:
        pass


def cmd_lagged(portfile, delay):
    """An echo server (one client) that waits DELAY seconds before it sends
    back each piece it reads: the client has surely found nothing to read
    in the meantime."""
    with accept_one(portfile) as conn:
        while True:
            d = conn.recv(1 << 16)
            if not d:
                break
            time.sleep(float(delay))
            conn.sendall(d)


def pattern(n):
    """n bytes of a stream with a period of 65536."""
    block = bytes((i * 7 + (i >> 8)) & 0xff for i in range(1 << 16))
    return (block * (n // len(block) + 1))[:n]


def cmd_reply_at_eof(portfile, size):
    """A server (one client) that reads until EOF, then answers with a
    line saying what it got and SIZE bytes of a pattern, and closes: the
    whole answer comes after the client's half-close."""
    with accept_one(portfile) as conn:
        data = recv_all(conn)
        conn.sendall(b'got %d bytes sha256 %s\n' % (
            len(data), hashlib.sha256(data).hexdigest().encode()))
        conn.sendall(pattern(int(size)))


def cmd_shut_first(portfile):
    """A server (one client) that shuts down its sending side right after
    the accept, as a receiver with stdin at EOF does (`nc -N -l
    </dev/null`), then reads until EOF and prints what it got: "got N
    bytes sha256 HEX"."""
    with accept_one(portfile) as conn:
        conn.shutdown(socket.SHUT_WR)
        data = recv_all(conn)
        print('got %d bytes sha256 %s' % (
            len(data), hashlib.sha256(data).hexdigest()), flush=True)


def cmd_pattern(size):
    """The pattern reply-at-eof sends, on stdout."""
    sys.stdout.buffer.write(pattern(int(size)))


def cmd_free_port():
    """A TCP port free on IPv4 and IPv6 at the moment (bound, read,
    closed): for the reference's servers, which take a fixed port."""
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s4:
            s4.bind(('', 0))
            port = s4.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s6:
                    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    s6.bind(('::', port))
            except OSError:
                continue
        print(port)
        return
    die('free-port: no port free for both families')


def cmd_full_backlog(portfile):
    """A listener with a full accept queue (backlog 0, one connection that
    is never accepted): a further SYN is dropped, so connect times out.
    Holds until killed (or a minute)."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(('127.0.0.1', 0))
    ls.listen(0)
    filler = socket.create_connection(ls.getsockname(), timeout=TIMEOUT)
    tmp = portfile + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d\n' % ls.getsockname()[1])
    os.rename(tmp, portfile)
    time.sleep(60)
    filler.close()
    ls.close()


COMMANDS = {
    'bulk': cmd_bulk, 'halfclose': cmd_halfclose, 'many': cmd_many,
    'nonreader': cmd_nonreader, 'hold': cmd_hold, 'eof': cmd_eof,
    'flood': cmd_flood,
    'idle': cmd_idle, 'corrupt': cmd_corrupt, 'short': cmd_short,
    'silent': cmd_silent, 'reply-at-eof': cmd_reply_at_eof,
    'shut-first': cmd_shut_first,
    'lagged': cmd_lagged,
    'pattern': cmd_pattern, 'free-port': cmd_free_port,
    'full-backlog': cmd_full_backlog,
}

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        die('usage: echo_tool.py {%s} ARG...' % ','.join(sorted(COMMANDS)))
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except (OSError, ValueError, TypeError) as e:
        die('%s: %r' % (sys.argv[1], e))
