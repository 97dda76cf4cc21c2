#!/usr/bin/env bats
# deb.bats - the Debian packages (debian/): `make deb` builds sockit,
# libsockit0 and libsockit-dev with dpkg-buildpackage and lintian finds
# no error in them; unpacked into a scratch root (dpkg -x), each part is
# where Debian puts it, the installed binary runs (--version, an
# inet-convert through a sockit-COMMAND link), and a C program builds
# against the unpacked header and library and runs with them.
#
# Kept out of tests/*.bats (the plain suite): a package build takes
# minutes; `make check-deb` (in check-all) runs it.  Skipped where
# debhelper is not installed (.ci/setup installs it).

load ../helpers

# helpers.bash takes the directory above this file for the top.
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

DEB_DIR=$TOP/build/deb

setup() {
	command -v dh >/dev/null && command -v dpkg-buildpackage >/dev/null ||
		skip "debhelper and dpkg-dev are not installed"
	MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	VERSION=$(sed -n 's/^#define SK_VERSION "\([0-9.]*\)"$/\1/p' \
		"$TOP/lib/sockit.h")
}

# deb NAME: the path of package NAME's .deb in build/deb/.
deb() {
	local f
	f=$(ls "$DEB_DIR/$1_$VERSION"_*.deb 2>/dev/null | head -1)
	[ -n "$f" ] || fail "no $1 package in $DEB_DIR" || return
	echo "$f"
}

@test "make deb: three packages, lintian finds no error, the tree's own build untouched" {
	# The tree's build, if any: the package build must neither use nor
	# change it.
	before=$(cd "$TOP" && stat -c '%n %Y' sockit lib/libsockit.a 2>/dev/null)
	run make -s -C "$TOP" deb
	[ "$status" -eq 0 ] || fail "make deb: $output"
	deb sockit
	deb libsockit0
	deb libsockit-dev
	after=$(cd "$TOP" && stat -c '%n %Y' sockit lib/libsockit.a 2>/dev/null)
	[ "$before" = "$after" ] || fail "the tree's build changed: $after"
	# Nothing of dpkg-buildpackage's in the tree's debian/, nor in the
	# tree's parent directory.
	for f in build .debhelper debhelper-build-stamp files tmp sockit \
		libsockit0 libsockit-dev; do
		[ ! -e "$TOP/debian/$f" ] || fail "left in the tree: debian/$f"
	done
	run ls "$TOP/.."/sockit_* "$TOP/.."/libsockit*
	[ "$status" -ne 0 ] || fail "left in the parent directory: $output"
}

@test "the packages, unpacked into a scratch root: every part in its Debian place, and it runs" {
	root=$BATS_TEST_TMPDIR/root
	for p in sockit libsockit0 libsockit-dev; do
		run dpkg -x "$(deb "$p")" "$root"
		[ "$status" -eq 0 ] || fail "dpkg -x $p: $output"
	done
	# sockit: the binary, a link per command, man pages, completions.
	[ -x "$root/usr/bin/sockit" ]
	for c in $(list_commands); do
		[ "$(readlink "$root/usr/bin/sockit-$c")" = sockit ] ||
			fail "no link sockit-$c"
		[ -f "$root/usr/share/man/man1/sockit-$c.1.gz" ] ||
			fail "no man page sockit-$c.1"
	done
	[ -f "$root/usr/share/man/man1/sockit.1.gz" ]
	[ -f "$root/usr/share/bash-completion/completions/sockit" ]
	[ -f "$root/usr/share/zsh/vendor-completions/_sockit" ]
	[ -f "$root/usr/share/fish/vendor_completions.d/sockit.fish" ]
	[ -f "$root/usr/share/doc/sockit/copyright" ]
	# libsockit0: the shared library under its soname.
	[ -f "$root/usr/lib/$MA/libsockit.so.$VERSION" ]
	[ "$(readlink "$root/usr/lib/$MA/libsockit.so.0")" = "libsockit.so.$VERSION" ]
	run objdump -p "$root/usr/lib/$MA/libsockit.so.$VERSION"
	[[ $output == *"SONAME               libsockit.so.0"* ]] ||
		fail "soname: $(grep SONAME <<<"$output")"
	# libsockit-dev: header, static library, the link, pkg-config,
	# section 3 pages.
	[ -f "$root/usr/include/sockit.h" ]
	[ -f "$root/usr/lib/$MA/libsockit.a" ]
	[ -L "$root/usr/lib/$MA/libsockit.so" ]
	grep -qx 'prefix=/usr' "$root/usr/lib/$MA/pkgconfig/sockit.pc"
	grep -qx "libdir=/usr/lib/$MA" "$root/usr/lib/$MA/pkgconfig/sockit.pc"
	[ -f "$root/usr/share/man/man3/libsockit.3.gz" ]
	# Nothing under /usr/local, nothing of the build.
	[ ! -e "$root/usr/local" ]

	# The installed binary runs.
	run --separate-stderr "$root/usr/bin/sockit" --version
	[ "$status" -eq 0 ] || fail "--version: $stderr"
	[[ $output == *"$VERSION"* ]] || fail "--version: $output"
	run --separate-stderr "$root/usr/bin/sockit-inet-convert" aton 127.1
	[ "$status" -eq 0 ] || fail "inet-convert: $stderr"
	[ "$output" = 7f000001 ]
	run --separate-stderr "$root/usr/bin/sockit" inet-convert ntop \
		00000000000000000000000000000001
	[ "$output" = ::1 ] || fail "ntop: $output $stderr"
}

@test "a C program builds against the unpacked libsockit-dev and runs with libsockit0" {
	root=$BATS_TEST_TMPDIR/root
	for p in libsockit0 libsockit-dev; do
		dpkg -x "$(deb "$p")" "$root"
	done
	write_aton_program "$BATS_TEST_TMPDIR/prog.c"
	run cc -o "$BATS_TEST_TMPDIR/prog" "$BATS_TEST_TMPDIR/prog.c" \
		-I"$root/usr/include" -L"$root/usr/lib/$MA" -lsockit
	[ "$status" -eq 0 ] || fail "cc: $output"
	run env LD_LIBRARY_PATH="$root/usr/lib/$MA" "$BATS_TEST_TMPDIR/prog"
	[ "$output" = "b'\\x7f\\x00\\x00\\x01'" ]
	# The program uses the package's library, not another one.
	run env LD_LIBRARY_PATH="$root/usr/lib/$MA" ldd "$BATS_TEST_TMPDIR/prog"
	[[ $output == *"libsockit.so.0 => $root/usr/lib/$MA/libsockit.so.0"* ]] ||
		fail "ldd: $output"
}
