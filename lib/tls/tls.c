/*
 * tls.c - TLS on OpenSSL 3: the oldest reference's socket.ssl(sock,
 * keyfile, certfile), verified by default (RFC 8446 for TLS 1.3, RFC 5280
 * and RFC 6125 for the chain and the name check, RFC 6066 for SNI, RFC
 * 7301 for ALPN).
 *
 * A context holds what the options give (certificate and key, the trust
 * store or --ca, ALPN, --insecure); a connection wraps one non-blocking
 * descriptor, and every call that would block says which readiness it
 * waits for, so an event loop drives the handshake, the data and the
 * close_notify.  A verification failure is classified into a word
 * (expired, self_signed, ...) with OpenSSL's own text beside it.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <bsd/string.h>

#include "sockit-int.h"

/* The most certificates of a chain reported in the tls event. */
/* The most names of a certificate's subjectAltName reported. */
#define TLS_SAN_MAX	64

struct sk_tls_ctx {
	SSL_CTX *ctx;
	bool server;
	bool insecure;
	unsigned char *alpn;	/* wire format (RFC 7301 section 3.1) */
	size_t alpn_len;
	char *sni;
};

struct sk_tls {
	SSL *ssl;
	struct sk_tls_ctx *ctx;
	double started;		/* monotonic seconds at sk_tls_new */
	double handshake_ms;
	bool done;
};

static double
now_seconds(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fill err with OpenSSL's first queued error, prefixed by what. */
static int
tls_fail(struct sk_error *err, const char *what)
{
	char msg[SK_ERRMSG_MAX], reason[200];
	unsigned long e = ERR_get_error();
	const char *r;

	if (e == 0)
		strlcpy(reason, "unknown error", sizeof(reason));
	else {
		r = ERR_reason_error_string(e);
		if (r != NULL)
			strlcpy(reason, r, sizeof(reason));
		else
			ERR_error_string_n(e, reason, sizeof(reason));
	}
	ERR_clear_error();
	if (what != NULL)
		(void)snprintf(msg, sizeof(msg), "%s: %s", what, reason);
	else
		strlcpy(msg, reason, sizeof(msg));
	return sk_error_set(err, SK_ERR_TLS, (int)(e & 0x7fffffff), msg);
}

/* "h2,http/1.1" in RFC 7301's wire format: a length byte per name. */
static int
alpn_wire(const char *list, unsigned char **out, size_t *outlen,
    struct sk_error *err)
{
	size_t n = strlen(list), i, start = 0, len = 0;
	unsigned char *w;

	*out = NULL;
	*outlen = 0;
	if (n == 0)
		return 0;
	w = malloc(n + 1);
	if (w == NULL)
		return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	for (i = 0; i <= n; i++) {
		if (i < n && list[i] != ',')
			continue;
		if (i - start == 0 || i - start > 255) {
			free(w);
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "an ALPN protocol name must have 1 to 255 bytes");
		}
		w[len++] = (unsigned char)(i - start);
		memcpy(w + len, list + start, i - start);
		len += i - start;
		start = i + 1;
	}
	*out = w;
	*outlen = len;
	return 0;
}

