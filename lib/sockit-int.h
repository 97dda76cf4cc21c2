/*
 * sockit-int.h - libsockit's private header: what the library's files
 * share with one another and with nobody else.
 *
 * Every file of lib/ includes this header instead of sockit.h.  What is
 * declared here is not part of the API: it is not installed, it has no
 * SK_API marker (so the shared library does not export it), its names
 * start with "sk__", and it may change with any commit.  cmd/ and
 * programs built on the library use sockit.h alone.
 */
#ifndef SOCKIT_INT_H
#define SOCKIT_INT_H

#include "sockit.h"

/*
 * Capture (lib/capture/).
 */
struct bpf_program;
/* The program libpcap compiled for f (pcapfile.c), for capture.c to
 * attach to a socket with SO_ATTACH_FILTER. */
const struct bpf_program *sk__filter_program(const struct sk_filter *f);

#endif /* SOCKIT_INT_H */
