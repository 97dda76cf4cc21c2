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

# Whether $SOCKIT is a sanitizer build (the Makefile's check-asan and
# check-tsan set SOCKIT_SANITIZER; a binary under build/asan or build/tsan
# is one too).  Memory and time there say little about the program:
# tests judge them on the plain build, and leave leaks to the sanitizers.
sanitized() {
	[ -n "${SOCKIT_SANITIZER:-}" ] ||
		[[ $SOCKIT == */build/asan/* || $SOCKIT == */build/tsan/* ]]
}

# The commands the binary lists, one per line.
list_commands() {
	"$SOCKIT" --list-commands | cut -f1
}

# The long options of command $1, one per line, without the dashes.
list_long_options() {
	"$SOCKIT" "$1" --list-options | cut -f1 | sed 's/^--//'
}

# write_aton_program FILE: a C program that uses the installed library
# (sk_inet_aton, sk_bytes_repr) and prints b'\x7f\x00\x00\x01'.
write_aton_program() {
	cat >"$1" <<'C'
#include <stdio.h>
#include <sockit.h>
int
main(void)
{
	unsigned char b[4];
	char repr[32];
	struct sk_error err;

	if (sk_inet_aton("127.1", 5, b, &err) == -1)
		return 1;
	sk_bytes_repr(b, 4, repr, sizeof(repr));
	puts(repr);
	return 0;
}
C
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
