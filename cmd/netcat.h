/*
 * netcat.h - what connect and listen share: the options of a netcat
 * session (one direction only, idle timeout, --exec, --raw, --events),
 * and the session itself: one connection relayed to stdin and stdout or
 * to a command, on libsockit's relay engine, with its life told as
 * events and its end turned into an exit status.
 */
#ifndef SOCKIT_NETCAT_H
#define SOCKIT_NETCAT_H

#include "cli.h"

struct nc_options {
	bool send_only, recv_only;
	bool raw;		/* received bytes to a terminal unescaped */
	double idle_timeout;	/* 0: none */
	const char *exec;	/* a command instead of stdin/stdout */
	const char *events;	/* --events FILE */
};
extern struct nc_options nc_opt;
/* TLS on every connection (--tls), and the name a client verifies. */
extern struct sk_tls_ctx *nc_tls;
extern const char *nc_tls_host;
/* The event sink: --events FILE, stdout for --json, or none. */
extern struct sk_events nc_events;

#define NC_OPTIONS_SESSION \
	CLI_FLAG(0, "send-only", &nc_opt.send_only, \
	    "only send: the receiving side is shut down at once"), \
	CLI_FLAG(0, "recv-only", &nc_opt.recv_only, \
	    "only receive: the sending side is shut down at once"), \
	CLI_SECONDS_POS(0, "idle-timeout", &nc_opt.idle_timeout, "SECONDS", \
	    "end the connection after SECONDS with no byte either way " \
	    "(exit 4)"), \
	CLI_STRING(0, "exec", &nc_opt.exec, "COMMAND", \
	    "relay the connection to COMMAND (/bin/sh -c) instead of " \
	    "stdin and stdout"), \
	CLI_FLAG(0, "raw", &nc_opt.raw, \
	    "write received bytes to a terminal as they are, unescaped"), \
	CLI_PATH(0, "events", &nc_opt.events, "FILE", \
	    "write the connection's events to FILE as JSON Lines")

/* The checks between the shared options, then the event sink opened.
 * Returns EXIT_OK or an exit status (the message printed). */
int nc_setup(void);

/*
 * Serve one connection: s (which the session takes over and closes)
 * relayed both ways to the command, or to *in_fd and stdout; *in_fd
 * becomes -1 once its EOF was read (listen -k serves the next
 * connections without it).  The connected event is the caller's; eof,
 * closed and exec events are written here, and an error is printed.
 * Returns the exit status: 0 when both directions ended with EOF (and
 * the command, if any, exited 0), 1 on a reset or a failure, 4 on the
 * idle timeout.
 */
int nc_serve(struct sk_socket *s, const struct sk_addr *peer,
    const struct sk_addr *local, int *in_fd);

/*
 * Many connections at once, each with its own command (listen -k
 * --exec): nc_pool_add starts one on the pool's loop; nc_pool_reap, on
 * SIGCHLD, collects the commands that ended.
 */
struct nc_pool;
struct nc_pool *nc_pool_new(struct sk_loop *loop, struct sk_error *err);
void nc_pool_reap(struct nc_pool *p);
int nc_pool_add(struct nc_pool *p, struct sk_socket *s,
    const struct sk_addr *peer, const struct sk_addr *local);
size_t nc_pool_count(const struct nc_pool *p);
/* End every connection, wait for the commands, free the pool. */
void nc_pool_free(struct nc_pool *p);

/* The TLS context from the options (-u cannot have one); EXIT_OK or the
 * status, the message printed.  nc_finish frees it. */
int nc_tls_setup(bool server, bool udp);

/* The exit event into --events FILE (--json's is the dispatcher's), and
 * the sink closed.  Returns status. */
int nc_finish(int status, const char *reason);

/* SIGINT and SIGTERM blocked, and caught while waitmask (the mask for
 * ppoll) is in force: they interrupt a wait (EINTR) to end quietly. */
void nc_catch_stop(sigset_t *waitmask);
/* Whether a stop signal came since nc_catch_stop (nc_serve ends the
 * connection it serves when one comes). */
bool nc_stopped(void);

/* cli_fail, the message kept as the exit event's reason. */
int nc_fail(const char *what, const struct sk_error *err);

/* "('127.0.0.1', 5000)" or the path, for messages. */
const char *nc_addr(const struct sk_addr *a, char *buf, size_t size);

#endif /* SOCKIT_NETCAT_H */
