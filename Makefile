# sockit - GNU make build.
#
#   make                 ./sockit, lib/libsockit.a, lib/libsockit.so, sockit.pc
#   make check           every test against this build (C library tests, CLI
#                        tests), and no loop among the library's files
#   make check T="loop echo-server"   only those tests (tests/run NAME...;
#                        T works for every check target)
#   make check-oracle    the corpus-wide differential test of sniff -r
#                        against tcpdump (minutes; check-all runs it)
#   make check-all       lint, check, the oracle, a clang build, the library
#                        tests and the CLI suites that drive the library under
#                        ASan+UBSan and under TSan, the library tests under
#                        valgrind, a short run of every fuzzer, the Debian
#                        packages: what CI runs; ends with a table of each
#                        suite's wall time
#   make lint            style check, cppcheck, clang-tidy, mandoc -T lint
#   make check-tsan      the threaded code under ThreadSanitizer
#   make check-fuzz      replay the fuzz crashers, then fuzz each target 10 s
#   make deb             the Debian packages, in build/deb/ (debian/)
#   make fuzz            fuzz each target FUZZ_TIME (600) s (tests/fuzz/)
#   make bench           benchmarks against peers (bench/)
#   make install         PREFIX=/usr/local DESTDIR= (uninstall likewise)
#   make O=DIR ...       build into DIR (used for the sanitizer and clang builds)

# The version is written once, as SK_VERSION in lib/sockit.h (where the
# installed header must carry it, as zlib.h carries ZLIB_VERSION); the
# binary's --version prints that macro, and the .pc file, the library's
# file name and its soname (libsockit.so.MAJOR) come from it here.
VERSION   := $(shell sed -n 's/^\#define SK_VERSION "\([0-9.]*\)"$$/\1/p' lib/sockit.h)
SOVERSION := $(firstword $(subst ., ,$(VERSION)))
ifeq ($(SOVERSION),)
$(error no '#define SK_VERSION "X.Y.Z"' found in lib/sockit.h)
endif

CC       ?= cc
O        ?= .
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCDIR   ?= $(PREFIX)/include
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share
ZSHDIR   ?= $(DATADIR)/zsh/site-functions

WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIC
CFLAGS   ?= -O2 -g
ALL_CFLAGS  = -std=gnu17 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) $(EXTRA_CFLAGS) -Ilib -Icmd
LINK_HARDEN := -Wl,-z,relro,-z,now
ALL_LDFLAGS = -pie $(LINK_HARDEN) $(LDFLAGS) $(EXTRA_LDFLAGS)
# The shared library: hardened as the binary is, and with the builder's
# LDFLAGS (a distribution's build flags reach it too).
SO_LDFLAGS  = -shared -Wl,-soname,libsockit.so.$(SOVERSION) $(LINK_HARDEN) \
              $(LDFLAGS) $(EXTRA_LDFLAGS)
LIBS     := -lbsd -lm -pthread -lpcap -lssl -lcrypto

