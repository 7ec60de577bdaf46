/* winrs.c - the winrs command: runs one command in a remote shell through
 * WS-Management (the WinRS protocol every WinRM service speaks), with the
 * command line of Windows' winrs.exe.  Top-down: parse (winrs_args.c),
 * resolve the target as the winrm command does (target.c), run the
 * session (winrs_session.c: Create, Command, Receive with standard input
 * Sent beside it), and meanwhile wait here for the signals that steer it:
 * Ctrl-C once interrupts the remote command, twice ends it and winrs;
 * SIGTERM and SIGHUP end it too.  The shell is deleted whatever happens.
 *
 * The exit status is the remote command's exit code.  winrs's own failures
 * exit with 255 (like ssh: 1 is too common a remote exit code to tell them
 * apart), a command line that does not parse with 2, and a session ended
 * by a second Ctrl-C, SIGTERM or SIGHUP with 128 + the signal's number. */
#include "autoconfig.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>

#include "cmdline.h"
#include "target.h"
#include "winrs_args.h"
#include "winrs_session.h"

/* Waits for the worker's end or a signal that ends the session: the exit
 * status, with *aborted set when a signal ended it. */
static int wait_end(struct winrs_session *s, const sigset_t *set, bool *aborted)
{
        bool interrupted = false;

        for (;;) {
                bool finished, running;
                int sig = 0, status;

                if (sigwait(set, &sig) != 0)
                        continue;
                pthread_mutex_lock(&s->lock);
                finished = s->finished;
                status = s->status;
                running = s->command_id[0] != '\0';
                pthread_mutex_unlock(&s->lock);
                if (finished)
                        return status;  /* the command's own status wins over a late signal */
                if (sig == SIGINT && running && !interrupted) {
                        interrupted = true;
                        if (winrs_session_interrupt(s) == 0)
                                continue;
                }
                if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
                        *aborted = true;
                        return 128 + sig;
                }
        }
}

/* The session against t: the exit status.  Returns only when every thread
 * could be joined; otherwise the process ends here. */
static int run(const struct target *t, const struct winrs_opts *o)
{
        struct winrs_session s;
        bool aborted = false;
        sigset_t set;
        int status;

        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGHUP);
        sigaddset(&set, SIGUSR1);
        /* before any thread starts, so that every one inherits the mask */
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        if (winrs_session_start(&s, t, o) < 0)
                return WINRS_EXIT_LOCAL;
        status = wait_end(&s, &set, &aborted);
        if (aborted && s.send_err[0])
                fprintf(stderr, "winrs: standard input stopped: %s\n", s.send_err);
        if (!winrs_session_end(&s, aborted || status == WINRS_EXIT_LOCAL)) {
                /* a thread is still inside a request: it goes with the process */
                fflush(NULL);
                _exit(status);
        }
        return status;
}

int main(int argc, char **argv)
{
        struct winrs_opts o;
        struct client_cfg cfg;
        struct cli_cmd c;
        struct target t;
        char err[512];
        int rc;

        signal(SIGPIPE, SIG_IGN);
        if (winrs_parse(argc, argv, &o, err, sizeof(err)) < 0) {
                fprintf(stderr, "winrs: %s\n", err);
                winrs_opts_free(&o);
                return WINRS_EXIT_USAGE;
        }
        if (o.help) {
                fputs(winrs_usage, stdout);
                winrs_opts_free(&o);
                return 0;
        }
        xmlInitParser();
        c = winrs_target_cmd(&o);
        client_cfg_read(target_socket(&c), &cfg);
        if (target_resolve(&c, &cfg, &t, err, sizeof(err)) < 0) {
                fprintf(stderr, "winrs: %s\n", err);
                rc = WINRS_EXIT_USAGE;
        } else {
                rc = run(&t, &o);
        }
        target_clear(&t);
        winrs_opts_free(&o);
        xmlCleanupParser();
        return rc;
}
