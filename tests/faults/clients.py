#!/usr/bin/env python3
"""clients.py - misbehaving and well-behaved TCP clients for the fault
suite (tests/faults.bats): each SCENARIO drives a server on PORT the way
one fault of issue 7 needs, checks every byte that comes back, watches the
server's process (--pid: CPU time, memory, descriptors from /proc) and
prints what happened as one JSON object on stdout for the test to assert
on.  Every wait is bounded; nothing here talks to anything but the
address it is given (loopback, or a namespace the test made).

    clients.py SCENARIO --port PORT [--target HOST] [OPTIONS]

Scenarios:
  probe      one client: connect (from --source), send, report how the
             connection ended: echo, eof, reset, refused, timeout, partial
  exhaust    N clients at once against a server short of descriptors
  nonreader  a client that sends (up to) --bytes and never reads
  resets     clients that reset the connection mid-stream (SO_LINGER 0)
  halfclose  clients that send a line and shut down their sending side
  serial     clients one after the other, until one is not served
  stream     clients streaming until the server closes (or the process is
             killed); prints "ready" once every client has had an echo
  idle       idle, slow (slowloris) and active clients side by side
  maxconns   --max-conns N: N served, client N+1 closed, then a new one
  soak       mixed load for --seconds, sampling the server's memory and
             descriptors
"""
import argparse
import errno
import json
import os
import selectors
import socket
import struct
import sys
import threading
import time

# A repeating pattern, so a received stream can be checked as a prefix of
# what was sent at any offset: byte i of a stream with seed s is
# PATTERN[(s + i) % 251].
PATTERN = bytes(range(251)) * 1100


def pattern(seed, offset, length):
    """LENGTH bytes of stream SEED from OFFSET."""
    out = bytearray()
    while len(out) < length:
        start = (seed + offset + len(out)) % 251
        take = min(length - len(out), len(PATTERN) - 251)
        out += PATTERN[start:start + take]
    return bytes(out)


def now():
    return time.monotonic()


# --- the server's process, from /proc -------------------------------------

def cpu_seconds(pid):
    """utime + stime of PID in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid):
    """VmRSS and VmHWM of PID in KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def fd_census(pid):
    """PID's descriptors by kind: socket, pipe, anon (epoll...), other."""
    census = {"total": 0, "socket": 0, "pipe": 0, "anon": 0, "other": 0}
    d = f"/proc/{pid}/fd"
    for name in os.listdir(d):
        try:
            target = os.readlink(os.path.join(d, name))
        except OSError:
            continue	# closed while we looked
        census["total"] += 1
        if target.startswith("socket:"):
            census["socket"] += 1
        elif target.startswith("pipe:"):
            census["pipe"] += 1
        elif target.startswith("anon_inode:"):
            census["anon"] += 1
        else:
            census["other"] += 1
    return census


def sample(pid):
    s = memory_kib(pid)
    s.update({"fd_" + k: v for k, v in fd_census(pid).items()})
    s["cpu_s"] = round(cpu_seconds(pid), 3)
    return s


# --- one connection -------------------------------------------------------

