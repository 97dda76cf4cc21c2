/*
 * flow.c - the flow table behind sniff --flows: each packet's layers read
 * once (Ethernet with 802.1Q tags, Linux cooked, BSD loopback, raw IP;
 * IPv4 (RFC 791), IPv6 with its extension headers (RFC 8200); TCP (RFC
 * 9293), UDP (RFC 768), ICMP and ICMPv6 echo), then the conversation it
 * belongs to found in a hash table and brought up to date.
 *
 * TCP flows end on FIN both ways or RST, and are reported once the
 * closing packets are past (a short linger); UDP and ICMP flows, and TCP
 * ones without either, end when idle.  Idle time is judged on the
 * packets' time stamps, so a capture file gives the records a live
 * capture would have.  Flows live in fixed chunks on a free list and on
 * three lists in order of last activity (UDP and ICMP, open TCP, closing
 * TCP): expiry looks at the lists' heads only, and not at all before the
 * earliest of their deadlines; a packet costs no allocation.  At the cap,
 * the longest idle flow is evicted and counted.  The hash of a key is
 * keyed with random bytes, so that no sender can choose ports and
 * addresses that all fall into one chain; the bucket array doubles as the
 * live flows outgrow it.
 *
 * Retransmission and out-of-order (per direction, by sequence number):
 * a segment wholly at or below the highest sequence seen is old data; it
 * is out of order when it fills the gap the highest segment left and
 * comes within the SYN round trip (3 ms when unknown) of that segment,
 * else a retransmission; Wireshark's tcp.analysis judges the same way.
 *
 * A ClientHello longer than the client's first segment (post-quantum key
 * shares make it so) is put together from the segments that follow in
 * order, up to the record's end or FLOW_REASM_BYTES, in one of at most
 * FLOW_REASM_LIVE buffers; only then are its server name and ALPN read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "decode-int.h"
#include "flow-int.h"

#define FLOW_MAX_DEFAULT	262144
#define FLOW_BUCKETS_MIN	1024
#define FLOW_BUCKETS_MAX	(1u << 24)
#define FLOW_TIMEOUT_DEFAULT	30.0
#define FLOW_TCP_IDLE_FACTOR	10	/* TCP without FIN or RST */
#define FLOW_LINGER_NS		1000000000LL	/* after FIN both ways */
#define FLOW_CHUNK		4096
#define FLOW_OOO_NS		3000000LL	/* when the RTT is unknown */
#define FLOW_VLAN_MAX		4
#define FLOW_IP6_EXT_MAX	8
#define FLOW_REASM_BYTES	8192	/* of a split ClientHello */
#define FLOW_REASM_LIVE		256	/* buffers for it, at most */
#define NS			1000000000LL

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_ACK	0x10

#define ICMP_ECHOREPLY		0
#define ICMP_ECHO		8
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129
#define IP6_AH			51
#define DNS_PORT		53

/* The lists by last activity, each with its idle time. */
enum { L_IDLE, L_TCP, L_DONE, L_COUNT };

/* A conversation's identity, its two ends in a fixed order; hashed and
 * compared as five 64-bit words, so the padding is zero too. */
struct key {
	unsigned char addr[2][16];
	uint16_t port[2];
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;
	uint8_t pad[2];
};
#define KEY_WORDS	5
_Static_assert(sizeof(struct key) == KEY_WORDS * sizeof(uint64_t),
    "a key is five words");

/* The client's first bytes, while its ClientHello is still coming. */
struct reasm {
	uint32_t next;		/* the sequence number past the bytes */
	uint32_t len, want;
	struct reasm *free;	/* on the free list */
	unsigned char b[FLOW_REASM_BYTES];
};

struct tcpdir {
	uint32_t next;		/* past the highest sequence seen */
	uint32_t hole_lo, hole_hi;	/* the gap the highest segment left */
	int64_t hole_ns;	/* when it was left */
	bool have, hole, fin;
};

struct flow {
	struct key k;
	uint8_t init;		/* which end of k began it */
	uint8_t list;
	uint8_t close;		/* enum sk_flow_close */
	bool syn, synack, hint_tried[2];
	uint32_t hash;		/* of k, its low bits the bucket */
	struct flow *hnext;	/* hash chain, or the free list */
	struct flow *prev, *next;	/* on lists[list] */
	int64_t start_ns, last_ns, syn_ns, syn_rtt_ns;
	uint64_t pkts[2], bytes[2];	/* [0]: from the end that began */
	uint32_t retrans, ooo;
	struct tcpdir td[2];
	struct sk__hint *hint;
	struct reasm *ra;	/* while a ClientHello is split */
};

