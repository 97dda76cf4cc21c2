"""bench/lib/echo_table.py - the tables of bench/echo.

    echo_table.py RESULTS ERRORS KEY=VALUE...

RESULTS: one line per run, `scen=S server=N run=R rc=C key=value ...`
(bench/echo's fields, then bench/echoload's line).  ERRORS: `SCEN SERVER
RUN WHY` per failed run.  KEY=VALUE: the run's settings (bytes, secs,
idle, parallel, repeat, pin, cpu, servers).

One table per scenario, a row per server: the server's best run (highest
rate; lowest p50 for latency), every column from that run, except
starved_1s (the worst of the runs) and the failures.  Then the targets of
the issue, each `met` or `NOT MET` with the figure, and `n/a` when a
figure it needs is missing.  The targets are reported, not asserted.
"""
import sys

ORDER = ["sockit", "ref", "socat", "ncat", "python", "iperf3"]
PEERS = ["socat", "ncat", "python"]
NA = {
    ("bulk", "ncat"): "its -e relay deadlocks on bulk echo: it blocks "
    "writing to cat while cat blocks writing back (stalls after 56 KiB)",
    ("clients", "ncat"): "at most 100 connections at once (--max-conns), "
    "and a cat process per client",
    ("idle", "ncat"): "at most 100 connections at once (--max-conns), "
    "and a cat process per client",
}


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def load(path):
    runs = []
    with open(path) as f:
        for line in f:
            kv = {}
            for word in line.split():
                k, eq, v = word.partition("=")
                if eq:
                    kv[k] = v
            if "scen" in kv:
                runs.append(kv)
    return runs


def errors(path):
    out = {}
    with open(path) as f:
        for line in f:
            scen, server, run, why = (line.rstrip("\n").split(" ", 3) +
                                      [""] * 4)[:4]
            out.setdefault((scen, server), []).append(f"run {run}: {why}")
    return out


class Scenario:
    def __init__(self, runs, errs, scen, key, higher=True):
        self.scen, self.key = scen, key
        self.best, self.all, self.errs = {}, {}, {}
        for r in runs:
            if r["scen"] != scen:
                continue
            s = r["server"]
            self.all.setdefault(s, []).append(r)
            if r["rc"] != "0" or num(r.get(key)) is None:
                continue
            b = self.best.get(s)
            if b is None or (num(r[key]) > num(b[key])) == higher and \
                    num(r[key]) != num(b[key]):
                self.best[s] = r
        for (sc, s), why in errs.items():
            if sc == scen:
                self.errs[s] = why

    def get(self, server, key):
        r = self.best.get(server)
        return num(r.get(key)) if r else None

    def worst(self, server, key):
        vals = [num(r.get(key)) for r in self.all.get(server, [])
                if num(r.get(key)) is not None]
        return max(vals) if vals else None

    def servers(self):
        return [s for s in ORDER if s in self.all]


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fx(v, digits=2):
    return "-" if v is None else f"{v:.{digits}f}x"


def fn(v, digits=1):
    return "-" if v is None else f"{v:.{digits}f}"


def pct(cpu, wall):
    if cpu is None or not wall:
        return None
    return 100 * cpu / wall


def verdict(what, ok, figure):
    if ok is None:
        state = "n/a"
    else:
        state = "met" if ok else "NOT MET"
    print(f"  target: {what}: {state}" + (f" ({figure})" if figure else ""))


def table(sc, title, cols, notes, na_key=None, listed=None):
    """cols: (header, width, function(server) -> str)."""
    print()
    print(f"-- {title}")
    print("  " + " ".join(f"{h:>{w}}" if i else f"{h:<{w}}"
                          for i, (h, w, _) in enumerate(cols)))
    for s in listed if listed is not None else sc.servers():
        if s not in sc.best:
            why = "FAILED: " + "; ".join(sc.errs.get(s, ["no result"]))
            print(f"  {s:<{cols[0][1]}} {why}")
            continue
        print("  " + " ".join(f"{f(s):>{w}}" if i else f"{s:<{w}}"
                              for i, (_, w, f) in enumerate(cols)))
        for why in sc.errs.get(s, []):
            print(f"  {'':<{cols[0][1]}} (failed {why})")
    for (scen, s), why in NA.items():
        if scen == (na_key or sc.scen) and s in ARGS["servers"].split():
            print(f"  {s:<{cols[0][1]}} n/a: {why}")
    for n in notes:
        print(f"  {n}")


def cpu_cols(sc):
    """The server's, the generator's and the rest of the machine's CPU
    time over the wall time."""
    def srv(s):
        return pct(sc.get(s, "srv_cpu_s"), sc.get(s, "wall_s"))

    def other(s):
        busy, load = sc.get(s, "busy_pct"), sc.get(s, "load_cpu_pct")
        if busy is None or load is None or srv(s) is None:
            return None
        return max(0.0, busy - srv(s) - load)

    return [
        ("srv%", 5, lambda s: fn(srv(s), 0)),
        ("load%", 5, lambda s: fn(sc.get(s, "load_cpu_pct"), 0)),
        ("other%", 6, lambda s: fn(other(s), 0)),
    ]


