/* shell_stdin.c - a command's stdin fed from Send: bytes the pipe does
 * not take at once wait in a queue (SHELL_STDIN_MAX at most) that is
 * written whenever the host says the pipe takes more; End closes stdin once
 * the queue is written. */
#define _POSIX_C_SOURCE 200809L    /* POSIX interfaces under -std=c11 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

/* Writes the stdin queue while the process takes it; closes stdin after
 * it when End was asked. */
void io_flush_stdin(struct sh_command *c)
{
        while (c->in_off < c->in_len && c->proc && !c->in_closed) {
                long n = shell_host->process_write(c->proc, c->in + c->in_off, c->in_len - c->in_off);

                if (n == -EAGAIN || n == 0)
                        return;               /* writable() comes when it takes more */
                if (n < 0) {
                        c->in_closed = true;  /* the process closed its stdin: the rest is dropped */
                        break;
                }
                c->in_off += (size_t)n;
        }
        free(c->in);
        c->in = NULL;
        c->in_len = c->in_off = 0;
        if (c->in_end && !c->in_closed && c->proc) {
                shell_host->process_close_stdin(c->proc);
                c->in_closed = true;
        }
}

int io_send(struct sh_command *c, const unsigned char *data, size_t len, bool end)
{
        size_t queued = c->in_len - c->in_off;
        unsigned char *q;

        if (c->in_closed || c->in_end)
                return len ? -EPIPE : 0;
        if (!c->proc || c->exited) {
                c->in_closed = c->in_closed || end;   /* nobody reads: the bytes are dropped */
                return 0;
        }
        if (queued + len > SHELL_STDIN_MAX)
                return -ENOSPC;
        if (len) {
                if (c->in_off) {
                        memmove(c->in, c->in + c->in_off, queued);
                        c->in_len = queued;
                        c->in_off = 0;
                }
                q = realloc(c->in, c->in_len + len);
                if (!q)
                        return -ENOMEM;
                memcpy(q + c->in_len, data, len);
                c->in = q;
                c->in_len += len;
        }
        c->in_end = end;
        /* writes until the pipe is full: its -EAGAIN brings writable() */
        if (c->started)
                io_flush_stdin(c);
        return 0;
}
