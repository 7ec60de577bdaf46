/* winrs_session.c - one winrs session (see winrs_session.h).
 *
 * Concurrency.  transport.c opens one connection per request, so requests
 * made from different threads never queue behind each other: the worker
 * can sit in a Receive (which the service holds until there is output or
 * the OperationTimeout passes) while the reader Sends what arrives on
 * standard input and the interrupter Signals ctrl_c.  The threads share
 * only the ids (written once, under the lock) and the flags below it; the
 * target and options are read-only.  Signals are blocked in every thread:
 * the main thread takes them with sigwait().
 *
 * The reader waits in poll() on standard input and a wake pipe, so that
 * the end of the session stops it at once (a byte on the pipe), and never
 * in the middle of a request.  No thread is ever cancelled: unwinding a
 * cancelled thread's stack is what sanitizers and some libcs get wrong. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "request.h"
#include "transport.h"
#include "winrs_session.h"

#define JOIN_GRACE_MS 2000          /* how long the end waits for a thread in a request */

/* --- messages ------------------------------------------------------------------------ */

static void say(struct winrs_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "winrs: ..." on standard error, unless the session is closing. */
static void say(struct winrs_session *s, const char *fmt, ...)
{
        va_list ap;

        pthread_mutex_lock(&s->lock);
        if (!s->closing) {
                fputs("winrs: ", stderr);
                va_start(ap, fmt);
                vfprintf(stderr, fmt, ap);
                va_end(ap);
                fputc('\n', stderr);
        }
        pthread_mutex_unlock(&s->lock);
}

/* A fault, as the winrm command prints one, after what was being done. */
static void say_fault(struct winrs_session *s, const char *what, xmlDoc *fault)
{
        pthread_mutex_lock(&s->lock);
        if (!s->closing) {
                fprintf(stderr, "winrs: %s: the service answered with a fault:\n", what);
                out_fault(stderr, fault);
        }
        pthread_mutex_unlock(&s->lock);
}

/* --- one request ------------------------------------------------------------------------ */

/* Sends op with body for shell_id (NULL for Create): 0 with the reply in
 * *reply (NULL for an empty 200), 1 with a fault in *reply, or -1 with the
 * reason in err.  Nothing is printed. */
static int request(struct winrs_session *s, enum winrs_op op, const char *shell_id, const char *body,
                   xmlDoc **reply, char *err, size_t len)
{
        struct winrs_head h = { .to = s->t->url, .timeout_ms = s->o->timeout_ms, .shell_id = shell_id,
                                .opts = s->o };
        struct wsman_reply r = { 0 };
        char *env = winrs_envelope(op, &h, body);
        int rc = 0, status;

        *reply = NULL;
        if (!env) {
                snprintf(err, len, "Out of memory.");
                return -1;
        }
        rc = wsman_post(&s->t->t, env, strlen(env), &r, err, len);
        explicit_bzero(env, strlen(env));       /* a Send carries the input */
        free(env);
        if (rc < 0)
                return -1;
        status = r.status;
        if (status == 401) {
                snprintf(err, len, "Access is denied: %.300s refused the credentials (HTTP 401%s%.200s).", s->t->url,
                         r.schemes && *r.schemes ? "; it offers " : "", r.schemes ? r.schemes : "");
                wsman_reply_free(&r);
                return -1;
        }
        *reply = req_parse_reply(r.body, r.len);
        if (!*reply && !(status == 200 && r.len == 0)) {
                snprintf(err, len, "The service answered HTTP %d with %s.", status,
                         r.len ? "a body that is not a SOAP envelope" : "no body");
                rc = -1;
        } else if (*reply && out_is_fault(*reply)) {
                rc = 1;
        } else if (status != 200) {
                snprintf(err, len, "The service answered HTTP %d with an envelope that is not a fault.", status);
                xmlFreeDoc(*reply);
                *reply = NULL;
                rc = -1;
        }
        wsman_reply_free(&r);
        return rc;
}

/* request(), with failures printed after what: 0 with *reply, 1 for a
 * Receive that timed out (to poll again), -1 after printing why. */
static int call(struct winrs_session *s, enum winrs_op op, const char *shell_id, const char *body,
                xmlDoc **reply, const char *what)
{
        char err[600];
        int rc = request(s, op, shell_id, body, reply, err, sizeof(err));

        if (rc < 0) {
                say(s, "%s: %s", what, err);
                return -1;
        }
        if (rc == 1) {
                if (op == WINRS_RECEIVE && winrs_is_timeout(*reply)) {
                        xmlFreeDoc(*reply);
                        *reply = NULL;
                        return 1;
                }
                say_fault(s, what, *reply);
                xmlFreeDoc(*reply);
                *reply = NULL;
                return -1;
        }
        return 0;
}

/* call() with a body built by the caller (NULL: out of memory), freed
 * here; with get, the id it reads from the reply into id (missing names
 * what the reply lacks when there is none).  0, or -1 after saying why. */
static int call_id(struct winrs_session *s, enum winrs_op op, const char *shell_id, char *body, const char *what,
                   int (*get)(xmlDoc *, char *, size_t), const char *missing, char id[WINRS_ID_MAX])
{
        xmlDoc *reply = NULL;
        int rc;

        if (!body) {
                say(s, "%s: Out of memory.", what);
                return -1;
        }
        rc = call(s, op, shell_id, body, &reply, what);
        free(body);
        if (rc == 0 && get && get(reply, id, WINRS_ID_MAX) < 0) {
                say(s, "%s: the reply names no %s.", what, missing);
                rc = -1;
        }
        xmlFreeDoc(reply);
        return rc;
}

static int call_body(struct winrs_session *s, enum winrs_op op, const char *shell_id, char *body, const char *what)
{
        return call_id(s, op, shell_id, body, what, NULL, NULL, NULL);
}

static bool is_closing(struct winrs_session *s)
{
        bool closing;

        pthread_mutex_lock(&s->lock);
        closing = s->closing;
        pthread_mutex_unlock(&s->lock);
        return closing;
}

/* The ids, copied under the lock. */
static void ids(struct winrs_session *s, char shell[WINRS_ID_MAX], char command[WINRS_ID_MAX])
{
        pthread_mutex_lock(&s->lock);
        memcpy(shell, s->shell_id, WINRS_ID_MAX);
        memcpy(command, s->command_id, WINRS_ID_MAX);
        pthread_mutex_unlock(&s->lock);
}

/* --- standard input ------------------------------------------------------------------------ */

/* Sends buf[0..n), End="true" when n is 0: 0, or -1 once input must stop
 * (the session is ending, or the service did not take it: why is kept in
 * send_err, which winrs.c prints only if a signal ends the session, since
 * a command that has exited refuses input too). */
static int send_input(struct winrs_session *s, const char *buf, size_t n)
{
        char shell[WINRS_ID_MAX], command[WINRS_ID_MAX], err[600];
        xmlDoc *reply = NULL;
        char *body;
        int rc;

        pthread_mutex_lock(&s->lock);
        rc = s->closing || s->finished ? -1 : 0;
        memcpy(shell, s->shell_id, WINRS_ID_MAX);
        memcpy(command, s->command_id, WINRS_ID_MAX);
        pthread_mutex_unlock(&s->lock);
        if (rc < 0)
                return -1;
        body = winrs_send_body(command, buf, n, n == 0);
        if (!body) {
                snprintf(err, sizeof(err), "Out of memory.");
                rc = -1;
        } else {
                rc = request(s, WINRS_SEND, shell, body, &reply, err, sizeof(err));
                explicit_bzero(body, strlen(body));
                free(body);
        }
        if (rc == 1)
                snprintf(err, sizeof(err), "the service refused it (error number 0x%08" PRIX32 ").",
                         out_error_number(winrs_fault_code(reply)));
        xmlFreeDoc(reply);
        pthread_mutex_lock(&s->lock);
        if (rc != 0 && !s->closing && !s->finished)
                snprintf(s->send_err, sizeof(s->send_err), "%.500s", err);
        if (s->closing || s->finished)
                rc = -1;
        pthread_mutex_unlock(&s->lock);
        return rc == 0 ? 0 : -1;
}

/* Waits until fd 0 is readable or the session ends: false when it ends. */
static bool wait_input(struct winrs_session *s)
{
        struct pollfd p[2] = {
                { .fd = STDIN_FILENO, .events = POLLIN },
                { .fd = s->wake[0], .events = POLLIN },
        };

        for (;;) {
                if (poll(p, 2, -1) < 0 && errno != EINTR)
                        return false;
                if (p[1].revents)
                        return false;
                if (p[0].revents)
                        return true;
        }
}

/* The reader: a Send per read(), until the end of the input. */
static void *reader_main(void *arg)
{
        struct winrs_session *s = arg;
        char buf[WINRS_SEND_CHUNK];
        ssize_t n;

        for (;;) {
                if (!wait_input(s))
                        break;
                n = read(STDIN_FILENO, buf, sizeof(buf));
                if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
                        continue;
                if (n < 0)
                        n = 0;          /* an unreadable input (closed, a directory) ends it */
                if (send_input(s, buf, (size_t)n) < 0 || n == 0)
                        break;
        }
        explicit_bzero(buf, sizeof(buf));
        return NULL;
}

/* --- the worker ---------------------------------------------------------------------------- */

/* Writes p[0..n) to fd whatever its mode: 0 or -errno. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
        while (n > 0) {
                ssize_t w = write(fd, p, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                        struct pollfd pf = { .fd = fd, .events = POLLOUT };
                        (void)poll(&pf, 1, -1);
                        continue;
                }
                if (w < 0)
                        return -errno;
                p += w;
                n -= (size_t)w;
        }
        return 0;
}

/* The chunks of one reply to standard output and error: 0, or -1 after
 * saying why (nothing for a closed pipe: the reader of it is gone). */
static int write_out(struct winrs_session *s, const struct winrs_received *got)
{
        for (size_t i = 0; i < got->n; i++) {
                int r = write_all(got->chunks[i].fd, got->chunks[i].p, got->chunks[i].n);
                if (r < 0) {
                        if (r != -EPIPE)
                                say(s, "writing standard %s: %s", got->chunks[i].fd == 1 ? "output" : "error",
                                    strerror(-r));
                        return -1;
                }
        }
        return 0;
}

/* Receive until the command is done: its exit status, or
 * WINRS_EXIT_LOCAL after saying why. */
static int receive_all(struct winrs_session *s, const char *shell, const char *command)
{
        char *body = winrs_receive_body(command);
        int status = -1;

        if (!body) {
                say(s, "Out of memory.");
                return WINRS_EXIT_LOCAL;
        }
        while (status < 0) {
                struct winrs_received got;
                xmlDoc *reply = NULL;
                int rc;

                if (is_closing(s)) {
                        status = WINRS_EXIT_LOCAL;      /* main is ending the session */
                        break;
                }
                rc = call(s, WINRS_RECEIVE, shell, body, &reply, "reading the command's output");
                if (rc == 1)
                        continue;
                if (rc < 0)
                        status = WINRS_EXIT_LOCAL;
                else if (winrs_parse_receive(reply, &got) < 0) {
                        say(s, "reading the command's output: the reply is not a ReceiveResponse with base64 streams.");
                        status = WINRS_EXIT_LOCAL;
                } else {
                        if (write_out(s, &got) < 0)
                                status = WINRS_EXIT_LOCAL;
                        else if (got.done && !got.has_exit) {
                                say(s, "The command is done, but the service gave no exit code.");
                                status = WINRS_EXIT_LOCAL;
                        } else if (got.done) {
                                status = winrs_exit_status(got.exit_code);
                                if (status != got.exit_code)
                                        say(s, "The remote exit code %lld does not fit an exit status: exiting with %d.",
                                            got.exit_code, status);
                        }
                        winrs_received_free(&got);
                }
                xmlFreeDoc(reply);
        }
        free(body);
        return status;
}

/* Stores id as the session's shell (or command) id: false when the
 * session is already closing (the caller then cleans up itself). */
static bool store_id(struct winrs_session *s, char *dst, const char *id)
{
        bool closing;

        pthread_mutex_lock(&s->lock);
        closing = s->closing;
        if (!closing)
                snprintf(dst, WINRS_ID_MAX, "%s", id);
        pthread_mutex_unlock(&s->lock);
        return !closing;
}

/* Create: the shell id into shell, 0; or -1 after saying why. */
static int open_shell(struct winrs_session *s, char shell[WINRS_ID_MAX])
{
        if (call_id(s, WINRS_CREATE, NULL, winrs_create_body(s->o), "creating the shell", winrs_shell_id,
                    "shell (no ShellId selector)", shell) < 0)
                return -1;
        if (!store_id(s, s->shell_id, shell)) {
                call_body(s, WINRS_DELETE, shell, strdup(""), "deleting the shell");
                return -1;
        }
        return 0;
}

/* Command: the command id into command, 0; or -1 after saying why (when
 * closing, the shell's Delete ends the command too). */
static int start_command(struct winrs_session *s, const char *shell, char command[WINRS_ID_MAX])
{
        if (call_id(s, WINRS_COMMAND, shell, winrs_command_body(s->o->command, s->o->n_command),
                    "starting the command", winrs_command_id, "command (no CommandId)", command) < 0)
                return -1;
        return store_id(s, s->command_id, command) ? 0 : -1;
}

/* Starts the reader, unless the session is closing. */
static void start_reader(struct winrs_session *s)
{
        pthread_mutex_lock(&s->lock);
        if (!s->closing && pthread_create(&s->reader.tid, NULL, reader_main, s) == 0)
                s->reader.started = true;
        pthread_mutex_unlock(&s->lock);
}

static void *worker_main(void *arg)
{
        struct winrs_session *s = arg;
        char shell[WINRS_ID_MAX], command[WINRS_ID_MAX];
        int status = WINRS_EXIT_LOCAL;

        if (open_shell(s, shell) == 0 && start_command(s, shell, command) == 0) {
                start_reader(s);
                status = receive_all(s, shell, command);
        }
        pthread_mutex_lock(&s->lock);
        s->finished = true;
        s->status = status;
        pthread_mutex_unlock(&s->lock);
        pthread_kill(s->main_tid, SIGUSR1);
        return NULL;
}

int winrs_session_start(struct winrs_session *s, const struct target *t, const struct winrs_opts *o)
{
        int r;

        memset(s, 0, sizeof(*s));
        s->t = t;
        s->o = o;
        s->main_tid = pthread_self();
        if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
                fprintf(stderr, "winrs: cannot make a pipe: %s\n", strerror(errno));
                return -1;
        }
        pthread_mutex_init(&s->lock, NULL);
        r = pthread_create(&s->worker.tid, NULL, worker_main, s);
        if (r != 0) {
                fprintf(stderr, "winrs: cannot start a thread: %s\n", strerror(r));
                return -1;
        }
        s->worker.started = true;
        return 0;
}

