/*
 * test-tls.c - TLS on OpenSSL 3 (lib/tls/tls.c): contexts from options
 * (a server without a certificate, a key that does not match), handshakes
 * between a client and a server on a non-blocking socketpair driven step
 * by step, every verification class (ok, hostname_mismatch, expired,
 * not_yet_valid, self_signed, untrusted), --insecure going on and still
 * reporting, SNI and ALPN, client certificates required and given, data
 * and a half-close with close_notify followed by a late reply, and the
 * certificate facts checked against the openssl command's own output;
 * and the prober's handshake (probe --tls, ping --tls) on loopback.
 * The certificates are made at test time by tests/tls/make-certs.
 */
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <poll.h>
#include <pthread.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "tap.h"

static char dir[] = "/tmp/test-tls.XXXXXX";

static const char *
path(const char *name)
{
	static char buf[8][256];
	static int next;
	char *p = buf[next++ % 8];

	(void)snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

struct pair {
	struct sk_tls_ctx *cctx, *sctx;
	struct sk_tls *c, *s;
	int fd[2];
	struct sk_error cerr, serr;
	int crc, src;		/* 1 done, -1 failed */
};

static int
pair_open(struct pair *p, const struct sk_tls_opts *co,
    const struct sk_tls_opts *so, const char *host)
{
	struct sk_error err;

	memset(p, 0, sizeof(*p));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, p->fd) == -1)
		return -1;
	p->cctx = sk_tls_ctx_new(co, &err);
	p->sctx = sk_tls_ctx_new(so, &err);
	if (p->cctx == NULL || p->sctx == NULL) {
		diag("context: %s", err.message);
		return -1;
	}
	p->c = sk_tls_new(p->cctx, p->fd[0], host, &err);
	p->s = sk_tls_new(p->sctx, p->fd[1], NULL, &err);
	return p->c != NULL && p->s != NULL ? 0 : -1;
}

/* Step both handshakes until both are done or one failed. */
static void
pair_handshake(struct pair *p)
{
	int i, want;

	for (i = 0; i < 1000 && (p->crc == 0 || p->src == 0); i++) {
		if (p->crc == 0)
			p->crc = sk_tls_handshake(p->c, &want, &p->cerr);
		if (p->src == 0)
			p->src = sk_tls_handshake(p->s, &want, &p->serr);
		/* A failed side sends its alert; the other then fails. */
		if (p->crc == -1 && p->src == 0)
			p->src = sk_tls_handshake(p->s, &want, &p->serr) == 1 ?
			    1 : -1;
		if (p->src == -1 && p->crc == 0)
			p->crc = sk_tls_handshake(p->c, &want, &p->cerr) == 1 ?
			    1 : -1;
	}
}

static void
pair_close(struct pair *p)
{
	sk_tls_free(p->c);
	sk_tls_free(p->s);
	sk_tls_ctx_free(p->cctx);
	sk_tls_ctx_free(p->sctx);
	close(p->fd[0]);
	close(p->fd[1]);
}

static struct sk_tls_opts
server_opts(const char *cert, const char *key)
{
	struct sk_tls_opts o;

	memset(&o, 0, sizeof(o));
	o.server = true;
	o.cert = path(cert);
	o.key = path(key);
	return o;
}

static struct sk_tls_opts
client_opts(const char *ca)
{
	struct sk_tls_opts o;

	memset(&o, 0, sizeof(o));
	o.ca = ca != NULL ? path(ca) : NULL;
	return o;
}

/*
 * Run script under /bin/sh; out (may be NULL) gets the first line of its
 * output, without the newline.  Returns the exit status, or -1.
 */