/* The server's choice: its first protocol that the client offers. */
static int
alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	struct sk_tls_ctx *c = arg;
	unsigned char *sel = NULL;

	(void)ssl;
	if (c->alpn == NULL)
		return SSL_TLSEXT_ERR_NOACK;
	if (SSL_select_next_proto(&sel, outlen, c->alpn,
	    (unsigned int)c->alpn_len, in, inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

struct sk_tls_ctx *
sk_tls_ctx_new(const struct sk_tls_opts *o, struct sk_error *err)
{
	struct sk_tls_ctx *c;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	c->server = o->server;
	c->insecure = o->insecure;
	c->ctx = SSL_CTX_new(o->server ? TLS_server_method() :
	    TLS_client_method());
	if (c->ctx == NULL) {
		tls_fail(err, "TLS context");
		goto fail;
	}
	(void)SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(c->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* A peer that closes its socket without close_notify has ended its
	 * data, as netcat's users expect (not an error, as in OpenSSL 3). */
	SSL_CTX_set_options(c->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	/*
	 * A server issues no session tickets and keeps no session cache
	 * unless asked to (forward --tls, in front of clients that resume):
	 * the two tickets TLS 1.3 sends by default (each an encoded,
	 * encrypted session, and a write after the handshake) with the
	 * cache's upkeep cost about a fifth of the server's CPU per
	 * handshake (bench/tls: 0.87 ms against 0.70).
	 */
	if (o->server && !o->resume) {
		(void)SSL_CTX_set_num_tickets(c->ctx, 0);
		(void)SSL_CTX_set_session_cache_mode(c->ctx,
		    SSL_SESS_CACHE_OFF);
	}
	/*
	 * No SSL_OP_ENABLE_KTLS: kernel TLS could not be measured where
	 * this was built (Linux 6.18 without CONFIG_TLS: no "tls" in
	 * tcp_available_ulp, setsockopt TCP_ULP "tls" fails with ENOENT, no
	 * modules to load), so the record layer stays in user space and the
	 * relay copies TLS bytes; set it once a kTLS kernel shows it wins.
	 */
	if (o->server && (o->cert == NULL || o->key == NULL)) {
		sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "a TLS server needs a certificate and a key");
		goto fail;
	}
	if (o->cert != NULL &&
	    SSL_CTX_use_certificate_chain_file(c->ctx, o->cert) != 1) {
		tls_fail(err, "certificate");
		goto fail;
	}
	if (o->key != NULL &&
	    SSL_CTX_use_PrivateKey_file(c->ctx, o->key, SSL_FILETYPE_PEM) !=
	    1) {
		if (ERR_GET_REASON(ERR_peek_last_error()) ==
		    X509_R_KEY_VALUES_MISMATCH) {
			ERR_clear_error();
			sk_error_set(err, SK_ERR_TLS, 0,
			    "the key does not match the certificate");
		} else
			tls_fail(err, "key");
		goto fail;
	}
	if (o->cert != NULL && o->key != NULL &&
	    SSL_CTX_check_private_key(c->ctx) != 1) {
		ERR_clear_error();
		sk_error_set(err, SK_ERR_TLS, 0,
		    "the key does not match the certificate");
		goto fail;
	}
	if (o->ca != NULL) {
		if (SSL_CTX_load_verify_locations(c->ctx, o->ca, NULL) != 1) {
			tls_fail(err, "CA file");
			goto fail;
		}
	} else if (!o->server &&
	    SSL_CTX_set_default_verify_paths(c->ctx) != 1) {
		tls_fail(err, "system trust store");
		goto fail;
	}
	if (o->server) {
		if (o->ca != NULL)
			SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER |
			    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	} else
		/* Verified in the handshake; --insecure looks afterwards. */
		SSL_CTX_set_verify(c->ctx, o->insecure ? SSL_VERIFY_NONE :
		    SSL_VERIFY_PEER, NULL);
	if (o->alpn != NULL && alpn_wire(o->alpn, &c->alpn, &c->alpn_len,
	    err) == -1)
		goto fail;
	if (c->alpn != NULL) {
		if (o->server)
			SSL_CTX_set_alpn_select_cb(c->ctx, alpn_select, c);
		else if (SSL_CTX_set_alpn_protos(c->ctx, c->alpn,
		    (unsigned int)c->alpn_len) != 0) {
			tls_fail(err, "ALPN");
			goto fail;
		}
	}
	if (o->sni != NULL && (c->sni = strdup(o->sni)) == NULL) {
		sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		goto fail;
	}
	return c;
fail:
	sk_tls_ctx_free(c);
	return NULL;
}

void
sk_tls_ctx_free(struct sk_tls_ctx *c)
{
	if (c == NULL)
		return;
	SSL_CTX_free(c->ctx);
	free(c->alpn);
	free(c->sni);
	free(c);
}

static bool
is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

struct sk_tls *
sk_tls_new(struct sk_tls_ctx *c, int fd, const char *host,
    struct sk_error *err)
{
	struct sk_tls *t;
	const char *name = c->sni != NULL ? c->sni : host;

	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	t->ctx = c;
	t->started = now_seconds();
	t->ssl = SSL_new(c->ctx);
	if (t->ssl == NULL || SSL_set_fd(t->ssl, fd) != 1) {
		tls_fail(err, "TLS connection");
		sk_tls_free(t);
		return NULL;
	}
	if (c->server)
		SSL_set_accept_state(t->ssl);
	else {
		SSL_set_connect_state(t->ssl);
		if (name != NULL && *name != '\0') {
			/* SNI carries names only (RFC 6066 section 3). */
			if (!is_ip_literal(name) &&
			    SSL_set_tlsext_host_name(t->ssl, name) != 1) {
				tls_fail(err, "server name");
				sk_tls_free(t);
				return NULL;
			}
			if ((is_ip_literal(name) ?
			    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(
			    t->ssl), name) : SSL_set1_host(t->ssl, name)) !=
			    1) {
				tls_fail(err, "name to verify");
				sk_tls_free(t);
				return NULL;
			}
		}
	}
	return t;
}

void
sk__tls_verify_later(struct sk_tls *t)
{
	SSL_set_verify(t->ssl, SSL_VERIFY_NONE, NULL);
}

void
sk_tls_free(struct sk_tls *t)
{
	if (t == NULL)
		return;
	SSL_free(t->ssl);
	free(t);
}

/*
 * After an SSL call returned r: 0 with *want set when it must wait for
 * readiness, or -1 with err filled.  eof_ok makes a clean end 0 too.
 */
static int
tls_status(struct sk_tls *t, int r, int *want, const char *what,
    struct sk_error *err)
{
	int e = SSL_get_error(t->ssl, r);
	long vr;

	*want = 0;
	switch (e) {
	case SSL_ERROR_WANT_READ:
		*want = SK_LOOP_READABLE;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*want = SK_LOOP_WRITABLE;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		ERR_clear_error();
		return sk_error_set(err, SK_ERR_TLS, 0, t->done ?
		    "the peer closed the TLS session" :
		    "the peer closed the connection in the handshake");
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() != 0)
			return tls_fail(err, what);
		if (errno != 0)
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
		return sk_error_set(err, SK_ERR_TLS, 0,
		    "unexpected end of file in the TLS handshake");
	case SSL_ERROR_SSL:
	default:
		vr = SSL_get_verify_result(t->ssl);
		if (!t->ctx->server && vr != X509_V_OK) {
			char msg[SK_ERRMSG_MAX];

			ERR_clear_error();
			(void)snprintf(msg, sizeof(msg),
			    "certificate verify failed: %s",
			    X509_verify_cert_error_string(vr));
			return sk_error_set(err, SK_ERR_TLS, (int)vr, msg);
		}
		return tls_fail(err, what);
	}
}

int
sk_tls_handshake(struct sk_tls *t, int *want, struct sk_error *err)
{
	int r;

	*want = 0;
	if (t->done)
		return 1;
	ERR_clear_error();
	errno = 0;
	r = SSL_do_handshake(t->ssl);
	if (r == 1) {
		t->done = true;
		t->handshake_ms = (now_seconds() - t->started) * 1000.0;
		return 1;
	}
	return tls_status(t, r, want, "handshake", err) == 0 ? 0 : -1;
}

ssize_t
sk_tls_read(struct sk_tls *t, void *buf, size_t n, int *want,
    struct sk_error *err)
{
	size_t got = 0;
	int r, e;

	*want = 0;
	ERR_clear_error();
	errno = 0;
	r = SSL_read_ex(t->ssl, buf, n, &got);
	if (r == 1)
		return (ssize_t)got;
	e = SSL_get_error(t->ssl, r);
	if (e == SSL_ERROR_ZERO_RETURN) {
		ERR_clear_error();
		return 0;	/* close_notify: the peer's end of data */
	}
	if (tls_status(t, r, want, "read", err) == 0)
		sk_error_set(err, SK_ERR_OS, EAGAIN, NULL);
	return -1;
}

ssize_t
sk_tls_write(struct sk_tls *t, const void *buf, size_t n, int *want,
    struct sk_error *err)
{
	size_t put = 0;
	int r;

	*want = 0;
	ERR_clear_error();
	errno = 0;
	r = SSL_write_ex(t->ssl, buf, n, &put);
	if (r == 1)
		return (ssize_t)put;
	if (tls_status(t, r, want, "write", err) == 0)
		sk_error_set(err, SK_ERR_OS, EAGAIN, NULL);
	return -1;
}

void
sk__tls_wait(int want, bool *can_read, bool *can_write)
{
	if (want & SK_LOOP_READABLE)
		*can_read = false;
	if (want & SK_LOOP_WRITABLE)
		*can_write = false;
}

size_t
sk_tls_pending(const struct sk_tls *t)
{
	int n = SSL_pending(t->ssl);

	return n > 0 ? (size_t)n : 0;
}

int
sk_tls_shutdown(struct sk_tls *t, int *want, struct sk_error *err)
{
	int r;

	*want = 0;
	ERR_clear_error();
	errno = 0;
	/* Only our close_notify: the peer may go on sending (RFC 8446
	 * section 6.1 allows a half-close). */
	if (SSL_get_shutdown(t->ssl) & SSL_SENT_SHUTDOWN)
		return 1;
	r = SSL_shutdown(t->ssl);
	if (r >= 0)
		return 1;
	return tls_status(t, r, want, "shutdown", err) == 0 ? 0 : -1;
}

enum sk_tls_verify
sk_tls_verify_class(long code)
{
	switch (code) {
	case X509_V_OK:
		return SK_TLS_VERIFY_OK;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return SK_TLS_VERIFY_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return SK_TLS_VERIFY_NOT_YET_VALID;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return SK_TLS_VERIFY_SELF_SIGNED;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_CERT_REJECTED:
	case X509_V_ERR_INVALID_CA:
		return SK_TLS_VERIFY_UNTRUSTED;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
	case X509_V_ERR_EMAIL_MISMATCH:
		return SK_TLS_VERIFY_HOSTNAME_MISMATCH;
	case X509_V_ERR_CERT_REVOKED:
		return SK_TLS_VERIFY_REVOKED;
	default:
		return SK_TLS_VERIFY_ERROR;
	}
}

const char *
sk_tls_verify_name(enum sk_tls_verify v)
{
	static const char *const names[] = {
		[SK_TLS_VERIFY_OK] = "ok",
		[SK_TLS_VERIFY_EXPIRED] = "expired",
		[SK_TLS_VERIFY_NOT_YET_VALID] = "not_yet_valid",
		[SK_TLS_VERIFY_SELF_SIGNED] = "self_signed",
		[SK_TLS_VERIFY_UNTRUSTED] = "untrusted",
		[SK_TLS_VERIFY_HOSTNAME_MISMATCH] = "hostname_mismatch",
		[SK_TLS_VERIFY_REVOKED] = "revoked",
		[SK_TLS_VERIFY_ERROR] = "error",
	};

	if ((unsigned int)v >= sizeof(names) / sizeof(names[0]))
		return "error";
	return names[v];
}

/* An X509_NAME as RFC 2253 text (openssl x509 -nameopt RFC2253). */
static char *
name_text(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *s = NULL;
	long n;

	if (b == NULL)
		return NULL;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(b, &data);
		if (n >= 0)
			s = strndup(n > 0 ? data : "", (size_t)n);
	}
	BIO_free(b);
	return s;
}

