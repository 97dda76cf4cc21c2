#!/usr/bin/env bats
# inet-convert.bats - sockit inet-convert, as its man page describes it,
# checked by hand on the documented cases and against Python's socket module on
# thousands of generated ones.

load helpers

@test "aton 127.1 prints 7f000001, as inet_aton(3) reads it" {
	run --separate-stderr sockit inet-convert aton 127.1
	[ "$status" -eq 0 ]
	[ "$output" = 7f000001 ]
	[ -z "$stderr" ]
}

@test "--format python prints the bytes literal" {
	run --separate-stderr sockit inet-convert aton --format python 127.1 \
		65.66.67.68 39.0.0.34
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "b'\\x7f\\x00\\x00\\x01'" ]
	[ "${lines[1]}" = "b'ABCD'" ]
	[ "${lines[2]}" = "b'\\'\\x00\\x00\"'" ]
	run --separate-stderr sockit inet-convert pton -f python ::1
	[ "$output" = "b'\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01'" ]
}

@test "ntoa reads hex, 0x hex and bytes literals" {
	run --separate-stderr sockit inet-convert ntoa 7f000001 0x7F000001 \
		"b'\\x7f\\x00\\x00\\x01'" "b'ABCD'"
	[ "$status" -eq 0 ]
	[ "$output" = $'127.0.0.1\n127.0.0.1\n127.0.0.1\n65.66.67.68' ]
}

@test "pton and ntop infer the family, -4 and -6 force it" {
	run --separate-stderr sockit inet-convert pton 10.1.2.3 fe80::1 ::ffff:1.2.3.4
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0a010203 ]
	[ "${lines[1]}" = fe800000000000000000000000000001 ]
	[ "${lines[2]}" = 00000000000000000000ffff01020304 ]
	run --separate-stderr sockit inet-convert ntop 0a010203 \
		fe800000000000000000000000000001
	[ "$output" = $'10.1.2.3\nfe80::1' ]
	run --separate-stderr sockit inet-convert pton --ipv6 1.2.3.4
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit inet-convert: '1.2.3.4': illegal IP address string passed to inet_pton" ]
	run --separate-stderr sockit inet-convert ntop -4 fe800000000000000000000000000001
	[ "$status" -eq 1 ]
	[[ "$stderr" == *": invalid length of packed IP address string" ]]
	run --separate-stderr sockit inet-convert ntop -6 7f000001
	[ "$status" -eq 1 ]
}

@test "wrong packed lengths give the documented errors, exit 1" {
	run --separate-stderr sockit inet-convert ntoa 7f0000
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit inet-convert: '7f0000': packed IP wrong length for inet_ntoa" ]
	run --separate-stderr sockit inet-convert ntop 7f000001ff
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit inet-convert: '7f000001ff': invalid length of packed IP address string" ]
	run --separate-stderr sockit inet-convert ntoa 7f00000
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"odd number of hex digits" ]]
}

@test "integers: decimal or 0x in, decimal out, in range" {
	run --separate-stderr sockit inet-convert htons 1 0x0100 65535
	[ "$status" -eq 0 ]
	[ "$output" = $'256\n1\n65535' ]
	run --separate-stderr sockit inet-convert htonl 1
	[ "$output" = 16777216 ]
	run --separate-stderr sockit inet-convert ntohl 0x01000000
	[ "$output" = 1 ]
	run --separate-stderr sockit inet-convert ntohs 256
	[ "$output" = 1 ]
}

@test "out-of-range integers fail with Python's messages, exit 1" {
	run --separate-stderr sockit inet-convert htons 65536
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit inet-convert: '65536': htons: Python int too large to convert to C 16-bit unsigned integer" ]
	run --separate-stderr sockit inet-convert htons -- -1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"htons: can't convert negative Python int to C 16-bit unsigned integer" ]]
	run --separate-stderr sockit inet-convert htonl 4294967296
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"int larger than 32 bits" ]]
	run --separate-stderr sockit inet-convert ntohl 99999999999999999999999
	[ "$status" -eq 1 ]
	run --separate-stderr sockit inet-convert ntohl 12abc
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"'12abc': invalid number" ]]
}

@test "a bad VALUE among good ones: the good ones print, exit 1" {
	run --separate-stderr sockit inet-convert aton 1.2.3.4 300.1.1.1.1 5.6.7.8
	[ "$status" -eq 1 ]
	[ "$output" = $'01020304\n05060708' ]
	[ "$stderr" = "sockit inet-convert: '300.1.1.1.1': illegal IP address string passed to inet_aton" ]
}

