#!/usr/bin/env bats
# sniff-fuzz.bats - a short, bounded libFuzzer run of each of sniff's fuzz
# targets (tests/fuzz/fuzz-decode.c, tests/fuzz/fuzz-pcap.c), built here
# with clang -fsanitize=fuzzer,address,undefined against the library
# sources, seeded from tests/fuzz/corpus/NAME.  Skipped, with the reason,
# where clang's libFuzzer runtime is missing (Debian: libclang-rt-14-dev).
# SNIFF_FUZZ_SECONDS sets the run's length (default 10).

load helpers

setup_file() {
	export FUZZ_DIR=$BATS_FILE_TMPDIR
}

build_target() {
	local name=$1
	command -v clang >/dev/null || skip "clang is not installed"
	echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
		>"$FUZZ_DIR/probe.c"
	clang -fsanitize=fuzzer -o "$FUZZ_DIR/probe" "$FUZZ_DIR/probe.c" 2>/dev/null ||
		skip "clang has no libFuzzer runtime (install libclang-rt-14-dev)"
	clang -g -O1 -std=gnu17 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -I"$TOP/lib" -o "$FUZZ_DIR/fuzz-$name" \
		"$TOP/tests/fuzz/fuzz-$name.c" "$TOP"/lib/*/*.c -lbsd -lm -lpcap -lssl \
		-lcrypto -pthread
}

run_target() {
	local name=$1 corpus=$FUZZ_DIR/corpus-$name
	mkdir -p "$corpus"
	cp "$TOP/tests/fuzz/corpus/$name/"* "$corpus/"
	run timeout 120 "$FUZZ_DIR/fuzz-$name" -max_total_time="${SNIFF_FUZZ_SECONDS:-10}" \
		-rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$FUZZ_DIR/" "$corpus"
	echo "$output" | tail -20
	[ "$status" -eq 0 ]
	[[ $output == *"Done "* ]]
}

@test "fuzz: the packet decoder, seeded from tests/pcaps" {
	build_target decode
	run_target decode
}

@test "fuzz: the capture-file reader and decoder, seeded from tests/pcaps" {
	build_target pcap
	run_target pcap
}