def rate_cols(sc, label, key, prefix):
    """A rate, its ratio to socat's, and the latency percentiles."""
    return [
        (label, 8, lambda s: fn(sc.get(s, key), 0)),
        ("x_socat", 7, lambda s: vs(sc, s, key)),
        ("p50_us", 8, lambda s: fn(sc.get(s, prefix + "p50_us"), 0)),
        ("p99_us", 8, lambda s: fn(sc.get(s, prefix + "p99_us"), 0)),
    ]


def vs(sc, s, key, base="socat", digits=2):
    return fx(ratio(sc.get(s, key), sc.get(base, key)), digits)


def bulk(runs, errs):
    sc = Scenario(runs, errs, "bulk", "MiB_per_s")
    gib = None
    for r in runs:
        if r["scen"] == "bulk" and num(r.get("bytes")):
            gib = num(r["bytes"]) / 2**30
            break

    def cpu_gib(s):
        c = sc.get(s, "srv_cpu_s")
        return c / gib if c is not None and gib else None

    cols = [
        ("server", 7, None),
        ("MiB/s", 8, lambda s: fn(sc.get(s, "MiB_per_s"))),
        ("x_socat", 7, lambda s: vs(sc, s, "MiB_per_s")),
        ("x_iperf3", 8, lambda s: vs(sc, s, "MiB_per_s", "iperf3")),
        ("srv_cpu_s", 9, lambda s: fn(sc.get(s, "srv_cpu_s"), 3)),
        ("cpu_s/GiB", 9, lambda s: fn(cpu_gib(s), 3)),
        ("cpu_x_socat", 11, lambda s: fx(ratio(cpu_gib(s),
                                               cpu_gib("socat")))),
    ] + cpu_cols(sc)
    table(sc, f"bulk: {ARGS['bytes']} echoed through one connection, "
          f"every byte verified (best of {ARGS['repeat']})", cols, [
              "MiB/s: bytes / time from connected to the last byte back; "
              "iperf3: one way (the ceiling)",
              "srv_cpu_s: the server's CPU (its process tree) over the run;"
              " srv%, load%: server's and generator's CPU / wall"])
    rate = ratio(sc.get("sockit", "MiB_per_s"), sc.get("socat", "MiB_per_s"))
    verdict("sockit >= 2.8x socat's rate", rate and rate >= 2.8, fx(rate))
    ceil = ratio(sc.get("sockit", "MiB_per_s"),
                 sc.get("iperf3", "MiB_per_s"))
    verdict("sockit >= 0.5x iperf3's one-way rate", ceil and ceil >= 0.5,
            fx(ceil))
    cpu = ratio(cpu_gib("sockit"), cpu_gib("socat"))
    verdict("sockit's CPU/GiB <= 1/3 of socat's",
            None if cpu is None else cpu <= 1 / 3, fx(cpu))


def latency(runs, errs):
    sc = Scenario(runs, errs, "latency", "p50_us", higher=False)
    best = {}
    for k in ("p50_us", "p99_us"):
        vals = [(sc.get(s, k), s) for s in PEERS if sc.get(s, k)]
        best[k] = min(vals) if vals else (None, None)

    def vbest(s, k):
        return fx(ratio(sc.get(s, k), best[k][0]))

    cols = [
        ("server", 7, None),
        ("p50_us", 7, lambda s: fn(sc.get(s, "p50_us"))),
        ("p99_us", 7, lambda s: fn(sc.get(s, "p99_us"))),
        ("p999_us", 7, lambda s: fn(sc.get(s, "p999_us"))),
        ("rtt/s", 7, lambda s: fn(sc.get(s, "rtt_per_s"), 0)),
        ("p50_x_best", 10, lambda s: vbest(s, "p50_us")),
        ("p99_x_best", 10, lambda s: vbest(s, "p99_us")),
    ] + cpu_cols(sc)
    where = (f"client and server on CPU {ARGS['cpu']}"
             if ARGS["pin"] == "1" else "unpinned")
    table(sc, f"latency: one client, 64-byte round trips for "
          f"{ARGS['secs']} s, {where} (best p50 of {ARGS['repeat']})",
          cols, [f"x_best: over the best peer's ({best['p50_us'][1]} for "
                 f"p50, {best['p99_us'][1]} for p99); peers: socat, ncat, "
                 "python"])
    for k in ("p50_us", "p99_us"):
        r = ratio(sc.get("sockit", k), best[k][0])
        verdict(f"sockit's {k[:3]} within 5% of the best peer's",
                None if r is None else r <= 1.05, fx(r))