static int
run_sh(const char *script, char *out, size_t size)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	char buf[512];
	ssize_t n, got = 0;
	pid_t pid;
	int fd[2], status;

	if (pipe(fd) == -1)
		return -1;
	(void)posix_spawn_file_actions_init(&fa);
	(void)posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	(void)posix_spawn_file_actions_addclose(&fa, fd[0]);
	if (posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ) != 0)
		pid = -1;
	(void)posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	while ((n = read(fd[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	close(fd[0]);
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (out != NULL && size > 0) {
		memcpy(out, buf, (size_t)got < size ? (size_t)got + 1 : size);
		out[size - 1] = '\0';
	}
	if (pid == -1 || waitpid(pid, &status, 0) == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_contexts(void)
{
	struct sk_tls_opts o;
	struct sk_tls_ctx *c;
	struct sk_error err;

	memset(&o, 0, sizeof(o));
	o.server = true;
	c = sk_tls_ctx_new(&o, &err);
	ok(c == NULL, "a server without a certificate is refused");
	is_int(err.kind, SK_ERR_VALUE, "as a value error");

	o = server_opts("leaf.pem", "other.key");
	c = sk_tls_ctx_new(&o, &err);
	ok(c == NULL, "a key that does not match its certificate");
	is_int(err.kind, SK_ERR_TLS, "is a TLS error");
	is_str(err.message, "the key does not match the certificate",
	    "saying so");

	o = server_opts("nonexistent.pem", "leaf.key");
	c = sk_tls_ctx_new(&o, &err);
	ok(c == NULL && err.kind == SK_ERR_TLS &&
	    strncmp(err.message, "certificate: ", 13) == 0,
	    "a certificate file that does not load (%s)", err.message);

	o = client_opts(NULL);
	o.alpn = "h2,,x";
	c = sk_tls_ctx_new(&o, &err);
	ok(c == NULL && err.kind == SK_ERR_VALUE, "an empty ALPN name");
}

static void
test_verified(void)
{
	struct sk_tls_opts co = client_opts("ca.pem");
	struct sk_tls_opts so = server_opts("chain.pem", "leaf.key");
	struct sk_tls_info ci, si;
	struct sk_error err;
	char cmd[512], want[256];
	struct pair p;

	co.alpn = "h2,http/1.1";
	so.alpn = "http/1.1";
	if (pair_open(&p, &co, &so, "localhost") == -1) {
		ok(false, "pair");
		return;
	}
	pair_handshake(&p);
	is_int(p.crc, 1, "client: a verified handshake (%s)",
	    p.crc == -1 ? p.cerr.message : "");
	is_int(p.src, 1, "server: the handshake");
	is_int(sk_tls_get_info(p.c, &ci, &err), 0, "client: the facts");
	is_int(sk_tls_get_info(p.s, &si, &err), 0, "server: the facts");
	is_str(ci.version, "TLSv1.3", "TLS 1.3 by default");
	is_str(sk_tls_verify_name(ci.verify), "ok", "verify ok");
	is_str(ci.verify_error, "", "no verify error");
	is_str(ci.alpn, "http/1.1", "ALPN: the server's choice");
	is_str(si.alpn, "http/1.1", "ALPN: on the server too");
	is_str(si.sni, "localhost", "SNI reached the server");
	ok(ci.cipher[0] != '\0', "a cipher (%s)", ci.cipher);
	is_int((long long)ci.chain_len, 2, "the chain: leaf and CA");
	is_int((long long)ci.chain_total, 2, "all of it: not capped");
	if (ci.chain_len == 2) {
		is_str(ci.chain[0].subject, "CN=localhost", "leaf subject");
		is_str(ci.chain[0].issuer, "CN=sockit test CA,O=sockit tests",
		    "leaf issuer, RFC 2253 order");
		is_int((long long)ci.chain[0].nsan, 3, "three names");
		if (ci.chain[0].nsan == 3) {
			is_str(ci.chain[0].san[0], "localhost", "SAN DNS");
			is_str(ci.chain[0].san[1], "127.0.0.1", "SAN IPv4");
			is_str(ci.chain[0].san[2], "::1", "SAN IPv6");
		}
		ok(ci.chain[0].days_left >= 28 && ci.chain[0].days_left <= 30,
		    "about 30 days left (%lld)", ci.chain[0].days_left);
		(void)snprintf(cmd, sizeof(cmd), "openssl x509 -in %s "
		    "-noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | "
		    "tr A-F a-f", path("leaf.pem"));
		(void)run_sh(cmd, want, sizeof(want));
		is_str(ci.chain[0].sha256, want, "sha256 as openssl x509 says");
		(void)snprintf(cmd, sizeof(cmd), "openssl x509 -in %s "
		    "-noout -subject -nameopt RFC2253 | sed 's/^subject=//'",
		    path("ca.pem"));
		(void)run_sh(cmd, want, sizeof(want));
		is_str(ci.chain[1].subject, want, "CA subject as openssl says");
		(void)snprintf(cmd, sizeof(cmd), "date -u -d \"$(openssl x509 "
		    "-in %s -noout -enddate | sed 's/^notAfter=//')\" "
		    "+%%Y-%%m-%%dT%%H:%%M:%%SZ", path("leaf.pem"));
		(void)run_sh(cmd, want, sizeof(want));
		is_str(ci.chain[0].not_after, want, "not_after, ISO 8601 UTC");
	}
	is_int((long long)si.chain_len, 0, "no client certificate");
	sk_tls_info_free(&ci);
	sk_tls_info_free(&si);
	pair_close(&p);
}

/* A handshake expected to fail on the client with class want. */
static void
verify_fails(const char *cert, const char *key, const char *ca,
    const char *host, const char *want, const char *name)
{
	struct sk_tls_opts co = client_opts(ca);
	struct sk_tls_opts so = server_opts(cert, key);
	struct sk_tls_info ci;
	struct sk_error err;
	struct pair p;

	if (pair_open(&p, &co, &so, host) == -1) {
		ok(false, "%s: pair", name);
		return;
	}
	pair_handshake(&p);
	is_int(p.crc, -1, "%s: the client refuses", name);
	is_int(p.cerr.kind, SK_ERR_TLS, "%s: a TLS error", name);
	ok(strncmp(p.cerr.message, "certificate verify failed: ", 27) == 0,
	    "%s: %s", name, p.cerr.message);
	is_str(sk_tls_verify_name(sk_tls_verify_class(p.cerr.code)), want,
	    "%s: classified", name);
	pair_close(&p);

	/* --insecure: the same handshake goes on and still reports. */
	co.insecure = true;
	if (pair_open(&p, &co, &so, host) == -1) {
		ok(false, "%s: pair", name);
		return;
	}
	pair_handshake(&p);
	is_int(p.crc, 1, "%s, insecure: goes on", name);
	if (sk_tls_get_info(p.c, &ci, &err) == 0) {
		is_str(sk_tls_verify_name(ci.verify), want,
		    "%s, insecure: still reported", name);
		ok(ci.verify_error[0] != '\0', "%s, insecure: OpenSSL's text "
		    "(%s)", name, ci.verify_error);
		sk_tls_info_free(&ci);
	}
	pair_close(&p);
}

/* Each way a server's certificate fails, and the class it gets. */
static const struct {
	const char *cert, *key, *ca, *host, *want, *name;
} failures[] = {
	{ "chain.pem", "leaf.key", "ca.pem", "example.com",
	    "hostname_mismatch", "another name" },
	{ "chain.pem", "leaf.key", "ca.pem", "10.9.9.9",
	    "hostname_mismatch", "another address" },
	{ "expired.pem", "leaf.key", "ca.pem", "localhost",
	    "expired", "expired" },
	{ "future.pem", "leaf.key", "ca.pem", "localhost",
	    "not_yet_valid", "not yet valid" },
	{ "self.pem", "self.key", "ca.pem", "localhost",
	    "self_signed", "self-signed" },
	{ "leaf.pem", "leaf.key", "self.pem", "localhost",
	    "untrusted", "another CA" },
	{ "chain.pem", "leaf.key", "self.pem", "localhost",
	    "self_signed", "a root that is not trusted" },
};

static void
test_failures(void)
{
	size_t i;

	for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++)
		verify_fails(failures[i].cert, failures[i].key,
		    failures[i].ca, failures[i].host, failures[i].want,
		    failures[i].name);
}

static void
test_addresses(void)
{
	struct sk_tls_opts co = client_opts("ca.pem");
	struct sk_tls_opts so = server_opts("leaf.pem", "leaf.key");
	struct sk_tls_info si;
	struct sk_error err;
	struct pair p;

	if (pair_open(&p, &co, &so, "::1") == -1)
		return;
	pair_handshake(&p);
	is_int(p.crc, 1, "an IPv6 address verified against the SAN");
	if (sk_tls_get_info(p.s, &si, &err) == 0) {
		is_str(si.sni, "", "no SNI for an address");
		sk_tls_info_free(&si);
	}
	pair_close(&p);
	co.sni = "localhost";
	if (pair_open(&p, &co, &so, "10.9.9.9") == -1)
		return;
	pair_handshake(&p);
	is_int(p.crc, 1, "--sni: the name verified instead of the host");
	pair_close(&p);
}

static void
test_client_certs(void)
{
	struct sk_tls_opts co = client_opts("ca.pem");
	struct sk_tls_opts so = server_opts("leaf.pem", "leaf.key");
	struct sk_tls_info si;
	struct sk_error err;
	char buf[16];
	struct pair p;
	int want;

	so.ca = path("ca.pem");
	if (pair_open(&p, &co, &so, "localhost") == -1)
		return;
	pair_handshake(&p);
	/* In TLS 1.3 the client may finish first: the server's refusal
	 * then arrives as an alert on the client's first read. */
	is_int(p.src, -1, "a required client certificate missing: refused");
	if (p.crc == 1)
		ok(sk_tls_read(p.c, buf, sizeof(buf), &want, &err) == -1 &&
		    err.kind == SK_ERR_TLS, "the client learns it (%s)",
		    err.message);
	pair_close(&p);

	co.cert = path("client.pem");
	co.key = path("client.key");
	if (pair_open(&p, &co, &so, "localhost") == -1)
		return;
	pair_handshake(&p);
	is_int(p.src, 1, "a client certificate given: accepted");
	if (sk_tls_get_info(p.s, &si, &err) == 0) {
		is_str(sk_tls_verify_name(si.verify), "ok", "verified");
		ok(si.chain_len >= 1 && strcmp(si.chain[0].subject,
		    "CN=client") == 0, "the server sees the client's name");
		sk_tls_info_free(&si);
	}
	pair_close(&p);
}

static void
test_data(void)
{
	struct sk_tls_opts co = client_opts("ca.pem");
	struct sk_tls_opts so = server_opts("chain.pem", "leaf.key");
	struct sk_error err;
	char buf[64];
	struct pair p;
	ssize_t n;
	int want, i, r;

	if (pair_open(&p, &co, &so, "localhost") == -1)
		return;
	pair_handshake(&p);
	is_int(sk_tls_write(p.c, "hello", 5, &want, &err), 5, "write");
	r = 0;
	for (i = 0; i < 100 && r == 0; i++)
		r = sk_tls_shutdown(p.c, &want, &err);
	is_int(r, 1, "close_notify sent");
	n = sk_tls_read(p.s, buf, sizeof(buf), &want, &err);
	is_mem(buf, n > 0 ? (size_t)n : 0, "hello", 5, "the server reads");
	is_int(sk_tls_read(p.s, buf, sizeof(buf), &want, &err), 0,
	    "then the client's end of data");
	is_int(sk_tls_write(p.s, "late reply", 10, &want, &err), 10,
	    "the server answers after the half-close");
	n = sk_tls_read(p.c, buf, sizeof(buf), &want, &err);
	is_mem(buf, n > 0 ? (size_t)n : 0, "late reply", 10,
	    "and the client still reads it");
	n = sk_tls_read(p.c, buf, sizeof(buf), &want, &err);
	ok(n == -1 && want == SK_LOOP_READABLE, "nothing more: wait to read");
	pair_close(&p);
}

static void
test_event(void)
{
	struct sk_tls_opts co = client_opts("ca.pem");
	struct sk_tls_opts so = server_opts("chain.pem", "leaf.key");
	struct sk_tls_info ci;
	struct sk_events ev;
	struct sk_error err;
	char buf[8192];
	struct pair p;
	ssize_t n;
	int fd[2];

	if (pipe(fd) == -1 || pair_open(&p, &co, &so, "localhost") == -1)
		return;
	pair_handshake(&p);
	if (sk_tls_get_info(p.c, &ci, &err) == 0) {
		sk_events_use_fd(&ev, fd[1]);
		is_int(sk_event_tls(&ev, &ci, &err), 0, "tls event written");
		n = read(fd[0], buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		ok(strncmp(buf, "{\"event\":\"tls\",\"version\":\"TLSv1.3\","
		    "\"cipher\":", 43) == 0, "it starts as the schema says");
		ok(strstr(buf, "\"verify\":\"ok\",\"verify_error\":\"\","
		    "\"handshake_ms\":") != NULL, "verify, its text, the time");
		ok(strstr(buf, "\"chain\":[{\"subject\":\"CN=localhost\","
		    "\"issuer\":") != NULL, "the chain, leaf first");
		ok(strstr(buf, "\"san\":[\"localhost\",\"127.0.0.1\",\"::1\"],"
		    "\"not_before\":") != NULL, "the names");
		sk_tls_info_free(&ci);
	}
	pair_close(&p);
	close(fd[0]);
	close(fd[1]);
}

/* The echo server with TLS: a client's 1 MiB comes back whole. */
struct echo_run {
	struct sk_echo_server *srv;
	struct sk_error err;
	int rc;
	char version[16];	/* from the server's tls event */
};

static void
echo_event(const struct sk_echo_info *info, void *data)
{
	struct echo_run *r = data;

	if (info->event == SK_ECHO_TLS)
		(void)snprintf(r->version, sizeof(r->version), "%s",
		    info->tls->version);
}

static void *
echo_thread(void *arg)
{
	struct echo_run *r = arg;

	r->rc = sk_echo_server_run(r->srv, &r->err);
	return NULL;
}

/* Wait for fd to be ready for want, at most 5 s. */
static bool
wait_for(int fd, int want)
{
	struct pollfd p = { fd, 0, 0 };

	p.events = (short)((want & SK_LOOP_READABLE ? POLLIN : 0) |
	    (want & SK_LOOP_WRITABLE ? POLLOUT : 0));
	return poll(&p, 1, 5000) == 1;
}

static void
test_echo_server(void)
{
	struct sk_tls_opts so = server_opts("chain.pem", "leaf.key");
	struct sk_tls_opts co = client_opts("ca.pem");
	struct sk_echo_config cfg;
	struct sk_tls_ctx *sctx, *cctx;
	struct sk_tls *t = NULL;
	struct echo_run r;
	struct sk_error err;
	struct sockaddr_in sin;
	size_t total = 1 << 20, sent = 0, got = 0;
	unsigned char *out, *in;
	pthread_t tid;
	ssize_t n;
	int fd, want = 0, rc, i;
	bool shut = false, eof = false;
	char extra[16];

	memset(&cfg, 0, sizeof(cfg));
	memset(&r, 0, sizeof(r));
	sctx = sk_tls_ctx_new(&so, &err);
	cctx = sk_tls_ctx_new(&co, &err);
	out = malloc(total);
	in = malloc(total);
	if (sctx == NULL || cctx == NULL || out == NULL || in == NULL) {
		ok(false, "echo: contexts");
		goto done;
	}
	for (i = 0; (size_t)i < total; i++)
		out[i] = (unsigned char)(i * 7 + i / 251);
	cfg.host = "127.0.0.1";
	cfg.port = "0";
	cfg.once = true;
	cfg.tls = sctx;
	cfg.on_event = echo_event;
	cfg.data = &r;
	if ((r.srv = sk_echo_server_new(&cfg, &err)) == NULL ||
	    pthread_create(&tid, NULL, echo_thread, &r) != 0) {
		ok(false, "echo: server");
		goto done;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)sk_echo_server_port(r.srv));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1 || fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		ok(false, "echo: connect: %s", strerror(errno));
		sk_echo_server_stop(r.srv);
		goto join;
	}
	t = sk_tls_new(cctx, fd, "localhost", &err);
	rc = 0;
	for (i = 0; t != NULL && i < 1000 && rc == 0; i++) {
		rc = sk_tls_handshake(t, &want, &err);
		if (rc == 0 && !wait_for(fd, want))
			break;
	}
	is_int(rc, 1, "echo server: a TLS handshake (%s)",
	    rc == -1 ? err.message : "");
	/* Send and read at once, then close_notify, then read to the end;
	 * bounded: each wait is 5 s at most, and 100000 turns. */
	for (i = 0; rc == 1 && i < 100000 && !eof; i++) {
		int w = 0;

		if (sent < total) {
			n = sk_tls_write(t, out + sent, total - sent, &want,
			    &err);
			if (n > 0)
				sent += (size_t)n;
			else if (want == 0)
				break;
			else
				w |= want;
		} else if (!shut) {
			shut = sk_tls_shutdown(t, &want, &err) == 1;
			w |= want;
		}
		/* Past the whole echo, read into extra: nothing must come. */
		n = got < total ? sk_tls_read(t, in + got, total - got, &want,
		    &err) : sk_tls_read(t, extra, sizeof(extra), &want, &err);
		if (n == 0)
			eof = true;
		else if (n > 0 && got < total)
			got += (size_t)n;
		else if (n > 0)
			got = total + 1;
		else if (want == 0)
			break;
		else
			w |= want;
		if (n <= 0 && !eof && w != 0 && !wait_for(fd, w))
			break;
	}
	is_int((long long)got, (long long)total, "1 MiB echoed over TLS");
	ok(got == total && memcmp(in, out, total) == 0, "byte for byte");
	ok(eof, "then the server's close_notify");
	sk_tls_free(t);
	close(fd);
join:
	(void)pthread_join(tid, NULL);
	is_int(r.rc, 0, "the once server ended");
	is_str(r.version, "TLSv1.3", "its tls event");
done:
	sk_echo_server_free(r.srv);
	sk_tls_ctx_free(sctx);
	sk_tls_ctx_free(cctx);
	free(out);
	free(in);
}

/*
 * The prober's TLS handshake (sk_prober_set_tls): a verified server's
 * facts in the report, an untrusted one still described, a listener that
 * never answers ending at the attempt's timeout, a refused port with no
 * handshake, a UDP prober refused.
 */
#define MAXREP 8

struct probe_run {
	struct sk_loop *loop;
	struct sk_prober *p;
	struct sk_probe_report rep[MAXREP];
	int tls[MAXREP];
	enum sk_tls_verify verify[MAXREP];
	char subject[MAXREP][64];
	enum sk_error_kind err_kind[MAXREP];
	char err[MAXREP][SK_ERRMSG_MAX];
	size_t n;
};

struct tls_server {
	int fd;			/* listening */
	struct sk_tls_ctx *ctx;
	int serve;		/* connections to serve */
};

/* The reports, copied with what their pointers show (valid only during
 * the report). */
static void
probe_report(void *ctx, const struct sk_probe_report *r)
{
	struct probe_run *run = ctx;
	size_t i = run->n;

	if (i < MAXREP) {
		run->rep[i] = *r;
		run->tls[i] = r->tls;
		if (r->tls == 1) {
			run->verify[i] = r->tls_info->verify;
			if (r->tls_info->chain_len > 0)
				(void)snprintf(run->subject[i],
				    sizeof(run->subject[i]), "%s",
				    r->tls_info->chain[0].subject);
		}
		if (r->tls == -1) {
			run->err_kind[i] = r->tls_err->kind;
			(void)snprintf(run->err[i], sizeof(run->err[i]), "%s",
			    r->tls_err->message);
		}
		run->n++;
	}
	if (sk_prober_pending(run->p) == 0)
		sk_loop_stop(run->loop);
}

/* A listening socket on 127.0.0.1; its port in *port. */
static int
loopback_listener(unsigned short *port, int backlog)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, backlog) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		return -1;
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Serve the handshakes of s->serve clients, each within 5 s. */
static void *
serve_handshakes(void *arg)
{
	struct tls_server *s = arg;
	struct sk_error err;
	struct sk_tls *t;
	struct pollfd pfd;
	int i, k, c, want, rc;

	for (i = 0; i < s->serve; i++) {
		if ((c = accept(s->fd, NULL, NULL)) == -1)
			break;
		(void)fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK);
		if ((t = sk_tls_new(s->ctx, c, NULL, &err)) != NULL) {
			for (k = 0; k < 500; k++) {
				rc = sk_tls_handshake(t, &want, &err);
				if (rc != 0)
					break;
				pfd.fd = c;
				pfd.events = want == SK_LOOP_WRITABLE ?
				    POLLOUT : POLLIN;
				(void)poll(&pfd, 1, 10);
			}
			(void)sk_tls_shutdown(t, &want, &err);
			sk_tls_free(t);
		}
		(void)close(c);
	}
	return NULL;
}

/* One probe of 127.0.0.1:port with TLS from ctx for host; the run's
 * reports in *run. */
static void
probe_one(struct probe_run *run, struct sk_tls_ctx *ctx, const char *host,
    unsigned short port, double timeout)
{
	struct sk_error err;
	struct sk_addr a;
	char text[16];

	memset(run, 0, sizeof(*run));
	(void)snprintf(text, sizeof(text), "%u", port);
	if ((run->loop = sk_loop_new(&err)) == NULL ||
	    (run->p = sk_prober_new(run->loop, SOCK_STREAM, 4, probe_report,
	    run, &err)) == NULL ||
	    sk_prober_set_tls(run->p, ctx, host, &err) == -1 ||
	    sk_addr_resolve(&a, "127.0.0.1", text, AF_INET, SOCK_STREAM,
	    &err) == -1 ||
	    sk_prober_add(run->p, &a, timeout, 7, &err) == -1) {
		diag("setting up: %s", err.message);
		return;
	}
	/* No report from inside sk_prober_add, even for a port open at
	 * once. */
	ok(run->n == 0, "no report before the loop runs");
	(void)sk_loop_run(run->loop, &err);
	sk_prober_free(run->p);
	sk_loop_free(run->loop);
}

static void
test_prober(void)
{
	struct sk_tls_opts so = { .server = true }, co = { 0 };
	struct sk_tls_ctx *sctx, *verified, *sys;
	struct tls_server srv = { .serve = 2 };
	struct sk_error err;
	struct sk_loop *loop;
	struct sk_prober *udp;
	struct probe_run run = { 0 };
	unsigned short port = 0, silent_port = 0, closed_port = 0;
	int silent, closed;
	pthread_t th;

	so.cert = path("chain.pem");
	so.key = path("leaf.key");
	co.ca = path("ca.pem");
	sctx = sk_tls_ctx_new(&so, &err);
	verified = sk_tls_ctx_new(&co, &err);
	co.ca = NULL;
	sys = sk_tls_ctx_new(&co, &err);
	if (!ok(sctx != NULL && verified != NULL && sys != NULL,
	    "prober: contexts"))
		return;

	loop = sk_loop_new(&err);
	udp = sk_prober_new(loop, SOCK_DGRAM, 1, probe_report, NULL, &err);
	ok(udp != NULL && sk_prober_set_tls(udp, verified, "localhost",
	    &err) == -1 && err.kind == SK_ERR_VALUE, "UDP: no TLS");
	sk_prober_free(udp);
	sk_loop_free(loop);

	srv.fd = loopback_listener(&port, 8);
	srv.ctx = sctx;
	if (!ok(srv.fd != -1 && pthread_create(&th, NULL, serve_handshakes,
	    &srv) == 0, "prober: the server"))
		return;

	probe_one(&run, verified, "localhost", port, 5);
	ok(run.n == 1 && run.rep[0].id == 7, "one report, its id");
	ok(run.rep[0].result == SK_PROBE_OPEN, "open");
	ok(run.tls[0] == 1, "the handshake done");
	ok(run.verify[0] == SK_TLS_VERIFY_OK, "verified against --ca");
	is_str(run.subject[0], "CN=localhost", "the leaf's subject");

	probe_one(&run, sys, "localhost", port, 5);
	ok(run.n == 1 && run.tls[0] == 1,
	    "untrusted: the handshake still done");
	ok(run.verify[0] != SK_TLS_VERIFY_OK, "and its verification said: %s",
	    sk_tls_verify_name(run.verify[0]));
	is_str(run.subject[0], "CN=localhost", "with the leaf's facts");
	(void)pthread_join(th, NULL);

	/* Never accepted: the kernel completes the connect, nobody speaks
	 * TLS. */
	silent = loopback_listener(&silent_port, 8);
	probe_one(&run, verified, "localhost", silent_port, 0.3);
	ok(run.n == 1 && run.rep[0].result == SK_PROBE_OPEN,
	    "silence: the port is open");
	ok(run.tls[0] == -1 && run.err_kind[0] == SK_ERR_TIMEOUT,
	    "the handshake timed out");
	is_str(run.err[0], "TLS handshake: timed out", "and says so");

	closed = loopback_listener(&closed_port, 1);
	(void)close(closed);
	probe_one(&run, verified, "localhost", closed_port, 1);
	ok(run.n == 1 && run.rep[0].result == SK_PROBE_REFUSED,
	    "a closed port: refused");
	ok(run.tls[0] == 0, "no handshake on it");

	(void)close(silent);
	(void)close(srv.fd);
	sk_tls_ctx_free(sctx);
	sk_tls_ctx_free(verified);
	sk_tls_ctx_free(sys);
}

int
main(void)
{
	char cmd[512];
	int rc;

	(void)signal(SIGPIPE, SIG_IGN);
	if (mkdtemp(dir) == NULL) {
		ok(false, "mkdtemp: %s", strerror(errno));
		return done_testing();
	}
	(void)snprintf(cmd, sizeof(cmd), "tests/tls/make-certs %s", dir);
	rc = run_sh(cmd, NULL, 0);
	if (!ok(rc == 0, "certificates made (tests/tls/make-certs)"))
		return done_testing();
	test_contexts();
	test_verified();
	test_failures();
	test_addresses();
	test_client_certs();
	test_data();
	test_event();
	test_echo_server();
	test_prober();
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)run_sh(cmd, NULL, 0);
	return done_testing();
}
