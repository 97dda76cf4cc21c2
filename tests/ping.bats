#!/usr/bin/env bats
# ping.bats - sockit ping: an open port (connected), a refused one (an
# answer too) and a blackholed one (a listen backlog filled on loopback:
# every probe lost, the summary at 100% loss, exit 4); the summary's
# statistics against python3's over the probe events, percentiles in
# order; the summary on SIGINT; a summary per family for a dual-stack
# name; the interval honoured.  Far sides: tests/peers/probe_peer.py.

load probe_helpers

run_ping() {
	run --separate-stderr timeout 60 "$SOCKIT" ping "$@"
}

# The summary line's pattern for ADDRESS-REGEX, SENT and ANSWERED.
summary_re() {
	printf '%s' "^$1: $2 sent, $3 answered, [0-9.]+% loss(, min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms, p50/p90/p99 = [0-9.]+/[0-9.]+/[0-9.]+ ms)?, longest outage [0-9]+$"
}

@test "an open port: connected lines, then the summary; exit 0" {
	peer open 127.0.0.1
	run_ping -c 3 -i 0.05 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 4 ]
	for i in 1 2 3; do
		[[ "${lines[i - 1]}" =~ ^connected\ to\ \(\'127\.0\.0\.1\',\ $PEER_PORT\):\ seq=$i\ time=[0-9]+\.[0-9]{3}\ ms$ ]] ||
			fail "${lines[i - 1]}"
	done
	[[ "${lines[3]}" =~ $(summary_re "\('127\.0\.0\.1', $PEER_PORT\)" 3 3) ]] ||
		fail "${lines[3]}"
	[[ "${lines[3]}" == *" 0.0% loss, min/avg/max/mdev"*", longest outage 0" ]]
}

@test "a refused port answers: refused lines, nothing lost; exit 0" {
	peer bound 127.0.0.1
	run_ping -c 2 -i 0.05 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "refused by ('127.0.0.1', $PEER_PORT): seq=1 time="*" ms" ]] ||
		fail "$output"
	[[ "${lines[2]}" == *": 2 sent, 2 answered, 0.0% loss, "* ]] ||
		fail "$output"
}

@test "a blackholed port: every probe lost, the summary at 100% loss; exit 4" {
	peer full 127.0.0.1
	run_ping -c 3 -i 0.1 -w 0.3 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 4 ] || fail "status $status: $output"
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[0]}" == "no answer from ('127.0.0.1', $PEER_PORT): seq=1 timeout" ]] ||
		fail "$output"
	[ "${lines[3]}" = "('127.0.0.1', $PEER_PORT): 3 sent, 0 answered, 100.0% loss, longest outage 3" ] ||
		fail "${lines[3]}"
}

@test "--json: the summary agrees with python3 over the ping events" {
	peer bound 127.0.0.1
	run_ping --json -c 20 -i 0 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.json"
	"$PYTHON" - "$BATS_TEST_TMPDIR/out.json" <<'PY'
import json, math, statistics, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
pings = [e for e in ev if e["event"] == "ping"]
assert [p["seq"] for p in pings] == list(range(1, 21)), pings
for p in pings:
    assert set(p) == {"event", "seq", "address", "result", "errno",
                      "rtt_ms"}, p
    assert p["result"] == "refused", p
(s,) = [e for e in ev if e["event"] == "summary"]
keys = {"event", "address", "sent", "answered", "loss_pct", "min_ms",
        "avg_ms", "max_ms", "mdev_ms", "p50_ms", "p90_ms", "p99_ms",
        "longest_outage"}
assert set(s) == keys, s
rtt = sorted(p["rtt_ms"] for p in pings)
def rank(pct):
    return rtt[max(math.ceil(pct / 100 * len(rtt)), 1) - 1]
assert s["sent"] == 20 and s["answered"] == 20 and s["loss_pct"] == 0, s
assert s["longest_outage"] == 0, s
assert s["min_ms"] == rtt[0] and s["max_ms"] == rtt[-1], s
assert abs(s["avg_ms"] - statistics.fmean(rtt)) < 1e-9, s
assert abs(s["mdev_ms"] - statistics.pstdev(rtt)) < 1e-6, s
assert (s["p50_ms"], s["p90_ms"], s["p99_ms"]) == (rank(50), rank(90),
                                                   rank(99)), s
assert s["min_ms"] <= s["p50_ms"] <= s["p90_ms"] <= s["p99_ms"] <= s["max_ms"]
assert ev[-1] == {"event": "exit", "status": 0, "reason": "ok"}, ev
PY
}

