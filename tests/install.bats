#!/usr/bin/env bats
# install.bats - make install and uninstall honour PREFIX and DESTDIR, and
# what they install works: the links, the library through pkg-config.

load helpers

setup() {
	[ -x "$TOP/sockit" ] || skip "the tree's ./sockit is not built"
}

@test "install into DESTDIR puts every part under PREFIX; uninstall removes it" {
	d=$BATS_TEST_TMPDIR/dest
	run make -s -C "$TOP" install DESTDIR="$d" PREFIX=/opt/sk
	[ "$status" -eq 0 ] || fail "$output"
	p=$d/opt/sk
	[ -x "$p/bin/sockit" ]
	for c in $(list_commands); do
		[ -L "$p/bin/sockit-$c" ]
		[ -f "$p/share/man/man1/sockit-$c.1" ]
	done
	[ -f "$p/lib/libsockit.a" ]
	[ -L "$p/lib/libsockit.so" ]
	[ -f "$p/include/sockit.h" ]
	grep -qx 'prefix=/opt/sk' "$p/lib/pkgconfig/sockit.pc"
	[ -f "$p/share/man/man1/sockit.1" ]
	[ -f "$p/share/man/man3/libsockit.3" ]
	[ -L "$p/share/man/man3/sk_socket_open.3" ]
	[ -f "$p/share/bash-completion/completions/sockit" ]
	[ -f "$p/share/zsh/site-functions/_sockit" ]
	[ -f "$p/share/fish/vendor_completions.d/sockit.fish" ]
	run "$p/bin/sockit-inet-convert" aton 127.1
	[ "$output" = 7f000001 ]
	run make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/opt/sk
	[ "$status" -eq 0 ]
	left=$(find "$d" -type f -o -type l)
	[ -z "$left" ] || fail "left behind: $left"
}

@test "uninstall after make clean removes every part, the sockit-COMMAND links too" {
	d=$BATS_TEST_TMPDIR/dest
	run make -s -C "$TOP" install DESTDIR="$d" PREFIX=/opt/sk
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(find "$d/opt/sk/bin" -name 'sockit-*' | wc -l)" -eq \
		"$(list_commands | wc -l)" ]
	# A tree as make clean leaves it: the sources, no binary, no library.
	src=$BATS_TEST_TMPDIR/src
	mkdir "$src"
	cp -r "$TOP/Makefile" "$TOP/sockit.pc.in" "$TOP/cmd" "$TOP/lib" "$TOP/man" \
		"$TOP/completions" "$src/"
	rm -f "$src/lib/libsockit.a" "$src/lib/libsockit.so"
	[ ! -e "$src/sockit" ]
	run make -s -C "$src" uninstall DESTDIR="$d" PREFIX=/opt/sk
	[ "$status" -eq 0 ] || fail "$output"
	left=$(find "$d" -type f -o -type l)
	[ -z "$left" ] || fail "left behind: $left"
}

@test "a C program builds against the installed library with pkg-config" {
	p=$BATS_TEST_TMPDIR/prefix
	run make -s -C "$TOP" install PREFIX="$p"
	[ "$status" -eq 0 ] || fail "$output"
	write_aton_program "$BATS_TEST_TMPDIR/prog.c"
	export PKG_CONFIG_PATH=$p/lib/pkgconfig
	run cc -o "$BATS_TEST_TMPDIR/prog-shared" "$BATS_TEST_TMPDIR/prog.c" \
		$(pkg-config --cflags --libs sockit)
	[ "$status" -eq 0 ] || fail "shared: $output"
	# Static: the archive itself, and what pkg-config --static adds.
	run cc -o "$BATS_TEST_TMPDIR/prog-static" "$BATS_TEST_TMPDIR/prog.c" \
		$(pkg-config --cflags sockit) "$p/lib/libsockit.a" \
		$(pkg-config --libs-only-l --static sockit | sed 's/-lsockit//')
	[ "$status" -eq 0 ] || fail "static: $output"
	run env LD_LIBRARY_PATH="$p/lib" "$BATS_TEST_TMPDIR/prog-shared"
	[ "$output" = "b'\\x7f\\x00\\x00\\x01'" ]
	run "$BATS_TEST_TMPDIR/prog-static"
	[ "$output" = "b'\\x7f\\x00\\x00\\x01'" ]
	make -s -C "$TOP" uninstall PREFIX="$p"
}
