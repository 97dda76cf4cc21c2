/*
 * print-sctp.c - SCTP (RFC 9260): addresses and ports, then each chunk
 * in turn, numbered, with the fields tcpdump prints without -v for DATA,
 * INIT, INIT ACK and SACK (gap blocks and duplicate TSNs on continuation
 * lines).  The ForCES ports and payload protocols are named; a ForCES
 * message itself (RFC 5810) is not decoded.
 */
#include <stdint.h>
#include <stdio.h>

#include "decode-int.h"

#define SCTP_HDR_LEN	12
#define SCTP_CHUNK_LEN	4

#define SCTP_DATA		0x00
#define SCTP_INITIATION		0x01
#define SCTP_INITIATION_ACK	0x02
#define SCTP_SELECTIVE_ACK	0x03

#define SCTP_DATA_LAST_FRAG	0x01
#define SCTP_DATA_FIRST_FRAG	0x02
#define SCTP_DATA_UNORDERED	0x04

#define SCTP_PPID_FORCES_HP	21
#define SCTP_PPID_FORCES_LP	23

/* The ForCES channels (RFC 5811): their ports. */
#define CHAN_HP	6704
#define CHAN_MP	6705
#define CHAN_LP	6706

static const char *
chunk_name(unsigned int id)
{
	static const char *const low[] = {
		"DATA", "INIT", "INIT ACK", "SACK", "HB REQ", "HB ACK",
		"ABORT", "SHUTDOWN", "SHUTDOWN ACK", "OP ERR", "COOKIE ECHO",
		"COOKIE ACK", "ECN ECHO", "ECN CWR", "SHUTDOWN COMPLETE"
	};

	if (id < sizeof(low) / sizeof(low[0]))
		return low[id];
	switch (id) {
	case 0xc0: return "FOR CUM TSN";
	case 0xc1: return "REL CTRL";
	case 0xc2: return "REL CTRL ACK";
	default: return NULL;
	}
}

/* Payload protocol identifiers (IANA), 1 to 27. */
static const char *const ppids[] = {
	NULL, "ISDN Q.921", "M2UA", "M3UA", "SUA", "M2PA", "V5.2", "H.248",
	"BICC", "TALI", "DUA", "ASAP", "ENRP", "H.323", "Q.IPC", "SIMCO",
	"DDPSC", "DDPSSC", "S1AP", "RUA", "HNBAP", "ForCES HP", "ForCES MP",
	"ForCES LP", "SBc-AP", "NBAP", NULL, "X2AP"
};

static bool
forces_port(struct ctx *c, unsigned int port)
{
	static const char *const chan[] = { "HP", "MP", "LP" };

	if (port < CHAN_HP || port > CHAN_LP)
		return false;
	nd_putf(c, "[ForCES %s]", chan[port - CHAN_HP]);
	return true;
}

/* The fields of a DATA chunk at off (rem: its bytes past the chunk
 * header); false when the line ends here. */
static bool
data_chunk(struct ctx *c, const struct span *s, size_t off, unsigned int flg,
    uint32_t rem, unsigned int clen)
{
	unsigned int sid, sseq;
	uint32_t tsn, ppid;

	if (flg & SCTP_DATA_UNORDERED)
		nd_puts(c, "(U)");
	if (flg & SCTP_DATA_FIRST_FRAG)
		nd_puts(c, "(B)");
	if (flg & SCTP_DATA_LAST_FRAG)
		nd_puts(c, "(E)");
	if (flg & (SCTP_DATA_UNORDERED | SCTP_DATA_FIRST_FRAG |
	    SCTP_DATA_LAST_FRAG))
		nd_puts(c, " ");
	if (rem < 12 || rem == 12) {
		nd_putf(c, "bogus chunk length %u]", clen);
		return false;
	}
	(void)get_be32(s, off, &tsn);
	(void)get_be16(s, off + 4, &sid);
	(void)get_be16(s, off + 6, &sseq);
	(void)get_be32(s, off + 8, &ppid);
	nd_putf(c, "[TSN: %u] [SID: %u] [SSEQ %u] ", tsn, sid, sseq);
	if (ppid < sizeof(ppids) / sizeof(ppids[0]) && ppids[ppid] != NULL)
		nd_putf(c, "[PPID %s] ", ppids[ppid]);
	else
		nd_putf(c, "[PPID 0x%x] ", ppid);
	return true;
}