struct list {
	struct flow *head, *tail;
};

struct sk_flow_table {
	sk_flow_fn fn;
	void *ctx;
	int64_t idle_ns[L_COUNT];
	int64_t next_expiry;	/* no list's head is idle before this */
	uint64_t seed[6];	/* the hash's key */
	size_t max, chunk;	/* chunk: flows per allocation */
	size_t nbuckets, buckets_max;
	struct flow **bucket;
	struct flow *free;
	struct flow *carve;	/* the newest chunk's flows not yet used */
	size_t carve_left;
	struct flow **chunks;
	size_t nchunks;
	struct sk__hint *free_hints;
	struct reasm *free_reasm;
	size_t nreasm;		/* reassembly buffers allocated */
	struct list lists[L_COUNT];
	struct sk_flow_stats st;
};

/* One packet's layers, as the table needs them. */
struct pkt {
	struct key k;
	uint8_t from;		/* which end of k sent it */
	unsigned int flags;	/* TCP */
	uint32_t seq, seglen;	/* TCP: sequence, payload on the wire */
	struct span payload;	/* what was captured of it */
};

/* Random bytes for the hash, or (no entropy yet) the clock's and ASLR's. */
static void
seed(uint64_t *s, size_t size)
{
	struct timespec ts;
	size_t i;

	if (getrandom(s, size, GRND_NONBLOCK) == (ssize_t)size)
		return;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	s[0] = (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec ^
	    (uint64_t)(uintptr_t)s;
	for (i = 1; i < size / sizeof(*s); i++)
		s[i] = s[i - 1] * 0x9e3779b97f4a7c15ULL + i;
}

struct sk_flow_table *
sk_flow_table_new(const struct sk_flow_opts *o, sk_flow_fn fn, void *ctx,
    struct sk_error *err)
{
	struct sk_flow_table *t;
	double timeout = o != NULL && o->timeout > 0 ? o->timeout :
	    FLOW_TIMEOUT_DEFAULT;
	size_t max = o != NULL && o->max_flows > 0 ? o->max_flows :
	    FLOW_MAX_DEFAULT;

	if (o != NULL && (!(o->timeout >= 0) || o->timeout > 1e9)) {
		(void)sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "flow timeout out of range");
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		goto nomem;
	t->fn = fn;
	t->ctx = ctx;
	t->max = max;
	t->chunk = max < FLOW_CHUNK ? max : FLOW_CHUNK;
	t->idle_ns[L_IDLE] = (int64_t)(timeout * 1e9);
	/* Ten times a billion seconds is past what 64 bits of ns hold. */
	t->idle_ns[L_TCP] = timeout * FLOW_TCP_IDLE_FACTOR < 9e9 ?
	    t->idle_ns[L_IDLE] * FLOW_TCP_IDLE_FACTOR : INT64_MAX;
	t->idle_ns[L_DONE] = t->idle_ns[L_IDLE] < FLOW_LINGER_NS ?
	    t->idle_ns[L_IDLE] : FLOW_LINGER_NS;
	t->next_expiry = INT64_MAX;
	seed(t->seed, sizeof(t->seed));
	for (t->buckets_max = FLOW_BUCKETS_MIN; t->buckets_max < max &&
	    t->buckets_max < FLOW_BUCKETS_MAX; t->buckets_max <<= 1)
		;
	t->nbuckets = FLOW_BUCKETS_MIN;
	t->bucket = calloc(t->nbuckets, sizeof(struct flow *));
	t->chunks = calloc(max / t->chunk + 1, sizeof(struct flow *));
	if (t->bucket != NULL && t->chunks != NULL)
		return t;
	sk_flow_table_free(t);
nomem:
	(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	return NULL;
}

/* The network layer: IPv4 or IPv6 at OFF into PK; false if neither, or a
 * later fragment (no transport header to tell its flow by). */
static bool parse_transport(const struct span *, uint32_t, struct pkt *);

static bool
parse_ip4(const struct span *s, size_t off, struct pkt *pk)
{
	unsigned int v, tot, frag, proto;
	const unsigned char *a;
	struct span t;
	size_t ihl;

	if (!get_u8(s, off, &v) || v >> 4 != 4 ||
	    (ihl = (size_t)(v & 15) * 4) < 20 ||
	    !get_be16(s, off + 2, &tot) || !get_be16(s, off + 6, &frag) ||
	    !get_u8(s, off + 9, &proto) ||
	    (a = get_bytes(s, off + 12, 8)) == NULL)
		return false;
	if ((frag & 0x1fff) != 0 || tot < ihl)
		return false;
	pk->k.family = 4;
	pk->k.proto = (uint8_t)proto;
	memcpy(pk->k.addr[0], a, 4);
	memcpy(pk->k.addr[1], a + 4, 4);
	t = sub(s, off + ihl, tot - ihl);
	return parse_transport(&t, (uint32_t)(tot - ihl), pk);
}

static bool
parse_ip6(const struct span *s, size_t off, struct pkt *pk)
{
	unsigned int v, plen, nh, len, frag;
	const unsigned char *a;
	struct span t;
	int i;

	if (!get_u8(s, off, &v) || v >> 4 != 6 ||
	    !get_be16(s, off + 4, &plen) || !get_u8(s, off + 6, &nh) ||
	    (a = get_bytes(s, off + 8, 32)) == NULL)
		return false;
	pk->k.family = 6;
	memcpy(pk->k.addr[0], a, 16);
	memcpy(pk->k.addr[1], a + 16, 16);
	off += 40;
	if (plen == 0)		/* a jumbogram: what was captured */
		plen = s->n > off ? (unsigned int)(s->n - off) : 0;
	for (i = 0; i < FLOW_IP6_EXT_MAX; i++) {
		if (nh == ND_IPPROTO_HOPOPTS || nh == ND_IPPROTO_ROUTING ||
		    nh == ND_IPPROTO_DSTOPTS) {
			if (!get_u8(s, off + 1, &len))
				return false;
			len = (len + 1) * 8;
		} else if (nh == ND_IPPROTO_FRAGMENT) {
			if (!get_be16(s, off + 2, &frag) || (frag & 0xfff8))
				return false;
			len = 8;
		} else if (nh == IP6_AH) {
			if (!get_u8(s, off + 1, &len))
				return false;
			len = (len + 2) * 4;
		} else
			break;
		if (!get_u8(s, off, &nh) || len > plen)
			return false;
		off += len;
		plen -= len;
	}
	pk->k.proto = (uint8_t)nh;
	t = sub(s, off, plen);
	return parse_transport(&t, plen, pk);
}

static bool
parse_transport(const struct span *t, uint32_t wire, struct pkt *pk)
{
	unsigned int sp, dp, type, doff;

	switch (pk->k.proto) {
	case ND_IPPROTO_TCP:
		if (!get_be16(t, 0, &sp) || !get_be16(t, 2, &dp) ||
		    !get_be32(t, 4, &pk->seq) || !get_u8(t, 12, &doff) ||
		    !get_u8(t, 13, &pk->flags))
			return false;
		doff = (doff >> 4) * 4;
		if (doff < 20 || doff > wire)
			return false;
		pk->seglen = wire - doff;
		pk->payload = sub(t, doff, SIZE_MAX);
		break;
	case ND_IPPROTO_UDP:
		if (!get_be16(t, 0, &sp) || !get_be16(t, 2, &dp))
			return false;
		pk->payload = sub(t, 8, SIZE_MAX);
		break;
	case ND_IPPROTO_ICMP:
	case ND_IPPROTO_ICMPV6:
		if (!get_u8(t, 0, &type))
			return false;
		sp = 0;
		/* Echo request and reply: one flow by the identifier. */
		if ((pk->k.proto == ND_IPPROTO_ICMP && (type == ICMP_ECHO ||
		    type == ICMP_ECHOREPLY)) ||
		    (pk->k.proto == ND_IPPROTO_ICMPV6 &&
		    (type == ICMP6_ECHO_REQUEST || type == ICMP6_ECHO_REPLY)))
			(void)get_be16(t, 4, &sp);
		dp = sp;
		break;
	default:
		return false;
	}
	pk->k.port[0] = (uint16_t)sp;
	pk->k.port[1] = (uint16_t)dp;
	return true;
}

/* The link layer, then IP. */
static bool
parse(const struct sk_packet *p, struct pkt *pk)
{
	struct span s = { p->data, p->caplen };
	unsigned int et, v;
	uint64_t w[4];
	uint32_t af;
	size_t off;
	int i;

	switch (p->linktype) {
	case DLT_EN10MB:
		if (!get_be16(&s, 12, &et))
			return false;
		off = 14;
		for (i = 0; i < FLOW_VLAN_MAX && (et == ETHERTYPE_VLAN ||
		    et == ETHERTYPE_QINQ || et == ETHERTYPE_QINQ_OLD); i++) {
			if (!get_be16(&s, off + 2, &et))
				return false;
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
		off = p->linktype == DLT_LINUX_SLL ? 16 : 20;
		if (!get_be16(&s, p->linktype == DLT_LINUX_SLL ? 14 : 0, &et))
			return false;
		break;
	case DLT_NULL:
	case DLT_LOOP:
		if (!get_be32(&s, 0, &af))
			return false;
		if (p->linktype == DLT_NULL && (af & 0xffff) == 0)
			af = __builtin_bswap32(af);
		et = af == BSD_AFNUM_INET ? ETHERTYPE_IP : ETHERTYPE_IPV6;
		off = 4;
		break;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (!get_u8(&s, 0, &v))
			return false;
		et = v >> 4 == 4 ? ETHERTYPE_IP : ETHERTYPE_IPV6;
		off = 0;
		break;
	default:
		return false;
	}
	memset(&pk->k, 0, sizeof(pk->k));
	if (et == ETHERTYPE_IP && parse_ip4(&s, off, pk))
		;
	else if (et != ETHERTYPE_IPV6 || !parse_ip6(&s, off, pk))
		return false;
	/* One key for both directions: the ends in a fixed order (by their
	 * bytes as words: any order will do, as long as it is the same). */
	pk->from = 0;
	memcpy(w, pk->k.addr, sizeof(w));
	if (w[0] != w[2] ? w[0] > w[2] : w[1] != w[3] ? w[1] > w[3] :
	    pk->k.port[0] > pk->k.port[1]) {
		unsigned char a[16];
		uint16_t pt = pk->k.port[0];

		memcpy(a, pk->k.addr[0], 16);
		memcpy(pk->k.addr[0], pk->k.addr[1], 16);
		memcpy(pk->k.addr[1], a, 16);
		pk->k.port[0] = pk->k.port[1];
		pk->k.port[1] = pt;
		pk->from = 1;
	}
	return true;
}

/* Two words into one: the high and low halves of their product. */
static inline uint64_t
mix(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t r = (a ^ a >> 32) * 0xd6e8feb86659fd93ULL ^ b;

	r *= 0x9e3779b97f4a7c15ULL;
	return r ^ r >> 32;
#endif
}

/* The key's five words, mixed with the table's random ones (as wyhash
 * does): a few multiplications where a byte at a time took forty. */
static uint32_t
key_hash(const struct sk_flow_table *t, const struct key *k)
{
	uint64_t w[KEY_WORDS];

	memcpy(w, k, sizeof(w));
	return (uint32_t)mix(mix(w[0] ^ t->seed[0], w[1] ^ t->seed[1]) ^
	    t->seed[4], mix(w[2] ^ t->seed[2], w[3] ^ t->seed[3]) ^
	    (w[4] ^ t->seed[5]));
}

static bool
key_equal(const struct key *a, const struct key *b)
{
	uint64_t x[KEY_WORDS], y[KEY_WORDS];

	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) |
	    (x[3] ^ y[3]) | (x[4] ^ y[4])) == 0;
}

/* When F, at the head of list WHICH, is to be looked at for idleness. */
static void
watch(struct sk_flow_table *t, const struct flow *f, int which)
{
	int64_t idle = t->idle_ns[which];
	int64_t at = f->last_ns > INT64_MAX - idle ? INT64_MAX :
	    f->last_ns + idle;

	if (at < t->next_expiry)
		t->next_expiry = at;
}

static void
list_unlink(struct sk_flow_table *t, struct flow *f)
{
	struct list *l = &t->lists[f->list];

	if (f->prev != NULL)
		f->prev->next = f->next;
	else if ((l->head = f->next) != NULL)
		watch(t, l->head, f->list);
	if (f->next != NULL)
		f->next->prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = NULL;
}

static void
list_append(struct sk_flow_table *t, struct flow *f, int which)
{
	struct list *l = &t->lists[which];

	f->list = (uint8_t)which;
	f->next = NULL;
	f->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = f;
	else {
		l->head = f;
		watch(t, f, which);
	}
	l->tail = f;
}

static void
fill_text(const struct sk__hint *h, int i, const char **p, size_t *n)
{
	*p = (const char *)h->text + h->f[i].off;
	*n = h->f[i].len;
}

/* The public record of F, closed as CLOSE. */
static void
record(const struct flow *f, int close, struct sk_flow *r)
{
	const struct sk__hint *h = f->hint;
	int a = f->init, b = !f->init;
	size_t alen = f->k.family == 4 ? 4 : 16;

	memset(r, 0, sizeof(*r));
	r->start.tv_sec = (time_t)(f->start_ns / NS);
	r->start.tv_nsec = (long)(f->start_ns % NS);
	r->duration = (double)(f->last_ns - f->start_ns) / 1e9;
	r->family = f->k.family == 4 ? AF_INET : AF_INET6;
	r->proto = f->k.proto;
	memcpy(r->src, f->k.addr[a], alen);
	memcpy(r->dst, f->k.addr[b], alen);
	r->sport = f->k.port[a];
	r->dport = f->k.port[b];
	r->packets[0] = f->pkts[0];
	r->packets[1] = f->pkts[1];
	r->bytes[0] = f->bytes[0];
	r->bytes[1] = f->bytes[1];
	r->syn_rtt_ms = f->synack ? (double)f->syn_rtt_ns / 1e6 : -1;
	r->retransmits = f->retrans;
	r->out_of_order = f->ooo;
	r->close = (enum sk_flow_close)close;
	r->qtype = r->rcode = -1;
	r->dns_ms = -1;
	if (h == NULL)
		return;
	switch (h->kind) {
	case HINT_TLS:
		fill_text(h, 0, &r->sni, &r->sni_len);
		fill_text(h, 1, &r->alpn, &r->alpn_len);
		break;
	case HINT_DNS:
		fill_text(h, 0, &r->qname, &r->qname_len);
		r->qtype = h->qtype;
		r->rcode = h->rcode;
		r->dns_ms = h->dns_ms_us >= 0 ? (double)h->dns_ms_us / 1e3 : -1;
		break;
	case HINT_HTTP:
		fill_text(h, 0, &r->method, &r->method_len);
		fill_text(h, 1, &r->host, &r->host_len);
		fill_text(h, 2, &r->path, &r->path_len);
		break;
	default:
		break;
	}
}

static void
report(struct sk_flow_table *t, const struct flow *f, int close)
{
	struct sk_flow r;

	if (t->fn == NULL)
		return;
	record(f, close, &r);
	t->fn(t->ctx, &r);
}

/* Give back a hint that turned out to hold nothing. */
static void
hint_put(struct sk_flow_table *t, struct flow *f)
{
	f->hint->next = t->free_hints;
	t->free_hints = f->hint;
	f->hint = NULL;
}

/* The hint from the bytes put together; the buffer back to the list. */
static void
reasm_end(struct sk_flow_table *t, struct flow *f)
{
	struct reasm *ra = f->ra;

	if (!sk__hint_tls(ra->b, ra->len, f->hint))
		hint_put(t, f);
	f->ra = NULL;
	ra->free = t->free_reasm;
	t->free_reasm = ra;
}

/* Report F as CLOSE and give its memory back. */
static void
flow_end(struct sk_flow_table *t, struct flow *f, int close)
{
	struct flow **pp = &t->bucket[f->hash & (t->nbuckets - 1)];

	if (f->ra != NULL)
		reasm_end(t, f);
	report(t, f, close);
	while (*pp != NULL && *pp != f)
		pp = &(*pp)->hnext;
	if (*pp == f)
		*pp = f->hnext;
	list_unlink(t, f);
	if (f->hint != NULL) {
		f->hint->next = t->free_hints;
		t->free_hints = f->hint;
	}
	f->hnext = t->free;
	t->free = f;
	t->st.live--;
}

void
sk_flow_table_expire(struct sk_flow_table *t, const struct timespec *now)
{
	int64_t ns = (int64_t)now->tv_sec * NS + now->tv_nsec;
	struct flow *f;
	int i;

	if (ns < t->next_expiry)
		return;
	for (i = 0; i < L_COUNT; i++)
		while ((f = t->lists[i].head) != NULL &&
		    ns - f->last_ns >= t->idle_ns[i])
			flow_end(t, f, i == L_DONE ? f->close : SK_FLOW_IDLE);
	t->next_expiry = INT64_MAX;
	for (i = 0; i < L_COUNT; i++)
		if (t->lists[i].head != NULL)
			watch(t, t->lists[i].head, i);
}

/* Room for one more: a closing flow goes first, else the longest idle. */
static void
evict(struct sk_flow_table *t)
{
	struct flow *a = t->lists[L_IDLE].head, *b = t->lists[L_TCP].head;

	if (t->lists[L_DONE].head != NULL) {
		flow_end(t, t->lists[L_DONE].head,
		    t->lists[L_DONE].head->close);
		return;
	}
	if (a == NULL || (b != NULL && b->last_ns < a->last_ns))
		a = b;
	if (a != NULL) {
		t->st.evicted++;
		flow_end(t, a, SK_FLOW_OPEN);
	}
}

/* A flow from the free list, else the newest chunk's next unused one
 * (its pages touched only as flows come), else a new chunk. */
static struct flow *
flow_alloc(struct sk_flow_table *t)
{
	struct flow *c;

	if ((c = t->free) != NULL) {
		t->free = c->hnext;
		return c;
	}
	if (t->carve_left == 0) {
		if (t->nchunks > t->max / t->chunk ||
		    (c = malloc(t->chunk * sizeof(*c))) == NULL)
			return NULL;
		t->chunks[t->nchunks++] = c;
		t->carve = c;
		t->carve_left = t->chunk;
	}
	t->carve_left--;
	return t->carve++;
}

/* Twice the buckets, once the live flows outnumber them; a failed
 * allocation leaves the chains longer, nothing worse. */
static void
grow(struct sk_flow_table *t)
{
	size_t n = t->nbuckets * 2, i;
	struct flow **b, *f, *next;

	if (t->st.live < t->nbuckets || n > t->buckets_max ||
	    (b = calloc(n, sizeof(struct flow *))) == NULL)
		return;
	for (i = 0; i < t->nbuckets; i++)
		for (f = t->bucket[i]; f != NULL; f = next) {
			next = f->hnext;
			f->hnext = b[f->hash & (n - 1)];
			b[f->hash & (n - 1)] = f;
		}
	free(t->bucket);
	t->bucket = b;
	t->nbuckets = n;
}

static struct flow *
flow_new(struct sk_flow_table *t, const struct pkt *pk, uint32_t h,
    int64_t now)
{
	struct flow *f;

	if (t->st.live >= t->max)
		evict(t);
	if ((f = flow_alloc(t)) == NULL)
		return NULL;
	grow(t);
	memset(f, 0, sizeof(*f));
	f->k = pk->k;
	f->hash = h;
	f->init = pk->from;
	/* A SYN-ACK seen first: the other end began it. */
	if (pk->k.proto == ND_IPPROTO_TCP &&
	    (pk->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
		f->init = !pk->from;
	f->start_ns = f->last_ns = now;
	f->close = SK_FLOW_OPEN;
	f->hnext = t->bucket[h & (t->nbuckets - 1)];
	t->bucket[h & (t->nbuckets - 1)] = f;
	list_append(t, f, pk->k.proto == ND_IPPROTO_TCP ? L_TCP : L_IDLE);
	t->st.live++;
	t->st.flows++;
	return f;
}

static struct flow *
flow_find(struct sk_flow_table *t, const struct key *k, uint32_t h)
{
	struct flow *f;

	for (f = t->bucket[h & (t->nbuckets - 1)]; f != NULL; f = f->hnext)
		if (f->hash == h && key_equal(&f->k, k))
			return f;
	return NULL;
}

/* Signed distance of sequence numbers (RFC 9293 3.4's arithmetic). */
static int32_t
seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static void
tcp_seq(struct flow *f, int dir, const struct pkt *pk, int64_t now)
{
	struct tcpdir *d = &f->td[dir];
	uint32_t len = pk->seglen + !!(pk->flags & TH_SYN) +
	    !!(pk->flags & TH_FIN);
	uint32_t end = pk->seq + len;
	int64_t window = f->synack ? f->syn_rtt_ns : FLOW_OOO_NS;

	if (len == 0)
		return;
	/* A keep-alive: one byte (or none) just below what was sent. */
	if (d->have && pk->seglen <= 1 && !(pk->flags & (TH_SYN | TH_FIN)) &&
	    pk->seq == d->next - 1)
		return;
	if (!d->have) {
		d->have = true;
		d->next = end;
		return;
	}
	if (seq_diff(end, d->next) > 0) {
		if (seq_diff(pk->seq, d->next) > 0 && !d->hole) {
			d->hole = true;
			d->hole_lo = d->next;
			d->hole_hi = pk->seq;
			d->hole_ns = now;
		}
		d->next = end;
		return;
	}
	/* Old data: filling the gap soon, or sent again. */
	if (d->hole && seq_diff(end, d->hole_lo) > 0 &&
	    seq_diff(pk->seq, d->hole_hi) < 0) {
		if (now - d->hole_ns < window)
			f->ooo++;
		else
			f->retrans++;
		if (seq_diff(pk->seq, d->hole_lo) <= 0)
			d->hole_lo = end;
		else if (seq_diff(end, d->hole_hi) >= 0)
			d->hole_hi = pk->seq;
		if (seq_diff(d->hole_hi, d->hole_lo) <= 0)
			d->hole = false;
		return;
	}
	f->retrans++;
}

static void
tcp_update(struct sk_flow_table *t, struct flow *f, int dir,
    const struct pkt *pk, int64_t now)
{
	unsigned int fl = pk->flags;

	if ((fl & (TH_SYN | TH_ACK)) == TH_SYN && dir == 0 && !f->syn) {
		f->syn = true;
		f->syn_ns = now;
	} else if ((fl & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) &&
	    dir == 1 && f->syn && !f->synack) {
		f->synack = true;
		f->syn_rtt_ns = now - f->syn_ns;
	}
	tcp_seq(f, dir, pk, now);
	if (f->list == L_DONE)
		return;
	if (fl & TH_RST)
		f->close = SK_FLOW_RST;
	else if (fl & TH_FIN) {
		f->td[dir].fin = true;
		if (f->td[!dir].fin)
			f->close = SK_FLOW_FIN;
	}
	if (f->close != SK_FLOW_OPEN) {
		list_unlink(t, f);
		list_append(t, f, L_DONE);
	}
}

static struct sk__hint *
hint_get(struct sk_flow_table *t, struct flow *f)
{
	struct sk__hint *h;

	if (f->hint != NULL)
		return f->hint;
	if ((h = t->free_hints) != NULL)
		t->free_hints = h->next;
	else if ((h = malloc(sizeof(*h))) == NULL)
		return NULL;
	memset(h, 0, offsetof(struct sk__hint, text));
	return f->hint = h;
}

/*
 * The client's first segment begins a ClientHello longer than itself:
 * keep its bytes (and those to come) instead of reading the hint now.
 * False when it does not, the capture cut the segment, or every buffer
 * is in use: then the segment alone gives what it holds.
 */
static bool
reasm_start(struct sk_flow_table *t, struct flow *f, const struct pkt *pk)
{
	const struct span *s = &pk->payload;
	size_t want = sk__hint_tls_need(s->p, s->n);
	struct reasm *ra;

	if (want > FLOW_REASM_BYTES)
		want = FLOW_REASM_BYTES;
	if (want <= s->n || s->n != pk->seglen)
		return false;
	if ((ra = t->free_reasm) != NULL)
		t->free_reasm = ra->free;
	else if (t->nreasm >= FLOW_REASM_LIVE ||
	    (ra = malloc(sizeof(*ra))) == NULL)
		return false;
	else
		t->nreasm++;
	memcpy(ra->b, s->p, s->n);
	ra->len = (uint32_t)s->n;
	ra->want = (uint32_t)want;
	ra->next = pk->seq + pk->seglen;
	f->ra = ra;
	return true;
}

/* A later segment from the client: the bytes that follow those held (a
 * segment past a gap waits for the gap's to come again), then the hint
 * once the record is whole or the capture cut a segment short. */
static void
reasm_add(struct sk_flow_table *t, struct flow *f, const struct pkt *pk)
{
	struct reasm *ra = f->ra;
	const struct span *s = &pk->payload;
	uint32_t skip = ra->next - pk->seq;	/* bytes already held */
	size_t n;

	if (seq_diff(pk->seq, ra->next) > 0 || skip >= pk->seglen)
		return;
	if (skip < s->n) {
		n = s->n - skip;
		if (n > ra->want - ra->len)
			n = ra->want - ra->len;
		memcpy(ra->b + ra->len, s->p + skip, n);
		ra->len += (uint32_t)n;
		ra->next = pk->seq + pk->seglen;
	}
	if (ra->len >= ra->want || s->n < pk->seglen)
		reasm_end(t, f);
}

static void
hint_dns(struct sk_flow_table *t, struct flow *f, const struct span *s,
    int64_t now)
{
	struct sk__dns d;
	struct sk__hint *h;

	if (!sk__dns_parse(s->p, s->n, &d))
		return;
	if ((h = f->hint) == NULL) {
		if ((h = hint_get(t, f)) == NULL)
			return;
		h->kind = HINT_DNS;
		h->f[0].len = (uint16_t)d.qname_len;
		memcpy(h->text, d.qname, d.qname_len);
		h->qtype = (int)d.qtype;
		h->dns_id = d.id;
		h->rcode = -1;
		h->dns_ms_us = -1;
		h->dns_query_ns = now;
		if (!d.response)
			return;
		/* An answer without its query: no time to give. */
		h->dns_query_ns = -1;
	}
	if (h->kind == HINT_DNS && d.response && h->rcode < 0 &&
	    d.id == h->dns_id) {
		h->rcode = (int)d.rcode;
		if (h->dns_query_ns >= 0)
			h->dns_ms_us = (now - h->dns_query_ns) / 1000;
	}
}

/* What the flow is for: DNS on port 53, else the client's first bytes. */
static void
hints(struct sk_flow_table *t, struct flow *f, int dir, const struct pkt *pk,
    int64_t now)
{
	struct span s = pk->payload;
	struct sk__hint *h;

	if (s.n == 0)
		return;
	if (f->k.port[0] == DNS_PORT || f->k.port[1] == DNS_PORT) {
		if (f->k.proto == ND_IPPROTO_TCP) {
			if (f->hint_tried[dir])
				return;
			f->hint_tried[dir] = true;
			s = sub(&s, 2, SIZE_MAX);	/* the length */
		}
		hint_dns(t, f, &s, now);
		return;
	}
	if (f->ra != NULL) {
		if (dir == 0)
			reasm_add(t, f, pk);
		return;
	}
	if (f->k.proto != ND_IPPROTO_TCP || dir != 0 || f->hint_tried[0])
		return;
	f->hint_tried[0] = true;
	if ((h = hint_get(t, f)) == NULL || reasm_start(t, f, pk))
		return;
	if (!sk__hint_tls(s.p, s.n, h) && !sk__hint_http(s.p, s.n, h))
		hint_put(t, f);
}

int
sk_flow_table_add(struct sk_flow_table *t, const struct sk_packet *p)
{
	int64_t now = (int64_t)p->ts.tv_sec * NS + p->ts.tv_nsec;
	struct pkt pk;
	struct flow *f;
	uint32_t h;
	int dir;

	sk_flow_table_expire(t, &p->ts);
	if (!parse(p, &pk)) {
		t->st.untracked++;
		return 0;
	}
	h = key_hash(t, &pk.k);
	f = flow_find(t, &pk.k, h);
	/* A new SYN on a closed connection's ports: a new connection. */
	if (f != NULL && f->list == L_DONE &&
	    (pk.flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		flow_end(t, f, f->close);
		f = NULL;
	}
	if (f == NULL && (f = flow_new(t, &pk, h, now)) == NULL) {
		t->st.untracked++;
		return 0;
	}
	dir = pk.from != f->init;
	f->pkts[dir]++;
	f->bytes[dir] += p->len > p->caplen ? p->len : p->caplen;
	if (now > f->last_ns)
		f->last_ns = now;
	/* To the tail of its list, where the latest are (often already). */
	if (f != t->lists[f->list].tail) {
		list_unlink(t, f);
		list_append(t, f, f->list);
	}
	if (pk.k.proto == ND_IPPROTO_TCP)
		tcp_update(t, f, dir, &pk, now);
	hints(t, f, dir, &pk, now);
	return 1;
}

void
sk_flow_table_report(struct sk_flow_table *t, bool end)
{
	struct flow *f, *next;
	int i;

	/* Closing flows have ended: reported as such. */
	while ((f = t->lists[L_DONE].head) != NULL)
		flow_end(t, f, f->close);
	for (i = 0; i < L_DONE; i++)
		for (f = t->lists[i].head; f != NULL; f = next) {
			next = f->next;
			if (end)
				flow_end(t, f, SK_FLOW_OPEN);
			else
				report(t, f, SK_FLOW_OPEN);
		}
}

void
sk_flow_table_stats(const struct sk_flow_table *t, struct sk_flow_stats *st)
{
	*st = t->st;
}

void
sk_flow_table_free(struct sk_flow_table *t)
{
	struct sk__hint *h;
	struct reasm *ra;
	size_t i;

	if (t == NULL)
		return;
	/* Hints and buffers still held by live flows, then the free ones. */
	for (i = 0; t->bucket != NULL && i < t->nbuckets; i++)
		for (struct flow *f = t->bucket[i]; f != NULL; f = f->hnext) {
			free(f->hint);
			free(f->ra);
		}
	while ((h = t->free_hints) != NULL) {
		t->free_hints = h->next;
		free(h);
	}
	while ((ra = t->free_reasm) != NULL) {
		t->free_reasm = ra->free;
		free(ra);
	}
	for (i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->bucket);
	free(t);
}
