/*
 * print-macsec.c - IEEE 802.1AE MACsec: the SecTAG inside an Ethernet
 * frame.  Without -e tcpdump says nothing of it when the payload is in
 * the clear (the frame inside is printed instead) and prints the SecTAG
 * and the bytes when they are encrypted.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "decode-int.h"

#define MACSEC_TCI_VERSION	0x80
#define MACSEC_TCI_ES		0x40	/* end station */
#define MACSEC_TCI_SC		0x20	/* SCI present */
#define MACSEC_TCI_SCB		0x10	/* EPON */
#define MACSEC_TCI_E		0x08	/* encrypted */
#define MACSEC_TCI_C		0x04	/* changed text */
#define MACSEC_AN_MASK		0x03
#define MACSEC_SL_MASK		0x3f
#define MACSEC_SECTAG_LEN_NOSCI	6
#define MACSEC_SECTAG_LEN_SCI	14
#define MACSEC_ICV_LEN		16

static void
print_sectag(struct ctx *c, const struct span *f, size_t at, unsigned int sl)
{
	static const struct {
		unsigned int bit;
		char name;
	} flags[] = {
		{ MACSEC_TCI_E, 'E' }, { MACSEC_TCI_C, 'C' },
		{ MACSEC_TCI_ES, 'S' }, { MACSEC_TCI_SCB, 'B' },
		{ MACSEC_TCI_SC, 'I' },
	};
	unsigned int tci = f->p[at];
	uint32_t pn, hi, lo;
	size_t i;
	bool any = false;

	(void)get_be32(f, at + 2, &pn);
	nd_putf(c, "an %u, pn %u, flags ", tci & MACSEC_AN_MASK, pn);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (tci & flags[i].bit) {
			nd_put(c, &flags[i].name, 1);
			any = true;
		}
	if (!any)
		nd_puts(c, "none");
	if (sl != 0)
		nd_putf(c, ", sl %u", sl);
	if (tci & MACSEC_TCI_SC) {
		(void)get_be32(f, at + 6, &hi);
		(void)get_be32(f, at + 10, &lo);
		nd_putf(c, ", sci %016" PRIx64, (uint64_t)hi << 32 | lo);
	}
	nd_puts(c, ", ");
}

int
nd_print_macsec(struct ctx *c, const struct span *f, size_t at,
    uint32_t *length, size_t *end, size_t *taglen)
{
	size_t caplen = f->n > at ? f->n - at : 0, tag;
	unsigned int tci, sl;

	if (caplen < MACSEC_SECTAG_LEN_NOSCI ||
	    *length < MACSEC_SECTAG_LEN_NOSCI)
		goto trunc;
	tci = f->p[at];
	tag = tci & MACSEC_TCI_SC ? MACSEC_SECTAG_LEN_SCI :
	    MACSEC_SECTAG_LEN_NOSCI;
	if (caplen < tag || *length < tag)
		goto trunc;
	sl = f->p[at + 1];
	if ((sl & ~MACSEC_SL_MASK) != 0 || (tci & MACSEC_TCI_VERSION)) {
		nd_puts(c, " (invalid)");
		return 1;
	}
	sl &= MACSEC_SL_MASK;
	if (nd_eflag(c))
		print_sectag(c, f, at, sl);
	*taglen = tag;
	*length -= (uint32_t)tag;
	caplen -= tag;
	if (tci & (MACSEC_TCI_E | MACSEC_TCI_C)) {
		/* Encrypted: the addresses, the SecTAG (unless -e said
		 * them), the bytes. */
		if (!nd_eflag(c)) {
			nd_put_mac(c, f->p + 6, 6);
			nd_put(c, " > ", 3);
			nd_put_mac(c, f->p, 6);
			nd_puts(c, " 802.1AE MACsec, ");
			print_sectag(c, f, at, sl);
		}
		nd_default_print(c, f->p + at + tag, caplen);
		return 0;
	}
	/* In the clear: the frame inside, without the ICV at the end. */
	if (*length < MACSEC_ICV_LEN || caplen < MACSEC_ICV_LEN)
		goto trunc;
	*length -= MACSEC_ICV_LEN;
	caplen -= MACSEC_ICV_LEN;
	if (sl != 0) {
		if (sl > *length || sl > caplen)
			goto trunc;
		*length = sl;
		caplen = sl;
	}
	*end = at + tag + caplen;
	return -1;
trunc:
	nd_trunc(c, "macsec");
	return 1;
}