LIB_SRC  := $(wildcard lib/*/*.c)
LIB_HDR  := $(wildcard lib/*.h lib/*/*.h)
CMD_SRC  := $(wildcard cmd/*.c)
TEST_SRC := $(wildcard tests/lib/test-*.c)
LIB_OBJ  := $(patsubst %.c,$(O)/build/%.o,$(LIB_SRC))
CMD_OBJ  := $(patsubst %.c,$(O)/build/%.o,$(CMD_SRC))
TESTS    := $(patsubst tests/lib/%.c,$(O)/build/tests/%,$(TEST_SRC))
TEST_COMMON := $(O)/build/tests/lib/tap.o $(O)/build/tests/lib/helpers.o

BIN      := $(O)/sockit
LIBA     := $(O)/lib/libsockit.a
LIBSO    := $(O)/lib/libsockit.so
PC       := $(O)/sockit.pc

MAN1     := $(wildcard man/*.1)
MAN3     := $(wildcard man/*.3)

# The subcommands, read from their list (not asked of the binary, so that
# uninstall works after a clean): each sockit-NAME link.
COMMANDS := $(shell sed -n '/^CMD/s/^[^"]*"\([^"]*\)".*/\1/p' \
              cmd/commands.h)

.PHONY: all check check-lib check-cli check-all check-asan check-clang check-tsan \
        check-layers check-oracle \
        check-valgrind lint bench install uninstall clean tests demo deps \
        fuzz fuzz-build check-fuzz tidy deb check-deb

all: $(BIN) $(LIBA) $(LIBSO) $(PC)

$(O)/build/%.o: %.c $(LIB_HDR) $(wildcard cmd/*.h) $(wildcard tests/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The library's objects export only what sockit.h marks SK_API.
$(LIB_OBJ): ALL_CFLAGS += -fvisibility=hidden

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(LIBSO): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(SO_LDFLAGS) -o $@ $^ $(LIBS)

$(BIN): $(CMD_OBJ) $(LIBA)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(CMD_OBJ) $(LIBA) $(LIBS)

$(PC): sockit.pc.in Makefile lib/sockit.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

$(O)/build/tests/%: tests/lib/%.c $(TEST_COMMON) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/lib $(ALL_LDFLAGS) -o $@ $< $(TEST_COMMON) \
	    $(LIBA) $(LIBS)

tests: $(TESTS)

# Keep the shared objects (TAP, helpers), so the tests do not relink every
# time.
.SECONDARY: $(TEST_COMMON)

# The library's files call one another without a loop (tests/callgraph).
check-layers: $(LIB_OBJ)
	tests/callgraph $(LIB_OBJ)

# The C library tests print TAP; tests/run counts and summarises.  T names
# a subset (C tests and bats files, as tests/run takes them).  tests/run
# runs TEST_JOBS test programs and bats files at a time, each in a mount
# and (as root) a network namespace of its own, the longest first by the
# times it keeps from the last run (TEST_TIMES: each build its own file).
T ?=
TEST_JOBS ?= 2
export TEST_JOBS

check: all tests check-layers
	SOCKIT=$(abspath $(BIN)) TESTBIN=$(abspath $(O)/build/tests) \
	    tests/run all $(T)

# The differential test over tcpdump's whole capture corpus: minutes of
# tcpdump and sniff, so it is a suite of its own, which check-all runs.
check-oracle: all
	SOCKIT=$(abspath $(BIN)) tests/run cli tests/oracle/sniff-diff.bats

check-lib: tests
	TESTBIN=$(abspath $(O)/build/tests) tests/run lib $(T)

check-cli: all
	SOCKIT=$(abspath $(BIN)) tests/run cli $(T)

# The sanitizer passes run the library tests and the CLI suites that drive
# the library's code (sockets, parsers, the event loop, the servers), not
# those about documentation, completions and the install, which the plain
# pass runs.  The soak runs on the plain build only: memory is judged
# there, leaks by LeakSanitizer (here) and valgrind.
SAN_BATS := dispatcher echo-client echo-server faults faults-relay hostile \
            inet-convert connect listen forward tls tls-relay \
            resolve sniff udp-listen udp-send
SAN_JOBS ?= 2

SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
check-asan:
	$(MAKE) -j$(SAN_JOBS) O=build/asan CFLAGS="-O1 -g" EXTRA_CFLAGS="$(SAN)" \
	    EXTRA_LDFLAGS="$(SAN)" all tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	SOCKIT_SANITIZER=asan TESTS_BATS="$(SAN_BATS)" \
	TEST_TIMES=build/asan/test-times \
	    SOCKIT=$(abspath build/asan/sockit) \
	    TESTBIN=$(abspath build/asan/build/tests) tests/run all $(T)

# Under ThreadSanitizer: the library tests (test-echo runs the echo
# server's worker threads, test-outq its output queue, test-loop a stop
# from another thread) and the commands that run threads: echo-server
# (workers, output queue) and resolve (batch pool).  A TSan build starts
# and ends slowly (about a second to start on a loaded two-core machine),
# so the tests' waits for a server to exit are 30 s; atexit_sleep_ms=0
# spares the second TSan sleeps in an exit that finds threads still
# running.  Reports go to files, so that one in a test that does not look
# at stderr or the exit status still fails the run.
TSAN_BATS := echo-server resolve
TSAN := -fsanitize=thread -fno-omit-frame-pointer
check-tsan:
	$(MAKE) -j$(SAN_JOBS) O=build/tsan CC=clang CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="$(TSAN)" EXTRA_LDFLAGS="$(TSAN)" all tests
	rm -rf build/tsan/report && mkdir -p build/tsan/report
	TSAN_OPTIONS=halt_on_error=1:exitcode=66:atexit_sleep_ms=0:log_path=$(abspath build/tsan/report)/tsan \
	SOCKIT_SANITIZER=tsan TESTS_BATS="$(TSAN_BATS)" \
	TEST_TIMES=build/tsan/test-times \
	    SOCKIT=$(abspath build/tsan/sockit) \
	    TESTBIN=$(abspath build/tsan/build/tests) tests/run all $(T)
	@if ls build/tsan/report/tsan.* >/dev/null 2>&1; then \
	    cat build/tsan/report/tsan.*; \
	    echo "check-tsan: ThreadSanitizer reported the above"; exit 1; fi

check-clang:
	$(MAKE) -j$(SAN_JOBS) O=build/clang CC=clang all tests
	TEST_TIMES=build/clang/test-times \
	    TESTBIN=$(abspath build/clang/build/tests) tests/run lib $(T)

check-valgrind: tests
	TESTBIN=$(abspath $(O)/build/tests) \
	    TEST_TIMES=$(O)/build/test-times-valgrind \
	    TESTWRAP="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99" \
	    tests/run lib $(T)

# Fuzzing (tests/fuzz/README.md): every tests/fuzz/fuzz-NAME.c is a
# libFuzzer target, built with clang against the library's sources, seeded
# from tests/fuzz/corpus/NAME/.  `make fuzz` runs each for FUZZ_TIME
# seconds on a copy of its corpus (new inputs land in build/fuzz/corpus/,
# to be merged by hand); `make check-fuzz` runs each briefly and replays
# the crashers kept in tests/fuzz/regress/NAME/.  Both run inside
# tests/private-ns, so a name the fuzzer makes up never reaches DNS.
FUZZ_CC        ?= clang
FUZZ_TIME      ?= 600
FUZZ_CHECK_TIME ?= 10
FUZZ_FLAGS     ?= -timeout=10 -rss_limit_mb=2048 -max_len=4096
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu17 -D_GNU_SOURCE $(WARN) -g -O1 $(FUZZ_SAN) -Ilib -Icmd \
              -Itests/fuzz
FUZZ_SRC := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_LIB_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC))

build/fuzz/obj/%.o: %.c $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(wildcard tests/fuzz/*.h) \
    $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) \
	    $(LIBS)

.SECONDARY: $(FUZZ_LIB_OBJ)

fuzz-build: $(FUZZ_BIN)

FUZZ_NAMES = $(FUZZ_BIN:build/fuzz/fuzz-%=%)

fuzz: fuzz-build
	for t in $(FUZZ_NAMES); do \
	    FUZZ_FLAGS="$(FUZZ_FLAGS)" tests/fuzz/run $$t $(FUZZ_TIME) || exit 1; done

check-fuzz: fuzz-build
	for t in $(FUZZ_NAMES); do \
	    FUZZ_FLAGS="$(FUZZ_FLAGS)" tests/fuzz/run $$t regress && \
	    FUZZ_FLAGS="$(FUZZ_FLAGS)" tests/fuzz/run $$t $(FUZZ_CHECK_TIME) || \
	    exit 1; done
	@echo "check-fuzz: every target ran clean"

# Each suite in turn (all of them, even after a failure), timed; then a
# table of their wall times and the tests' total (tests/check-all).
CHECK_ALL := lint check check-oracle check-clang check-asan check-tsan \
             check-valgrind check-fuzz check-deb
check-all:
	@MAKE="$(MAKE)" JOBS=$(SAN_JOBS) tests/check-all $(CHECK_ALL)

# clang-tidy with .clang-tidy's checks (bugprone, cert, clang-analyzer),
# every warning an error, two files at a time.
TIDY_SRC   = $(LIB_SRC) $(CMD_SRC) $(wildcard tests/lib/*.c) $(FUZZ_SRC)
TIDY_FLAGS = -std=gnu17 -D_GNU_SOURCE -Ilib -Icmd -Itests/lib -Itests/fuzz

tidy:
	printf '%s\n' $(TIDY_SRC) | xargs -P2 -I{} clang-tidy --quiet \
	    --warnings-as-errors='*' {} -- $(TIDY_FLAGS)

lint: tidy
	tests/stylecheck
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
	    --inline-suppr --suppress=missingIncludeSystem -Ilib -Icmd -Itests/fuzz \
	    lib cmd tests/lib tests/fuzz
	mandoc -T lint -W warning $(MAN1) $(MAN3)

bench: all
	bench/run

# The main job: the reference's echo example, end to end (tests/demo).
demo: all
	tests/demo

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(INCDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
	    $(DESTDIR)$(DATADIR)/bash-completion/completions \
	    $(DESTDIR)$(ZSHDIR) \
	    $(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/sockit
	for c in $(COMMANDS); do \
	    ln -sf sockit $(DESTDIR)$(BINDIR)/sockit-$$c; done
	install -m 644 $(LIBA) $(DESTDIR)$(LIBDIR)/libsockit.a
	install -m 755 $(LIBSO) $(DESTDIR)$(LIBDIR)/libsockit.so.$(VERSION)
	ln -sf libsockit.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libsockit.so.$(SOVERSION)
	ln -sf libsockit.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libsockit.so
	install -m 644 lib/sockit.h $(DESTDIR)$(INCDIR)/sockit.h
	# sockit.pc names the PREFIX of this install, not of the build.
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|' sockit.pc.in \
	    > $(DESTDIR)$(LIBDIR)/pkgconfig/sockit.pc
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN3) $(DESTDIR)$(MANDIR)/man3/
	# man FUNCTION: each function's name links to the page of its group.
	for m in $(MAN3); do p=$$(basename $$m); \
	    for f in $$(sed -n 's/^\.Nm \([a-z_0-9]*\).*/\1/p' $$m); do \
	    [ "$$f.3" = "$$p" ] || ln -sf $$p $(DESTDIR)$(MANDIR)/man3/$$f.3; \
	    done; done
	install -m 644 completions/sockit.bash \
	    $(DESTDIR)$(DATADIR)/bash-completion/completions/sockit
	install -m 644 completions/_sockit $(DESTDIR)$(ZSHDIR)/_sockit
	install -m 644 completions/sockit.fish \
	    $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/sockit.fish
	for c in $(COMMANDS); do \
	    ln -sf sockit $(DESTDIR)$(DATADIR)/bash-completion/completions/sockit-$$c; \
	    ln -sf sockit.fish \
	    $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/sockit-$$c.fish; \
	    done

uninstall:
	for c in $(COMMANDS); do \
	    rm -f $(DESTDIR)$(BINDIR)/sockit-$$c \
	    $(DESTDIR)$(DATADIR)/bash-completion/completions/sockit-$$c \
	    $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/sockit-$$c.fish; done
	for m in $(MAN3); do p=$$(basename $$m); \
	    for f in $$(sed -n 's/^\.Nm \([a-z_0-9]*\).*/\1/p' $$m); do \
	    [ "$$f.3" = "$$p" ] || rm -f $(DESTDIR)$(MANDIR)/man3/$$f.3; \
	    done; done
	rm -f $(DESTDIR)$(BINDIR)/sockit $(DESTDIR)$(LIBDIR)/libsockit.a \
	    $(DESTDIR)$(LIBDIR)/libsockit.so $(DESTDIR)$(LIBDIR)/libsockit.so.$(SOVERSION) \
	    $(DESTDIR)$(LIBDIR)/libsockit.so.$(VERSION) $(DESTDIR)$(INCDIR)/sockit.h \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/sockit.pc \
	    $(DESTDIR)$(DATADIR)/bash-completion/completions/sockit \
	    $(DESTDIR)$(ZSHDIR)/_sockit \
	    $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/sockit.fish
	for m in $(notdir $(MAN1)); do rm -f $(DESTDIR)$(MANDIR)/man1/$$m; done
	for m in $(notdir $(MAN3)); do rm -f $(DESTDIR)$(MANDIR)/man3/$$m; done

# The Debian packages (debian/), built by dpkg-buildpackage from a copy of
# the tree in build/deb/ (so that neither this tree's build nor its parent
# directory is touched): the .debs land in build/deb/, and lintian must
# find no error in them.
DEB_SRC := build/deb/sockit-$(VERSION)
DEB_BUILD_OPTIONS ?= parallel=2

deb:
	rm -rf build/deb && mkdir -p $(DEB_SRC)
	tar -c --exclude=./build --exclude=./.git --exclude=./sockit \
	    --exclude=./sockit.pc --exclude='./lib/libsockit.*' \
	    --exclude=./debian/build . | tar -x -C $(DEB_SRC)
	cd $(DEB_SRC) && DEB_BUILD_OPTIONS="$(DEB_BUILD_OPTIONS)" \
	    dpkg-buildpackage -us -uc -b
	lintian --fail-on error build/deb/*.changes
	@ls build/deb/*.deb

# The packages: built (make deb), then unpacked into a scratch root and
# run (tests/package/deb.bats; skipped where debhelper is missing).
check-deb:
	SOCKIT=$(abspath $(BIN)) tests/run cli tests/package/deb.bats

clean:
	rm -rf build sockit lib/libsockit.a lib/libsockit.so sockit.pc
