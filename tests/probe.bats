#!/usr/bin/env bats
# probe.bats - sockit probe: open, refused and timed-out ports (a listen
# backlog filled on loopback drops the SYN), every address of a dual-stack
# name, ranges, lists and service names in order, JSON keys and the events
# file, a 2,000-port range against nmap -sT in a network namespace of the
# test's own, a self-connect that is never open, --wait that succeeds and
# one that runs out, UDP open, closed and open|filtered, and the exit
# statuses.  Far sides: tests/peers/probe_peer.py, killed in teardown.

load probe_helpers

run_probe() {
	run --separate-stderr timeout 60 "$SOCKIT" probe "$@"
}

# Three ports of 127.0.0.1: $open listens, $refused is bound without
# listening, $full has a full backlog (a connect to it times out).
three_peers() {
	peer open 127.0.0.1
	open=$PEER_PORT
	peer bound 127.0.0.1
	refused=$PEER_PORT
	peer full 127.0.0.1
	full=$PEER_PORT
}

@test "open, refused and timeout: one line each, in port order" {
	three_peers
	run_probe -w 1 127.0.0.1 "$open,$refused,$full"
	[ "$status" -eq 1 ] || fail "status $status: $stderr"
	[ "${#lines[@]}" -eq 3 ]
	want=$(printf '%s\n' "$open open" "$refused refused" "$full timeout" |
		sort -n)
	got=$(sed -nE "s/^\('127\.0\.0\.1', ([0-9]+)\) ([a-z]+) [0-9]+\.[0-9]{3} ms$/\1 \2/p" \
		<<<"$output")
	[ "$got" = "$want" ] || fail "got: $output; want: $want"
}

@test "exit statuses: 0 all open, 4 a timeout and no refusal, 1 a refusal, 3 no such host" {
	three_peers
	run_probe 127.0.0.1 "$open"
	[ "$status" -eq 0 ]
	run_probe -w 0.5 127.0.0.1 "$open" "$full"
	[ "$status" -eq 4 ]
	run_probe -w 0.5 127.0.0.1 "$refused,$full"
	[ "$status" -eq 1 ]
	run_probe nosuchhost.test 80
	[ "$status" -eq 3 ]
	[[ "$stderr" == "sockit probe: nosuchhost.test: "* ]] || fail "$stderr"
}

