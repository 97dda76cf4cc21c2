#!/usr/bin/env bats
# meta.bats - the parts that must not drift apart (as git's t0012 and t0450
# keep its help, docs and commands together): every listed
# command answers --help and refuses a bogus option; its man page exists,
# lints, and documents exactly the options the binary has; the library's
# man pages document every public function; long options are spelled in
# full in the docs and the tests.

load helpers

@test "every command: --help exits 0 on stdout, stderr empty" {
	for c in $(list_commands); do
		run --separate-stderr sockit "$c" --help
		[ "$status" -eq 0 ] || fail "$c --help exited $status"
		[ -n "$output" ]
		[ -z "$stderr" ]
		# Every option from the table is in the help text.
		for o in $(list_long_options "$c"); do
			[[ "$output" == *"--$o"* ]] || fail "$c --help lacks --$o"
		done
	done
}

@test "every command: a bogus option exits 2 with the command's prefix" {
	for c in $(list_commands); do
		run --separate-stderr sockit "$c" --no-such-option-really
		[ "$status" -eq 2 ] || fail "$c exited $status"
		[ -z "$output" ]
		[[ "$stderr" == "sockit $c: unrecognized option '--no-such-option-really'"* ]]
		[[ "$stderr" == *"Try 'sockit $c --help'"* ]]
	done
}

@test "every command has a man page that lints clean" {
	for c in $(list_commands); do
		m=$TOP/man/sockit-$c.1
		[ -f "$m" ] || fail "no $m"
		run mandoc -T lint -W warning "$m"
		[ "$status" -eq 0 ] || fail "$m: $output"
		[ -z "$output" ] || fail "$m: $output"
	done
	run mandoc -T lint -W warning "$TOP/man/sockit.1"
	[ "$status" -eq 0 ] || fail "sockit.1: $output"
	[ -z "$output" ] || fail "sockit.1: $output"
}

@test "every man page documents exactly the command's long options" {
	for c in $(list_commands); do
		m=$TOP/man/sockit-$c.1
		documented=$(grep -oE 'Fl -[a-z0-9][a-z0-9-]*' "$m" |
			sed 's/^Fl -//' | sort -u)
		actual=$( (list_long_options "$c"; ) | sort -u)
		for o in $actual; do
			[ "$o" = help ] && continue
			grep -qx -- "$o" <<<"$documented" || fail "$m lacks --$o"
		done
		for o in $documented; do
			grep -qx -- "$o" <<<"$actual" || fail "$m documents --$o, which $c does not have"
		done
		grep -q '^\.Sh EXIT STATUS' "$m" || fail "$m: no EXIT STATUS"
		grep -q '^\.Sh EXAMPLES' "$m" || fail "$m: no EXAMPLES"
	done
}

@test "sockit(1) names every command and every exit status" {
	m=$TOP/man/sockit.1
	for c in $(list_commands); do
		grep -q "sockit-$c" "$m" || fail "sockit.1 does not name $c"
	done
	for s in 0 1 2 3 4 5; do
		grep -qE "^\.It $s\b|^\.It Li $s\b" "$m" || fail "sockit.1: no exit status $s"
	done
}

