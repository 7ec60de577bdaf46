/* event.c - the daemon's one libevent loop. */
#include "autoconfig.h"

#include <stddef.h>

#include "event.h"

static struct event_base *loop;

struct event_base *event_loop_base(void)
{
        return loop;
}

void event_loop_set(struct event_base *base)
{
        loop = base;
}
