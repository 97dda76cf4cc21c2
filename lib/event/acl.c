/*
 * acl.c - access control for the servers: --allow and --deny rules of
 * addresses and CIDR prefixes (RFC 4632 for IPv4, RFC 4291 section 2.3
 * for IPv6), given one at a time or read from a file, and checked against
 * a peer's address before a byte of it is read.
 *
 * A peer is refused when it matches a deny rule; otherwise it is let in
 * when there are no allow rules or it matches one.  An IPv4-mapped IPv6
 * peer (::ffff:a.b.c.d) is matched as the IPv4 address it is.  AF_UNIX
 * peers are not subject to the rules.
 */
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "sockit-int.h"

struct rule {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned int prefix;	/* bits that must match */
	bool allow;
};

struct sk_acl {
	struct rule *rules;
	size_t n, cap;
	size_t nallow;
};

struct sk_acl *
sk_acl_new(struct sk_error *err)
{
	struct sk_acl *acl = calloc(1, sizeof(*acl));

	if (acl == NULL)
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	return acl;
}

void
sk_acl_free(struct sk_acl *acl)
{
	if (acl == NULL)
		return;
	free(acl->rules);
	free(acl);
}

/* Zero the bits past the prefix, so that 10.1.2.3/8 means 10.0.0.0/8. */
static void
mask(unsigned char *a, size_t len, unsigned int prefix)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (prefix >= 8) {
			prefix -= 8;
		} else {
			a[i] &= (unsigned char)(0xff00 >> prefix);
			prefix = 0;
		}
	}
}

int
sk_acl_add(struct sk_acl *acl, const char *spec, bool allow,
    struct sk_error *err)
{
	char text[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(spec, '/');
	struct rule r = { .allow = allow };
	size_t hostlen = slash ? (size_t)(slash - spec) : strlen(spec);
	unsigned int max;
	long long prefix;
	struct rule *more;

	if (hostlen == 0 || hostlen >= sizeof(text))
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "not an address or address/prefix");
	memcpy(text, spec, hostlen);
	text[hostlen] = '\0';
	if (inet_pton(AF_INET, text, r.addr) == 1) {
		r.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, text, r.addr) == 1) {
		r.family = AF_INET6;
		max = 128;
	} else {
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "not an address or address/prefix");
	}
	r.prefix = max;
	if (slash != NULL) {
		size_t digits = strspn(slash + 1, "0123456789");

		if (digits == 0 || digits > 3 || slash[1 + digits] != '\0' ||
		    sk_parse_integer(slash + 1, 0, max, &prefix, NULL) == -1)
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    r.family == AF_INET ? "prefix length is not 0 to 32"
			    : "prefix length is not 0 to 128");
		r.prefix = (unsigned int)prefix;
	}
	/* An IPv4-mapped IPv6 rule is the IPv4 rule it stands for. */
	if (r.family == AF_INET6 && r.prefix >= 96 &&
	    IN6_IS_ADDR_V4MAPPED((struct in6_addr *)(void *)r.addr)) {
		memmove(r.addr, r.addr + 12, 4);
		r.family = AF_INET;
		r.prefix -= 96;
	}
	mask(r.addr, r.family == AF_INET ? 4 : 16, r.prefix);
	if (acl->n == acl->cap) {
		size_t cap = acl->cap ? acl->cap * 2 : 8;

		if ((more = reallocarray(acl->rules, cap, sizeof(*more)))
		    == NULL)
			return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		acl->rules = more;
		acl->cap = cap;
	}
	acl->rules[acl->n++] = r;
	if (allow)
		acl->nallow++;
	return 0;
}

int
sk_acl_load(struct sk_acl *acl, const char *path, bool allow,
    size_t *lineno, struct sk_error *err)
{
	FILE *f;
	char *line = NULL, *p, *end;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	*lineno = 0;
	if ((f = fopen(path, "re")) == NULL)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	while ((len = getline(&line, &cap, f)) != -1) {
		(*lineno)++;
		if (strlen(line) != (size_t)len) {
			rc = sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "NUL byte in line");
			break;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		end = p + strlen(p);
		while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
		    end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*p == '\0')
			continue;
		if ((rc = sk_acl_add(acl, p, allow, err)) == -1)
			break;
	}
	if (rc == 0 && ferror(f))
		rc = sk_error_set(err, SK_ERR_OS, errno, NULL);
	if (rc == 0)
		*lineno = 0;
	free(line);
	(void)fclose(f);
	return rc;
}

static bool
matches(const struct rule *r, int family, const unsigned char *a)
{
	unsigned int bits = r->prefix, i;

	if (r->family != family)
		return false;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a[i] != r->addr[i])
			return false;
	return bits == 0 ||
	    (a[i] & (unsigned char)(0xff00 >> bits)) == r->addr[i];
}

enum sk_acl_verdict
sk_acl_check(const struct sk_acl *acl, const struct sk_addr *peer)
{
	const unsigned char *a;
	int family = sk_addr_family(peer);
	size_t i;
	bool allowed;

	if (acl == NULL || acl->n == 0)
		return SK_ACL_ALLOW;
	if (family == AF_INET) {
		a = (const unsigned char *)&peer->u.in.sin_addr;
	} else if (family == AF_INET6) {
		a = (const unsigned char *)&peer->u.in6.sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&peer->u.in6.sin6_addr)) {
			a += 12;
			family = AF_INET;
		}
	} else {
		return SK_ACL_ALLOW;
	}
	allowed = acl->nallow == 0;
	for (i = 0; i < acl->n; i++) {
		if (!matches(&acl->rules[i], family, a))
			continue;
		if (!acl->rules[i].allow)
			return SK_ACL_DENIED;
		allowed = true;
	}
	return allowed ? SK_ACL_ALLOW : SK_ACL_NOT_ALLOWED;
}