/* An ASN.1 time as ISO 8601 UTC, "2026-12-05T15:00:00Z". */
static void
time_text(const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strlcpy(buf, "", size);
}

static int
san_list(X509 *x, struct sk_tls_cert *c)
{
	GENERAL_NAMES *gens;
	const GENERAL_NAME *g;
	const unsigned char *p;
	char text[INET6_ADDRSTRLEN];
	int i, n, len;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (gens == NULL)
		return 0;
	n = sk_GENERAL_NAME_num(gens);
	c->san = calloc((size_t)(n > TLS_SAN_MAX ? TLS_SAN_MAX : n) + 1,
	    sizeof(char *));
	for (i = 0; c->san != NULL && i < n && c->nsan < TLS_SAN_MAX; i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type == GEN_DNS) {
			p = ASN1_STRING_get0_data(g->d.dNSName);
			len = ASN1_STRING_length(g->d.dNSName);
			c->san[c->nsan] = strndup((const char *)p,
			    (size_t)len);
		} else if (g->type == GEN_IPADD) {
			p = ASN1_STRING_get0_data(g->d.iPAddress);
			len = ASN1_STRING_length(g->d.iPAddress);
			if ((len != 4 && len != 16) ||
			    inet_ntop(len == 4 ? AF_INET : AF_INET6, p, text,
			    sizeof(text)) == NULL)
				continue;
			c->san[c->nsan] = strdup(text);
		} else
			continue;
		if (c->san[c->nsan] != NULL)
			c->nsan++;
	}
	GENERAL_NAMES_free(gens);
	return c->san == NULL ? -1 : 0;
}

