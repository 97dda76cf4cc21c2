/*
 * print-esp.c - IPsec ESP (RFC 4303): the SPI and the sequence number of
 * an encrypted payload, as tcpdump prints them without a key.
 */
#include <stdint.h>

#include "decode-int.h"

#define ESP_HDR_LEN	8

void
nd_print_esp(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	uint32_t spi, seq;

	(void)ip;
	/* tcpdump wants a byte past the header. */
	if (!has(s, 0, ESP_HDR_LEN + 1)) {
		nd_trunc(c, "esp");
		return;
	}
	(void)get_be32(s, 0, &spi);
	(void)get_be32(s, 4, &seq);
	nd_putf(c, "ESP(spi=0x%08x,seq=0x%x), length %u", spi, seq, length);
}
