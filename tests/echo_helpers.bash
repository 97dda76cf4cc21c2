# echo_helpers.bash - shared set-up for the echo-server and echo-client
# tests: background servers and peers that are always killed by PID in
# teardown, bounded waits for a line in a file, the port a server picked
# with -p 0 read from its "Listening on" line, and the reference's own
# programs (tests/peers) as peers on a free port.
load helpers

PEERS=$TOP/tests/peers
BG_PIDS=()

# tool COMMAND ARG...: tests/peers/echo_tool.py, the demanding clients and
# the misbehaving servers.
tool() {
	"$PYTHON" "$PEERS/echo_tool.py" "$@"
}

# tool_ok SECONDS COMMAND ARG...: echo_tool.py COMMAND ARG..., bounded by
# SECONDS; fails with its stderr unless it exits 0.  Sets output (bats run).
tool_ok() {
	run --separate-stderr timeout "$1" "$PYTHON" "$PEERS/echo_tool.py" "${@:2}"
	[ "$status" -eq 0 ] || fail "echo_tool.py ${*:2}: status $status: $stderr"
}

# run_client ARG...: bats run of sockit echo-client ARG..., bounded by
# 20 s, stderr apart.
run_client() {
	run --separate-stderr timeout 20 "$SOCKIT" echo-client "$@"
}

# run_reference SCRIPT HOST PORT: bats run of one of the reference's
# clients (tests/peers/SCRIPT), bounded by 20 s (it has no timeout).
run_reference() {
	run --separate-stderr timeout 20 "$PYTHON" "$PEERS/$1" "$2" "$3"
}

# bg OUT ERR COMMAND...: start COMMAND in the background, its stdout and
# stderr in the files OUT and ERR, its stdin the file BG_IN (default
# /dev/null), bats's fd 3 closed (so bats does not wait for it); BG_PID is
# its PID, killed in teardown.
bg() {
	local out=$1 err=$2
	shift 2
	"$@" <"${BG_IN:-/dev/null}" >"$out" 2>"$err" 3>&- &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# bg_tool NAME COMMAND ARG...: echo_tool.py COMMAND ARG... in the
# background; its stdout is the file TOOL_OUT (NAME.out), BG_PID its PID.
bg_tool() {
	TOOL_OUT=$BATS_TEST_TMPDIR/$1.out
	bg "$TOOL_OUT" "$BATS_TEST_TMPDIR/$1.err" "$PYTHON" "$PEERS/echo_tool.py" \
		"${@:2}"
}

# alive PID: whether PID still runs: its state is readable and neither
# zombie nor dead.  One read of the state, so that a process that ends
# between two looks (a zombie, then its status file gone while the shell
# reaps it) is never taken for a running one.
alive() {
	local state
	state=$(awk '$1 == "State:" { print $2 }' "/proc/$1/status" \
		2>/dev/null) || state=
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# wait_for FILE REGEX [PID]: wait up to 30 s for a line matching REGEX
# (grep -E) in FILE; fail early if PID exits first.
wait_for() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		if [ -n "${3:-}" ] && ! alive "$3"; then
			grep -qE -- "$2" "$1" 2>/dev/null && return 0
			fail "process $3 exited before '$2' appeared in $1:" \
				"$(cat "$1" 2>/dev/null)"
			return 1
		fi
		sleep 0.05
	done
	fail "timed out waiting for '$2' in $1: $(cat "$1" 2>/dev/null)"
}

# wait_lines FILE N: wait up to 30 s for FILE to have N lines or more.
wait_lines() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "timed out waiting for $2 lines in $1: $(cat "$1")"
}

# wait_exit PID [SECONDS]: wait (bounded, default 30 s) for the background
# process PID to end; STATUS is its exit status.  Fails if it does not end.
wait_exit() {
	local i n=$((${2:-30} * 20))
	for ((i = 0; i < n; i++)); do
		alive "$1" || break
		sleep 0.05
	done
	if alive "$1"; then
		fail "process $1 did not exit within ${2:-30} s"
		return 1
	fi
	STATUS=0
	wait "$1" || STATUS=$?
}

