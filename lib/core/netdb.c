/*
 * netdb.c - services and protocols, the module functions getservbyname,
 * getservbyport and getprotobyname of Python's socket module (and
 * getprotobynumber), through the reentrant getservbyname_r(3) and
 * getprotobyname_r(3) family, with CPython's messages.  Below the
 * resolver and the address parser: a port given as a service name
 * (sk_parse_port, in num.c) is looked up here.
 */
#ifndef _DEFAULT_SOURCE
/* The *_r netdb calls, even under strict feature macros. */
#define _DEFAULT_SOURCE
#endif

#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>

#include "sockit-int.h"

/* The scratch buffer of a *_r call: its first size, and the most it grows
 * to. */
#define NETDB_BUF_START	1024
#define NETDB_BUF_MAX	((size_t)1024 * 1024)

int
sk__grow_buffer(char **bufp, size_t *sizep, struct sk_error *err)
{
	char *p;
	size_t size;

	if (*sizep >= NETDB_BUF_MAX)
		return sk_error_set(err, SK_ERR_OS, ERANGE, NULL);
	size = *sizep * 2;
	if (size > NETDB_BUF_MAX)
		size = NETDB_BUF_MAX;
	if ((p = realloc(*bufp, size)) == NULL)
		return sk__no_memory(err);
	*bufp = p;
	*sizep = size;
	return 0;
}

/* The getserv and getproto lookups, which share one retry loop. */
enum netdb_query { Q_SERV_NAME, Q_SERV_PORT, Q_PROTO_NAME, Q_PROTO_NUMBER };

union netdb_ent {
	struct servent se;
	struct protoent pe;
};

/*
 * One getserv*_r or getproto*_r call, its buffer grown on ERANGE.  The
 * answer is in *ent, pointing into *bufp, which the caller frees.
 * Returns 0, or -1 with SK_ERR_OS notfound (code 0: CPython's errno is
 * None) or SK_ERR_OS ENOMEM/ERANGE.
 */
static int
netdb_lookup(enum netdb_query q, const char *name, int number,
    const char *proto, union netdb_ent *ent, char **bufp,
    const char *notfound, struct sk_error *err)
{
	size_t size = NETDB_BUF_START;
	char *buf;
	int rc;

	if ((buf = malloc(size)) == NULL)
		return sk__no_memory(err);
	for (;;) {
		struct servent *sp = NULL;
		struct protoent *pp = NULL;

		switch (q) {
		case Q_SERV_NAME:
			rc = getservbyname_r(name, proto, &ent->se, buf, size,
			    &sp);
			break;
		case Q_SERV_PORT:
			rc = getservbyport_r(number, proto, &ent->se, buf,
			    size, &sp);
			break;
		case Q_PROTO_NAME:
			rc = getprotobyname_r(name, &ent->pe, buf, size, &pp);
			break;
		case Q_PROTO_NUMBER:
		default:
			rc = getprotobynumber_r(number, &ent->pe, buf, size,
			    &pp);
			break;
		}
		if (sp != NULL || pp != NULL) {
			*bufp = buf;
			return 0;
		}
		if (rc != ERANGE)
			break;
		if (sk__grow_buffer(&buf, &size, err) == -1) {
			free(buf);
			return -1;
		}
	}
	free(buf);
	return sk_error_set(err, SK_ERR_OS, SK__NO_ERRNO, notfound);
}

/*
 * socket.getservbyname(): the port (host order) of service NAME for
 * PROTO (NULL for any).  Returns -1 with SK_ERR_OS "service/proto not
 * found" (code 0: CPython's errno is None), or SK_ERR_OS ENOMEM/ERANGE.
 */
int
sk_getservbyname(const char *name, const char *proto, int *port,
    struct sk_error *err)
{
	union netdb_ent ent;
	char *buf;

	if (name == NULL || port == NULL)
		return sk__null_argument(err);
	if (netdb_lookup(Q_SERV_NAME, name, 0, proto, &ent, &buf,
	    "service/proto not found", err) == -1)
		return -1;
	*port = ntohs((uint16_t)ent.se.s_port);
	free(buf);
	return 0;
}

/*
 * socket.getservbyport(): the name of the service on PORT for PROTO (NULL
 * for any).  Returns -1 with SK_ERR_VALUE when port is not 0-65535, with
 * SK_ERR_OS "port/proto not found" (code 0), SK_ERR_OS ENOMEM/ERANGE, or
 * SK_ERR_VALUE when buf is too small.
 */
int
sk_getservbyport(int port, const char *proto, char *buf, size_t size,
    struct sk_error *err)
{
	union netdb_ent ent;
	char *sbuf;
	int rc;

	if (port < 0 || port > 0xffff)
		return sk_error_set(err, SK_ERR_VALUE, ERANGE,
		    "getservbyport: port must be 0-65535.");
	if (netdb_lookup(Q_SERV_PORT, NULL, htons((uint16_t)port), proto,
	    &ent, &sbuf, "port/proto not found", err) == -1)
		return -1;
	rc = sk__copy_out(buf, size, ent.se.s_name, err);
	free(sbuf);
	return rc;
}

/*
 * socket.getprotobyname(): the number of protocol NAME.  Returns -1 with
 * SK_ERR_OS "protocol not found" (code 0), or SK_ERR_OS ENOMEM/ERANGE.
 */
int
sk_getprotobyname(const char *name, int *proto, struct sk_error *err)
{
	union netdb_ent ent;
	char *buf;

	if (name == NULL || proto == NULL)
		return sk__null_argument(err);
	if (netdb_lookup(Q_PROTO_NAME, name, 0, NULL, &ent, &buf,
	    "protocol not found", err) == -1)
		return -1;
	*proto = ent.pe.p_proto;
	free(buf);
	return 0;
}

/*
 * The other direction, which Python lacks: the official name of protocol
 * number PROTO.  Returns -1 with SK_ERR_OS "protocol not found" (code 0),
 * SK_ERR_OS ENOMEM/ERANGE, or SK_ERR_VALUE when buf is too small.
 */
int
sk_getprotobynumber(int proto, char *buf, size_t size, struct sk_error *err)
{
	union netdb_ent ent;
	char *pbuf;
	int rc;

	if (netdb_lookup(Q_PROTO_NUMBER, NULL, proto, NULL, &ent, &pbuf,
	    "protocol not found", err) == -1)
		return -1;
	rc = sk__copy_out(buf, size, ent.pe.p_name, err);
	free(pbuf);
	return rc;
}
