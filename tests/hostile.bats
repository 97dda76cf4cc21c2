#!/usr/bin/env bats
# hostile.bats - hostile input everywhere (issue 7): every option argument
# of every command, generated from --list-commands and --list-options so
# that a new command is covered the day it is added, gets empty,
# non-numeric, negative, overflowing, 128 KiB, invalid UTF-8 and
# terminal-escape values; tests/hostile.table lists the exceptions to
# "exit 2 with one message and the --help hint".  Then the stdin modes
# (inet-convert's and resolve's batches) get NUL bytes, invalid UTF-8,
# escapes, CRLF, a 1 MiB line and no final newline; and bytes from the
# network with escapes in them must reach stdout escaped.
#
# No value may crash a command (a signal), hang it (10 s), or put a raw
# control byte of its own on stdout or stderr.

load helpers

TABLE=$TOP/tests/hostile.table
CLASSES=(empty nonnum negative overflow long utf8 escape)
ESCAPE=$'\e[2J\e]0;pwned\a'
# One argument is at most 128 KiB with its NUL (MAX_ARG_STRLEN).
LONG=$(head -c 131000 /dev/zero | tr '\0' x)

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	PEER_PID=
}

teardown() {
	if [ -n "$PEER_PID" ]; then
		kill "$PEER_PID" 2>/dev/null || true
		wait "$PEER_PID" 2>/dev/null || true
	fi
}

# start_peer MODE: tests/hostile-peer in the background (PEER_PID), and
# the port it printed (PEER_PORT).
start_peer() {
	rm -f peer.fifo
	mkfifo peer.fifo
	"$PYTHON" "$TOP/tests/hostile-peer" "$1" >peer.fifo &
	PEER_PID=$!
	read -r -t 10 PEER_PORT <peer.fifo || fail "hostile-peer $1: no port"
}

# net_check LABEL KIND: the run whose status is in $st and whose output
# is in out and err ended in time, not on a signal, with a documented
# status and no raw control byte; human output shows a bytes literal.
net_check() {
	local label=$1 kind=$2
	add "$(check "${label%% *}" "$label" any "$st" out err \
		"$([ "$kind" = json ] && echo json || echo batch)")"
	if [ "$kind" = json ]; then
		grep -q '"data_b64"' out || add "$label: no data_b64 in $(head -c 200 out | cat -v)"
	else
		grep -qE "b'|b\"" out || add "$label: no bytes literal in $(head -c 200 out | cat -v)"
	fi
}

value_of() {
	case $1 in
	empty) printf '' ;;
	nonnum) printf abc ;;
	negative) printf -- -1 ;;
	overflow) printf 99999999999999999999 ;;
	long) printf '%s' "$LONG" ;;
	utf8) printf '\377\376' ;;
	escape) printf '%s' "$ESCAPE" ;;
	esac
}

# The options of command $1 that take an argument: "LONG SHORT" per line,
# SHORT "-" when there is none.  (read's IFS would merge empty fields.)
arg_options() {
	"$SOCKIT" "$1" --list-options |
		awk -F'\t' '$3 != "" { print $1, ($2 == "" ? "-" : $2) }'
}

# add TEXT: one more problem (a line) for the test's report.
add() {
	[ -z "$1" ] || problems+="$1"$'\n'
}

# Whether a file holds a raw control byte a hostile value could carry:
# ESC, BEL, C1's CSI (\233) or the invalid UTF-8 bytes \377 and \376.
has_raw() {
	LC_ALL=C grep -q $'[\e\a\233\377\376]' "$1"
}

