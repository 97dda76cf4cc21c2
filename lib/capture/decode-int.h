/*
 * decode-int.h - the private contract between the packet printers of
 * lib/capture/print-*.c (tcpdump's netdissect.h): the bounded view of
 * packet bytes and its accessors, the printing context, what the IP layer
 * tells the transport printers, the named protocol numbers, and one entry
 * point per printer.  Not installed; nothing outside lib/capture/ sees it.
 *
 * Every byte is read through the bounds-checked accessors below, never by
 * casting the buffer to a header struct (tcpdump's GET_BE_U_2): every
 * length in a packet is hostile.  A header cut short says so on its line,
 * "[|tcp]" as tcpdump does, and decoding of that packet stops.
 */
#ifndef SOCKIT_DECODE_INT_H
#define SOCKIT_DECODE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

#include "sockit-int.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

/* EtherTypes (IEEE 802 numbers) the printers know. */
#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_ARP		0x0806
#define ETHERTYPE_REVARP	0x8035
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_AOE		0x88a2
#define ETHERTYPE_QINQ		0x88a8
#define ETHERTYPE_LLDP		0x88cc
#define ETHERTYPE_MACSEC	0x88e5
#define ETHERTYPE_PTP		0x88f7
#define ETHERTYPE_QINQ_OLD	0x9100
#define ETHERTYPE_LEN_MAX	1500	/* at most: an 802.3 length */

/* IP protocol numbers (IANA), named as netinet/in.h names them. */
#define ND_IPPROTO_HOPOPTS	0
#define ND_IPPROTO_ICMP		1
#define ND_IPPROTO_IGMP		2
#define ND_IPPROTO_IPIP		4
#define ND_IPPROTO_TCP		6
#define ND_IPPROTO_UDP		17
#define ND_IPPROTO_DCCP		33
#define ND_IPPROTO_IPV6		41
#define ND_IPPROTO_GRE		47
#define ND_IPPROTO_ROUTING	43
#define ND_IPPROTO_FRAGMENT	44
#define ND_IPPROTO_ESP		50
#define ND_IPPROTO_AH		51
#define ND_IPPROTO_ICMPV6	58
#define ND_IPPROTO_NONE		59
#define ND_IPPROTO_DSTOPTS	60
#define ND_IPPROTO_EIGRP	88
#define ND_IPPROTO_OSPF		89
#define ND_IPPROTO_PIM		103
#define ND_IPPROTO_VRRP		112
#define ND_IPPROTO_SCTP		132

/* BSD loopback address families (DLT_NULL, DLT_LOOP). */
#define BSD_AFNUM_INET		2
#define BSD_AFNUM_NS		6
#define BSD_AFNUM_ISO		7
#define BSD_AFNUM_APPLETALK	16
#define BSD_AFNUM_IPX		23
#define BSD_AFNUM_INET6_BSD	24
#define BSD_AFNUM_INET6_FREEBSD	28
#define BSD_AFNUM_INET6_DARWIN	30
#define BSD_AFNUM_INET6_LINUX	10

/* Linux cooked headers' protocols below 1536 (if_ether.h's ETH_P_*). */
#define SLL_P_802_3		0x0001
#define SLL_P_802_2		0x0004

#define SEQ_BUCKETS 4096

struct seq_entry;

struct sk_decoder {
	int flags;
	long long ref_sec;	/* -ttt, -ttttt: the time to count from */
	long ref_frac;
	struct seq_entry *seq[SEQ_BUCKETS];
	size_t nseq;
	struct sk_json json;
	struct sk_buf line;
};

/* A bounded view of packet bytes: nothing is read outside [p, p + n). */
struct span {
	const unsigned char *p;
	size_t n;
};

/* What the IP layer tells the transport printers. */
struct ipinfo {
	int version;		/* 4 or 6 */
	const unsigned char *src, *dst;	/* 4 or 16 bytes, checked */
	bool direct;		/* the transport header follows the IP one */
	bool fragmented;	/* the first fragment of several */
	unsigned int ttl;	/* TTL or hop limit */
};

