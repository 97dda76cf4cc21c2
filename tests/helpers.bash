# helpers.bash - shared set-up for sockit's bats tests (bats-core >= 1.5).
#
# $SOCKIT is the binary under test (an absolute path; tests/run and the
# Makefile set it, so the same tests run against the plain and the
# sanitizer builds).  Oracles are Debian's /usr/bin/python3 and getent.
bats_require_minimum_version 1.5.0

: "${SOCKIT:?set SOCKIT to the sockit binary under test}"
PYTHON=${PYTHON:-/usr/bin/python3}
TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

sockit() {
	"$SOCKIT" "$@"
}

# The commands the binary lists, one per line.
list_commands() {
	"$SOCKIT" --list-commands | cut -f1
}

# The long options of command $1, one per line, without the dashes.
list_long_options() {
	"$SOCKIT" "$1" --list-options | cut -f1 | sed 's/^--//'
}

# Fail with a message.
fail() {
	printf '%s\n' "$*" >&2
	return 1
}

# without_exit STATUS: with --json, the last line of $output (bats run) is
# the exit event; check that it is there with STATUS, then drop it from
# $output and $lines, leaving the command's other objects.
without_exit() {
	local n=${#lines[@]}
	[ "$n" -gt 0 ] || fail "no exit event: no output"
	[[ "${lines[n - 1]}" == "{\"event\":\"exit\",\"status\":$1,\"reason\":\""*'"}' ]] ||
		fail "the last line is no exit event with status $1: $output"
	unset "lines[n - 1]"
	if [ "$n" -eq 1 ]; then
		output=
	else
		output=${output%$'\n'*}
	fi
}
