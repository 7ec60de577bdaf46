/* login.c - password checks sent to the privileged monitor.
 *
 * Checks wait in a queue (at most QUEUE_MAX) until one of the
 * Service max_logins slots is free; a peer address may have at most
 * max_logins_per_peer checks queued or under way.  Answers come back on the
 * monitor socket, matched by sequence number.  Passwords are wiped as soon
 * as they are sent or dropped.
 *
 * A check for the same user and password (or the same account) as one
 * queued or under way is not sent again: it follows that one and gets its
 * answer.  So when a cached login expires under load, the requests in
 * flight cause one PAM check, not one each (which would exhaust the slots
 * and answer 503). */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/event.h>

#include "auth.h"
#include "config.h"
#include "event.h"
#include "log.h"
#include "login.h"
#include "monitor.h"
#include "monitor_link.h"
#include "util.h"

#define QUEUE_MAX 256

struct login {
        struct login *next;         /* in the queue or the sent list */
        uint32_t seq;
        login_done_fn done;         /* NULL once cancelled */
        void *arg;
        char peer[64];
        unsigned char key[AUTH_DIGEST_LEN]; /* salted digest of what is checked */
        struct login *followers;    /* the same check asked again, waiting */
        struct login *next_follower;
        bool is_follower;
        struct mon_auth msg;        /* what is sent; the password wiped after */
};

static bool linked;
static struct login *queue, **queue_tail = &queue;
static struct login *sent;
static unsigned n_queued, n_sent;
static uint32_t next_seq = 1;

static void login_free(struct login *l)
{
        while (l->followers) {
                struct login *f = l->followers;
                l->followers = f->next_follower;
                wipe(f, sizeof(*f));
                free(f);
        }
        wipe(l, sizeof(*l));
        free(l);
}

/* Tells l's caller and every follower the answer. */
static void tell(struct login *l, int result, bool is_admin)
{
        if (l->done)
                l->done(l->arg, result, is_admin);
        for (struct login *f = l->followers; f; f = f->next_follower)
                if (f->done)
                        f->done(f->arg, result, is_admin);
}

static unsigned count_peer(const char *peer)
{
        unsigned n = 0;

        for (struct login *l = queue; l; l = l->next)
                n += !strcmp(l->peer, peer);
        for (struct login *l = sent; l; l = l->next)
                n += !strcmp(l->peer, peer);
        return n;
}

/* Sends queued checks while slots are free. */
static void pump(void)
{
        unsigned max = (unsigned)config_long("service.max_logins");

        while (queue && n_sent < max) {
                struct login *l = queue;

                if (monitor_link_send(&l->msg, sizeof(l->msg), NULL, 0) < 0)
                        return;         /* full: the next answer pumps again; gone: the link says so */
                wipe(l->msg.pass, sizeof(l->msg.pass));
                queue = l->next;
                if (!queue)
                        queue_tail = &queue;
                n_queued--;
                l->next = sent;
                sent = l;
                n_sent++;
        }
}

static void fail_all(struct login **list)
{
        while (*list) {
                struct login *l = *list;
                *list = l->next;
                tell(l, -EIO, false);
                login_free(l);
        }
}

void login_monitor_lost(void)
{
        log_err("password checks fail from now on");
        linked = false;
        fail_all(&sent);
        fail_all(&queue);
        queue_tail = &queue;
        n_sent = n_queued = 0;
}

static void answered(const void *msg, size_t len, int *fds, int nfds)
{
        struct mon_result m;

        for (int i = 0; i < nfds; i++)
                close(fds[i]);
        if (len != sizeof(m))
                return;
        memcpy(&m, msg, sizeof(m));
        for (struct login **p = &sent; *p; p = &(*p)->next) {
                struct login *l = *p;
                if (l->seq != m.seq)
                        continue;
                *p = l->next;
                n_sent--;
                tell(l, m.result, m.is_admin != 0);
                login_free(l);
                break;
        }
        pump();
}

int login_init(void)
{
        monitor_link_on(MON_AUTH_RESULT, answered);
        linked = true;
        return 0;
}

void login_shutdown(void)
{
        struct login **lists[] = { &queue, &sent };

        for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
                while (*lists[i]) {
                        struct login *l = *lists[i];
                        *lists[i] = l->next;
                        login_free(l);
                }
        }
        queue_tail = &queue;
        n_sent = n_queued = 0;
        linked = false;
}

/* A check of the same key and kind, queued or under way. */
static struct login *same_check(const unsigned char key[AUTH_DIGEST_LEN], uint32_t type)
{
        struct login *lists[] = { queue, sent };

        for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
                for (struct login *l = lists[i]; l; l = l->next)
                        if (l->msg.type == type && ct_equal(l->key, key, AUTH_DIGEST_LEN))
                                return l;
        return NULL;
}

int login_start(const char *user, const char *pass, const char *peer,
                login_done_fn done, void *arg, struct login **ret)
{
        uint32_t type = pass ? MON_AUTH_PASSWORD : MON_AUTH_ACCOUNT;
        unsigned char key[AUTH_DIGEST_LEN];
        struct login *l, *leader;

        if (!linked)
                return -EIO;
        auth_digest(user, pass ? pass : "", key);
        leader = same_check(key, type);
        l = calloc(1, sizeof(*l));
        if (!l) {
                wipe(key, sizeof(key));
                return -ENOMEM;
        }
        l->done = done;
        l->arg = arg;
        if (leader) {
                l->is_follower = true;
                l->next_follower = leader->followers;
                leader->followers = l;
                wipe(key, sizeof(key));
                *ret = l;
                return 0;
        }
        if (n_queued >= QUEUE_MAX || count_peer(peer) >= (unsigned)config_long("service.max_logins_per_peer")) {
                wipe(key, sizeof(key));
                free(l);
                return -EAGAIN;
        }
        l->seq = next_seq++;
        memcpy(l->key, key, sizeof(key));
        wipe(key, sizeof(key));
        snprintf(l->peer, sizeof(l->peer), "%s", peer);
        l->msg.type = type;
        l->msg.seq = l->seq;
        snprintf(l->msg.user, sizeof(l->msg.user), "%s", user);
        snprintf(l->msg.pass, sizeof(l->msg.pass), "%s", pass ? pass : "");
        snprintf(l->msg.rhost, sizeof(l->msg.rhost), "%s", peer);
        snprintf(l->msg.admin_groups, sizeof(l->msg.admin_groups), "%s",
                 config_get("service.admin_groups"));
        *queue_tail = l;
        queue_tail = &l->next;
        n_queued++;
        *ret = l;
        pump();
        return 0;
}

void login_cancel(struct login *l)
{
        /* a follower, or a check others follow: its answer is still wanted */
        if (l->is_follower || l->followers) {
                l->done = NULL;
                l->arg = NULL;
                return;
        }
        for (struct login **p = &queue; *p; p = &(*p)->next) {
                if (*p == l) {
                        *p = l->next;
                        if (queue_tail == &l->next)
                                queue_tail = p;
                        n_queued--;
                        login_free(l);
                        return;
                }
        }
        /* under way: its answer is read and dropped */
        l->done = NULL;
        l->arg = NULL;
}

unsigned login_in_flight(void)
{
        return n_sent;
}

unsigned login_queued(void)
{
        return n_queued;
}