@test "--json at 100% loss: null times, rtt_ms null, the outage counted" {
	peer full 127.0.0.1
	run_ping --json -c 2 -i 0.1 -w 0.2 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 4 ]
	[[ "$output" == *'"result":"timeout","errno":"ETIMEDOUT","rtt_ms":null}'* ]] ||
		fail "$output"
	[[ "$output" == *'"sent":2,"answered":0,"loss_pct":100,"min_ms":null,'*'"longest_outage":2}'* ]] ||
		fail "$output"
}

@test "SIGINT: the summary of the probes so far, exit 0" {
	peer open 127.0.0.1
	out=$BATS_TEST_TMPDIR/out
	bg "$out" "$BATS_TEST_TMPDIR/err" "$SOCKIT" ping -i 0.05 127.0.0.1 \
		"$PEER_PORT"
	pid=$BG_PID
	wait_for "$out" 'seq=3 ' "$pid"
	kill -INT "$pid"
	wait_exit "$pid"
	[ "$STATUS" -eq 0 ] || fail "status $STATUS"
	last=$(tail -n 1 "$out")
	[[ "$last" =~ $(summary_re "\('127\.0\.0\.1', $PEER_PORT\)" '[0-9]+' '[0-9]+') ]] ||
		fail "$last"
	sent=$(sed -nE 's/.*: ([0-9]+) sent.*/\1/p' <<<"$last")
	[ "$sent" -ge 3 ]
}

@test "SIGTERM: the summary too" {
	peer full 127.0.0.1
	out=$BATS_TEST_TMPDIR/out
	bg "$out" "$BATS_TEST_TMPDIR/err" "$SOCKIT" ping -i 0.05 -w 0.1 \
		127.0.0.1 "$PEER_PORT"
	pid=$BG_PID
	wait_for "$out" 'seq=2 ' "$pid"
	kill -TERM "$pid"
	wait_exit "$pid"
	[ "$STATUS" -eq 4 ] || fail "status $STATUS"
	tail -n 1 "$out" | grep -qE '0 answered, 100\.0% loss, longest outage [0-9]+$'
}

@test "a dual-stack name: each probe to both families, a summary each" {
	peer open ::1 127.0.0.1
	run_ping -c 2 -i 0.05 localhost "$PEER_PORT"
	[ "$status" -eq 0 ]
	[ "$(grep -c "^connected to ('::1', $PEER_PORT, 0, 0): seq=" <<<"$output")" -eq 2 ]
	[ "$(grep -c "^connected to ('127.0.0.1', $PEER_PORT): seq=" <<<"$output")" -eq 2 ]
	grep -qE "$(summary_re "\('::1', $PEER_PORT, 0, 0\)" 2 2)" <<<"$output"
	grep -qE "$(summary_re "\('127\.0\.0\.1', $PEER_PORT\)" 2 2)" <<<"$output"
	run_ping -4 -c 1 localhost "$PEER_PORT"
	[ "${#lines[@]}" -eq 2 ]
}

@test "the interval is honoured: 4 probes 0.3 s apart take 0.9 s or more" {
	peer open 127.0.0.1
	t0=$(now)
	run_ping -c 4 -i 0.3 127.0.0.1 "$PEER_PORT"
	t1=$(now)
	[ "$status" -eq 0 ]
	elapsed_between "$t0" "$t1" 0.9 30
}

@test "exit 3 for a name that does not resolve; usage errors exit 2" {
	run_ping -c 1 nosuchhost.test 80
	[ "$status" -eq 3 ]
	[[ "$stderr" == "sockit ping: nosuchhost.test: "* ]] || fail "$stderr"
	for args in "" "-c 0 h" "-w 0 h" "-i x h" "h 70000" "h 1 2" \
		"--json --events /dev/null h"; do
		# shellcheck disable=SC2086
		run_ping $args
		[ "$status" -eq 2 ] || fail "'$args': status $status"
	done
}
