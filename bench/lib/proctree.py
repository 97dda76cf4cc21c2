"""bench/lib/proctree.py - CPU time and memory of a process tree, for
bench/echo (a forking server such as socat is a tree: the listener and
one child per connection).

    proctree.py cpu ROOT     CPU seconds of ROOT's tree, user + system
    proctree.py mem ROOT     rss_kib= pss_kib= hwm_kib= procs= threads=
    proctree.py pids ROOT    the PIDs of the tree, ROOT first
    proctree.py kids ROOT    how many descendants ROOT has

cpu: the sum over the live processes of the tree of utime + stime +
cutime + cstime (/proc/PID/stat): a process's own time, its threads'
included (those that have exited too), plus the time of the children it
has reaped.  A child that exits is reaped by its parent (socat, ncat do)
and its time moves into the parent's cutime/cstime: so the difference of
two readings counts every child that lived in between, once, whether it
is still alive or not.  The kernel keeps these in nanoseconds and shows
them in clock ticks (10 ms): a reading is exact to a tick or so.

mem: the sum over the tree of VmRSS and VmHWM (/proc/PID/status) and of
Pss (/proc/PID/smaps_rollup): RSS counts pages shared by several
processes (libc, a forked parent's pages) once per process, Pss divides
them among the sharers, so the Pss sum is the tree's real footprint.
"""
import os
import sys

HZ = os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    """The fields of /proc/PID/stat after the command name: [state, ppid,
    ...], so that field N of proc(5) is at index N - 3."""
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    return s[s.rindex(")") + 2:].split()


def tree(root):
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                parent[int(d)] = int(stat_fields(d)[1])
            except (OSError, ValueError, IndexError):
                pass
    kids = {}
    for pid, ppid in parent.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], [root] if root in parent else []
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, ()))
    return out


def cpu(pid):
    f = stat_fields(pid)
    return sum(int(x) for x in f[11:15]) / HZ  # utime stime cutime cstime


def status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return out


def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("cpu", "mem", "pids",
                                                 "kids"):
        sys.exit("usage: proctree.py cpu|mem|pids|kids ROOT")
    what, root = sys.argv[1], int(sys.argv[2])
    pids = tree(root)
    if not pids:
        sys.exit(f"proctree.py: no process {root}")
    if what == "pids":
        print(" ".join(map(str, pids)))
    elif what == "kids":
        print(len(pids) - 1)
    elif what == "cpu":
        total = 0.0
        for pid in pids:
            try:
                total += cpu(pid)
            except (OSError, ValueError, IndexError):
                pass  # exited meanwhile: its time is in its parent's
        print(f"{total:.6f}")
    else:
        rss = hwm = ps = threads = procs = 0
        for pid in pids:
            try:
                st = status(pid)
                rss += int(st.get("VmRSS", ["0"])[0])
                hwm += int(st.get("VmHWM", ["0"])[0])
                threads += int(st.get("Threads", ["1"])[0])
                ps += pss(pid)
                procs += 1
            except (OSError, ValueError, IndexError):
                pass
        print(f"rss_kib={rss} pss_kib={ps} hwm_kib={hwm} procs={procs} "
              f"threads={threads}")


if __name__ == "__main__":
    main()
