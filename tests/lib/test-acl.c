/*
 * test-acl.c - the servers' access rules: sk_acl_add with addresses and
 * CIDR prefixes of both families (RFC 4632, RFC 4291 2.3), the malformed
 * ones, sk_acl_load with comments, blank lines and a bad line, and
 * sk_acl_check's verdicts: deny wins, allow rules restrict, IPv4-mapped
 * peers match as IPv4, AF_UNIX peers pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "helpers.h"
#include "tap.h"

static struct sk_addr
addr(const char *host)
{
	struct sk_addr a;
	struct sk_error err;

	if (sk_addr_resolve(&a, host, "80", 0, SOCK_STREAM, &err) == -1)
		(void)ok(false, "resolve %s: %s", host, err.message);
	return a;
}

static void
test_add(void)
{
	static const struct {
		const char *spec;
		bool good;
	} cases[] = {
		{ "127.0.0.1", true }, { "10.0.0.0/8", true },
		{ "0.0.0.0/0", true }, { "10.1.2.3/32", true },
		{ "::1", true }, { "2001:db8::/32", true }, { "::/0", true },
		{ "::ffff:10.0.0.0/104", true }, { "fe80::/128", true },
		{ "", false }, { "/8", false }, { "10.0.0.0/", false },
		{ "10.0.0.0/33", false }, { "::/129", false },
		{ "10.0.0.0/-1", false }, { "10.0.0.0/+8", false },
		{ "10.0.0.0/8/8", false }, { "10.0.0.0/0x8", false },
		{ "10.0.0.0/0008", false }, { "localhost", false },
		{ "10.0.0", false }, { "10.0.0.0 /8", false },
		{ "1.2.3.4.5", false }, { "::g", false },
	};
	struct sk_acl *acl = sk_acl_new(NULL);
	struct sk_error err;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		int rc = sk_acl_add(acl, cases[i].spec, true, &err);

		if (cases[i].good)
			is_int(rc, 0, "add '%s'", cases[i].spec);
		else
			ok(rc == -1 && err.kind == SK_ERR_VALUE,
			    "add '%s' is refused", cases[i].spec);
	}
	sk_acl_free(acl);
	/* Of NULL: nothing (a crash ends the program, which fails the run). */
	sk_acl_free(NULL);
}

static void
test_check(void)
{
	static const struct {
		const char *peer;
		enum sk_acl_verdict want;
	} cases[] = {
		{ "127.0.0.1", SK_ACL_ALLOW },
		{ "127.255.255.254", SK_ACL_ALLOW },
		{ "127.0.0.2", SK_ACL_DENIED },
		{ "10.9.8.7", SK_ACL_ALLOW },		/* 10.1.2.3/8 */
		{ "11.0.0.1", SK_ACL_NOT_ALLOWED },
		{ "192.168.1.1", SK_ACL_NOT_ALLOWED },
		{ "192.168.1.129", SK_ACL_ALLOW },	/* /25 upper half */
		{ "::1", SK_ACL_ALLOW },
		{ "::2", SK_ACL_NOT_ALLOWED },
		{ "2001:db8:1::5", SK_ACL_ALLOW },
		{ "2001:db8:1:ff::5", SK_ACL_DENIED },	/* /64 denied */
		{ "2001:db9::1", SK_ACL_NOT_ALLOWED },
		{ "::ffff:127.0.0.1", SK_ACL_ALLOW },	/* mapped: IPv4 */
		{ "::ffff:127.0.0.2", SK_ACL_DENIED },
		{ "::ffff:11.0.0.1", SK_ACL_NOT_ALLOWED },
	};
	struct sk_acl *acl = sk_acl_new(NULL);
	struct sk_addr a, un;
	size_t i;

	ok(sk_acl_check(acl, &(struct sk_addr){ 0 }) == SK_ACL_ALLOW &&
	    sk_acl_check(NULL, &(struct sk_addr){ 0 }) == SK_ACL_ALLOW,
	    "no rules: everyone comes in");
	a = addr("11.0.0.1");
	is_int(sk_acl_check(acl, &a), SK_ACL_ALLOW, "empty set allows");
	(void)sk_acl_add(acl, "127.0.0.0/8", true, NULL);
	(void)sk_acl_add(acl, "10.1.2.3/8", true, NULL);
	(void)sk_acl_add(acl, "192.168.1.128/25", true, NULL);
	(void)sk_acl_add(acl, "::1", true, NULL);
	(void)sk_acl_add(acl, "2001:db8::/32", true, NULL);
	(void)sk_acl_add(acl, "::ffff:127.0.0.2/128", false, NULL);
	(void)sk_acl_add(acl, "2001:db8:1:ff::/64", false, NULL);
	for (i = 0; i < nitems(cases); i++) {
		a = addr(cases[i].peer);
		is_int(sk_acl_check(acl, &a), cases[i].want, "check %s",
		    cases[i].peer);
	}
	(void)sk_addr_unix(&un, "/tmp/x.sock", NULL);
	is_int(sk_acl_check(acl, &un), SK_ACL_ALLOW, "AF_UNIX passes");
	sk_acl_free(acl);

	/* Deny only: everyone else comes in. */
	acl = sk_acl_new(NULL);
	(void)sk_acl_add(acl, "0.0.0.0/0", false, NULL);
	a = addr("8.8.8.8");
	is_int(sk_acl_check(acl, &a), SK_ACL_DENIED, "0.0.0.0/0 denies IPv4");
	a = addr("::1");
	is_int(sk_acl_check(acl, &a), SK_ACL_ALLOW, "and not IPv6");
	sk_acl_free(acl);
}

