/*
 * flow-int.h - the private contract between the flow table (flow.c) and
 * the application-hint parsers (hint.c): a TLS ClientHello's server name
 * and ALPN list (RFC 8446 4.1.2, RFC 6066 3, RFC 7301), a DNS message's
 * header and first question (RFC 1035 4.1), an HTTP/1 request line and
 * its Host header (RFC 9112 3).  Every byte they read is hostile and read
 * within the length given.  Not installed.
 */
#ifndef SOCKIT_FLOW_INT_H
#define SOCKIT_FLOW_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a hint may keep of each text: longer ones are cut there. */
#define HINT_SNI_MAX	255
#define HINT_ALPN_MAX	96
#define HINT_QNAME_MAX	255
#define HINT_METHOD_MAX	16
#define HINT_HOST_MAX	128
#define HINT_PATH_MAX	256
#define HINT_TEXT_MAX	(HINT_METHOD_MAX + HINT_HOST_MAX + HINT_PATH_MAX)

enum hint_kind { HINT_NONE, HINT_TLS, HINT_DNS, HINT_HTTP };

/* A slice of hint.text: the bytes as they came, not terminated. */
struct hint_field {
	uint16_t off, len;
};

struct sk__hint {
	enum hint_kind kind;
	/* TLS: sni, alpn; DNS: qname; HTTP: method, host, path. */
	struct hint_field f[3];
	int qtype, rcode;	/* DNS; rcode -1 until answered */
	unsigned int dns_id;
	int64_t dns_query_ns;	/* when the query was seen */
	int64_t dns_ms_us;	/* query to answer, microseconds; -1 */
	struct sk__hint *next;	/* on the free list */
	unsigned char text[HINT_TEXT_MAX];
};

/* One DNS message's header and first question. */
struct sk__dns {
	unsigned int id, rcode, qtype;
	bool response;
	size_t qname_len;
	unsigned char qname[HINT_QNAME_MAX];
};

/* A ClientHello at the start of P (a TLS record): 1 and H filled (kind
 * HINT_TLS, empty fields when the extension is absent), else 0. */
int sk__hint_tls(const unsigned char *p, size_t n, struct sk__hint *h);
/* The length of the TLS record at the start of P (its header included)
 * when P begins one that holds a ClientHello (as far as P shows), else 0. */
size_t sk__hint_tls_need(const unsigned char *p, size_t n);
/* An HTTP/1 request line at the start of P: 1 and H filled (the Host
 * header when it is within P), else 0. */
int sk__hint_http(const unsigned char *p, size_t n, struct sk__hint *h);
/* A DNS message with at least one question: 1 and D filled, else 0.  The
 * name is in dotted text, its labels' bytes as they came. */
int sk__dns_parse(const unsigned char *p, size_t n, struct sk__dns *d);

#endif