# start_server [OPTION]...: sockit echo-server -p 0 OPTION... in the
# background (-p 0 unless --unix or -p is given).  Sets SRV_PID, SRV_OUT,
# SRV_ERR (its stdout and stderr files) and PORT (from the first
# "Listening on" line, or the first JSON listening event with --json).
# Every socket listens before the first line is printed.
start_server() {
	local n=${#BG_PIDS[@]} port_opt=(-p 0) a json=false
	for a in "$@"; do
		case $a in
		--unix | --unix=* | -p | --port | --port=*) port_opt=() ;;
		--json) json=true ;;
		esac
	done
	SRV_OUT=$BATS_TEST_TMPDIR/server$n.out
	SRV_ERR=$BATS_TEST_TMPDIR/server$n.err
	bg "$SRV_OUT" "$SRV_ERR" "$SOCKIT" echo-server "${port_opt[@]}" "$@"
	SRV_PID=$BG_PID
	if $json; then
		wait_for "$SRV_OUT" '"event":"listening"' "$SRV_PID" || return 1
		PORT=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' \
			"$SRV_OUT" | head -n 1)
	else
		wait_for "$SRV_ERR" '^Listening on ' "$SRV_PID" || return 1
		PORT=$(sed -n "s/^Listening on ('[^']*', \([0-9]*\).*/\1/p" \
			"$SRV_ERR" | head -n 1)
	fi
}

# stop_server [SIGNAL]: send SIGNAL (default TERM) to the server started
# last and wait (bounded) for it to exit; STATUS is its exit status.
stop_server() {
	kill "-${1:-TERM}" "$SRV_PID"
	wait_exit "$SRV_PID"
}

# start_tool_server COMMAND ARG...: one of echo_tool.py's servers in the
# background; PEER_PID and PEER_PORT.
start_tool_server() {
	local n=${#BG_PIDS[@]}
	local pf=$BATS_TEST_TMPDIR/peer$n.port
	bg "$BATS_TEST_TMPDIR/peer$n.out" "$BATS_TEST_TMPDIR/peer$n.err" \
		"$PYTHON" "$PEERS/echo_tool.py" "$1" "$pf" "${@:2}"
	PEER_PID=$BG_PID
	wait_for "$pf" '^[0-9]+$' "$PEER_PID" || return 1
	PEER_PORT=$(cat "$pf")
}

# listening PORT: whether a TCP socket listens on PORT (any address).
listening() {
	[ -n "$(ss -Hltn "sport = :$1")" ]
}

# start_reference_server SCRIPT HOST: one of the reference's servers
# (tests/peers/SCRIPT) on a port free at the moment; as it takes a fixed
# port, another program may take the port first: then try another.  Sets
# PEER_PID, PEER_PORT and PEER_OUT (its stdout).
start_reference_server() {
	local try n
	for ((try = 0; try < 5; try++)); do
		n=${#BG_PIDS[@]}
		PEER_PORT=$(tool free-port) || return 1
		PEER_OUT=$BATS_TEST_TMPDIR/peer$n.out
		bg "$PEER_OUT" "$BATS_TEST_TMPDIR/peer$n.err" \
			"$PYTHON" "$PEERS/$1" "$2" "$PEER_PORT"
		PEER_PID=$BG_PID
		for ((n = 0; n < 200; n++)); do
			listening "$PEER_PORT" && return 0
			alive "$PEER_PID" || break
			sleep 0.05
		done
		alive "$PEER_PID" && kill "$PEER_PID"
	done
	fail "could not start $1: $(cat "$BATS_TEST_TMPDIR"/peer*.err)"
}

# A port nobody listens on: bound, read and closed at once.
closed_port() {
	"$PYTHON" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Kill every background process a test started, by PID: TERM, a bounded
# wait, then KILL.
teardown() {
	local pid i
	for pid in "${BG_PIDS[@]}"; do
		alive "$pid" && kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		for ((i = 0; i < 40; i++)); do
			alive "$pid" || break
			sleep 0.05
		done
		alive "$pid" && kill -KILL "$pid" 2>/dev/null
	done
	BG_PIDS=()
	return 0
}
