/*
 * test-error.c - sk_error_set, sk_error_clear and sk_error_kind_name: the
 * four documented exception kinds (socket.error, herror, gaierror,
 * timeout) plus ValueError, each with the system's own message text.
 */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "tap.h"

/* hstrerror(3) is obsolescent and not always declared. */
extern const char *hstrerror(int);

/* sk_error_set with a NULL message: the text each kind defaults to. */
static void
test_default_messages(void)
{
	static const struct {
		enum sk_error_kind kind;
		int code;
		const char *want;	/* NULL: computed below */
		const char *name;
	} cases[] = {
		{ SK_ERR_TIMEOUT, ETIMEDOUT, "timed out", "timeout" },
		{ SK_ERR_TIMEOUT, 0, "timed out", "timeout, code 0" },
		{ SK_ERR_VALUE, ERANGE, "value out of range", "value ERANGE" },
		{ SK_ERR_VALUE, EINVAL, "invalid value", "value EINVAL" },
		{ SK_ERR_VALUE, 0, "invalid value", "value, code 0" },
		{ SK_ERR_NONE, 0, "", "none" },
		{ SK_ERR_OS, ECONNREFUSED, NULL, "os ECONNREFUSED" },
		{ SK_ERR_OS, EAGAIN, NULL, "os EAGAIN" },
		{ SK_ERR_OS, EBADF, NULL, "os EBADF" },
		{ SK_ERR_HERROR, HOST_NOT_FOUND, NULL,
		    "herror HOST_NOT_FOUND" },
		{ SK_ERR_HERROR, TRY_AGAIN, NULL, "herror TRY_AGAIN" },
		{ SK_ERR_GAIERROR, EAI_NONAME, NULL, "gaierror EAI_NONAME" },
		{ SK_ERR_GAIERROR, EAI_SERVICE, NULL, "gaierror EAI_SERVICE" },
		{ SK_ERR_GAIERROR, EAI_FAMILY, NULL, "gaierror EAI_FAMILY" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sk_error err;
		const char *want = cases[i].want;

		if (want == NULL) {
			switch (cases[i].kind) {
			case SK_ERR_OS:
				want = strerror(cases[i].code);
				break;
			case SK_ERR_HERROR:
				want = hstrerror(cases[i].code);
				break;
			default:
				want = gai_strerror(cases[i].code);
				break;
			}
		}
		memset(&err, 'x', sizeof(err));
		is_int(sk_error_set(&err, cases[i].kind, cases[i].code, NULL),
		    -1, "%s: sk_error_set returns -1", cases[i].name);
		is_err(&err, cases[i].kind, cases[i].code, want,
		    "%s: kind, code and message", cases[i].name);
	}

	/* The system texts themselves, so a wrong table above shows. */
	{
		struct sk_error err;

		(void)sk_error_set(&err, SK_ERR_OS, ECONNREFUSED, NULL);
		is_str(err.message, "Connection refused",
		    "os ECONNREFUSED reads \"Connection refused\"");
		(void)sk_error_set(&err, SK_ERR_GAIERROR, EAI_NONAME, NULL);
		is_str(err.message, "Name or service not known",
		    "gaierror EAI_NONAME reads \"Name or service not known\"");
		(void)sk_error_set(&err, SK_ERR_HERROR, HOST_NOT_FOUND, NULL);
		is_str(err.message, "Unknown host",
		    "herror HOST_NOT_FOUND reads \"Unknown host\"");
	}
}

static void
test_explicit_messages(void)
{
	struct sk_error err;
	char longmsg[SK_ERRMSG_MAX * 2];

	is_int(sk_error_set(&err, SK_ERR_OS, 0, "service/proto not found"),
	    -1, "explicit message: returns -1");
	is_err(&err, SK_ERR_OS, 0, "service/proto not found",
	    "explicit message replaces the system text");

	is_int(sk_error_set(&err, SK_ERR_VALUE, EINVAL, ""), -1,
	    "empty message: returns -1");
	is_err(&err, SK_ERR_VALUE, EINVAL, "",
	    "an empty message stays empty");

	/* A message longer than the buffer is cut and stays terminated. */
	memset(longmsg, 'm', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	(void)sk_error_set(&err, SK_ERR_VALUE, ERANGE, longmsg);
	is_int((long long)strlen(err.message), SK_ERRMSG_MAX - 1,
	    "a long message is truncated to SK_ERRMSG_MAX - 1");
	ok(strncmp(err.message, longmsg, SK_ERRMSG_MAX - 1) == 0,
	    "the truncated message is the start of the long one");

	/* A NULL error pointer: the caller does not want the detail. */
	is_int(sk_error_set(NULL, SK_ERR_OS, EBADF, NULL), -1,
	    "sk_error_set(NULL, ...) returns -1");
	is_int(sk_error_set(NULL, SK_ERR_OS, EBADF, "x"), -1,
	    "sk_error_set(NULL, ..., message) returns -1");
}

static void
test_clear(void)
{
	struct sk_error err;

	(void)sk_error_set(&err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL);
	sk_error_clear(&err);
	is_err(&err, SK_ERR_NONE, 0, "", "sk_error_clear empties the error");
	/* Of NULL: nothing (a crash ends the program, which fails the run). */
	sk_error_clear(NULL);
}

static void
test_kind_names(void)
{
	static const struct {
		enum sk_error_kind kind;
		const char *want;
	} cases[] = {
		{ SK_ERR_NONE, "none" },
		{ SK_ERR_OS, "error" },
		{ SK_ERR_HERROR, "herror" },
		{ SK_ERR_GAIERROR, "gaierror" },
		{ SK_ERR_TIMEOUT, "timeout" },
		{ SK_ERR_VALUE, "valueerror" },
		{ (enum sk_error_kind)99, "unknown" },
		{ (enum sk_error_kind)-1, "unknown" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(sk_error_kind_name(cases[i].kind), cases[i].want,
		    "sk_error_kind_name(%d)", (int)cases[i].kind);
}

int
main(void)
{
	(void)alarm(30);
	test_default_messages();
	test_explicit_messages();
	test_clear();
	test_kind_names();
	return done_testing();
}
