# udp-helpers.bash - what udp-send.bats and udp-listen.bats share: servers
# started in the background and stopped by PID in teardown, the port a
# listener got, free ports for the reference's Python peers (which take
# their port from argv), and network namespaces of the tests' own for
# multicast and broadcast, deleted in teardown.  Every wait is bounded.
load helpers

PEERS=$TOP/tests/peers
BG_PIDS=()
NETNS=()

udp_teardown() {
	local p n
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${BG_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	for n in "${NETNS[@]}"; do
		ip netns del "$n" 2>/dev/null || true
	done
	BG_PIDS=()
	NETNS=()
}

# bg OUT ERR CMD...: start CMD in the background, stdout to OUT and
# stderr to ERR; its PID in $BG_PID, and stopped in teardown.
bg() {
	local out=$1 err=$2
	shift 2
	"$@" >"$out" 2>"$err" &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# wait_for FILE PATTERN [N]: wait (up to 30 s) until FILE has N (default
# 1) lines matching the extended regular expression PATTERN.
wait_for() {
	local i end n=${3:-1}
	for ((i = 0, end = SECONDS + 30; i < 600 && SECONDS < end; i++)); do
		[ "$(grep -cE -- "$2" "$1" 2>/dev/null)" -ge "$n" ] && return 0
		sleep 0.05
	done
	fail "timed out waiting for '$2' in $1: $(cat "$1")"
}

# wait_exit PID [SECONDS]: wait (up to SECONDS, default 30) for PID to
# end; its exit status in $EXIT.
wait_exit() {
	local i end
	for ((i = 0, end = SECONDS + ${2:-30}; i < ${2:-30} * 20 &&
	    SECONDS <= end; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$1" 2>/dev/null && fail "PID $1 still running"
	EXIT=0
	wait "$1" || EXIT=$?
}

# listen [NS] ARGS...: start `sockit udp-listen -p 0 ARGS` (in network
# namespace NS when the first argument is "-n NS") with stdout to
# $T/out and stderr to $T/err; wait for its "Listening on" line(s)
# ($LISTEN_LINES, default 1); the port it got in $PORT, its PID in $LPID.
listen() {
	local -a pre=()
	if [ "$1" = -n ]; then
		pre=(ip netns exec "$2")
		shift 2
	fi
	# Emptied here, so that an earlier listener's lines are not taken
	# for this one's.
	: >"$T/out"
	: >"$T/err"
	bg "$T/out" "$T/err" "${pre[@]}" "$SOCKIT" udp-listen -p 0 "$@"
	LPID=$BG_PID
	if [[ " $* " == *" --json "* ]]; then
		# JSON: the listening events are on stdout, not stderr.
		wait_for "$T/out" '"event":"listening"' "${LISTEN_LINES:-1}"
		PORT=$(sed -nE 's/.*"event":"listening".*"port":([0-9]+).*/\1/p' \
			"$T/out" | head -1)
	else
		wait_for "$T/err" '^Listening on .*\)$' "${LISTEN_LINES:-1}"
		PORT=$(sed -nE "s/^Listening on \('[^']*', ([0-9]+)[,)].*/\1/p" \
			"$T/err" | head -1)
	fi
	[ -n "$PORT" ] || fail "no port in: $(cat "$T/err")"
}

# A UDP port that is free on 127.0.0.1 now (the kernel's choice).
free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_bound PORT: wait (up to 30 s) until a UDP socket is bound to PORT.
wait_bound() {
	local i end hex
	hex=$(printf ':%04X ' "$1")
	for ((i = 0, end = SECONDS + 30; i < 600 && SECONDS < end; i++)); do
		grep -q "$hex" /proc/net/udp /proc/net/udp6 2>/dev/null &&
			return 0
		sleep 0.05
	done
	fail "nothing bound to UDP port $1"
}

# netns NAME: a network namespace of the test's own, with lo up and
# multicast on; its name in $NS.  Skips the test when it cannot be made.
netns() {
	NS=sockit-$1-$$
	ip netns add "$NS" 2>/dev/null ||
		skip "cannot create a network namespace (needs root)"
	NETNS+=("$NS")
	ip -n "$NS" link set lo up
	ip -n "$NS" link set lo multicast on
}

# The Python repr line of the reference for datagram bytes given as a
# Python expression: "Got message from ADDR: b'...'" with ADDR as given.
py_line() {
	"$PYTHON" -c "import sys
print('Got message from %s: %s' % (sys.argv[1], $2))" "$1"
}
