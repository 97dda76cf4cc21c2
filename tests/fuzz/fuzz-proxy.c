/*
 * fuzz-proxy.c - libFuzzer target for the proxy clients' reply parsers
 * (lib/event/proxy.c): SOCKS5 replies (RFC 1928 section 6) and HTTP
 * CONNECT status lines and headers (RFC 9110 section 9.3.6), both of
 * which come from a proxy we do not trust.  Checked, on every prefix
 * of the input as it would arrive: no read outside the buffer (the
 * buffer is exactly as long as the prefix), a "need more" answer asks
 * for more bytes than there are, a success is final for every longer
 * prefix, and every error message is short, printable ASCII.  The URL
 * parser gets the input as a string too.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockit.h"
#include "fuzz.h"

static void
check_message(const struct sk_error *err)
{
	size_t i, n = strnlen(err->message, sizeof(err->message));

	FUZZ_CHECK(n > 0 && n < sizeof(err->message));
	for (i = 0; i < n; i++)
		FUZZ_CHECK(err->message[i] >= 0x20 && err->message[i] < 0x7f);
}

static void
socks5(const uint8_t *data, size_t size)
{
	struct sk_error err;
	size_t len, need, done_at = 0;
	int rc, first = 0;

	for (len = 0; len <= size && len <= 300; len++) {
		unsigned char *b = malloc(len ? len : 1);

		FUZZ_CHECK(b != NULL);
		memcpy(b, data, len);
		rc = sk_socks5_reply(b, len, &need, &err);
		free(b);
		if (rc == 0)
			FUZZ_CHECK(need > len && need <= 4 + 1 + 255 + 2);
		if (rc == -1)
			check_message(&err);
		if (first != 0)	/* once decided, it stays decided */
			FUZZ_CHECK(rc == first && (rc != 1 ||
			    need == done_at));
		else if (rc != 0) {
			first = rc;
			done_at = need;
		}
	}
}

static void
http(const uint8_t *data, size_t size)
{
	struct sk_error err;
	size_t len, end, end_at = 0;
	int rc, first = 0;

	for (len = 0; len <= size; len++) {
		char *b = malloc(len ? len : 1);

		FUZZ_CHECK(b != NULL);
		memcpy(b, data, len);
		rc = sk_http_connect_reply(b, len, &end, &err);
		free(b);
		if (rc == 0)
			FUZZ_CHECK(end == 0);
		else if (rc == 1)
			FUZZ_CHECK(end > 0 && end <= len);
		else
			check_message(&err);
		if (first != 0)
			FUZZ_CHECK(rc == first && (rc != 1 || end == end_at));
		else if (rc != 0) {
			first = rc;
			end_at = end;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_proxy p;
	struct sk_error err;
	char *s;

	socks5(data, size);
	http(data, size);
	s = fuzz_cstr(data, size);
	if (sk_proxy_parse(&p, s, &err) == 0) {
		FUZZ_CHECK(p.type == SK_PROXY_SOCKS5 ||
		    p.type == SK_PROXY_HTTP);
		FUZZ_CHECK(p.host[0] != '\0' && p.port[0] != '\0');
		FUZZ_CHECK(!p.auth || (strlen(p.user) <= 255 &&
		    strlen(p.pass) <= 255));
	}
	free(s);
	return 0;
}