static int
cert_info(X509 *x, struct sk_tls_cert *c)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	int days = 0, secs = 0;
	long long total;

	memset(c, 0, sizeof(*c));
	c->subject = name_text(X509_get_subject_name(x));
	c->issuer = name_text(X509_get_issuer_name(x));
	if (c->subject == NULL || c->issuer == NULL)
		return -1;
	time_text(X509_get0_notBefore(x), c->not_before,
	    sizeof(c->not_before));
	time_text(X509_get0_notAfter(x), c->not_after, sizeof(c->not_after));
	/* Whole days until notAfter, rounded down: -1 once it has passed. */
	if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)) == 1) {
		total = (long long)days * 86400 + secs;
		c->days_left = total >= 0 ? total / 86400 :
		    -((-total + 86399) / 86400);
	}
	if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1)
		return -1;
	for (i = 0; i < mdlen && 2 * (size_t)i + 2 < sizeof(c->sha256); i++)
		(void)snprintf(c->sha256 + 2 * (size_t)i, 3, "%02x", md[i]);
	return san_list(x, c);
}

int
sk_tls_get_info(const struct sk_tls *t, struct sk_tls_info *out,
    struct sk_error *err)
{
	const unsigned char *alpn = NULL;
	unsigned int alpn_len = 0;
	const char *s;
	STACK_OF(X509) *chain;
	X509 *leaf, *x;
	long vr;
	int i, n;