/* --- Ctrl-C and the end --------------------------------------------------------------------- */

static void *interrupter_main(void *arg)
{
        struct winrs_session *s = arg;
        char shell[WINRS_ID_MAX], command[WINRS_ID_MAX];

        ids(s, shell, command);
        call_body(s, WINRS_SIGNAL, shell, winrs_signal_body(command, WINRS_SIGNAL_CTRL_C), "interrupting the command");
        return NULL;
}

int winrs_session_interrupt(struct winrs_session *s)
{
        int r = -1;

        pthread_mutex_lock(&s->lock);
        if (s->command_id[0] && !s->finished && !s->interrupter.started &&
            pthread_create(&s->interrupter.tid, NULL, interrupter_main, s) == 0) {
                s->interrupter.started = true;
                r = 0;
        }
        pthread_mutex_unlock(&s->lock);
        return r;
}

/* Joins th if it returns before deadline: whether it was joined (or never
 * started). */
static bool join_by(struct winrs_thread *th, const struct timespec *deadline)
{
        if (!th->started)
                return true;
        if (pthread_timedjoin_np(th->tid, NULL, deadline) != 0)
                return false;
        th->started = false;
        return true;
}

/* One request of the end (op for shell, body freed here), its failure
 * printed after what unless quiet. */
static void end_call(struct winrs_session *s, enum winrs_op op, const char *shell, char *body, const char *what,
                     bool quiet)
{
        char err[600];
        xmlDoc *reply = NULL;
        int rc = -1;

        if (!body)
                snprintf(err, sizeof(err), "Out of memory.");
        else
                rc = request(s, op, shell, body, &reply, err, sizeof(err));
        if (rc == 1)
                snprintf(err, sizeof(err), "the service answered with a fault (error number 0x%08" PRIX32 ").",
                         out_error_number(winrs_fault_code(reply)));
        if (rc != 0 && !quiet)
                fprintf(stderr, "winrs: %s: %s\n", what, err);
        xmlFreeDoc(reply);
        free(body);
}

