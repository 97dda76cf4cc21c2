/*
 * fuzz-hint.c - libFuzzer target for the application-hint parsers of the
 * flow table (lib/capture/hint.c): a TLS ClientHello's server name and
 * ALPN, an HTTP/1 request line and Host header, a DNS message's first
 * question.  The first byte picks the parser, the rest is the payload; a
 * read outside it is a sanitizer report.  Each field must lie within the
 * hint's text and be no longer than its bound; the length a TLS record
 * claims (what the flow table waits for) is its header's.  Seeds:
 * corpus/hint/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "capture/flow-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t bounds[3][3] = {
	{ HINT_SNI_MAX, HINT_ALPN_MAX, 0 },
	{ HINT_QNAME_MAX, 0, 0 },
	{ HINT_METHOD_MAX, HINT_HOST_MAX, HINT_PATH_MAX },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk__hint *h;
	struct sk__dns d;
	unsigned char *p;
	size_t need;
	int i, kind;

	if (size < 1)
		return 0;
	/* An exact copy, so that ASan sees a read past its end. */
	if ((p = malloc(size - 1 > 0 ? size - 1 : 1)) == NULL ||
	    (h = calloc(1, sizeof(*h))) == NULL) {
		free(p);
		return 0;
	}
	memcpy(p, data + 1, size - 1);
	kind = data[0] % 3;
	if (kind == 0 && (need = sk__hint_tls_need(p, size - 1)) > 0)
		FUZZ_CHECK(size - 1 >= 5 && p[0] == 22 && p[1] == 3 &&
		    need == 5 + (size_t)(p[3] << 8 | p[4]));
	if (kind == 1) {
		if (sk__dns_parse(p, size - 1, &d)) {
			FUZZ_CHECK(d.qname_len >= 1 &&
			    d.qname_len <= sizeof(d.qname));
			FUZZ_CHECK(d.rcode < 16);
		}
	} else if ((kind == 0 ? sk__hint_tls : sk__hint_http)(p, size - 1,
	    h)) {
		FUZZ_CHECK(h->kind == (kind == 0 ? HINT_TLS : HINT_HTTP));
		for (i = 0; i < 3; i++) {
			FUZZ_CHECK(h->f[i].len <= bounds[kind][i]);
			FUZZ_CHECK((size_t)h->f[i].off + h->f[i].len <=
			    sizeof(h->text));
		}
	}
	free(h);
	free(p);
	return 0;
}
