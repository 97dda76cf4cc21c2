#!/usr/bin/env bats
# man-examples.bats - the complete C programs in the section 3 pages build
# against the tree's library, warning-free, so that the examples do not
# drift from sockit.h; the event-loop example also runs.  A program is a
# .Bd -literal block that starts with #include; \e in it is a backslash.
# And the EXAMPLES of sockit(1) and of every command's page run, each page
# in a network namespace of its own (tests/man-examples-run says how).

load helpers

need_build() {
	[ -f "$TOP/lib/libsockit.a" ] || skip "the tree's lib/libsockit.a is not built"
	command -v cc >/dev/null || skip "no C compiler"
}

# Write each program of page $1 to $BATS_TEST_TMPDIR/PAGE-N.c.
extract() {
	awk -v base="$BATS_TEST_TMPDIR/$(basename "$1" .3)" '
		/^\.Bd -literal/ { inb = 1; buf = ""; next }
		/^\.Ed/ {
			if (inb && buf ~ /^#include/) {
				f = base "-" ++n ".c"
				printf "%s", buf > f
				close(f)
			}
			inb = 0
			next
		}
		inb { line = $0; gsub(/\\e/, "\\", line); buf = buf line "\n" }
	' "$1"
}

build() {
	cc -std=gnu17 -Wall -Wextra -Werror -I"$TOP/lib" -o "${1%.c}" "$1" \
	    "$TOP/lib/libsockit.a" -lbsd -lm -pthread -lssl -lcrypto
}

@test "every C program in a section 3 page compiles and links" {
	local m f n=0
	need_build
	for m in "$TOP"/man/*.3; do
		extract "$m"
	done
	for f in "$BATS_TEST_TMPDIR"/*.c; do
		[ -f "$f" ] || continue
		run build "$f"
		[ "$status" -eq 0 ] || fail "$(basename "$f"): $output"
		n=$((n + 1))
	done
	[ "$n" -ge 4 ] || fail "only $n programs found"
}

@test "sk_loop(3): the example copies its input and stops at its end" {
	need_build
	extract "$TOP/man/sk_loop.3"
	build "$BATS_TEST_TMPDIR/sk_loop-1.c"
	run --separate-stderr timeout 10 "$BATS_TEST_TMPDIR/sk_loop-1" \
	    < <(printf 'hello\nworld\n')
	[ "$status" -eq 0 ]
	[ "$output" = $'hello\nworld' ]
}

@test "the EXAMPLES of sockit(1) and of every command's page run" {
	unshare -n true 2>/dev/null || skip "cannot make a network namespace"
	for m in "$TOP/man/sockit.1" $(list_commands |
		sed "s|.*|$TOP/man/sockit-&.1|"); do
		run --separate-stderr unshare -n sh -c \
			'ip link set lo up && exec "$@"' sh \
			"$TOP/tests/man-examples-run" "$SOCKIT" "$m"
		[ "$status" -eq 0 ] || fail "$output $stderr"
		[[ "$output" == "ran "* ]] || fail "$m: $output $stderr"
		[[ "$output" != "ran 0,"* ]] || fail "$m: no example ran"
	done
}
