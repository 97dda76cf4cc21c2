#!/usr/bin/env bats
# dispatcher.bats - the sockit binary itself: dispatch by subcommand and by
# argv[0], --help, --version, usage errors and the exit statuses of sockit(1).

load helpers

@test "bare sockit lists the commands on stderr and exits 2" {
	run --separate-stderr sockit
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"usage: sockit COMMAND"* ]]
	for c in $(list_commands); do [[ "$stderr" == *"  $c "* ]]; done
}

@test "--help, -h and help list every command on stdout and exit 0" {
	for arg in --help -h help; do
		run --separate-stderr sockit "$arg"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		for c in $(list_commands); do
			[[ "$output" == *"  $c "* ]] || fail "$arg: no $c"
		done
	done
}

@test "help SUB is SUB --help" {
	for c in $(list_commands); do
		run --separate-stderr sockit help "$c"
		[ "$status" -eq 0 ]
		a=$output
		run --separate-stderr sockit "$c" --help
		[ "$status" -eq 0 ]
		[ "$a" = "$output" ]
		[[ "$output" == "usage: sockit $c "* ]]
	done
}

@test "help with an unknown command exits 2" {
	run --separate-stderr sockit help no-such-command
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'no-such-command' is not a sockit command"* ]]
}

@test "--version prints sockit X.Y.Z" {
	run --separate-stderr sockit --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^sockit\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[ -z "$stderr" ]
}

@test "an unknown command exits 2 with a hint" {
	run --separate-stderr sockit frobnicate
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"'frobnicate' is not a sockit command"* ]]
	[[ "$stderr" == *"sockit --help"* ]]
}

@test "command names match exactly, never by prefix" {
	run --separate-stderr sockit inet-conv aton 127.1
	[ "$status" -eq 2 ]
	run --separate-stderr sockit INET-CONVERT aton 127.1
	[ "$status" -eq 2 ]
}

@test "an unknown option before the command exits 2" {
	run --separate-stderr sockit --frob
	[ "$status" -eq 2 ]
	[[ "$stderr" == "sockit: unrecognized option '--frob'"* ]]
}

@test "multi-call: links named sockit-SUB and SUB run SUB" {
	d=$BATS_TEST_TMPDIR/bin
	mkdir -p "$d"
	for c in $(list_commands); do
		ln -s "$SOCKIT" "$d/sockit-$c"
		ln -s "$SOCKIT" "$d/$c"
		run --separate-stderr "$d/sockit-$c" --help
		[ "$status" -eq 0 ]
		[[ "$output" == "usage: sockit $c "* ]]
		run --separate-stderr "$d/$c" --help
		[ "$status" -eq 0 ]
		[[ "$output" == "usage: sockit $c "* ]]
	done
	run --separate-stderr "$d/sockit-inet-convert" aton 127.1
	[ "$status" -eq 0 ]
	[ "$output" = 7f000001 ]
	run --separate-stderr "$d/inet-convert" --frob
	[ "$status" -eq 2 ]
	[[ "$stderr" == "sockit inet-convert: unrecognized option '--frob'"* ]]
}

@test "a link with another name runs the dispatcher" {
	ln -s "$SOCKIT" "$BATS_TEST_TMPDIR/netthing"
	run --separate-stderr "$BATS_TEST_TMPDIR/netthing" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "sockit "* ]]
}

@test "a full disk on stdout is an error, exit 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr sh -c '"$SOCKIT" --help >/dev/full'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"write error: No space left on device"* ]]
	run --separate-stderr sh -c '"$SOCKIT" inet-convert aton 127.1 >/dev/full'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"No space left on device"* ]]
}

@test "a reader that goes away (EPIPE) ends quietly" {
	# 200,000 lines is far more than one pipe buffer holds.
	run --separate-stderr bash -c 'yes 127.1 | head -n 200000 |
		"$SOCKIT" inet-convert aton | head -n 1'
	[ "$status" -eq 0 ]
	[ "$output" = 7f000001 ]
	[ -z "$stderr" ]
}

@test "--list-commands gives name and summary, tab-separated" {
	run --separate-stderr sockit --list-commands
	[ "$status" -eq 0 ]
	while IFS=$'\t' read -r name summary; do
		[[ "$name" =~ ^[a-z][a-z-]+$ ]]
		[ -n "$summary" ]
	done <<<"$output"
	[[ "$output" == *"inet-convert"* ]]
}