	memset(out, 0, sizeof(*out));
	strlcpy(out->version, SSL_get_version(t->ssl), sizeof(out->version));
	s = SSL_get_cipher_name(t->ssl);
	strlcpy(out->cipher, s != NULL ? s : "", sizeof(out->cipher));
	SSL_get0_alpn_selected(t->ssl, &alpn, &alpn_len);
	if (alpn_len >= sizeof(out->alpn))
		alpn_len = sizeof(out->alpn) - 1;
	if (alpn != NULL)
		memcpy(out->alpn, alpn, alpn_len);
	out->alpn[alpn_len] = '\0';
	s = SSL_get_servername(t->ssl, TLSEXT_NAMETYPE_host_name);
	strlcpy(out->sni, s != NULL ? s : "", sizeof(out->sni));
	out->handshake_ms = t->handshake_ms;
	vr = SSL_get_verify_result(t->ssl);
	leaf = SSL_get0_peer_certificate(t->ssl);
	if (leaf == NULL && vr == X509_V_OK && !t->ctx->server)
		vr = X509_V_ERR_UNSPECIFIED;
	out->verify = leaf == NULL && t->ctx->server ? SK_TLS_VERIFY_OK :
	    sk_tls_verify_class(vr);
	strlcpy(out->verify_error, vr == X509_V_OK ? "" :
	    X509_verify_cert_error_string(vr), sizeof(out->verify_error));
	if (leaf == NULL)
		return 0;
	out->chain = calloc(SK_TLS_CHAIN_MAX, sizeof(*out->chain));
	if (out->chain == NULL)
		return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	out->chain_total = 1;
	if (cert_info(leaf, &out->chain[out->chain_len++]) == -1)
		goto nomem;
	/* A client's peer chain starts with the leaf; a server's does not. */
	chain = SSL_get_peer_cert_chain(t->ssl);
	n = chain != NULL ? sk_X509_num(chain) : 0;
	for (i = 0; i < n; i++) {
		x = sk_X509_value(chain, i);
		if (X509_cmp(x, leaf) == 0)
			continue;
		/* Past the cap the certificates are counted, not kept. */
		if (out->chain_total++ >= SK_TLS_CHAIN_MAX)
			continue;
		if (cert_info(x, &out->chain[out->chain_len++]) == -1)
			goto nomem;
	}
	return 0;
nomem:
	sk_tls_info_free(out);
	return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
}