bool winrs_session_end(struct winrs_session *s, bool quiet)
{
        char shell[WINRS_ID_MAX], command[WINRS_ID_MAX];
        struct timespec deadline;
        bool reader, joined;

        pthread_mutex_lock(&s->lock);
        s->closing = true;
        reader = s->reader.started;
        memcpy(shell, s->shell_id, WINRS_ID_MAX);
        memcpy(command, s->command_id, WINRS_ID_MAX);
        pthread_mutex_unlock(&s->lock);
        if (reader)
                (void)!write(s->wake[1], "", 1);
        if (command[0])
                end_call(s, WINRS_SIGNAL, shell, winrs_signal_body(command, WINRS_SIGNAL_TERMINATE),
                         "ending the command", quiet);
        if (shell[0])
                end_call(s, WINRS_DELETE, shell, strdup(""), "deleting the shell", quiet);
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += JOIN_GRACE_MS / 1000;
        deadline.tv_nsec += (JOIN_GRACE_MS % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
                deadline.tv_sec++;
                deadline.tv_nsec -= 1000000000L;
        }
        joined = join_by(&s->worker, &deadline);
        joined = join_by(&s->reader, &deadline) && joined;
        joined = join_by(&s->interrupter, &deadline) && joined;
        if (joined) {
                pthread_mutex_destroy(&s->lock);
                close(s->wake[0]);
                close(s->wake[1]);
        }
        return joined;
}
