/*
 * child.c - a command run for a connection (netcat's -e, ncat's --exec):
 * COMMAND under /bin/sh -c with a pipe as its standard input and another
 * as its standard output (its standard error stays the caller's), and
 * the connection's addresses in its environment, SOCKIT_PEER_HOST,
 * SOCKIT_PEER_PORT, SOCKIT_LOCAL_HOST and SOCKIT_LOCAL_PORT, as inetd
 * and ucspi-tcp's tcpserver (TCPREMOTEIP, TCPREMOTEPORT) do.
 *
 * Two pipes rather than the socket itself: the command's EOF on stdin
 * and its closing of stdout are then separate, so that everything it
 * writes after its input ended still reaches the peer, and the peer sees
 * EOF exactly when the command closes its standard output.  The child
 * is started with posix_spawn(3): with the default disposition and an
 * empty mask for the signals a server blocks or ignores.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit-int.h"

extern char **environ;

static const char *const child_vars[] = {
	"SOCKIT_PEER_HOST=", "SOCKIT_PEER_PORT=",
	"SOCKIT_LOCAL_HOST=", "SOCKIT_LOCAL_PORT="
};
#define NVARS (sizeof(child_vars) / sizeof(child_vars[0]))

static bool
is_ours(const char *e)
{
	size_t i;

	for (i = 0; i < NVARS; i++)
		if (strncmp(e, child_vars[i], strlen(child_vars[i])) == 0)
			return true;
	return false;
}

/* "NAME=host" and "NAME=port" for addr into out[0], out[1]. */
static int
addr_vars(char **out, size_t k, const struct sk_addr *addr)
{
	char host[SK_ADDRSTRLEN];

	if (addr == NULL || sk_addr_family(addr) == AF_UNSPEC)
		return 0;
	if (sk_addr_host(addr, host, sizeof(host)) == -1)
		host[0] = '\0';
	if (asprintf(&out[0], "%s%s", child_vars[k], host) == -1) {
		out[0] = NULL;
		return -1;
	}
	if (sk_addr_family(addr) == AF_UNIX)
		return 0;
	if (asprintf(&out[1], "%s%u", child_vars[k + 1],
	    sk_addr_port(addr)) == -1) {
		out[1] = NULL;
		return -1;
	}
	return 0;
}

/* environ without our variables, then the connection's. */
static char **
child_env(const struct sk_addr *peer, const struct sk_addr *local)
{
	char **env, *vars[NVARS] = { NULL };
	size_t n = 0, i, o = 0;

	while (environ != NULL && environ[n] != NULL)
		n++;
	env = calloc(n + NVARS + 1, sizeof(*env));
	if (env == NULL)
		return NULL;
	if (addr_vars(vars, 0, peer) == -1 ||
	    addr_vars(vars + 2, 2, local) == -1) {
		for (i = 0; i < NVARS; i++)
			free(vars[i]);
		free(env);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (!is_ours(environ[i]))
			env[o++] = environ[i];
	for (i = 0; i < NVARS; i++)
		if (vars[i] != NULL)
			env[o++] = vars[i];
	env[o] = NULL;
	return env;
}

static void
env_free(char **env)
{
	size_t i;

	if (env == NULL)
		return;
	for (i = 0; env[i] != NULL; i++)
		if (is_ours(env[i]))
			free(env[i]);
	free(env);
}

static void
close_pair(int p[2])
{
	if (p[0] != -1)
		(void)close(p[0]);
	if (p[1] != -1)
		(void)close(p[1]);
	p[0] = p[1] = -1;
}

int
sk_child_spawn(struct sk_child *c, const char *command,
    const struct sk_addr *peer, const struct sk_addr *local,
    struct sk_error *err)
{
	static const int sigs[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP,
	    SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM };
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, e = 0;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, def;
	char **env = NULL;
	char *argv[] = { "sh", "-c", (char *)command, NULL };
	size_t i;

	c->pid = -1;
	c->in_fd = c->out_fd = -1;
	if (pipe2(in, O_CLOEXEC) == -1 || pipe2(out, O_CLOEXEC) == -1) {
		e = errno;
		close_pair(in);
		return sk_error_set(err, SK_ERR_OS, e, NULL);
	}
	if ((env = child_env(peer, local)) == NULL) {
		close_pair(in);
		close_pair(out);
		return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	}
	(void)sigemptyset(&none);
	(void)sigemptyset(&def);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaddset(&def, sigs[i]);
	if ((e = posix_spawn_file_actions_init(&fa)) != 0)
		goto fail_fa;
	if ((e = posix_spawnattr_init(&attr)) != 0)
		goto fail_attr;
	if ((e = posix_spawn_file_actions_adddup2(&fa, in[0], 0)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(&fa, out[1], 1)) != 0 ||
	    (e = posix_spawnattr_setsigmask(&attr, &none)) != 0 ||
	    (e = posix_spawnattr_setsigdefault(&attr, &def)) != 0 ||
	    (e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF)) != 0)
		goto fail;
	e = posix_spawn(&c->pid, "/bin/sh", &fa, &attr, argv, env);
fail:
	(void)posix_spawnattr_destroy(&attr);
fail_attr:
	(void)posix_spawn_file_actions_destroy(&fa);
fail_fa:
	env_free(env);
	(void)close(in[0]);
	(void)close(out[1]);
	if (e != 0) {
		c->pid = -1;
		(void)close(in[1]);
		(void)close(out[0]);
		return sk_error_set(err, SK_ERR_OS, e, NULL);
	}
	c->in_fd = in[1];
	c->out_fd = out[0];
	return 0;
}

int
sk_child_wait(struct sk_child *c, bool block, int *status,
    struct sk_error *err)
{
	int ws;
	pid_t r;

	if (c->pid <= 0)
		return sk_error_set(err, SK_ERR_OS, ECHILD, NULL);
	do {
		r = waitpid(c->pid, &ws, block ? 0 : WNOHANG);
	} while (r == -1 && errno == EINTR);
	if (r == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	if (r == 0)
		return 0;
	c->pid = -1;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) :
	    WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 255;
	return 1;
}

void
sk_child_close(struct sk_child *c)
{
	if (c->in_fd != -1)
		(void)close(c->in_fd);
	if (c->out_fd != -1)
		(void)close(c->out_fd);
	c->in_fd = c->out_fd = -1;
}
