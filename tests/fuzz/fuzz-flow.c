/*
 * fuzz-flow.c - libFuzzer target for the flow table (lib/capture/flow.c)
 * and its records (flow-format.c): the input is a run of packets, each a
 * selector byte (link type, time step, whether the wire was longer), a
 * length byte and that many bytes; they go through a table of at most 8
 * flows with a 1 s timeout, so that eviction, expiry, closing and the
 * hints all run.  Every record is checked: its line has no control or
 * non-ASCII byte before the newline, its JSON is one valid object.
 * Seeds: packets of tests/pcaps (corpus/flow/), and a ClientHello split
 * over two segments (tls-split), which the table puts together.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pcap/pcap.h>

#include "fuzz.h"
#include "sockit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_RAW,
	DLT_NULL, DLT_LOOP, 228, 229, 276 };

static void
check(void *ctx, const struct sk_flow *f)
{
	struct sk_buf b = { 0 };
	size_t i;

	(void)ctx;
	FUZZ_CHECK(sk_flow_format(f, 0, &b) == 0);
	FUZZ_CHECK(b.len > 0 && b.data[b.len - 1] == '\n');
	for (i = 0; i + 1 < b.len; i++)
		FUZZ_CHECK((unsigned char)b.data[i] >= ' ' &&
		    (unsigned char)b.data[i] < 0x7f);
	sk_buf_reset(&b);
	FUZZ_CHECK(sk_flow_format(f, SK_FLOW_JSON, &b) == 0);
	FUZZ_CHECK(b.len > 0 && b.data[b.len - 1] == '\n');
	FUZZ_CHECK(fuzz_json_check(b.data, b.len - 1, NULL, NULL));
	sk_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_flow_opts o = { 1.0, 8 };
	struct sk_flow_table *t = sk_flow_table_new(&o, check, NULL, NULL);
	struct sk_flow_stats st;
	struct sk_packet p;
	size_t at = 0, n;

	if (t == NULL)
		return 0;
	memset(&p, 0, sizeof(p));
	p.ts.tv_sec = 1700000000;
	while (at + 2 <= size) {
		unsigned int sel = data[at];

		n = data[at + 1];
		at += 2;
		if (n > size - at)
			n = size - at;
		p.linktype = linktypes[sel & 7];
		/* Time steps of 0, 1 ms, 0.4 s, or back 1 s. */
		switch (sel >> 3 & 3) {
		case 1:
			p.ts.tv_nsec = (p.ts.tv_nsec + 1000000) % 1000000000;
			break;
		case 2:
			p.ts.tv_sec += p.ts.tv_nsec >= 600000000;
			p.ts.tv_nsec = (p.ts.tv_nsec + 400000000) % 1000000000;
			break;
		case 3:
			p.ts.tv_sec--;
			break;
		default:
			break;
		}
		p.data = data + at;
		p.caplen = (uint32_t)n;
		p.len = p.caplen + ((sel & 0x20) ? 1000 : 0);
		(void)sk_flow_table_add(t, &p);
		if (sel & 0x40)
			sk_flow_table_report(t, false);
		at += n;
	}
	sk_flow_table_stats(t, &st);
	FUZZ_CHECK(st.live <= 8);
	sk_flow_table_report(t, true);
	sk_flow_table_stats(t, &st);
	FUZZ_CHECK(st.live == 0);
	sk_flow_table_free(t);
	return 0;
}
