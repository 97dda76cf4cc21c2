/*
 * error.c - the documented exception kinds as one caller-owned error value.
 *
 * socket.error (an errno, strerror(3)), socket.herror (an h_errno,
 * hstrerror(3)), socket.gaierror (an EAI_* code, gai_strerror(3)) and
 * socket.timeout ("timed out"), plus ValueError for argument checks;
 * and the library's private shorthands for its commonest failures.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>

#include <bsd/string.h>

#include "sockit-int.h"

/* hstrerror(3) is obsolescent and not declared under strict feature macros. */
extern const char *hstrerror(int);

/* In parentheses: not the analyzer's macro of the same name (sockit.h). */
int
(sk_error_set)(struct sk_error *err, enum sk_error_kind kind, int code,
    const char *message)
{
	if (err == NULL)
		return -1;
	err->kind = kind;
	err->code = code;
	if (message == NULL) {
		switch (kind) {
		case SK_ERR_OS:
			message = strerror(code);
			break;
		case SK_ERR_HERROR:
			message = hstrerror(code);
			break;
		case SK_ERR_GAIERROR:
			message = gai_strerror(code);
			break;
		case SK_ERR_TIMEOUT:
			message = "timed out";
			break;
		case SK_ERR_VALUE:
			message = code == ERANGE ? "value out of range" :
			    "invalid value";
			break;
		case SK_ERR_TLS:
			message = "TLS failed";
			break;
		case SK_ERR_NONE:
		default:
			message = "";
			break;
		}
	}
	strlcpy(err->message, message, sizeof(err->message));
	return -1;
}

void
sk_error_clear(struct sk_error *err)
{
	if (err == NULL)
		return;
	err->kind = SK_ERR_NONE;
	err->code = 0;
	err->message[0] = '\0';
}

const char *
sk_error_kind_name(enum sk_error_kind kind)
{
	switch (kind) {
	case SK_ERR_NONE:
		return "none";
	case SK_ERR_OS:
		return "error";
	case SK_ERR_HERROR:
		return "herror";
	case SK_ERR_GAIERROR:
		return "gaierror";
	case SK_ERR_TIMEOUT:
		return "timeout";
	case SK_ERR_VALUE:
		return "valueerror";
	case SK_ERR_TLS:
		return "sslerror";
	}
	return "unknown";
}

/* In parentheses, as sk_error_set: not the analyzer's macros. */
int
(sk__no_memory)(struct sk_error *err)
{
	return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
}

int
(sk__null_argument)(struct sk_error *err)
{
	return sk_error_set(err, SK_ERR_VALUE, EINVAL,
	    "argument must not be NULL");
}

int
sk__copy_out(char *buf, size_t size, const char *src, struct sk_error *err)
{
	if (buf == NULL || size == 0 || strlcpy(buf, src, size) >= size) {
		if (buf != NULL && size > 0)
			buf[0] = '\0';
		return sk_error_set(err, SK_ERR_VALUE, ERANGE,
		    "buffer too small");
	}
	return 0;
}
