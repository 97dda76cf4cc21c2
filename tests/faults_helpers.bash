# faults_helpers.bash - shared by the fault suites (faults.bats,
# faults-relay.bats): the scenarios of tests/faults/clients.py, servers in
# the background killed by PID in teardown, their descriptors and memory
# from /proc, and bounded waits.  Numbers go to the TAP output as
# "# ..." lines (note).

CLIENTS=$BATS_TEST_DIRNAME/faults/clients.py

setup() {
	PIDS=()
	WRAP=()
	NSERVERS=0
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# note TEXT: a line of numbers in the TAP output.
note() {
	echo "# $*" >&3
}

# clients SCENARIO [ARG]...: run a scenario against the server, for at
# most CLIENTS_TIMEOUT seconds (120); its JSON is in $output.
clients() {
	run --separate-stderr timeout "${CLIENTS_TIMEOUT:-120}" "$PYTHON" \
		"$CLIENTS" "$@" --port "$PORT"
	[ "$status" -eq 0 ] || fail "clients.py $1: status $status: $stderr"
}

# get EXPR: EXPR of the last clients' JSON (d), printed by Python.
get() {
	"$PYTHON" -c 'import json, sys
d = json.loads(sys.argv[1])
v = eval(sys.argv[2])
print(json.dumps(v) if isinstance(v, (dict, list)) else v)' "$output" "$1"
}

# start_server [ARG]...: sockit echo-server -b ${BIND-127.0.0.1} -p 0
# ARG... in the background, run through the command in WRAP if any; sets
# SRV (its PID), PORT (from "Listening on" or the JSON "listening"), and
# OUT and ERR (the files of its stdout and stderr; STDOUT, when set, is
# where its stdout goes instead).
start_server() {
	start_sockit echo-server -b "${BIND-127.0.0.1}" -p 0 "$@"
}

# start_sockit SUBCOMMAND ARG...: as start_server, for any subcommand
# that says where it listens.
start_sockit() {
	local i end
	NSERVERS=$((NSERVERS + 1))
	OUT=$BATS_TEST_TMPDIR/server$NSERVERS.out
	ERR=$BATS_TEST_TMPDIR/server$NSERVERS.err
	"${WRAP[@]}" "$SOCKIT" "$@" >"${STDOUT:-$OUT}" 2>"$ERR" 3>&- &
	SRV=$!
	PIDS+=("$SRV")
	PORT=
	for ((i = 0, end = SECONDS + 30; i < 300 && SECONDS < end; i++)); do
		PORT=$(sed -n -e "s/^Listening on ('[^']*', \([0-9]*\).*/\1/p" \
			-e 's/^{"event":"listening".*"port":\([0-9]*\)[,}].*/\1/p' \
			"$ERR" "$OUT" 2>/dev/null | head -1)
		[ -n "$PORT" ] && return 0
		kill -0 "$SRV" 2>/dev/null ||
			fail "sockit $1 died: $(cat "$ERR")" || return 1
		sleep 0.1
	done
	fail "sockit $1 did not say where it listens: $(cat "$ERR")"
}

# The server's descriptors: "total socket pipe" from /proc.
fds() {
	"$PYTHON" -B -c 'import sys
sys.path.insert(0, sys.argv[1])
import clients
c = clients.fd_census(int(sys.argv[2]))
print(c["total"], c["socket"], c["pipe"])' "$BATS_TEST_DIRNAME/faults" "$1"
}

# fds_back START NOW: the descriptors NOW ("total socket pipe") are those
# at START, but for pipes the server keeps for reuse (at most 32 pairs).
fds_back() {
	local a b
	read -ra a <<<"$1"
	read -ra b <<<"$2"
	[ "${b[1]}" -eq "${a[1]}" ] || fail "sockets: $1 -> $2"
	[ $((b[0] - b[2])) -eq $((a[0] - a[2])) ] ||
		fail "descriptors other than pipes: $1 -> $2"
	[ $((b[2] - a[2])) -le 64 ] || fail "pipes: $1 -> $2"
}

# kib PID FIELD: VmRSS or VmHWM of PID in KiB.
kib() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# wait_sockets PID N: wait (at most 30 s) until PID holds N sockets.
wait_sockets() {
	local i f end
	for ((i = 0, end = SECONDS + 30; i < 600 && SECONDS < end; i++)); do
		read -ra f <<<"$(fds "$1")"
		[ "${f[1]}" -eq "$2" ] && return 0
		sleep 0.05
	done
	fail "still ${f[1]} sockets, not $2"
}

# wait_exit PID SECONDS: wait for PID (a child) to exit; its status in
# $rc.  Fails if it is still running after SECONDS.
wait_exit() {
	local i end
	for ((i = 0, end = SECONDS + $2; i < $2 * 20 && SECONDS <= end;
	    i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$1" 2>/dev/null && fail "still running after $2 s"
	rc=0
	wait "$1" || rc=$?
}

# stream_start: 50 clients streaming from one process (the last of
# PIDS), once they all are.
stream_start() {
	local i end
	"$PYTHON" "$CLIENTS" stream --clients 50 --port "$PORT" --seconds 30 \
		>"$BATS_TEST_TMPDIR/stream" 3>&- &
	PIDS+=($!)
	for ((i = 0, end = SECONDS + 30; i < 600 && SECONDS < end; i++)); do
		grep -q ready "$BATS_TEST_TMPDIR/stream" && break
		sleep 0.05
	done
	[ "$(cat "$BATS_TEST_TMPDIR/stream")" = ready ]
}

# nonreader_check SERVER-PID LABEL: a client sending 100 MB that never
# reads, and 5 plain clients while it is stuck; the server's VmHWM must
# stay under 64 MiB (on the plain build).
nonreader_check() {
	local hwm
	clients nonreader --bytes $((100 * 1024 * 1024)) --pid "$1" --probes 5
	[ "$(get 'd["stalled"]')" = True ]
	hwm=$(get 'd["hwm_kib"]')
	sanitized || [ "$hwm" -lt $((64 * 1024)) ] || fail "VmHWM $hwm KiB"
	[ "$(get 'd["probes_ok"]')" -eq 5 ]
	note "$2: the client got $(get 'd["bytes_sent"]') bytes into the" \
		"kernel, then stalled; VmRSS $(get 'd["rss_before_kib"]') KiB" \
		"before, VmHWM $hwm KiB; 5 other clients echoed, slowest" \
		"$(get 'd["probe_max_ms"]') ms"
}

# A plain client must still be served.
assert_serves() {
	run "$PYTHON" "$CLIENTS" probe --port "$PORT" --target "${BIND:-127.0.0.1}"
	[ "$output" = echo ] || fail "a plain client got: $output"
}

# soak PID SECONDS NSOCK LOAD...: clients.py soak against the server PID
# (LOAD: its --pingpong/--bulk/--churn/--resetters options; NSOCK: how
# many sockets the load makes the server hold at most), the series as
# notes; fails on a wrong round trip, a client
# error, VmRSS that still grows once warm, or descriptors that do not
# come back.
soak() {
	local pid=$1 seconds=$2 nclients=$3 warm mid last
	shift 3
	CLIENTS_TIMEOUT=$((seconds + 90))
	clients soak --pid "$pid" --seconds "$seconds" --every 2.5 "$@"
	# The series, one sample a line.
	"$PYTHON" -c 'import json, sys
d = json.loads(sys.argv[1])
print("soak %ss: %s, errors %s" % (d["seconds"], d["counts"], d["errors"]))
for s in d["series"] + [d["after"]]:
    print("t=%5.1fs VmRSS %5d KiB VmHWM %5d KiB fds %3d (sockets %3d, pipes %2d) cpu %.2fs"
          % (s["t"], s["VmRSS"], s["VmHWM"], s["fd_total"], s["fd_socket"],
             s["fd_pipe"], s["cpu_s"]))' "$output" | while read -r line; do
		note "$line"
	done
	# Every round trip checked, none wrong, no client error.
	[ "$(get 'd["counts"]["bad"]')" -eq 0 ]
	[ "$(get 'd["counts"]["errors"]')" -eq 0 ]
	[ "$(get 'min(d["counts"][k] for k in ("pingpong", "bulk", "churn", "reset"))')" -gt 0 ]
	# Flat: after a warm-up of 5 s, the load's buffers are all there
	# (13 clients hold a few hundred KiB between them), so what VmRSS
	# still gains in the second half of the rest is what a leak would
	# add steadily: less than 2 MiB there (a leak of 300 KiB/s shows),
	# and less than 8 MiB in all (a plateau reached late is no leak).
	warm=$(get '[s for s in d["series"] if s["t"] >= 5][0]["VmRSS"]')
	mid=$(get '(lambda u: u[len(u) // 2])([s for s in d["series"]
		if s["t"] >= 5])["VmRSS"]')
	last=$(get 'd["series"][-1]["VmRSS"]')
	note "VmRSS under load: $warm KiB at 5 s, $mid KiB half-way, $last KiB at the end"
	[ "$((last - mid))" -lt 2048 ] ||
		fail "VmRSS grew in the second half: $warm -> $mid -> $last KiB"
	[ "$((last - warm))" -lt 8192 ] ||
		fail "VmRSS grew by 8 MiB or more: $warm -> $mid -> $last KiB"
	# ... and the descriptors stay within the clients' connections (twice
	# over, for those closing while others open) and the pipe pool (32
	# pairs), and come back to where they were once the load stops.
	[ "$(get 'max(s["fd_total"] for s in d["series"])')" -le $((
		$(get 'd["series"][0]["fd_total"]') + 2 * nclients + 64)) ]
	[ "$(get 'd["after"]["fd_socket"]')" -eq "$(get 'd["series"][0]["fd_socket"]')" ]
	[ "$(get 'd["after"]["fd_total"] - d["after"]["fd_pipe"]')" -eq \
		"$(get 'd["series"][0]["fd_total"] - d["series"][0]["fd_pipe"]')" ]
}