def clients(runs, errs, n):
    sc = Scenario(runs, errs, f"clients{n}", "rtt_per_s")
    cols = [
        ("server", 7, None),
    ] + rate_cols(sc, "rtt/s", "rtt_per_s", "") + [
        ("starved_1s", 10, lambda s: fn(sc.worst(s, "starved_1s"), 0)),
        ("first_max_ms", 12, lambda s: fn(sc.get(s, "first_max_ms"), 0)),
        ("min..max/client", 15, lambda s: "%s..%s" % (
            fn(sc.get(s, "rounds_min"), 0), fn(sc.get(s, "rounds_max"), 0))),
    ] + cpu_cols(sc)
    table(sc, f"clients: {n} concurrent ping-pong clients (64 bytes), "
          f"{ARGS['secs']} s (best of {ARGS['repeat']})", cols, [
              "all connects start at once; starved_1s: clients with no "
              "echo within the first second (worst run); first_max_ms: the "
              "last client's first echo;",
              "min..max/client: round trips of the least and the most "
              "served client"],
          na_key="clients" if n > 100 else "-")
    r = ratio(sc.get("sockit", "rtt_per_s"), sc.get("socat", "rtt_per_s"))
    verdict(f"sockit >= 2.5x socat's round trips/s with {n} clients",
            None if r is None else r >= 2.5, fx(r))
    st = sc.worst("sockit", "starved_1s")
    verdict("no sockit client starved (all served within 1 s)",
            None if st is None else st == 0,
            None if st is None else f"{st:.0f} starved")


def connrate(runs, errs, p, target):
    sc = Scenario(runs, errs, f"conn{p}", "conn_per_s")
    cols = [
        ("server", 7, None),
    ] + rate_cols(sc, "conn/s", "conn_per_s", "conn_") + cpu_cols(sc)
    what = "sequentially" if p == 1 else f"{p} in parallel"
    table(sc, f"connrate: connect, echo 64 bytes, close, {what}, "
          f"{ARGS['secs']} s (best of {ARGS['repeat']})", cols, [
              "p50_us, p99_us: one connection, from socket() to its echo "
              "back"])
    r = ratio(sc.get("sockit", "conn_per_s"), sc.get("socat", "conn_per_s"))
    verdict(f"sockit >= {target}x socat's rate {what}",
            None if r is None else r >= target, fx(r))


def idle(runs, errs):
    sc = Scenario(runs, errs, "idle", "echoed")
    mib = 1024.0

    def mem(s, k):
        v = sc.get(s, k)
        return None if v is None else v / mib

    def echoed(s):
        return "%s/%s" % (fn(sc.get(s, "echoed"), 0), fn(sc.get(s, "conns"),
                                                          0))

    cols = [
        ("server", 7, None),
        ("rss_MiB", 8, lambda s: fn(mem(s, "rss_kib"))),
        ("pss_MiB", 8, lambda s: fn(mem(s, "pss_kib"))),
        ("idle_rss", 8, lambda s: fn(mem(s, "base_rss_kib"))),
        ("procs", 6, lambda s: fn(sc.get(s, "procs"), 0)),
        ("threads", 7, lambda s: fn(sc.get(s, "threads"), 0)),
        ("open_s", 7, lambda s: fn(sc.get(s, "open_s"), 2)),
        ("echoed", 11, echoed),
        ("echo_s", 7, lambda s: fn(sc.get(s, "echo_s"), 2)),
    ]
    # A server that did not echo them all still has a row: use any run.
    for s, rs in sc.all.items():
        if s not in sc.best:
            sc.best[s] = rs[-1]
    table(sc, f"idle: {ARGS['idle']} idle connections held, then each "
          "echoes one message", cols, [
              "rss_MiB, pss_MiB: the server's tree while it holds them all "
              "(RSS counts shared pages once per process, PSS splits them);",
              "idle_rss: before the connections; open_s: time to open them "
              "all (256 connecting at a time)"])
    rss = mem("sockit", "rss_kib")
    verdict("sockit under 16 MiB resident with them open",
            None if rss is None else rss < 16, None if rss is None else
            f"{rss:.1f} MiB")
    e, n = sc.get("sockit", "echoed"), sc.get("sockit", "conns")
    verdict("every sockit connection still echoes",
            None if e is None else e == n, None if e is None else
            f"{e:.0f}/{n:.0f}")


ARGS = {}


def main():
    runs, errs = load(sys.argv[1]), errors(sys.argv[2])
    for a in sys.argv[3:]:
        k, _, v = a.partition("=")
        ARGS[k] = v
    scens = {r["scen"] for r in runs}
    if "bulk" in scens:
        bulk(runs, errs)
    if "latency" in scens:
        latency(runs, errs)
    for n in sorted(int(s[7:]) for s in scens if s.startswith("clients")):
        clients(runs, errs, n)
    for p in sorted(int(s[4:]) for s in scens if s.startswith("conn")):
        connrate(runs, errs, p, 6 if p == 1 else 12)
    if "idle" in scens:
        idle(runs, errs)
    print()
    print("  srv%, load%: the server's and the generator's CPU time over "
          "the wall time, 100 = one core; the generator")
    print("  below 100 waits for the server, not the reverse.  other%: the "
          "rest of the machine's busy time over the run")
    print("  (other processes; and softirq work, charged to no process): "
          "well above a few tens, the machine was busy elsewhere.")


if __name__ == "__main__":
    main()
