/*
 * fuzz-decode.c - libFuzzer target for the packet decoder (lib/capture/:
 * decode.c and the printers of print-*.c): the first byte picks the link
 * type and the output form, the rest is the packet.  Seeds: packets of
 * tests/pcaps, one per file (corpus/decode/).  Any out-of-bounds read is
 * a sanitizer report.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pcap/pcap.h>

#include "sockit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_RAW,
	DLT_NULL, DLT_LOOP, 228, 229, 276 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sk_decoder *dec[4];
	struct sk_packet p;
	struct sk_buf out = { 0 };
	unsigned int sel;

	if (size < 1)
		return 0;
	sel = data[0];
	memset(&p, 0, sizeof(p));
	p.linktype = linktypes[(sel & 0x3f) % 8];
	p.data = data + 1;
	p.caplen = (uint32_t)(size - 1);
	/* Sometimes the wire was longer than what was captured. */
	p.len = p.caplen + ((sel & 0x40) ? 1000 : 0);
	if (dec[sel >> 6] == NULL)
		dec[sel >> 6] = sk_decoder_new((int)(sel >> 6), NULL);
	if (dec[sel >> 6] != NULL)
		(void)sk_decode(dec[sel >> 6], &p, &out);
	sk_buf_free(&out);
	return 0;
}