void
sk_tls_info_free(struct sk_tls_info *info)
{
	size_t i, j;

	for (i = 0; info->chain != NULL && i < info->chain_len; i++) {
		free(info->chain[i].subject);
		free(info->chain[i].issuer);
		for (j = 0; j < info->chain[i].nsan; j++)
			free(info->chain[i].san[j]);
		free(info->chain[i].san);
	}
	free(info->chain);
	info->chain = NULL;
	info->chain_len = 0;
}

void
sk_tls_info_json(struct sk_json *j, const struct sk_tls_info *info)
{
	const struct sk_tls_cert *c;
	size_t i, k;

	sk_json_str(j, "version", info->version);
	sk_json_str(j, "cipher", info->cipher);
	sk_json_str(j, "alpn", info->alpn);
	sk_json_str(j, "sni", info->sni);
	sk_json_str(j, "verify", sk_tls_verify_name(info->verify));
	sk_json_str(j, "verify_error", info->verify_error);
	sk_json_double(j, "handshake_ms", info->handshake_ms);
	sk_json_array(j, "chain");
	for (i = 0; i < info->chain_len; i++) {
		c = &info->chain[i];
		sk_json_object(j, NULL);
		sk_json_str(j, "subject", c->subject);
		sk_json_str(j, "issuer", c->issuer);
		sk_json_array(j, "san");
		for (k = 0; k < c->nsan; k++)
			sk_json_str(j, NULL, c->san[k]);
		sk_json_close_array(j);
		sk_json_str(j, "not_before", c->not_before);
		sk_json_str(j, "not_after", c->not_after);
		sk_json_int(j, "days_left", c->days_left);
		sk_json_str(j, "sha256", c->sha256);
		sk_json_close_object(j);
	}
	sk_json_close_array(j);
	/* A chain longer than the list says so. */
	sk_json_uint(j, "chain_len", info->chain_total);
	sk_json_bool(j, "chain_truncated",
	    info->chain_total > info->chain_len);
}

int
sk_event_tls(struct sk_events *ev, const struct sk_tls_info *info,
    struct sk_error *err)
{
	struct sk_json j;

	if (!sk_events_on(ev))
		return 0;
	sk_event_begin(&j, "tls");
	sk_tls_info_json(&j, info);
	return sk_event_emit(ev, &j, err);
}
