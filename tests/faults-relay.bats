#!/usr/bin/env bats
# faults-relay.bats - the fault suite for the relay's commands: sockit
# forward (to an echo-server upstream, so that the scenarios of
# tests/faults/clients.py see an echo server through it) and sockit
# listen -k --exec cat (an echo server made of a command per connection):
# descriptor exhaustion, a client that never reads, an upstream that never
# reads, reset storms and vanishing clients, and a bounded soak.
#
# As in faults.bats: every wait bounded, every process killed by PID in
# teardown, numbers as "# ..." lines in the TAP output, memory judged on
# the plain build only, and no check says how fast.
# SOCKIT_SOAK_SECONDS sets the soak's length (default 20).

load helpers
load faults_helpers

# start_upstream [ARG]...: an echo-server for forward to reach; UP, UPORT.
start_upstream() {
	start_server "$@"
	UP=$SRV
	UPORT=$PORT
}

# start_forward [ARG]...: sockit forward to 127.0.0.1 UPORT; SRV, PORT.
start_forward() {
	start_sockit forward -b 127.0.0.1 -p 0 "$@" 127.0.0.1 "$UPORT"
}

@test "forward: out of descriptors (ulimit -n 64), 100 clients of 64 KiB: no spin on accept, all served once others leave" {
	start_upstream
	WRAP=(bash -c 'ulimit -n 64 && exec "$@"' limit)
	start_forward
	WRAP=()
	[ "$(awk '$1 == "Max" && $3 == "files" { print $4 }' \
		"/proc/$SRV/limits")" = 64 ]
	start=$(fds "$SRV")
	clients exhaust --clients 100 --size 65536 --pid "$SRV" --window 2 \
		--timeout 60
	note "exhaust: $output"
	first=$(get 'd["served_at_first"]')
	[ "$first" -ge 1 ]
	# Every client had its echo once the first ones left.
	[ "$(get 'd["echoed"]')" -eq 100 ] || fail "$(get 'd["states"]')"
	wait_sockets "$SRV" 1
	end=$(fds "$SRV")
	warnings=$(grep -c 'Too many open files' "$ERR" || true)
	note "descriptors (total sockets pipes): $start at start," \
		"$(get 'd["fds_while_full"]["total"]') full, $end after;" \
		"served at first: $first of 100; CPU while full:" \
		"$(get 'd["cpu_s_while_full"]') s in $(get 'd["window_s"]') s;" \
		"recovery: $(get 'd["recover_s"]') s; warnings: $warnings"
	# A listener spun on would warn at every turn of the loop.
	[ "$warnings" -le 20 ] || fail "$warnings warnings: accept spins"
	fds_back "$start" "$end"
	assert_serves
}

@test "forward: a client sending 100 MB that never reads: memory bounded, others served" {
	start_upstream
	start_forward
	nonreader_check "$SRV" "forward"
	start_forward --no-splice
	nonreader_check "$SRV" "forward --no-splice"
	assert_serves
}

@test "listen -k --exec cat: a client sending 100 MB that never reads: memory bounded, others served" {
	start_sockit listen -k -b 127.0.0.1 -p 0 --exec cat
	nonreader_check "$SRV" "listen -k --exec cat"
	assert_serves
}

@test "forward: an upstream that never reads: the client is pushed back, memory bounded, others served" {
	# The first connection upstream is accepted and never read; every
	# later one is echoed.
	"$PYTHON" -c '
import socket, sys, threading
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(64)
print(l.getsockname()[1], flush=True)
held = []
def echo(c):
    while True:
        d = c.recv(65536)
        if not d:
            break
        c.sendall(d)
    c.close()
while True:
    c, _ = l.accept()
    if not held:
        held.append(c)
    else:
        threading.Thread(target=echo, args=(c,), daemon=True).start()
' >"$BATS_TEST_TMPDIR/up.port" 3>&- &
	PIDS+=($!)
	for ((i = 0; i < 300; i++)); do
		UPORT=$(head -1 "$BATS_TEST_TMPDIR/up.port")
		[ -n "$UPORT" ] && break
		sleep 0.1
	done
	[ -n "$UPORT" ]
	start_forward
	nonreader_check "$SRV" "forward, upstream not reading"
	assert_serves
}

# storm SERVER-PID NAME: 50 clients reset mid-stream, then 50 that vanish
# (kill -9) while they stream; the server's sockets come back.
storm() {
	local fd0 sock0 pipe0 fd1 sock1 pipe1 fd2 sock2 pipe2
	read -r fd0 sock0 pipe0 <<<"$(fds "$1")"
	clients resets --clients 50 --bytes 262144
	[ "$(get 'd["results"]')" = '{"reset-sent": 50}' ] || fail "$output"
	wait_sockets "$1" "$sock0"
	read -r fd1 sock1 pipe1 <<<"$(fds "$1")"
	stream_start
	kill -KILL "${PIDS[-1]}"
	wait_sockets "$1" "$sock0"
	read -r fd2 sock2 pipe2 <<<"$(fds "$1")"
	kill -0 "$1"
	note "$2: descriptors (total/sockets/pipes) $fd0/$sock0/$pipe0 at" \
		"start, $fd1/$sock1/$pipe1 after 50 resets, $fd2/$sock2/$pipe2" \
		"after 50 vanished; VmHWM $(kib "$1" VmHWM) KiB"
	fds_back "$fd0 $sock0 $pipe0" "$fd1 $sock1 $pipe1"
	fds_back "$fd0 $sock0 $pipe0" "$fd2 $sock2 $pipe2"
	assert_serves
}

@test "forward: 50 clients reset mid-stream, 50 vanish (kill -9): no crash, no descriptor leak" {
	start_upstream
	start_forward
	storm "$SRV" forward
}

@test "listen -k --exec cat: 50 clients reset mid-stream, 50 vanish: no crash, no descriptor leak" {
	start_sockit listen -k -b 127.0.0.1 -p 0 --exec cat
	storm "$SRV" "listen -k --exec cat"
}

@test "forward: soak (mixed load): resident memory and descriptors flat" {
	sanitized && skip "memory is judged on the plain build; leaks by LeakSanitizer and valgrind"
	start_upstream
	start_forward
	# 13 clients, two sockets each in the forwarder.
	soak "$SRV" "${SOCKIT_SOAK_SECONDS:-20}" 26 --pingpong 8 --bulk 2 \
		--churn 2 --resetters 1
	kill -TERM "$SRV"
	wait_exit "$SRV" 30
	[ "$rc" -eq 0 ]
}
