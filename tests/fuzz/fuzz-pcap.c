/*
 * fuzz-pcap.c - libFuzzer target for the capture-file reader
 * (lib/capture/pcapfile.c over libpcap's savefile code) and the decoder behind
 * it, as `sockit sniff -r` uses them: the input is a pcap or pcapng file.
 * Seeds: small files of tests/pcaps (corpus/pcap/).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sockit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz-pcap.XXXXXX";
	struct sk_pcap_reader *r;
	struct sk_decoder *d;
	struct sk_buf out = { 0 };
	struct sk_packet p;
	int fd, n = 0;

	if ((fd = mkstemp(path)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		(void)close(fd);
		(void)unlink(path);
		return 0;
	}
	(void)close(fd);
	r = sk_pcap_open(path, NULL);
	d = sk_decoder_new(size % 2 ? SK_DECODE_JSON : SK_DECODE_HEX, NULL);
	if (r != NULL && d != NULL)
		while (n++ < 1000 && sk_pcap_next(r, &p, NULL) == 1) {
			sk_buf_reset(&out);
			(void)sk_decode(d, &p, &out);
		}
	sk_buf_free(&out);
	sk_decoder_free(d);
	sk_pcap_reader_close(r);
	(void)unlink(path);
	return 0;
}