@test "every address of a dual-stack name, in the resolver's order; -4 and -6" {
	peer open ::1 127.0.0.1
	port=$PEER_PORT
	run_probe localhost "$port"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	# The resolver's order, each distinct address once.
	want=$("$PYTHON" -c 'import socket, sys
seen = []
for ai in socket.getaddrinfo("localhost", int(sys.argv[1]), 0, socket.SOCK_STREAM):
    if ai[4][0] not in seen:
        seen.append(ai[4][0])
print("\n".join(seen))' "$port")
	got=$(sed -nE "s/^\('([^']*)', $port(, 0, 0)?\) open .*/\1/p" <<<"$output")
	[ "$got" = "$want" ] || fail "got: $output; want: $want"
	[ "${#lines[@]}" -eq 2 ]
	run_probe -4 localhost "$port"
	[ "$output" != "${output/127.0.0.1/}" ]
	[ "${#lines[@]}" -eq 1 ]
	run_probe -6 localhost "$port"
	[[ "${lines[0]}" == "('::1', $port, 0, 0) open "* ]] || fail "$output"
	[ "${#lines[@]}" -eq 1 ]
}

@test "ranges, lists and service names: each port once, in ascending order" {
	peer bound 127.0.0.1
	p=$PEER_PORT
	run_probe 127.0.0.1 "$((p + 3)),$p-$((p + 2))" ssh "$p,$((p + 1))"
	ports=$(sed -nE "s/^\('127\.0\.0\.1', ([0-9]+)\) .*/\1/p" <<<"$output")
	want=$(printf '%s\n' 22 "$p" "$((p + 1))" "$((p + 2))" "$((p + 3))" |
		sort -n | uniq)
	[ "$ports" = "$want" ] || fail "got: $ports; want: $want"
	[[ "$output" == *"('127.0.0.1', $p) refused "* ]] || fail "$output"
}

@test "bad PORTS are usage errors" {
	for bad in 0 70000 5-3 1-70000 , 80, nosuchservice 1-2-3; do
		run_probe 127.0.0.1 "$bad"
		[ "$status" -eq 2 ] || fail "$bad: status $status"
		[[ "${stderr_lines[0]}" == "sockit probe: PORTS: "* ]] ||
			fail "$bad: $stderr"
	done
	run_probe 127.0.0.1
	[ "$status" -eq 2 ]
	run_probe --json --events /dev/null 127.0.0.1 1
	[ "$status" -eq 2 ]
	run_probe --interval 1 127.0.0.1 1
	[ "$status" -eq 2 ]
	run_probe -w 0 127.0.0.1 1
	[ "$status" -eq 2 ]
	run_probe --jobs 0 127.0.0.1 1
	[ "$status" -eq 2 ]
}

@test "--json: resolved, one probe event per pair in order, exit; the keys" {
	peer open 127.0.0.1
	open=$PEER_PORT
	peer bound 127.0.0.1
	refused=$PEER_PORT
	run_probe --json --jobs 1 127.0.0.1 "$refused,$open"
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out.json"
	"$PYTHON" - "$BATS_TEST_TMPDIR/out.json" "$open" "$refused" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
op, rp = int(sys.argv[2]), int(sys.argv[3])
assert ev[0]["event"] == "resolved" and ev[0]["host"] == "127.0.0.1", ev[0]
probes = [e for e in ev if e["event"] == "probe"]
assert [p["address"]["port"] for p in probes] == sorted([op, rp]), probes
for p in probes:
    want = {"event", "address", "result", "ms"}
    if p["result"] != "open":
        want.add("errno")
    assert set(p) == want, p
    assert p["address"] == {"family": "AF_INET", "host": "127.0.0.1",
                            "port": p["address"]["port"]}, p
    assert isinstance(p["ms"], (int, float)) and p["ms"] >= 0, p
by = {p["address"]["port"]: p for p in probes}
assert by[op]["result"] == "open", by
assert by[rp]["result"] == "refused" and by[rp]["errno"] == "ECONNREFUSED", by
assert ev[-1] == {"event": "exit", "status": 1,
                  "reason": "not every port open"}, ev[-1]
PY
}

@test "--events FILE: the lines on stdout, the events in FILE" {
	peer open 127.0.0.1
	run_probe --events "$BATS_TEST_TMPDIR/ev" 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "('127.0.0.1', $PEER_PORT) open "* ]]
	grep -q "\"event\":\"probe\",\"address\":{\"family\":\"AF_INET\",\"host\":\"127.0.0.1\",\"port\":$PEER_PORT},\"result\":\"open\"" \
		"$BATS_TEST_TMPDIR/ev"
}

# In a network namespace of its own, with only lo: nothing of anyone
# else's listens there, so the open set is exactly the peer's.
@test "2,000 ports with a known open set: the same as nmap -sT sees" {
	command -v nmap >/dev/null || skip "no nmap"
	cd "$BATS_TEST_TMPDIR"
	run timeout 120 unshare -n bash -c '
		set -e
		ip link set lo up
		"$1" "$2" many 300 2000 127.0.0.1 >peer.out &
		pid=$!
		trap "kill $pid" EXIT
		for i in $(seq 200); do [ -s peer.out ] && break; sleep 0.05; done
		read -r base known <peer.out
		last=$((base + 1999))
		"$3" probe 127.0.0.1 "$base-$last" >probe.out || true
		nmap -n -sT -T4 -p "$base-$last" -oG - 127.0.0.1 >nmap.out
		echo "known $known"
		echo "sockit $(sed -n "s/^(.127.0.0.1., \([0-9]*\)) open .*/\1/p" probe.out | tr "\n" " ")"
		echo "nmap $(grep -o "[0-9]*/open/tcp" nmap.out | cut -d/ -f1 | sort -n | tr "\n" " ")"
		echo "lines $(wc -l <probe.out)"
	' sh "$PYTHON" "$PEERS/probe_peer.py" "$SOCKIT"
	[ "$status" -eq 0 ] || fail "status $status: $output"
	known=$(sed -n 's/^known //p' <<<"$output" | xargs)
	sockit=$(sed -n 's/^sockit //p' <<<"$output" | xargs)
	nmap=$(sed -n 's/^nmap //p' <<<"$output" | xargs)
	[ -n "$known" ] || fail "no open port in the range: $output"
	[ "$sockit" = "$known" ] || fail "sockit: $sockit; known: $known"
	[ "$nmap" = "$known" ] || fail "nmap: $nmap; known: $known"
	grep -qx 'lines 2000' <<<"$output" || fail "$output"
}