def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def connect(args, timeout=15.0, source=None):
    s = socket.socket(family_of(args.host), socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect((args.host, args.port))
    return s


def reset(s):
    """Close S with a reset (RST) instead of a FIN: SO_LINGER {1, 0}."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def recv_exactly(s, n, deadline):
    """Up to N bytes from S; fewer when it ends or DEADLINE passes.
    Returns (bytes, how): how is 'ok', 'eof', 'reset' or 'timeout'."""
    buf = bytearray()
    while len(buf) < n:
        left = deadline - now()
        if left <= 0:
            return bytes(buf), "timeout"
        s.settimeout(left)
        try:
            chunk = s.recv(n - len(buf))
        except socket.timeout:
            return bytes(buf), "timeout"
        except ConnectionResetError:
            return bytes(buf), "reset"
        if not chunk:
            return bytes(buf), "eof"
        buf += chunk
    return bytes(buf), "ok"


def round_trip(args, msg, timeout):
    """A fresh connection sends MSG and wants it back within TIMEOUT:
    'ok', 'bad' (other bytes), or how it ended (eof, reset, timeout...)."""
    try:
        s = connect(args, timeout)
        s.sendall(msg)
        got, how = recv_exactly(s, len(msg), now() + timeout)
        s.close()
    except OSError as e:
        return "error:" + str(e)
    return "bad" if how == "ok" and got != msg else how


def scenario_probe(args):
    """One client.  'echo' means the whole message came back."""
    msg = args.message.encode()
    try:
        s = connect(args, args.timeout, args.source)
    except ConnectionRefusedError:
        return {"result": "refused"}
    except ConnectionResetError:
        # Accepted and reset before connect(2) had returned.
        return {"result": "reset", "got": ""}
    except socket.timeout:
        return {"result": "timeout"}
    local = s.getsockname()[0]
    try:
        s.sendall(msg)
    except (ConnectionResetError, BrokenPipeError):
        s.close()
        return {"result": "reset", "source": local, "got": ""}
    got, how = recv_exactly(s, len(msg), now() + args.timeout)
    s.close()
    if how == "ok":
        result = "echo" if got == msg else "mismatch"
    else:
        result = how if not got else "partial"
    return {"result": result, "source": local, "got": got.decode("latin-1")}


# --- many clients at once, without threads --------------------------------

class Client:
    """A non-blocking client that sends MSG and waits for it back."""

    def __init__(self, idx, msg):
        self.idx = idx
        self.msg = msg
        self.sent = 0
        self.got = bytearray()
        self.state = "connecting"	# -> sending -> waiting -> echoed|...
        self.t_echo = None
        self.sock = None


def exhaust_step(sel, c, mask):
    s = c.sock
    try:
        if c.state == "connecting":
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                raise OSError(err, os.strerror(err))
            c.state = "sending"
        if c.state == "sending" and mask & selectors.EVENT_WRITE:
            c.sent += s.send(c.msg[c.sent:])
            if c.sent == len(c.msg):
                c.state = "waiting"
                sel.modify(s, selectors.EVENT_READ, c)
        elif c.state == "waiting" and mask & selectors.EVENT_READ:
            chunk = s.recv(65536)
            if not chunk:
                c.state = "eof"
            c.got += chunk
            if len(c.got) >= len(c.msg):
                c.state = "echoed" if bytes(c.got) == c.msg else "mismatch"
                c.t_echo = now()
    except (ConnectionResetError, BrokenPipeError):
        c.state = "reset"
    except OSError as e:
        c.state = "error:" + errno.errorcode.get(e.errno, str(e.errno))
    if c.state not in ("connecting", "sending", "waiting"):
        sel.unregister(s)


def run_until(sel, clients, stop, deadline):
    """Serve the selector until STOP() is true or DEADLINE passes."""
    while now() < deadline and not stop():
        for key, mask in sel.select(timeout=0.05):
            exhaust_step(sel, key.data, mask)


def states(clients):
    out = {}
    for c in clients:
        out[c.state] = out.get(c.state, 0) + 1
    return out


def scenario_exhaust(args):
    """N clients connect at once and hold their connection.  The server,
    short of descriptors, serves those it could accept; we measure its CPU
    while it is full (a server that spins on accept burns a core), then
    close the served ones; each client still waiting is served in turn and
    closes as soon as its echo is back, until every one had its echo."""
    sel = selectors.DefaultSelector()
    clients = []
    for i in range(args.clients):
        msg = b"client %04d of %d\n" % (i, args.clients)
        if args.size > len(msg):
            msg += pattern(i, 0, args.size - len(msg))
        c = Client(i, msg)
        c.sock = socket.socket(family_of(args.host), socket.SOCK_STREAM)
        c.sock.setblocking(False)
        c.sock.connect_ex((args.host, args.port))
        sel.register(c.sock, selectors.EVENT_WRITE, c)
        clients.append(c)
    t0 = now()

    def echoed():
        return sum(1 for c in clients if c.state == "echoed")

    # Phase 1: until the echoes stop coming for 3 s (a loaded machine
    # can pause the server for a second).
    last_n, last_t = -1, now()

    def settled():
        nonlocal last_n, last_t
        n = echoed()
        if n != last_n:
            last_n, last_t = n, now()
        return n > 0 and now() - last_t >= 3.0

    run_until(sel, clients, settled, t0 + args.timeout)
    served_first = echoed()
    # Phase 2: the server is full; watch its CPU for --window seconds.
    cpu0, w0 = cpu_seconds(args.pid), now()
    run_until(sel, clients, lambda: False, w0 + args.window)
    cpu1, w1 = cpu_seconds(args.pid), now()
    served_full = echoed()
    census_full = fd_census(args.pid)
    # Phase 3: the served clients go; the rest must be served.
    t_close = now()
    closed = set()

    def drain():
        for c in clients:
            if c.state == "echoed" and c.idx not in closed:
                c.sock.close()
                closed.add(c.idx)
        return len(closed) == len(clients) or any(
            c.state not in ("connecting", "sending", "waiting", "echoed")
            for c in clients)

    run_until(sel, clients, drain, t_close + args.timeout)
    drain()
    last = max((c.t_echo for c in clients if c.t_echo), default=t_close)
    for c in clients:
        if c.idx not in closed:
            c.sock.close()
    return {
        "clients": args.clients,
        "served_at_first": served_first,
        "served_while_full": served_full,
        "fds_while_full": census_full,
        "cpu_s_while_full": round(cpu1 - cpu0, 3),
        "window_s": round(w1 - w0, 3),
        "echoed": len(closed),
        "states": states(clients),
        "recover_s": round(last - t_close, 3),
    }


# --- a client that never reads --------------------------------------------

def wait_writable(s, timeout):
    with selectors.DefaultSelector() as sel:
        sel.register(s, selectors.EVENT_WRITE)
        sel.select(timeout)


def scenario_nonreader(args):
    """One connection sends up to --bytes and never reads; the server must
    stop reading it (backpressure) without buffering it, and keep serving:
    while it is stuck, --probes ordinary clients each want their echo."""
    base = memory_kib(args.pid)
    s = connect(args)
    s.setblocking(False)
    chunk = pattern(0, 0, 1 << 20)
    sent, last_progress, t0 = 0, now(), now()
    rss_max = base["VmRSS"]
    # Send until done, or no progress for --stall seconds (the server
    # pushes back), bounded by --timeout.
    while sent < args.bytes and now() - last_progress < args.stall \
            and now() - t0 < args.timeout:
        try:
            n = s.send(chunk[:min(len(chunk), args.bytes - sent)])
            sent += n
            last_progress = now()
        except BlockingIOError:
            wait_writable(s, 0.05)
        rss_max = max(rss_max, memory_kib(args.pid)["VmRSS"])
    stalled = sent < args.bytes
    # The stuck one still connected and unread: others must be served.
    probes = []
    for i in range(args.probes):
        t = now()
        how = round_trip(args, b"probe %d while a client does not read\n"
                         % i, args.probe_timeout)
        probes.append({"ok": how == "ok", "ms": round((now() - t) * 1000, 1)})
        rss_max = max(rss_max, memory_kib(args.pid)["VmRSS"])
    end = memory_kib(args.pid)
    census = fd_census(args.pid)
    s.close()
    return {
        "bytes_wanted": args.bytes,
        "bytes_sent": sent,
        "stalled": stalled,
        "send_s": round(last_progress - t0, 3),
        "rss_before_kib": base["VmRSS"],
        "hwm_before_kib": base["VmHWM"],
        "rss_max_kib": rss_max,
        "hwm_kib": end["VmHWM"],
        "fds_while_stuck": census,
        "probes_ok": sum(1 for p in probes if p["ok"]),
        "probes": len(probes),
        "probe_max_ms": max((p["ms"] for p in probes), default=0),
    }


# --- resets ---------------------------------------------------------------

def tally(fn, n, timeout):
    """Run FN(i) for i < N in N threads at once; count what they return
    (a word saying how it went).  Waits at most TIMEOUT for each."""
    results = {}
    lock = threading.Lock()

    def one(i):
        try:
            how = fn(i)
        except OSError as e:
            how = "error:" + errno.errorcode.get(e.errno, str(e.errno))
        with lock:
            results[how] = results.get(how, 0) + 1

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results


def scenario_resets(args):
    """--clients connections each send --bytes, read part of the echo, and
    reset the connection while the server still has bytes for them."""
    def one(i):
        s = connect(args)
        data = pattern(i, 0, args.bytes)
        s.sendall(data)
        got, how = recv_exactly(s, min(args.bytes, 4096), now() + 5)
        reset(s)
        if how != "ok" or got != data[:len(got)]:
            return "bad-echo:" + how
        return "reset-sent"

    return {"clients": args.clients,
            "results": tally(one, args.clients, 30)}


# --- one after the other ---------------------------------------------------

def scenario_serial(args):
    """--clients connections one after the other, each a line and its
    echo within --timeout; stops at the first that is not served."""
    t0 = now()
    for i in range(args.clients):
        how = round_trip(args, b"serial %d\n" % i, args.timeout)
        if how != "ok":
            return {"clients": args.clients, "served": i, "stalled": how,
                    "seconds": round(now() - t0, 3)}
    return {"clients": args.clients, "served": args.clients,
            "stalled": None, "seconds": round(now() - t0, 3)}


# --- half-close -------------------------------------------------------------

def scenario_halfclose(args):
    """--clients connections each send a line and at once shut down their
    sending side (shutdown SHUT_WR, as `echo-client --stdin` does at the
    end of its input), then read until the server closes: the whole line
    must come back, then EOF, within --timeout.  The line and the FIN
    reach the server together."""
    def one(i):
        msg = b"half-close %d\n" % i
        s = connect(args)
        s.sendall(msg)
        s.shutdown(socket.SHUT_WR)
        got, how = recv_exactly(s, len(msg), now() + args.timeout)
        if how == "ok":
            rest, how = recv_exactly(s, 1, now() + args.timeout)
            how = {"eof": "echo+eof", "timeout": "echo, no eof"}.get(
                how, "echo, then " + how)
            if rest:
                how = "extra bytes"
        s.close()
        return how if got == msg[:len(got)] else "bad echo"

    return {"clients": args.clients,
            "results": tally(one, args.clients, 3 * args.timeout + 5)}


# --- streaming until the end ----------------------------------------------

def scenario_stream(args):
    """--clients connections stream --chunk bytes at a time and check
    every echoed byte, until the server closes them or --seconds pass.
    Prints 'ready' when every client has had a first echo."""
    lock = threading.Lock()
    ready = threading.Barrier(args.clients + 1, timeout=args.seconds)
    ends = {}
    totals = {"sent": 0, "echoed": 0, "bad": 0}
    deadline = now() + args.seconds

    def one(i):
        sent = echoed = bad = 0
        end = "deadline"
        try:
            s = connect(args)
        except OSError as e:
            end = "connect:" + errno.errorcode.get(e.errno, str(e.errno))
            s = None
        first = True
        while s is not None and now() < deadline:
            data = pattern(i, sent, args.chunk)
            try:
                s.settimeout(max(0.01, deadline - now()))
                s.sendall(data)
                sent += len(data)
            except (BrokenPipeError, ConnectionResetError):
                end = "reset"
                break
            except socket.timeout:
                end = "deadline"
                break
            got, how = recv_exactly(s, len(data), deadline)
            if got != pattern(i, echoed, len(got)):
                bad += 1
            echoed += len(got)
            if how != "ok":
                end = {"timeout": "deadline"}.get(how, how)
                break
            if first:
                first = False
                try:
                    ready.wait()
                except threading.BrokenBarrierError:
                    pass
        if first:
            try:
                ready.wait()
            except threading.BrokenBarrierError:
                pass
        if s is not None:
            s.close()
        with lock:
            ends[end] = ends.get(end, 0) + 1
            totals["sent"] += sent
            totals["echoed"] += echoed
            totals["bad"] += bad

    threads = [threading.Thread(target=one, args=(i,), daemon=True)
               for i in range(args.clients)]
    for t in threads:
        t.start()
    try:
        ready.wait()
        print("ready", flush=True)
    except threading.BrokenBarrierError:
        print("not ready", flush=True)
    for t in threads:
        t.join(max(0.1, deadline - now() + 5))
    out = {"clients": args.clients, "ends": ends}
    out.update(totals)
    return out


# --- idle, slow and active clients ----------------------------------------

def scenario_idle(args):
    """--idlers connect and say nothing; --slow clients send one
    byte every --slow-interval seconds (slowloris); --active clients
    send a line every 0.2 s.  For --seconds, note when each is closed."""
    t0 = now()
    deadline = t0 + args.seconds
    lock = threading.Lock()
    out = {"idle": [], "slow": [], "active": []}

    def record(kind, closed_at, how, echoes):
        with lock:
            out[kind].append({"closed_s": closed_at, "how": how,
                              "echoes": echoes})

    def idle_one():
        s = connect(args)
        t = now()
        got, how = recv_exactly(s, 1, deadline)
        s.close()
        record("idle", round(now() - t, 2) if how != "timeout" else None,
               how if not got else "got-bytes", 0)

    def paced(kind, msg, interval):
        s = connect(args)
        t = now()
        echoes, how = 0, "timeout"
        while now() < deadline:
            try:
                s.sendall(msg)
            except (BrokenPipeError, ConnectionResetError):
                how = "reset"
                break
            got, how = recv_exactly(s, len(msg), deadline)
            if how != "ok":
                break
            echoes += got == msg
            how = "timeout"
            # Wait for the next byte, noticing a close meanwhile.
            s.settimeout(max(0.01, min(interval, deadline - now())))
            try:
                if s.recv(1, socket.MSG_PEEK) == b"":
                    how = "eof"
                    break
            except socket.timeout:
                pass
            except ConnectionResetError:
                how = "reset"
                break
        s.close()
        record(kind, round(now() - t, 2) if how != "timeout" else None,
               how, echoes)

    threads = [threading.Thread(target=idle_one) for _ in range(args.idle)]
    threads += [threading.Thread(target=paced, args=("slow", b"x",
                args.slow_interval)) for _ in range(args.slow)]
    threads += [threading.Thread(target=paced, args=("active",
                b"still here\n", 0.2)) for _ in range(args.active)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.seconds + 10)
    return out


# --- --max-conns ----------------------------------------------------------

def wait_events(path, event, count, timeout):
    """Wait until the server's JSON Lines file PATH has COUNT EVENTs."""
    deadline = now() + timeout
    n = 0
    while now() < deadline:
        with open(path) as f:
            n = sum(1 for line in f
                    if line.strip() and json.loads(line).get("event") == event)
        if n >= count:
            return n
        time.sleep(0.02)
    return n


def scenario_maxconns(args):
    """--limit N: N clients are served and stay; client N+1 is closed
    without an echo; after one of the N leaves, a new client is served."""
    out = {}
    held = []
    for i in range(args.max):
        s = connect(args)
        msg = b"held %d\n" % i
        s.sendall(msg)
        got, how = recv_exactly(s, len(msg), now() + 5)
        held.append(s)
        out.setdefault("held", []).append(how if got == msg else "bad")
    wait_events(args.events, "connected", args.max, 30)
    extra = scenario_probe(args)
    out["extra"] = extra["result"]
    out["extra_got"] = extra.get("got", "")
    out["refused_events"] = wait_events(args.events, "refused", 1, 30)
    held.pop(0).close()
    out["closed_events"] = wait_events(args.events, "closed", 1, 30)
    out["after_close"] = scenario_probe(args)["result"]
    for s in held:
        s.close()
    return out


# --- soak -----------------------------------------------------------------

def scenario_soak(args):
    """Mixed load for --seconds: ping-pong clients on long connections,
    bulk clients (256 KiB round trips on fresh connections), connect /
    echo / close churn, and resets; every --every seconds a sample of the
    server's VmRSS and descriptors.  Then the load stops and a last
    sample is taken once the server has closed everything."""
    stop = threading.Event()
    lock = threading.Lock()
    counts = {"pingpong": 0, "bulk": 0, "churn": 0, "reset": 0,
              "errors": 0, "bad": 0}
    errors = {}

    def count(kind, ok=True):
        with lock:
            counts[kind] += 1
            if not ok:
                counts["bad"] += 1

    def error(e):
        with lock:
            counts["errors"] += 1
            k = type(e).__name__
            errors[k] = errors.get(k, 0) + 1
        time.sleep(0.05)

    def pingpong(i):
        s = None
        msg = b"ping %d\n" % i
        while not stop.is_set():
            try:
                if s is None:
                    s = connect(args)
                s.sendall(msg)
                got, how = recv_exactly(s, len(msg), now() + 5)
                count("pingpong", how == "ok" and got == msg)
                stop.wait(0.005)
            except OSError as e:
                error(e)
                s = None
        if s is not None:
            s.close()

    def bulk(i):
        size = 256 * 1024
        seq = 0
        while not stop.is_set():
            try:
                s = connect(args)
                data = pattern(i + seq, 0, size)
                seq += 1
                sender = threading.Thread(target=s.sendall, args=(data,))
                sender.start()
                got, how = recv_exactly(s, size, now() + 10)
                sender.join(10)
                s.close()
                count("bulk", how == "ok" and got == data)
            except OSError as e:
                error(e)

    def churn(i):
        while not stop.is_set():
            try:
                s = connect(args)
                s.sendall(b"churn\n")
                got, how = recv_exactly(s, 6, now() + 5)
                s.close()
                count("churn", how == "ok" and got == b"churn\n")
            except OSError as e:
                error(e)

    def resetter(i):
        while not stop.is_set():
            try:
                s = connect(args)
                s.sendall(pattern(i, 0, 64 * 1024))
                reset(s)
                count("reset")
                stop.wait(0.02)
            except OSError as e:
                error(e)

    workers = [(pingpong, args.pingpong), (bulk, args.bulk),
               (churn, args.churn), (resetter, args.resetters)]
    threads = []
    for fn, n in workers:
        for i in range(n):
            threads.append(threading.Thread(target=fn, args=(i,),
                                            daemon=True))
    series = [dict(sample(args.pid), t=0.0)]
    t0 = now()
    for t in threads:
        t.start()
    while now() - t0 < args.seconds:
        time.sleep(min(args.every, max(0.0, args.seconds - (now() - t0))))
        series.append(dict(sample(args.pid), t=round(now() - t0, 1)))
    stop.set()
    for t in threads:
        t.join(15)
    # The server closes what we closed: wait (bounded) for its sockets
    # to come back to where they started.
    deadline = now() + 30
    while now() < deadline and \
            fd_census(args.pid)["socket"] > series[0]["fd_socket"]:
        time.sleep(0.05)
    after = dict(sample(args.pid), t=round(now() - t0, 1))
    return {"seconds": args.seconds, "counts": counts, "errors": errors,
            "series": series, "after": after}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scenario", choices=["probe", "exhaust", "nonreader",
                   "resets", "halfclose", "serial", "stream", "idle",
                   "maxconns", "soak"])
    p.add_argument("--target", dest="host", default="127.0.0.1",
                   help="the server's address")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, help="the server's process")
    p.add_argument("--source", help="probe: connect from this address")
    p.add_argument("--message", default="Hello, world")
    p.add_argument("--timeout", type=float, default=15.0)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--window", type=float, default=2.0)
    p.add_argument("--size", type=int, default=0,
                   help="exhaust: bytes each client sends")
    p.add_argument("--bytes", type=int, default=100 * 1024 * 1024)
    p.add_argument("--stall", type=float, default=1.5)
    p.add_argument("--probes", type=int, default=5)
    p.add_argument("--probe-timeout", type=float, default=10.0)
    p.add_argument("--chunk", type=int, default=16384)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--idlers", dest="idle", type=int, default=5)
    p.add_argument("--slow", type=int, default=5)
    p.add_argument("--slow-interval", type=float, default=3.0)
    p.add_argument("--active", type=int, default=2)
    p.add_argument("--limit", dest="max", type=int, default=3,
                   help="maxconns: the server's --max-conns")
    p.add_argument("--events", help="maxconns: the server's --json output")
    p.add_argument("--every", type=float, default=5.0)
    p.add_argument("--pingpong", type=int, default=8)
    p.add_argument("--bulk", type=int, default=2)
    p.add_argument("--churn", type=int, default=2)
    p.add_argument("--resetters", type=int, default=1)
    args = p.parse_args()
    fn = globals()["scenario_" + args.scenario]
    result = fn(args)
    if args.scenario == "probe":
        print(result["result"])
    else:
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