struct ctx {
	struct sk_decoder *d;
	struct sk_buf *o;
	struct sk_json *j;	/* NULL unless JSON */
	bool nomem;
	bool truncated;
	size_t net_off;		/* where the network layer starts */
	bool dump_all;		/* the dump starts at the first byte */
};

/*
 * Bounds-checked accessors.  Each returns false when the bytes are not
 * there, and then still sets *v (to 0): no path, checked or not, can read
 * an unset value.
 */
static inline bool
has(const struct span *s, size_t off, size_t n)
{
	return off <= s->n && n <= s->n - off;
}

static inline bool
get_u8(const struct span *s, size_t off, unsigned int *v)
{
	*v = 0;
	if (!has(s, off, 1))
		return false;
	*v = s->p[off];
	return true;
}

static inline bool
get_be16(const struct span *s, size_t off, unsigned int *v)
{
	*v = 0;
	if (!has(s, off, 2))
		return false;
	*v = (unsigned int)s->p[off] << 8 | s->p[off + 1];
	return true;
}

static inline bool
get_be32(const struct span *s, size_t off, uint32_t *v)
{
	*v = 0;
	if (!has(s, off, 4))
		return false;
	*v = (uint32_t)s->p[off] << 24 | (uint32_t)s->p[off + 1] << 16 |
	    (uint32_t)s->p[off + 2] << 8 | s->p[off + 3];
	return true;
}

/* A pointer to n bytes at off, or NULL. */
static inline const unsigned char *
get_bytes(const struct span *s, size_t off, size_t n)
{
	return has(s, off, n) ? s->p + off : NULL;
}

/* The bytes from off on, cut to at most n. */
static inline struct span
sub(const struct span *s, size_t off, size_t n)
{
	struct span r = { s->p, 0 };

	if (off <= s->n) {
		r.p = s->p + off;
		r.n = s->n - off < n ? s->n - off : n;
	}
	return r;
}

/* -e: the link-level header is printed (never in JSON). */
static inline bool
nd_eflag(const struct ctx *c)
{
	return c->j == NULL && (c->d->flags & SK_DECODE_LINK_HDR) != 0;
}

/* A table from number to name (tcpdump's struct tok), ended by a NULL
 * name. */
struct nd_tok {
	unsigned int v;
	const char *s;
};

/* Output (print-util.c): text, numbers, addresses, the cut-short mark;
 * nd_tok_str is the name of v in a table, or NULL. */
const char *nd_tok_str(const struct nd_tok *, unsigned int);
void nd_put_bits(struct ctx *, const struct nd_tok *, unsigned int,
    const char *, const char *);
