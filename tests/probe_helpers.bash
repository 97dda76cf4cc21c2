# probe_helpers.bash - what probe.bats and ping.bats share: the far side
# (tests/peers/probe_peer.py) started in the background, ready once it
# printed its ports, killed by PID in teardown (echo_helpers.bash's); and
# a clock for the loose time bounds.
load echo_helpers

# peer MODE ARG...: probe_peer.py MODE ARG... in the background.  Sets
# PEER_PID, PEER_PORT (the first word it printed) and PEER_LINE.
peer() {
	local n=${#BG_PIDS[@]}
	local out=$BATS_TEST_TMPDIR/probe-peer$n.out
	bg "$out" "$BATS_TEST_TMPDIR/probe-peer$n.err" \
		"$PYTHON" "$PEERS/probe_peer.py" "$@"
	PEER_PID=$BG_PID
	wait_for "$out" '^[0-9]+' "$PEER_PID" || return 1
	PEER_LINE=$(head -n 1 "$out")
	PEER_PORT=${PEER_LINE%% *}
}

# now: seconds since the epoch, with nanoseconds.
now() {
	date +%s.%N
}

# elapsed_between T0 T1 LOW HIGH: fail unless LOW <= T1 - T0 < HIGH.
elapsed_between() {
	"$PYTHON" -c 'import sys
d = float(sys.argv[2]) - float(sys.argv[1])
lo, hi = float(sys.argv[3]), float(sys.argv[4])
sys.exit(0 if lo <= d < hi else "took %.3f s, not in [%g, %g)" % (d, lo, hi))' "$@"
}