@test "the library's man pages document every public function and lint" {
	# The name just before the parenthesis: not the sk_ type a function
	# returns ("SK_API struct sk_loop *sk_loop_new(").  Function types
	# ("typedef void sk_loop_fd_fn(") count: their pages show the
	# callback's prototype.
	funcs=$(grep -oE '^(SK_API )?[A-Za-z_ *]*\<(sk_[a-z0-9_]+)\(' \
		"$TOP/lib/sockit.h" |
		grep -oE 'sk_[a-z0-9_]+\($' | tr -d '(' | sort -u)
	[ "$(wc -l <<<"$funcs")" -gt 50 ]
	pages=("$TOP"/man/*.3)
	[ -f "${pages[0]}" ] || fail "no section 3 pages"
	run mandoc -T lint -W warning "${pages[@]}"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$output" ] || fail "$output"
	for f in $funcs; do
		grep -qE "^\.(Fn|Fo) $f\b" "${pages[@]}" || fail "no man page documents $f"
	done
}

@test "docs, completions and tests spell long options in full" {
	# getopt_long accepts an unambiguous prefix of an option ("form" for
	# "format", written with its dashes);
	# a test or a doc that relies on one hides a future clash.  Any --word
	# that is a prefix of a real option, and not itself one, is an error.
	all=$(for c in $(list_commands); do list_long_options "$c"; done |
		sort -u)
	all+=$'\nversion\nlist-commands'
	for f in "$TOP"/man/*.[13] "$TOP"/tests/*.bats "$TOP"/tests/*/*.bats \
		"$TOP"/README.md "$TOP"/completions/*; do
		[ -f "$f" ] || continue
		for w in $(grep -oE -- '--[a-z][a-z0-9-]+' "$f" | sed 's/^--//' |
			sort -u); do
			# One option, or the start of one (bash patterns, not
			# grep: this runs for every word of every file).
			[[ $'\n'$all$'\n' == *$'\n'"$w"$'\n'* ]] && continue
			if [[ $'\n'$all == *$'\n'"$w"* ]]; then
				fail "$f: --$w abbreviates an option"
			fi
		done
	done
}

# The functions sockit.h marks SK_API, one per line.
api_functions() {
	grep -oE '^SK_API [^(]*\<sk_[a-z0-9_]+\(' "$TOP/lib/sockit.h" |
		grep -oE 'sk_[a-z0-9_]+\($' | tr -d '(' | sort -u
}

@test "sockit.h marks every function it declares SK_API" {
	# A declaration starts in column 0; a function type is a typedef.
	run grep -nE '^[A-Za-z].*\<sk_[a-z0-9_]+\(' "$TOP/lib/sockit.h"
	[ "$status" -eq 0 ] || fail "no function found in sockit.h"
	unmarked=$(grep -vE '^[0-9]+:(SK_API |typedef )' <<<"$output" || :)
	[ -z "$unmarked" ] || fail "not marked SK_API: $unmarked"
	[ "$(api_functions | wc -l)" -gt 100 ]
	# The library's private names (sk__, sockit-int.h) stay out of it.
	run grep -nE '\<sk__[a-z]|sockit-int\.h' "$TOP/lib/sockit.h"
	[ "$status" -eq 1 ] || fail "private names in sockit.h: $output"
}

@test "the shared library exports exactly the SK_API functions" {
	so=$(dirname "$SOCKIT")/lib/libsockit.so
	[ -f "$so" ] || fail "no $so (make builds it beside the binary)"
	exported=$(nm -D --defined-only "$so" | awk '{ print $NF }' | sort -u)
	[ -n "$exported" ] || fail "nm -D found nothing in $so"
	run diff <(api_functions) <(printf '%s\n' "$exported")
	[ "$status" -eq 0 ] ||
		fail "sockit.h (<) and $so (>) differ: $output"
}

@test "sockit.h compiles on its own as C11 and as C++, -pedantic" {
	# Twice: the include guard holds.
	printf '#include <sockit.h>\n#include <sockit.h>\n' \
		>"$BATS_TEST_TMPDIR/h.c"
	run cc -std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only \
		-I"$TOP/lib" "$BATS_TEST_TMPDIR/h.c"
	[ "$status" -eq 0 ] || fail "C11: $output"
	cp "$BATS_TEST_TMPDIR/h.c" "$BATS_TEST_TMPDIR/h.cc"
	run c++ -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only \
		-I"$TOP/lib" "$BATS_TEST_TMPDIR/h.cc"
	[ "$status" -eq 0 ] || fail "C++11: $output"
}

@test "the version is sockit.h's SK_VERSION everywhere" {
	v=$(sed -n 's/^#define SK_VERSION "\([0-9.]*\)"$/\1/p' \
		"$TOP/lib/sockit.h")
	[[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "SK_VERSION: '$v'"
	run sockit --version
	[ "$output" = "sockit $v" ] || fail "--version: $output"
	d=$(dirname "$SOCKIT")
	run grep -x "Version: $v" "$d/sockit.pc"
	[ "$status" -eq 0 ] || fail "$d/sockit.pc lacks Version: $v"
	run readelf -d "$d/lib/libsockit.so"
	[[ "$output" == *"Library soname: [libsockit.so.${v%%.*}]"* ]] ||
		fail "soname: $output"
	# No other source, page or build file spells the version out.
	run grep -rlIF -- "$v" "$TOP/lib" "$TOP/cmd" "$TOP/man" \
		"$TOP/completions" "$TOP/Makefile" "$TOP/sockit.pc.in"
	[ "$output" = "$TOP/lib/sockit.h" ] ||
		fail "the version written elsewhere: $output"
}

@test "the shared library is linked hardened and with LDFLAGS" {
	so=$(dirname "$SOCKIT")/lib/libsockit.so
	run readelf -lW -d "$so"
	[[ "$output" == *GNU_RELRO* ]] || fail "no RELRO: $output"
	[[ "$output" == *BIND_NOW* ]] || fail "no BIND_NOW: $output"
	# The link line make would run, with a marker in LDFLAGS.
	run make -s -n -B -C "$TOP" O="$BATS_TEST_TMPDIR/o" \
		LDFLAGS=-Wl,--sockit-ldflags-marker \
		"$BATS_TEST_TMPDIR/o/lib/libsockit.so"
	[ "$status" -eq 0 ] || fail "$output"
	link=$(grep -e '-shared' <<<"$output")
	[[ "$link" == *-Wl,--sockit-ldflags-marker* ]] ||
		fail "LDFLAGS not in the link: $link"
}

# The lists of commands elsewhere, against --list-commands: each names
# exactly the commands the binary has, in no other spelling.
same_commands() {
	local what=$1 listed
	listed=$(sort -u)
	[ "$listed" = "$(list_commands | sort)" ] ||
		fail "$what lists: $(echo $listed); the binary has: $(list_commands | sort | tr '\n' ' ')"
}

@test "sockit(1): its command list and SEE ALSO are --list-commands" {
	m=$TOP/man/sockit.1
	# The tags of the Commands subsection.
	sed -n '/^\.Ss Commands$/,/^\.S[sh] /p' "$m" |
		sed -n 's/^\.It Cm \([a-z-]*\)$/\1/p' | same_commands "sockit(1) Commands"
	sed -n '/^\.Sh SEE ALSO$/,/^\.Sh /p' "$m" |
		sed -n 's/^\.Xr sockit-\([a-z-]*\) 1.*/\1/p' | same_commands "sockit(1) SEE ALSO"
}

@test "sockit(1): the --help example is what sockit --help prints" {
	# The literal block after "$ sockit --help", its continuation
	# lines (a backslash at the end) joined as roff joins them.
	example=$(sed -n '/^\$ sockit --help$/,/^\.Ed$/p' "$TOP/man/sockit.1" |
		sed '1d;$d' | sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}')
	[ -n "$example" ]
	[ "$example" = "$(sockit --help)" ] ||
		fail "sockit(1) shows: $example"
}

@test "README: the command table and the list of man pages are --list-commands" {
	r=$TOP/README.md
	sed -n 's/^| `sockit \([a-z-]*\)` |.*/\1/p' "$r" | same_commands "README's table"
	grep -o 'man/sockit-[a-z-]*\.1' "$r" | sed 's|man/sockit-||; s|\.1$||' |
		same_commands "README's man pages"
	for c in $(list_commands); do
		[ -f "$TOP/man/sockit-$c.1" ] || fail "README names man/sockit-$c.1, which is not there"
	done
}

@test "man pages: no quoting macro nested in another on one line" {
	# ".Pq Ql a , Ql b" renders as "(`a, `b'')": a Ql, Dq, Sq or Qq takes
	# the rest of its line, the next quoting macro included.  Each
	# belongs on a line of its own.
	run grep -nE '^\..*\<(Ql|Dq|Sq|Qq)\>.*\<(Ql|Dq|Sq|Qq)\>' \
		"$TOP"/man/*.[13]
	[ "$status" -eq 1 ] || fail "nested quotes: $output"
}

@test "man pages: every file an example reads with -r is written with -w there" {
	for m in "$TOP"/man/sockit-*.1; do
		written=$(grep -oE '^\$ sockit .* -w [^ ]+' "$m" |
			sed -E 's/.* -w ([^ ]+).*/\1/' | sort -u)
		for f in $(grep -oE '^\$ sockit .* -r [^ ]+' "$m" |
			sed -E 's/.* -r ([^ ]+).*/\1/' | sort -u); do
			grep -qxF -- "$f" <<<"$written" ||
				fail "$(basename "$m"): an example reads $f, which none writes"
		done
	done
}
