/*
 * pipes.c - the pipes splice(2) moves bytes through, socket -> pipe ->
 * socket, kept in a small pool per event loop so a connection that moves
 * bulk does not make two descriptors and a pipe buffer for each burst.
 * Only an empty pipe goes back to the pool: bytes left in one belong to
 * the connection that put them there.
 */
#include <fcntl.h>
#include <unistd.h>

#include "sockit-int.h"

void
sk__pipe_pool_init(struct sk__pipe_pool *p, size_t size)
{
	p->n = 0;
	p->size = size;
}

bool
sk__pipe_get(struct sk__pipe_pool *p, int fds[2])
{
	if (p->n > 0) {
		p->n--;
		fds[0] = p->fds[p->n][0];
		fds[1] = p->fds[p->n][1];
		return true;
	}
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == -1) {
		fds[0] = fds[1] = -1;
		return false;
	}
	if (p->size != 0)
		(void)fcntl(fds[1], F_SETPIPE_SZ, (int)p->size);
	return true;
}

void
sk__pipe_put(struct sk__pipe_pool *p, int fds[2], size_t left)
{
	if (fds[0] == -1)
		return;
	if (left == 0 && p->n < SK__PIPE_POOL) {
		p->fds[p->n][0] = fds[0];
		p->fds[p->n][1] = fds[1];
		p->n++;
	} else {
		(void)close(fds[0]);
		(void)close(fds[1]);
	}
	fds[0] = fds[1] = -1;
}

void
sk__pipe_pool_drain(struct sk__pipe_pool *p)
{
	while (p->n > 0) {
		p->n--;
		(void)close(p->fds[p->n][0]);
		(void)close(p->fds[p->n][1]);
	}
}