@test "usage errors exit 2 before doing anything" {
	local cases=(
		""
		"frob 1"
		"aton --ipv4 --ipv6 1.2.3.4"
		"aton --ipv6 1.2.3.4"
		"ntoa -6 7f000001"
		"htons -4 1"
		"ntoa --format python 7f000001"
		"htons -f hex 1"
		"aton --format base64 1.2.3.4"
		"aton --format"
		"aton --no-such-option"
		"aton -z"
	)
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr sockit inet-convert $c
		[ "$status" -eq 2 ] || fail "'$c' exited $status"
		[ -z "$output" ] || fail "'$c' printed $output"
		[[ "$stderr" == "sockit inet-convert: "* ]] || fail "'$c': $stderr"
		[[ "$stderr" == *"Try 'sockit inet-convert --help'"* ]]
	done
}

@test "stdin batch: one result per line, a bad line reported, the rest go on" {
	run --separate-stderr sockit inet-convert aton < <(printf '127.1\nnope\n10.0.0.1\r\n\n1.2.3.4')
	[ "$status" -eq 1 ]
	[ "$output" = $'7f000001\n0a000001\n01020304' ]
	[ "${stderr_lines[0]}" = "sockit inet-convert: line 2: illegal IP address string passed to inet_aton" ]
	[ "${stderr_lines[1]}" = "sockit inet-convert: line 4: illegal IP address string passed to inet_aton" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "stdin batch: empty input is no output and success" {
	run --separate-stderr sockit inet-convert ntoa </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "stdin batch: NUL bytes and invalid UTF-8 are bad lines, not the end" {
	run --separate-stderr sockit inet-convert aton < <(printf '1.2.3.4\n1.2\0003.4\n\377\376\n5.6.7.8\n')
	[ "$status" -eq 1 ]
	[ "$output" = $'01020304\n05060708' ]
	[ "${stderr_lines[0]}" = "sockit inet-convert: line 2: embedded null character" ]
	[ "${stderr_lines[1]}" = "sockit inet-convert: line 3: illegal IP address string passed to inet_aton" ]
}

@test "stdin batch: a line over 1 MiB is refused and the next is read" {
	{ echo 1.2.3.4; head -c 3000000 /dev/zero | tr '\0' 1; echo; echo 5.6.7.8; } >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr sockit inet-convert aton <"$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$output" = $'01020304\n05060708' ]
	[ "$stderr" = "sockit inet-convert: line 2: line longer than 1048576 bytes" ]
	run --separate-stderr sockit inet-convert aton --json <"$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	without_exit 1
	[ "${lines[1]}" = '{"line":2,"error":"line longer than 1048576 bytes"}' ]
	[ "${#lines[@]}" -eq 3 ]
	[ -z "$stderr" ]
}

@test "--json: one object per input, errors included, valid JSON" {
	run --separate-stderr sockit inet-convert aton --json < <(printf '127.1\nbad\n\377\n')
	[ "$status" -eq 1 ]
	without_exit 1
	[ -z "$stderr" ]
	run "$PYTHON" -c '
import json, sys
recs = [json.loads(l) for l in sys.argv[1].splitlines()]
assert recs[0] == {"input": "127.1", "output": "7f000001"}, recs[0]
assert recs[1] == {"input": "bad", "error": "illegal IP address string passed to inet_aton"}, recs[1]
assert recs[2]["input"] == "\ufffd" and "error" in recs[2], recs[2]
assert len(recs) == 3
' "$output"
	[ "$status" -eq 0 ]
}

@test "--json: integer results are numbers" {
	run --separate-stderr sockit inet-convert htons --json 1
	[ "$status" -eq 0 ]
	without_exit 0
	[ "$output" = '{"input":"1","output":256}' ]
}

@test "interactive: each line is answered before the next is read" {
	coproc CONV { exec "$SOCKIT" inet-convert aton; }
	echo 127.1 >&"${CONV[1]}"
	read -r -t 10 line <&"${CONV[0]}"
	[ "$line" = 7f000001 ]
	echo 10.1 >&"${CONV[1]}"
	read -r -t 10 line <&"${CONV[0]}"
	[ "$line" = 0a000001 ]
	pid=$CONV_PID
	exec {CONV[1]}>&-
	wait "$pid"
}

@test "agrees with Python's socket module on generated inputs" {
	run "$PYTHON" "$TOP/tests/oracle/inet_convert.py" 3000
	echo "$output"
	[ "$status" -eq 0 ]
}
