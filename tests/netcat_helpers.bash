# netcat_helpers.bash - shared set-up for the connect and listen tests, on
# top of echo_helpers.bash (background processes killed by PID in
# teardown, bounded waits): the peers of tests/peers/netcat_peers.py
# (the EOF matrix's server and client, a SOCKS5 proxy, the LISTEN_FDS and
# inetd launchers), sockit listen in the background with the port it
# picked, real peers that take a fixed port (nc.openbsd, ncat, socat) on
# a port free at the moment, and a stdin that never ends without a
# process behind it.
load echo_helpers

# peer COMMAND ARG...: tests/peers/netcat_peers.py.
peer() {
	"$PYTHON" "$PEERS/netcat_peers.py" "$@"
}

# start_peer NAME COMMAND ARG...: a netcat_peers.py server in the
# background, writing its port to a file; PEER_PID, PEER_PORT and
# PEER_OUT (its stdout).
start_peer() {
	local pf=$BATS_TEST_TMPDIR/$1.port
	PEER_OUT=$BATS_TEST_TMPDIR/$1.out
	bg "$PEER_OUT" "$BATS_TEST_TMPDIR/$1.err" "$PYTHON" \
		"$PEERS/netcat_peers.py" "$2" "$pf" "${@:3}"
	PEER_PID=$BG_PID
	wait_for "$pf" '^[0-9]+$' "$PEER_PID" || return 1
	PEER_PORT=$(cat "$pf")
}

# start_listen [OPTION]...: sockit listen -b 127.0.0.1 -p 0 OPTION... in
# the background (no -b/-p with --unix), stdin BG_IN; L_PID, L_OUT, L_ERR
# and L_PORT, from its "Listening on" line (its listening event with
# --json).
start_listen() {
	local n=${#BG_PIDS[@]} where=(-b 127.0.0.1 -p 0) a json=false
	for a in "$@"; do
		case $a in
		--unix | -p | -b) where=() ;;
		--json) json=true ;;
		esac
	done
	L_OUT=$BATS_TEST_TMPDIR/listen$n.out
	L_ERR=$BATS_TEST_TMPDIR/listen$n.err
	bg "$L_OUT" "$L_ERR" no7 "$SOCKIT" listen "${where[@]}" "$@"
	L_PID=$BG_PID
	if $json; then
		wait_for "$L_OUT" '"event":"listening"' "$L_PID" || return 1
		L_PORT=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' \
			"$L_OUT" | head -n 1)
		return 0
	fi
	wait_for "$L_ERR" '^Listening on ' "$L_PID" || return 1
	L_PORT=$(sed -n "s/^Listening on ('[^']*', \([0-9]*\).*/\1/p" \
		"$L_ERR" | head -n 1)
}

# start_on_free_port NAME COMMAND...: COMMAND, where the word PORT is
# replaced by a TCP port free at the moment, in the background; another
# program may take the port first: then try another.  FIXED_PID,
# FIXED_PORT, FIXED_OUT.
start_on_free_port() {
	local name=$1 try i args a
	shift
	for ((try = 0; try < 5; try++)); do
		FIXED_PORT=$(tool free-port) || return 1
		args=()
		for a in "$@"; do args+=("${a//PORT/$FIXED_PORT}"); done
		FIXED_OUT=$BATS_TEST_TMPDIR/$name.out
		bg "$FIXED_OUT" "$BATS_TEST_TMPDIR/$name.err" "${args[@]}"
		FIXED_PID=$BG_PID
		for ((i = 0; i < 200; i++)); do
			listening "$FIXED_PORT" && return 0
			alive "$FIXED_PID" || break
			sleep 0.05
		done
		alive "$FIXED_PID" && kill "$FIXED_PID"
	done
	fail "could not start $1: $(cat "$BATS_TEST_TMPDIR/$name.err")"
}

# endless_stdin: a FIFO held open for writing by the test's shell itself
# (descriptor 7), so that a reader of it sees no EOF until close_stdin;
# ENDLESS is its path.  Start its reader with no7, or it holds the FIFO
# open itself.
endless_stdin() {
	ENDLESS=$BATS_TEST_TMPDIR/endless
	mkfifo "$ENDLESS"
	exec 7<>"$ENDLESS"
}

close_stdin() {
	exec 7>&-
}

# no7 COMMAND...: for bg only (it runs in a subshell of its own, which
# it replaces): COMMAND without the test's descriptor 7.
no7() {
	exec "$@" 7>&-
}

# sha FILE: the sha256 of FILE, alone.
sha() {
	sha256sum "$1" | cut -d' ' -f1
}

# pattern_file FILE SIZE: the peers' pattern of SIZE bytes into FILE.
pattern_file() {
	peer pattern "$2" >"$1"
}

# summary FILE: what a peer prints for FILE's bytes.
summary() {
	peer summary <"$1"
}

# json_check FILE PROGRAM [ARG]...: python3 with the events of FILE (one
# JSON object per line, each must parse) in the list ev and the ARGs from
# sys.argv[2]; PROGRAM asserts.
json_check() {
	"$PYTHON" -c 'import base64, json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
'"$2" "$1" "${@:3}"
}