# check CMD LABEL EXPECT STATUS OUT ERR [KIND]: the rules every run obeys.
# KIND is opt (one message, or a usage error's two lines), batch (one
# message per bad line) or json (errors are JSON on stdout: stderr empty).
# Prints what is wrong, nothing when all is well.  It runs once for each
# of some two thousand runs, so stderr is read with bash's own mapfile
# (its lines and their bytes) and both files searched by one grep.
check() {
	local cmd=$1 label=$2 want=$3 st=$4 out=$5 err=$6 kind=${7:-opt} n
	local LC_ALL=C raw bytes=0 line lines=()
	if [ "$st" -eq 124 ]; then
		echo "$label: hung (killed after 10 s)"
		return
	fi
	[ "$st" -lt 128 ] || echo "$label: died on signal $((st - 128))"
	case $want in
	any) [ "$st" -le 5 ] || echo "$label: exit $st, not 0-5" ;;
	*) [[ "|$want|" == *"|$st|"* ]] || echo "$label: exit $st, want $want" ;;
	esac
	# The names of the files with a raw byte (has_raw's), one a line.
	raw=$'\n'$(grep -l $'[\e\a\233\377\376]' "$out" "$err")$'\n' || true
	[[ $raw != *$'\n'"$out"$'\n'* ]] ||
		echo "$label: a raw control byte on stdout"
	[[ $raw != *$'\n'"$err"$'\n'* ]] ||
		echo "$label: a raw control byte on stderr"
	mapfile -t lines <"$err"
	for line in "${lines[@]}"; do
		bytes=$((bytes + ${#line} + 1))
	done
	[ "$bytes" -le 2048 ] || echo "$label: $bytes bytes on stderr"
	n=${#lines[@]}
	if [ "$kind" = json ]; then
		# JSON on stdout; a failure may still say why, in one line
		# on stderr (echo-client's "echo differs", exit 5).
		if [ "$st" -eq 0 ]; then
			[ "$n" -eq 0 ] || echo "$label: $n lines on stderr"
		else
			[ "$n" -le 1 ] || echo "$label: $n lines on stderr"
			[ "$n" -eq 0 ] || [[ ${lines[0]} == "sockit $cmd: "* ]] ||
				echo "$label: message lacks 'sockit $cmd: '"
		fi
	elif [ "$st" -eq 2 ]; then
		[ "$n" -eq 2 ] || echo "$label: usage error in $n lines"
		[[ ${lines[0]-} == "sockit $cmd: "* ]] ||
			echo "$label: message lacks 'sockit $cmd: '"
		[ "${lines[1]-}" = "Try 'sockit $cmd --help' for more information." ] ||
			echo "$label: no --help hint"
		[ -s "$out" ] && echo "$label: output on a usage error"
	elif [ "$st" -ne 0 ]; then
		if [ "$want" = any ] || [ "$kind" = batch ]; then
			grep -v "^sockit $cmd: " "$err" | grep -qv "^Try 'sockit" &&
				echo "$label: a message without 'sockit $cmd: '"
		else
			[ "$n" -eq 1 ] || echo "$label: error in $n lines"
			[[ ${lines[0]-} == "sockit $cmd: "* ]] ||
				echo "$label: message lacks 'sockit $cmd: '"
		fi
	fi
	return 0
}

# run_one CMD LABEL EXPECT ARG...: run, check, print what is wrong (call
# it as it is, not in $(...): a subshell for each of the runs is a fork
# each).
run_one() {
	local cmd=$1 label=$2 want=$3 st=0
	shift 3
	timeout 10 "$SOCKIT" "$cmd" "$@" </dev/null >out 2>err || st=$?
	check "$cmd" "$label" "$want" "$st" out err
}


# expect_each CLASS: each "CMD LONG SHORT" line on stdin, with the EXPECT
# of the first table row that matches CMD, LONG and CLASS after it (2
# when none matches).
expect_each() {
	awk -v k="$1" '
		NR == FNR {
			if ($0 ~ /^[ \t]*(#|$)/)
				next
			c[++rows] = $1; o[rows] = $2; cl[rows] = $3
			e[rows] = $4
			next
		}
		{
			want = 2
			for (r = 1; r <= rows; r++)
				if ((c[r] == $1 || c[r] == "*") &&
				    (o[r] == $2 || o[r] == "*") &&
				    (cl[r] == k || cl[r] == "*")) {
					want = e[r]
					break
				}
			print $0, want
		}' "$TABLE" -
}

# hostile_runs K CLASS VALUE RUN...: the runs (each "CMD LONG SHORT
# EXPECT") at places K, K+2, ... with VALUE: every option as
# --long=VALUE and, when it has one, as -s VALUE.  Prints what is wrong;
# the number of runs goes to the file ran.
hostile_runs() {
	local k=$1 class=$2 value=$3 i=-1 n=0 r cmd long short want
	shift 3
	for r in "$@"; do
		i=$((i + 1))
		[ $((i % 2)) -eq "$k" ] || continue
		read -r cmd long short want <<<"$r"
		[ "$want" != skip ] || continue
		run_one "$cmd" "$cmd $long=<$class>" "$want" "$long=$value"
		n=$((n + 1))
		[ "$short" != - ] || continue
		run_one "$cmd" "$cmd $short <$class>" "$want" "$short" "$value"
	done
	echo "$n" >ran
}

# Every command, every option with an argument (long form, and the short
# form when there is one), one value class.  The runs are independent:
# two workers, each in a folder of its own, share them out, one core each.
hostile_class() {
	local class=$1 value cmd k runs=() pids=() problems=""
	value=$(value_of "$class")
	mapfile -t runs < <(for cmd in $(list_commands); do
		arg_options "$cmd" | sed "s/^/$cmd /"
	done | expect_each "$class")
	for k in 0 1; do
		mkdir "w$k"
		(cd "w$k" && hostile_runs "$k" "$class" "$value" "${runs[@]}" \
			>report) 3>&- &
		pids+=("$!")
	done
	for k in 0 1; do
		wait "${pids[k]}" || fail "worker $k: exit status $?"
	done
	[ $(($(cat w0/ran) + $(cat w1/ran))) -gt 0 ] ||
		fail "no option took an argument"
	problems=$(cat w0/report w1/report)
	[ -z "$problems" ] || fail "$problems"
}

@test "the table names real classes and statuses" {
	local bad
	bad=$(awk '/^[ \t]*(#|$)/ { next }
		NF < 4 || $3 !~ /^(\*|empty|nonnum|negative|overflow|long|utf8|escape)$/ ||
		$4 !~ /^(any|skip|[0-5](\|[0-5])*)$/ { print FILENAME ":" NR ": " $0 }' \
		"$TABLE")
	[ -z "$bad" ] || fail "$bad"
}

@test "every option: an empty argument" {
	hostile_class empty
}

@test "every option: a non-numeric argument" {
	hostile_class nonnum
}

@test "every option: a negative argument" {
	hostile_class negative
}

@test "every option: an overflowing argument" {
	hostile_class overflow
}

@test "every option: a 128 KiB argument" {
	hostile_class long
}

@test "every option: an invalid UTF-8 argument" {
	hostile_class utf8
}

@test "every option: an argument full of terminal escapes" {
	hostile_class escape
}

@test "every command: hostile unknown options and missing arguments" {
	local cmd long short problems
	for cmd in $(list_commands); do
		for o in "--$ESCAPE" "-$ESCAPE" $'-\377' $'--\377\376' \
			"--$LONG" "-"$'\a'; do
			run_one "$cmd" "$cmd <unknown option>" 2 "$o"
		done
		# A last option that needs an argument and has none.
		while read -r long short; do
			run_one "$cmd" "$cmd $long<none>" 2 "$long"
			[ "$short" != - ] || continue
			run_one "$cmd" "$cmd $short<none>" 2 "$short"
		done < <(arg_options "$cmd")
	done >report
	problems=$(cat report)
	[ -z "$problems" ] || problems+=$'\n'
	# The dispatcher itself.
	add "$(cd "$BATS_TEST_TMPDIR" &&
		timeout 10 "$SOCKIT" "$ESCAPE" </dev/null >out 2>err; st=$?
		[ "$st" -eq 2 ] || echo "sockit <escape>: exit $st"
		has_raw err && echo "sockit <escape>: raw bytes on stderr"
		timeout 10 "$SOCKIT" help "$ESCAPE" </dev/null >out 2>err; st=$?
		[ "$st" -eq 2 ] || echo "sockit help <escape>: exit $st"
		has_raw err && echo "sockit help <escape>: raw bytes on stderr"
		true)"
	[ -z "$problems" ] || fail "$problems"
}

@test "hostile operands: quoted in messages, never raw" {
	local problems="" v
	# '' is a name for resolve (the wildcard address, as in Python).
	for v in "$ESCAPE" $'\377\376' "$LONG"; do
		add "$(run_one inet-convert "inet-convert aton <operand>" 1 \
			aton "$v")"
		add "$(run_one inet-convert "inet-convert ntoa <operand>" 1 \
			ntoa "$v")"
		add "$(run_one inet-convert "inet-convert htons <operand>" 1 \
			htons -- "$v")"
		add "$(run_one resolve "resolve <name>" 3 "$v")"
		add "$(run_one resolve "resolve --byname <name>" 3 \
			--byname "$v")"
		add "$(run_one resolve "resolve --service <name>" 3 \
			--service "$v")"
		add "$(run_one resolve "resolve --protocol <name>" 3 \
			--protocol "$v")"
		add "$(run_one inet-convert "inet-convert <operation>" 2 "$v")"
	done
	[ -z "$problems" ] || fail "$problems"
}

@test "resolve --fqdn and --python: a name given back is escaped" {
	# getfqdn answers a name it cannot resolve with the name itself.
	run --separate-stderr sockit resolve --fqdn $'evil\e[2J'
	[ "$status" -eq 0 ]
	[ "$output" = 'evil\033[2J' ]
	run --separate-stderr sockit resolve --fqdn --python $'evil\e[2J\xc2\x9b'
	[ "$status" -eq 0 ]
	[ "$output" = "'evil\\x1b[2J\\x9b'" ]
	# Python's own repr of the same str.
	[ "$output" = "$("$PYTHON" -c 'print(repr("evil\x1b[2J\x9b"))')" ]
	# Printable UTF-8 stays as it is.
	run --separate-stderr sockit resolve --fqdn $'caf\xc3\xa9.test'
	[ "$output" = $'caf\xc3\xa9.test' ]
}

# A batch for stdin: GOOD, a NUL inside a line, invalid UTF-8, escapes, a
# line over 1 MiB, GOOD with CRLF, and GOOD without a final newline.
hostile_stdin() {
	printf '%s\n' "$1"
	printf '%s\0%s\n' "$1" "$1"
	printf '\377\376\n'
	printf '%s\n' "$ESCAPE"
	head -c 1048600 /dev/zero | tr '\0' 7
	printf '\n%s\r\n%s' "$1" "$1"
}

# stdin_case CMD WANT-STATUS GOOD ARG...: the batch above; the good lines
# answered in order, the same as GOOD given alone, each bad one reported
# on one line, nothing raw, and the same in --json.
stdin_case() {
	local cmd=$1 want=$2 good=$3 st=0 one label
	shift 3
	label="$cmd $* <stdin>"
	one=$("$SOCKIT" "$cmd" "$@" "$good")
	[ -n "$one" ] || { echo "$label: $good gives nothing"; return; }
	# resolve's batch lines carry their input before the answer.
	[ "$cmd" != resolve ] || one=$(sed "s/^/$good /" <<<"$one")
	hostile_stdin "$good" >in
	timeout 10 "$SOCKIT" "$cmd" "$@" <in >out 2>err || st=$?
	check "$cmd" "$label" "$want" "$st" out err batch
	[ "$(cat out)" = "$one"$'\n'"$one"$'\n'"$one" ] ||
		echo "$label: the good lines were not answered in order"
	[ "$(wc -l <err)" -eq 4 ] ||
		echo "$label: $(wc -l <err) messages for 4 bad lines"
	st=0
	timeout 10 "$SOCKIT" "$cmd" --json "$@" <in >out 2>err || st=$?
	check "$cmd" "$label --json" "$want" "$st" out err json
	"$PYTHON" -c '
import json, sys
n = 0
for line in open(sys.argv[1], "rb"):
    json.loads(line)
    n += 1
sys.exit(0 if n >= 7 else 1)' out || echo "$label --json: not 7 JSON objects"
	return 0
}

@test "inet-convert: every operation on a hostile stdin" {
	local problems=""
	add "$(stdin_case inet-convert 1 127.1 aton)"
	add "$(stdin_case inet-convert 1 7f000001 ntoa)"
	add "$(stdin_case inet-convert 1 ::1 pton)"
	add "$(stdin_case inet-convert 1 7f000001 ntop)"
	add "$(stdin_case inet-convert 1 80 htons)"
	add "$(stdin_case inet-convert 1 80 htonl)"
	add "$(stdin_case inet-convert 1 80 ntohs)"
	add "$(stdin_case inet-convert 1 80 ntohl)"
	[ -z "$problems" ] || fail "$problems"
}

@test "resolve: every batch mode on a hostile stdin" {
	local problems=""
	add "$(stdin_case resolve 3 sockit-a.test)"
	add "$(stdin_case resolve 3 sockit-a.test --byname)"
	add "$(stdin_case resolve 3 sockit-a.test --ex)"
	add "$(stdin_case resolve 3 127.0.0.2 --reverse)"
	add "$(stdin_case resolve 3 127.0.0.2 --nameinfo)"
	add "$(stdin_case resolve 3 http --service)"
	add "$(stdin_case resolve 1 80 --service-port)"
	add "$(stdin_case resolve 3 tcp --protocol)"
	[ -z "$problems" ] || fail "$problems"
}

# Bytes from the network: a peer answers with ESC sequences, an OSC title,
# BEL, C1's CSI, invalid UTF-8, NUL, CR and LF, to each command that
# prints what a peer sent.

# net_case CMD MODE ARG...: in human and in JSON form, a hostile peer in
# MODE, then CMD ARG... with the word PORT replaced by the peer's port.
net_case() {
	local cmd=$1 mode=$2 kind st a args
	shift 2
	for kind in human json; do
		start_peer "$mode"
		args=()
		[ "$kind" = json ] && args=(--json)
		for a in "$@"; do
			args+=("${a/#PORT/$PEER_PORT}")
		done
		st=0
		timeout 10 "$SOCKIT" "$cmd" "${args[@]}" </dev/null >out 2>err ||
			st=$?
		# udp-listen's report on exit belongs on stderr, JSON or not
		# (sockit-udp-listen(1)).
		grep -vE '^[0-9]+ datagrams? (received|dropped by kernel)' err \
			>err.rest || true
		mv err.rest err
		net_check "$cmd ($kind)" "$kind"
		teardown
		PEER_PID=
	done
}

@test "echo-client: escapes received are shown escaped" {
	local problems=""
	net_case echo-client tcp -m 'Hello, world' 127.0.0.1 PORT
	[ -z "$problems" ] || fail "$problems"
}

@test "udp-send --reply: escapes received are shown escaped" {
	local problems=""
	net_case udp-send udp --reply -w 5 -m hello 127.0.0.1 PORT
	[ -z "$problems" ] || fail "$problems"
}

@test "udp-listen: escapes received are shown escaped" {
	local problems=""
	net_case udp-listen send -b 127.0.0.1 -p PORT --count 1
	[ -z "$problems" ] || fail "$problems"
}

@test "sniff -r: escapes and lying lengths in a capture file" {
	local problems="" st opt
	"$PYTHON" "$TOP/tests/hostile-peer" pcap hostile.pcap
	for opt in "" -x -X -A -AA -e --json; do
		st=0
		timeout 10 "$SOCKIT" sniff $opt -r hostile.pcap </dev/null \
			>out 2>err || st=$?
		add "$(check sniff "sniff $opt -r" any "$st" out err batch)"
		[ -s out ] || add "sniff $opt -r: no output"
	done
	[ -z "$problems" ] || fail "$problems"
}