bool nd_put_chars(struct ctx *, const struct span *, size_t, size_t);
bool nd_put_string(struct ctx *, const struct span *, size_t, size_t);
void nd_put(struct ctx *, const char *, size_t);
void nd_puts(struct ctx *, const char *);
void nd_putu(struct ctx *, unsigned long long);
void nd_putf(struct ctx *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
size_t nd_fmt_ip4(const unsigned char *, char *);
size_t nd_fmt_ip6(const unsigned char *, char *);
void nd_put_ip(struct ctx *, int, const unsigned char *);
size_t nd_fmt_mac(const unsigned char *, size_t, char *);
void nd_put_mac(struct ctx *, const unsigned char *, size_t);
void nd_trunc(struct ctx *, const char *);
void nd_trunc_longjmp(struct ctx *, const char *);
void nd_put_ports(struct ctx *, const struct ipinfo *, unsigned int,
    unsigned int);
void nd_put_addrs(struct ctx *, const struct ipinfo *);
void nd_default_print(struct ctx *, const unsigned char *, size_t);
void nd_hex_print(struct ctx *, const unsigned char *, size_t);
void nd_hex_ascii_print(struct ctx *, const unsigned char *, size_t);
void nd_ascii_print(struct ctx *, const unsigned char *, size_t);
const char *nd_ethertype_name(unsigned int, const char *);
void nd_put_ethertype(struct ctx *, unsigned int);

/* JSON fields, only when the output is JSON. */
void nd_j_addr(struct ctx *, const char *, int, const unsigned char *);
void nd_j_mac(struct ctx *, const char *, const unsigned char *, size_t);
void nd_j_open(struct ctx *, const char *);
void nd_j_close(struct ctx *);
void nd_j_uint(struct ctx *, const char *, unsigned long long);

/* The printers: each is given its bytes and the length on the wire. */
void nd_print_link(struct ctx *, int, const struct span *, uint32_t);
void nd_print_ether(struct ctx *, const struct span *, uint32_t);
void nd_print_ethertype(struct ctx *, unsigned int, const struct span *,
    uint32_t, const unsigned char *);
int nd_print_macsec(struct ctx *, const struct span *, size_t, uint32_t *,
    size_t *, size_t *);
void nd_print_arp(struct ctx *, const struct span *, uint32_t);
void nd_print_ip_any(struct ctx *, const struct span *, uint32_t);
void nd_print_ip(struct ctx *, const struct span *, uint32_t);
void nd_print_ip6(struct ctx *, const struct span *, uint32_t);
typedef void nd_ipproto_printer(struct ctx *, const struct span *, uint32_t,
    const struct ipinfo *);
bool nd_ipproto_addrs_first(unsigned int);
void nd_print_ipproto(struct ctx *, unsigned int, const struct span *,
    uint32_t, const struct ipinfo *);
nd_ipproto_printer nd_print_tcp;
void nd_tcp_seq_free(struct sk_decoder *);
bool nd_print_mptcp(struct ctx *, const struct span *, unsigned int);
nd_ipproto_printer nd_print_udp;
nd_ipproto_printer nd_print_dccp;
nd_ipproto_printer nd_print_sctp;
nd_ipproto_printer nd_print_gre;
nd_ipproto_printer nd_print_igmp;
void nd_print_vxlan(struct ctx *, const struct span *, uint32_t);
void nd_print_domain_udp(struct ctx *, const struct span *, uint32_t);
void nd_print_domain_tcp(struct ctx *, const struct span *, uint32_t);
void nd_print_mdns(struct ctx *, const struct span *, uint32_t);
void nd_print_bootp(struct ctx *, const struct span *, uint32_t);
void nd_print_stp(struct ctx *, const struct span *, uint32_t);
void nd_print_ptp(struct ctx *, const struct span *, uint32_t);
void nd_print_udld(struct ctx *, const struct span *, uint32_t);
void nd_print_openflow(struct ctx *, const struct span *, uint32_t);
void nd_print_aoe(struct ctx *, const struct span *, uint32_t);
void nd_print_lldp(struct ctx *, const struct span *, uint32_t);
void nd_print_hsrp(struct ctx *, const struct span *, uint32_t);
void nd_print_bcm_li(struct ctx *, const struct span *, uint32_t);
void nd_print_bfd_control(struct ctx *, const struct span *, uint32_t);
void nd_print_bfd_multihop(struct ctx *, const struct span *, uint32_t);
void nd_print_bfd_lag(struct ctx *, const struct span *, uint32_t);
void nd_print_bfd_echo(struct ctx *, const struct span *, uint32_t);
nd_ipproto_printer nd_print_icmp;
nd_ipproto_printer nd_print_icmp6;
nd_ipproto_printer nd_print_ah;
nd_ipproto_printer nd_print_esp;
nd_ipproto_printer nd_print_eigrp;
nd_ipproto_printer nd_print_ospf;
nd_ipproto_printer nd_print_pim;
nd_ipproto_printer nd_print_vrrp;

#endif