static bool
sack_chunk(struct ctx *c, const struct span *s, size_t off, uint32_t rem,
    unsigned int clen)
{
	unsigned int ngap, ndup, a, b, i;
	uint32_t cum, rwnd, v;

	if (rem < 12) {
		nd_putf(c, "bogus chunk length %u]", clen);
		return false;
	}
	(void)get_be32(s, off, &cum);
	(void)get_be32(s, off + 4, &rwnd);
	(void)get_be16(s, off + 8, &ngap);
	(void)get_be16(s, off + 10, &ndup);
	nd_putf(c, "[cum ack %u] [a_rwnd %u] [#gap acks %u] [#dup tsns %u] ",
	    cum, rwnd, ngap, ndup);
	off += 12;
	rem -= 12;
	for (i = 0; rem != 0 && i < ngap; i++, off += 4, rem -= 4) {
		if (rem < 4) {
			nd_putf(c, "bogus chunk length %u]", clen);
			return false;
		}
		(void)get_be16(s, off, &a);
		(void)get_be16(s, off + 2, &b);
		nd_putf(c, "\n\t\t[gap ack block #%u: start = %u, end = %u] ",
		    i + 1, cum + a, cum + b);
	}
	for (i = 0; rem != 0 && i < ndup; i++, off += 4, rem -= 4) {
		if (rem < 4) {
			nd_putf(c, "bogus chunk length %u]", clen);
			return false;
		}
		(void)get_be32(s, off, &v);
		nd_putf(c, "\n\t\t[dup TSN #%u: %u] ", i + 1, v);
	}
	return true;
}

void
nd_print_sctp(struct ctx *c, const struct span *s, uint32_t len,
    const struct ipinfo *ip)
{
	unsigned int sport, dport, id, flg, clen, n;
	uint32_t rem = len, crem, init[3], v1, v2;
	const char *name, *sep = " (";
	size_t off;

	if (len < SCTP_HDR_LEN) {
		nd_putf(c, "truncated-sctp - %u bytes missing!",
		    SCTP_HDR_LEN - len);
		return;
	}
	if (!has(s, 0, SCTP_HDR_LEN))
		goto trunc;
	(void)get_be16(s, 0, &sport);
	(void)get_be16(s, 2, &dport);
	nd_put_ip(c, ip->version, ip->src);
	nd_putf(c, ".%u > ", sport);
	nd_put_ip(c, ip->version, ip->dst);
	nd_putf(c, ".%u: sctp", dport);
	(void)forces_port(c, sport);
	(void)forces_port(c, dport);
	off = SCTP_HDR_LEN;
	rem -= SCTP_HDR_LEN;
	/* Each turn moves off on by 4 bytes at least, within s. */
	for (n = 1; rem != 0; n++) {
		unsigned int align;

		if (rem < SCTP_CHUNK_LEN) {
			nd_putf(c, "%s%u) [chunk descriptor cut off at end of "
			    "packet]", sep, n);
			return;
		}
		if (!get_u8(s, off, &id) || !get_u8(s, off + 1, &flg) ||
		    !get_be16(s, off + 2, &clen))
			goto trunc;
		if (clen < SCTP_CHUNK_LEN) {
			nd_putf(c, "%s%u) [Bad chunk length %u, < size of "
			    "chunk descriptor]", sep, n, clen);
			return;
		}
		align = clen % 4 != 0 ? 4 - clen % 4 : 0;
		if (rem < align) {
			nd_putf(c, "%s%u) [Bad chunk length %u, > remaining "
			    "data in packet]", sep, n, clen);
			return;
		}
		if (!has(s, off, clen))
			goto trunc;
		nd_putf(c, "%s%u) ", sep, n);
		if ((name = chunk_name(id)) != NULL)
			nd_putf(c, "[%s] ", name);
		else
			nd_putf(c, "[Unknown chunk type: 0x%x] ", id);
		crem = clen - SCTP_CHUNK_LEN;
		off += SCTP_CHUNK_LEN;
		switch (id) {
		case SCTP_DATA:
			if (!data_chunk(c, s, off, flg, crem, clen))
				return;
			break;
		case SCTP_INITIATION:
		case SCTP_INITIATION_ACK:
			if (crem < 16) {
				nd_putf(c, "bogus chunk length %u]", clen);
				return;
			}
			(void)get_be32(s, off, &init[0]);
			(void)get_be32(s, off + 4, &init[1]);
			(void)get_be16(s, off + 8, &v1);
			(void)get_be16(s, off + 10, &v2);
			(void)get_be32(s, off + 12, &init[2]);
			nd_putf(c, "[init tag: %u] [rwnd: %u] [OS: %u] "
			    "[MIS: %u] [init TSN: %u] ", init[0], init[1],
			    v1, v2, init[2]);
			break;
		case SCTP_SELECTIVE_ACK:
			if (!sack_chunk(c, s, off, crem, clen))
				return;
			break;
		default:
			break;
		}
		/* The chunk, then its padding, whatever was printed. */
		off += crem;
		rem -= clen;
		sep = ", (";
		if (align != 0) {
			if (!has(s, off, align))
				goto trunc;
			off += align;
			rem -= align;
		}
	}
	return;
trunc:
	nd_trunc(c, "sctp");
}
