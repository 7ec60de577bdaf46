/* async.c - provider timers on the loop, and a pool of threads for work
 * that would block it.  A finished job is queued back to the loop through
 * an eventfd; its done() runs there, on behalf of the provider that asked. */
#include "autoconfig.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <event2/event.h>

#include "async.h"
#include "event.h"
#include "log.h"
#include "plugin.h"

struct winrmd_timer {
        struct winrmd_timer *prev, *next;
        struct event *ev;
        void (*fn)(void *arg);
        void *arg;
        struct loaded_provider *owner;
};

struct job {
        struct job *next;
        void (*run)(void *arg);
        void (*done)(void *arg);
        void *arg;
        struct loaded_provider *owner;
};

static struct winrmd_timer *timers;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct job *queue, **queue_tail = &queue;   /* waiting for a thread */
static struct job *finished;                        /* waiting for the loop */
static unsigned n_queued, n_running;
static bool stopping;
static pthread_t threads[ASYNC_THREADS];
static int n_threads;
static int efd = -1;
static struct event *efd_ev;

/* --- timers --- */

static void fire(evutil_socket_t fd, short what, void *arg)
{
        struct winrmd_timer *t = arg;
        struct loaded_provider *before = plugin_enter(t->owner);

        t->fn(t->arg);
        plugin_enter(before);
}

struct winrmd_timer *async_timer_new(void (*fn)(void *arg), void *arg)
{
        struct winrmd_timer *t;

        if (!fn)
                return NULL;
        t = calloc(1, sizeof(*t));
        if (!t)
                return NULL;
        t->ev = evtimer_new(event_loop_base(), fire, t);
        if (!t->ev) {
                free(t);
                return NULL;
        }
        t->fn = fn;
        t->arg = arg;
        t->owner = plugin_current();
        t->next = timers;
        if (timers)
                timers->prev = t;
        timers = t;
        return t;
}

void async_timer_start(struct winrmd_timer *t, int64_t ms)
{
        struct timeval tv;

        if (!t)
                return;
        if (ms < 0)
                ms = 0;
        tv.tv_sec = (time_t)(ms / 1000);
        tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
        evtimer_add(t->ev, &tv);
}

void async_timer_stop(struct winrmd_timer *t)
{
        if (t)
                evtimer_del(t->ev);
}

void async_timer_free(struct winrmd_timer *t)
{
        if (!t)
                return;
        if (t->prev)
                t->prev->next = t->next;
        else
                timers = t->next;
        if (t->next)
                t->next->prev = t->prev;
        event_free(t->ev);
        free(t);
}

/* --- the pool --- */

static void *worker(void *unused)
{
        uint64_t one = 1;

        (void)unused;
        pthread_mutex_lock(&lock);
        for (;;) {
                struct job *j;
                while (!queue && !stopping)
                        pthread_cond_wait(&wake, &lock);
                if (stopping)
                        break;
                j = queue;
                queue = j->next;
                if (!queue)
                        queue_tail = &queue;
                n_queued--;
                n_running++;
                pthread_mutex_unlock(&lock);
                j->run(j->arg);
                pthread_mutex_lock(&lock);
                n_running--;
                j->next = finished;
                finished = j;
                if (write(efd, &one, sizeof(one)) < 0) {
                        /* the counter cannot overflow here; nothing to do */
                }
        }
        pthread_mutex_unlock(&lock);
        return NULL;
}

/* On the loop: every finished job's done(). */
static void on_finished(evutil_socket_t fd, short what, void *unused)
{
        uint64_t n;
        struct job *list;

        (void)unused;
        if (read(efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
                log_warn("worker pool: %s", strerror(errno));
        pthread_mutex_lock(&lock);
        list = finished;
        finished = NULL;
        pthread_mutex_unlock(&lock);
        while (list) {
                struct job *j = list;
                struct loaded_provider *before = plugin_enter(j->owner);
                list = j->next;
                if (j->done)
                        j->done(j->arg);
                plugin_enter(before);
                free(j);
        }
}

int async_init(void)
{
        efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (efd < 0)
                return -errno;
        efd_ev = event_new(event_loop_base(), efd, EV_READ | EV_PERSIST, on_finished, NULL);
        if (!efd_ev || event_add(efd_ev, NULL) < 0) {
                close(efd);
                efd = -1;
                return -ENOMEM;
        }
        return 0;
}

int async_work(void (*run)(void *arg), void (*done)(void *arg), void *arg)
{
        struct job *j;

        if (!run || efd < 0)
                return -EINVAL;
        j = calloc(1, sizeof(*j));
        if (!j)
                return -ENOMEM;
        j->run = run;
        j->done = done;
        j->arg = arg;
        j->owner = plugin_current();
        pthread_mutex_lock(&lock);
        if (n_queued >= ASYNC_QUEUE) {
                pthread_mutex_unlock(&lock);
                free(j);
                return -EAGAIN;
        }
        /* a thread more while jobs wait and the pool is not full */
        if (n_threads < ASYNC_THREADS && n_queued + n_running >= (unsigned)n_threads &&
            pthread_create(&threads[n_threads], NULL, worker, NULL) == 0)
                n_threads++;
        if (n_threads == 0) {
                pthread_mutex_unlock(&lock);
                free(j);
                return -EAGAIN;
        }
        *queue_tail = j;
        queue_tail = &j->next;
        n_queued++;
        pthread_cond_signal(&wake);
        pthread_mutex_unlock(&lock);
        return 0;
}

unsigned async_pending(void)
{
        unsigned n;

        pthread_mutex_lock(&lock);
        n = n_queued + n_running;
        pthread_mutex_unlock(&lock);
        return n;
}

void async_stop_pool(void)
{
        pthread_mutex_lock(&lock);
        stopping = true;
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&lock);
        for (int i = 0; i < n_threads; i++)
                pthread_join(threads[i], NULL);
        n_threads = 0;
        while (queue) {
                struct job *j = queue;
                queue = j->next;
                free(j);
        }
        queue_tail = &queue;
        while (finished) {
                struct job *j = finished;
                finished = j->next;
                free(j);
        }
        n_queued = n_running = 0;
        stopping = false;
}

void async_shutdown(void)
{
        async_stop_pool();
        while (timers)
                async_timer_free(timers);
        if (efd_ev)
                event_free(efd_ev);
        efd_ev = NULL;
        if (efd >= 0)
                close(efd);
        efd = -1;
}
