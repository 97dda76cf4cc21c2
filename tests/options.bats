#!/usr/bin/env bats
# options.bats - what the option tables guarantee every command: one rule
# for ports (a decimal number 0..65535 or a service name, nothing else),
# decimal numbers for counts, and with --json a last "exit" object on
# stdout that says how the command ended.

load helpers

# The options of every command that take a PORT, as "COMMAND --OPTION".
port_options() {
	local c
	for c in $(list_commands); do
		"$SOCKIT" "$c" --list-options |
			awk -F '\t' -v c="$c" '$3 == "PORT" { print c " " $1 }'
	done
}

# expect_usage WHAT ARG...: sockit ARG... exits 2 with one message naming
# WHAT and the --help hint, and writes nothing on stdout.
expect_usage() {
	local what=$1
	shift
	run --separate-stderr timeout 10 "$SOCKIT" "$@"
	[ "$status" -eq 2 ] || fail "$*: status $status: $stderr"
	[ -z "$output" ] || fail "$*: stdout: $output"
	[[ "$stderr" == "sockit $1: $what: "* ]] ||
		fail "$*: stderr: $stderr"
	[[ "$stderr" == *"Try 'sockit $1 --help'"* ]] ||
		fail "$*: no hint: $stderr"
}

@test "every option that takes a PORT is listed as one" {
	run port_options
	[ "$status" -eq 0 ]
	[[ "$output" == *"echo-server --port"* ]]
	[[ "$output" == *"echo-client --source-port"* ]]
	[[ "$output" == *"udp-listen --port"* ]]
}

@test "a port option that is not a decimal number or a service: exit 2" {
	local line c o v
	while read -r c o; do
		for v in 0x1f90 +80 ' 80' 8080abc 65536 -1 0x50; do
			expect_usage "$o" "$c" "$o" "$v"
			expect_usage "$o" "$c" "$o=$v"
		done
	done < <(port_options)
}

@test "a PORT operand that is not a decimal number or a service: exit 2" {
	local v
	for v in 0x1f90 +80 ' 80' 8080abc 65536; do
		expect_usage PORT echo-client 127.0.0.1 "$v"
		expect_usage PORT udp-send -m x 127.0.0.1 "$v"
		expect_usage PORT resolve 127.0.0.1 "$v"
		expect_usage PORT resolve --nameinfo 127.0.0.1 "$v"
		expect_usage PORT resolve --service-port "$v"
	done
}

@test "a port of decimal digits is read in decimal: 080 is 80" {
	run --separate-stderr sockit resolve --numeric-host --every \
		127.0.0.1 080
	[ "$status" -eq 0 ]
	[[ "$output" == *"127.0.0.1"*"80"* ]]
	run --separate-stderr sockit resolve --numeric-host --every --json \
		127.0.0.1 080
	[ "$status" -eq 0 ]
	grep -q '"port":80' <<<"$output"
}

# in_netns SCRIPT ARG...: SCRIPT in bash in a network namespace of its own
# (its loopback up), so that a server may take a well-known port; bounded
# by 30 s.  wait_line FILE REGEX waits there, at most 10 s, for a line.
in_netns() {
	run --separate-stderr timeout 30 unshare -n bash -c '
		set -u
		ip link set lo up || exit 99
		wait_line() {
			local i
			for ((i = 0; i < 200; i++)); do
				grep -qE -- "$2" "$1" && return 0
				sleep 0.05
			done
			echo "no $2 in $1: $(cat "$1")" >&2
			return 1
		}
		'"$1" bash "${@:2}"
}

@test "a service name is a port: echo-server -p http, echo-client HOST http" {
	in_netns '
		s="$1" d="$2"
		"$s" echo-server -b 127.0.0.1 -p http --once \
			>"$d/out" 2>"$d/err" &
		pid=$!
		trap "kill $pid 2>/dev/null" EXIT
		wait_line "$d/err" "^Listening on" || exit 98
		"$s" echo-client -w 10 127.0.0.1 http' "$SOCKIT" "$BATS_TEST_TMPDIR"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$output" = "Received b'Hello, world'" ]
	grep -q "^Listening on ('127.0.0.1', 80)" "$BATS_TEST_TMPDIR/err"
}

@test "a service name is a port: udp-listen -p domain, udp-send HOST domain" {
	in_netns '
		s="$1" d="$2"
		"$s" udp-listen -b 127.0.0.1 -p domain --count 1 -w 20 \
			>"$d/out" 2>"$d/err" &
		pid=$!
		trap "kill $pid 2>/dev/null" EXIT
		wait_line "$d/err" "^Listening on" || exit 98
		"$s" udp-send -m hello 127.0.0.1 domain || exit 97
		wait "$pid"' "$SOCKIT" "$BATS_TEST_TMPDIR"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	grep -q "^Listening on ('127.0.0.1', 53)" "$BATS_TEST_TMPDIR/err"
	grep -q "^Got message from ('127.0.0.1', [0-9]*): b'hello'" \
		"$BATS_TEST_TMPDIR/out"
}

@test "a service of the other protocol is no port: udp-listen -p http" {
	expect_usage --port udp-listen -p http
}

@test "counts are decimal: 0x10 is a usage error, 16 is not" {
	expect_usage --count udp-send --count 0x10 -m x 127.0.0.1 9
	expect_usage --jobs resolve --jobs 0x10
	expect_usage --bufsize udp-listen --bufsize 0x100
	expect_usage --count sniff -c 0x1 -r /dev/null
	run --separate-stderr sockit resolve --jobs 16 --numeric-host \
		127.0.0.1 </dev/null
	[ "$status" -eq 0 ]
}

@test "inet-convert still reads 0x integers: they are data" {
	run --separate-stderr sockit inet-convert htons 0x1f90
	[ "$status" -eq 0 ]
	[ "$output" = 36895 ]
}

@test "--json: the last object on stdout is the exit event" {
	run --separate-stderr sockit inet-convert --json htons 1
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 <<<"$output")" = \
		'{"event":"exit","status":0,"reason":"ok"}' ]
	run --separate-stderr sockit inet-convert --json htons x
	[ "$status" -eq 1 ]
	tail -n 1 <<<"$output" | "$PYTHON" -c '
import json, sys
o = json.loads(sys.stdin.read())
assert o["event"] == "exit" and o["status"] == 1, o
assert o["reason"] and "\n" not in o["reason"], o'
}

@test "--json: a usage error after the options ends with an exit event" {
	run --separate-stderr sockit echo-server --json --unix /nonexistent -4
	[ "$status" -eq 2 ]
	[ "$output" = \
		'{"event":"exit","status":2,"reason":"cannot use --unix with --ipv4"}' ]
}

@test "--json: an error's reason is its message without the prefix" {
	run --separate-stderr sockit resolve --json --service no-such-svc-x
	[ "$status" -eq 3 ]
	tail -n 1 <<<"$output" | "$PYTHON" -c '
import json, sys
o = json.loads(sys.stdin.read())
assert o["event"] == "exit" and o["status"] == 3, o
assert not o["reason"].startswith("sockit"), o
assert o["reason"] != "failed", o'
}

@test "without --json there is no exit event" {
	run --separate-stderr sockit inet-convert htons 1
	[ "$status" -eq 0 ]
	[ "$output" = 256 ]
}

@test "--help and --list-options answer with no exit event" {
	local c a
	for c in $(list_commands); do
		for a in --help --list-options; do
			run --separate-stderr sockit "$c" --json "$a"
			[ "$status" -eq 0 ] || fail "$c $a: status $status"
			[[ "$output" != *'"event":"exit"'* ]] ||
				fail "$c $a: $output"
		done
	done
}