# With one local port to connect from, a connect to that same port lands
# on itself (TCP's simultaneous open): nc -z says it succeeded.
@test "a self-connect on loopback is refused, never open" {
	setup_ns='ip link set lo up
		sysctl -qw net.ipv4.ip_local_port_range="40000 40000"'
	if command -v nc.openbsd >/dev/null; then
		run timeout 20 unshare -n bash -c "$setup_ns
			nc.openbsd -z -w 2 127.0.0.1 40000"
		[ "$status" -eq 0 ] || skip "no self-connect here (nc -z: $status)"
	fi
	run timeout 20 unshare -n bash -c "$setup_ns
		\"\$1\" probe --json 127.0.0.1 40000" sh "$SOCKIT"
	[ "$status" -eq 1 ] || fail "status $status: $output"
	[[ "$output" == *'"port":40000},"result":"refused","errno":"ECONNREFUSED"'* ]] ||
		fail "$output"
}

@test "--wait: the port opens later, and probe exits 0 before the deadline" {
	peer bound 127.0.0.1
	ev=$BATS_TEST_TMPDIR/ev
	t0=$(now)
	bg "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err" "$SOCKIT" probe \
		--wait 60 --interval 0.05 --events "$ev" 127.0.0.1 "$PEER_PORT"
	pid=$BG_PID
	# Refused at first; then the port starts listening.
	wait_for "$ev" '"event":"connect".*"result":"refused"' "$pid"
	kill -USR1 "$PEER_PID"
	wait_exit "$pid" 60
	t1=$(now)
	[ "$STATUS" -eq 0 ] || fail "status $STATUS: $(cat "$BATS_TEST_TMPDIR/err")"
	elapsed_between "$t0" "$t1" 0 50
	grep -q "^('127.0.0.1', $PEER_PORT) open " "$BATS_TEST_TMPDIR/out"
	# An event per attempt: attempt 1 refused, the last one ok.
	grep '"event":"connect"' "$ev" | head -n 1 | grep -q '"attempt":1,"result":"refused"'
	grep '"event":"connect"' "$ev" | tail -n 1 | grep -q '"result":"ok"'
}

@test "--wait: the deadline passes with the port still closed: exit 4" {
	peer bound 127.0.0.1
	t0=$(now)
	run_probe --wait 1 --interval 0.1 --json 127.0.0.1 "$PEER_PORT"
	t1=$(now)
	[ "$status" -eq 4 ] || fail "status $status: $stderr"
	elapsed_between "$t0" "$t1" 0.9 30
	attempts=$(grep -c '"event":"connect"' <<<"$output")
	[ "$attempts" -ge 2 ] || fail "$attempts attempts: $output"
	[[ "$output" == *'"result":"refused","errno":"ECONNREFUSED"'* ]]
}

@test "-u: a reply is open, port unreachable closed, silence open|filtered" {
	peer udp-echo 127.0.0.1
	echo_port=$PEER_PORT
	peer udp-closed 127.0.0.1
	closed=$PEER_PORT
	peer udp-silent 127.0.0.1
	silent=$PEER_PORT
	run_probe -u -w 1 127.0.0.1 "$echo_port" "$closed" "$silent"
	[ "${#lines[@]}" -eq 3 ] || fail "$output"
	[[ "$output" == *"('127.0.0.1', $echo_port) open "* ]] || fail "$output"
	[[ "$output" == *"('127.0.0.1', $closed) closed "* ]] || fail "$output"
	[[ "$output" == *"('127.0.0.1', $silent) open|filtered "* ]] ||
		fail "$output"
	[ "$status" -eq 1 ]
	run_probe -u 127.0.0.1 "$echo_port"
	[ "$status" -eq 0 ]
	run_probe -u -w 0.3 127.0.0.1 "$silent"
	[ "$status" -eq 4 ]
}