static void
test_load(void)
{
	char path[] = "/tmp/test-acl.XXXXXX";
	struct sk_acl *acl = sk_acl_new(NULL);
	struct sk_error err;
	struct sk_addr a;
	size_t line = 99;
	FILE *f;
	int fd;

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		ok(false, "mkstemp: %s", strerror(errno));
		return;
	}
	(void)fputs("# loopback\n\n  127.0.0.0/8  # all of it\n"
	    "::1\r\n\t\n", f);
	(void)fclose(f);
	is_int(sk_acl_load(acl, path, true, &line, &err), 0, "load a file");
	is_int((long long)line, 0, "no bad line");
	a = addr("127.1.2.3");
	is_int(sk_acl_check(acl, &a), SK_ACL_ALLOW, "its IPv4 rule");
	a = addr("::1");
	is_int(sk_acl_check(acl, &a), SK_ACL_ALLOW, "its IPv6 rule");
	a = addr("10.0.0.1");
	is_int(sk_acl_check(acl, &a), SK_ACL_NOT_ALLOWED, "nothing else");

	f = fopen(path, "w");
	(void)fputs("10.0.0.0/8\n\nbogus\n11.0.0.0/8\n", f);
	(void)fclose(f);
	is_int(sk_acl_load(acl, path, false, &line, &err), -1, "a bad line");
	is_int((long long)line, 3, "is line 3");
	is_err(&err, SK_ERR_VALUE, EINVAL, "not an address or address/prefix",
	    "its reason");
	a = addr("10.0.0.1");
	is_int(sk_acl_check(acl, &a), SK_ACL_DENIED, "lines before it stay");

	f = fopen(path, "w");
	(void)fwrite("1.2.3.4\0junk\n", 1, 13, f);
	(void)fclose(f);
	is_int(sk_acl_load(acl, path, true, &line, &err), -1, "a NUL byte");
	is_int((long long)line, 1, "on line 1");
	(void)unlink(path);
	is_int(sk_acl_load(acl, path, true, &line, &err), -1, "no file");
	is_err(&err, SK_ERR_OS, ENOENT, NULL, "ENOENT");
	is_int((long long)line, 0, "no line number");
	sk_acl_free(acl);
}

int
main(void)
{
	(void)alarm(30);
	test_add();
	test_check();
	test_load();
	return done_testing();
}
