/* request.h - one WS-Man request from receipt to reply (the winrmd_ctx),
 * in three parts: the request as read, the reply being written, and where
 * the operation stands (pending, enumeration batch, outcome). */
#ifndef WINRMD_REQUEST_H
#define WINRMD_REQUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <winrmd/provider.h>

#include "enumsel.h"
#include "envelope.h"
#include "fault.h"
#include "sbuf.h"
#include "writer.h"

struct conn;
struct config_txn;
struct enumctx;
struct event;
struct hp_head;
struct login;
struct registered;

enum op {
        OP_NONE, OP_IDENTIFY, OP_GET, OP_PUT, OP_CREATE, OP_DELETE, OP_ENUMERATE,
        OP_PULL, OP_RELEASE, OP_INVOKE
};

struct tls_peer;

struct str_list {
        struct str_list *next;
        char s[];
};

/* What arrived and who sent it. */
struct request_in {
        struct conn *conn;           /* the connection; cleared when answered */
        const struct hp_head *head;  /* the HTTP head, the connection's */
        struct env *env;             /* the parsed envelope */
        enum op op;
        char user[256];              /* "" = nobody (never authorised) */
        bool authenticated, anonymous, local, is_admin;
        const char *transport;       /* "unix", "http", "https" */
        bool legacy;                 /* answered in the seed's 2005/06 shape: a seed
                                      * URI, or WS-Man headers in the 2005/06 namespace */
        bool ns_2005;                /* an envelope that was refused was a 2005/06 one */
        const struct registered *res;/* the resource addressed */
        int64_t started_ms;          /* when dispatch began */
        struct login *login;         /* a password check under way */
        char pending_user[256];      /* ... for this user */
        char pending_pass[1024];     /* ... and password (wiped when done) */
        struct tls_peer *cert;       /* logged in with a client certificate */
};

/* The reply: the envelope is written around these when it is sent. */
struct reply_out {
        char *action;                /* NULL: Identify's empty header */
        char *relates_to;            /* RelatesTo when there is no env (parse faults) */
        struct sbuf hdr;             /* extra header elements (trusted text) */
        struct writer body;          /* the Body's content */
};

/* An Enumerate or Pull filling its batch of items. */
struct batch {
        struct enumctx *ctx;         /* the enumeration context */
        long max;                    /* items wanted at most */
        long count;                  /* items in so far */
        size_t room;                 /* bytes the items may take */
        struct sbuf items;
        bool end;                    /* the source has no more */
        bool full;                   /* an item did not fit: held for the next */
        bool optimized;              /* an Enumerate answering items itself */
        bool waiting;                /* enum_next returned WINRMD_PENDING */
        bool count_wanted;           /* answer TotalItemsCountEstimate */
        long skipped;                /* items the filter left out */
};

/* The selectors a provider gives with item_selector() while it writes
 * items (enumerate, or one enum_next), kept when the enumeration needs
 * them (an EPR mode, a filter). */
struct item_names {
        bool keep;
        struct sbuf pairs;           /* every item's pair list, back to back */
        size_t *ends;                /* ends[i]: the end of item i's in pairs */
        size_t n, cap;               /* items with an entry in ends */
        bool unnamed;                /* an item got no item_selector() call */
};

/* Where the operation stands. */
struct op_state {
        struct config_txn *txn;      /* staged configuration and records */
        char record_error[512];      /* why the last record_put/remove failed */
        char *created_sel[16][2];    /* Create: ResourceCreated selectors */
        size_t n_created;
        bool has_fault;              /* a provider recorded a fault */
        enum fault_id fault;
        uint32_t fault_code;         /* today's WSManFault Code, 0: the row's */
        char *fault_msg;
        bool pending;                /* a provider answers later */
        bool counted;                /* in request_tcp_active() */
        bool dead;                   /* answered: providers may not use it */
        struct event *timer;         /* the OperationTimeout of a pending request */
        struct str_list *strings;    /* node_text() results, freed with the ctx */
        struct batch batch;          /* Enumerate/Pull items */
        struct enumsel_req enumq;    /* the Enumerate's mode and filter, until a context has them */
        struct item_names names;     /* selectors of the items being written */
        void *cursor;                /* what enum_open made, until a context has it */
        struct winrmd_ctx *prev, *next; /* in the list of pending requests */
        /* what to do with the answer of a pending provider call (complete(),
         * or WINRMD_E_TIMED_OUT when the OperationTimeout expired first) */
        void (*resume)(struct winrmd_ctx *ctx, winrmd_status st);
};

struct winrmd_ctx {
        struct request_in in;
        struct reply_out out;
        struct op_state st;
};

/* Requests from TCP listeners alive now (received, authenticated, not yet
 * answered): what MaxConnections limits. */
unsigned request_tcp_active(void);
/* Counts ctx among them (once authenticated on a TCP listener). */
void request_count_tcp(struct winrmd_ctx *ctx);
/* A new ctx for the request held by c; NULL on OOM.  Free with
 * request_free() (each request_send*() does). */
struct winrmd_ctx *request_new(struct conn *c);
/* Frees everything the ctx owns (env, reply, strings, txn).  A ctx that was
 * pending is kept a while as an empty husk, so that a provider's late call
 * with it is recognised (and ignored) rather than reaching freed memory. */
void request_free(struct winrmd_ctx *ctx);
/* Frees the husks still kept (at exit). */
void request_free_husks(void);
/* Starts a reply with Action (NULL: Identify's empty header): empties the
 * body and header text. 0 or -1 on OOM. */
int request_reply_begin(struct winrmd_ctx *ctx, const char *action);
/* The largest reply allowed: MaxEnvelopeSizekb, lowered by the client's
 * MaxEnvelopeSize (dispatch refuses one under 8192 octets). */
size_t request_reply_limit(const struct winrmd_ctx *ctx);
/* The WS-Management namespace of the reply: the request's generation
 * (NS_WSMAN_2005 for a WinRM 1.0 request, else NS_WSMAN). */
const char *request_wsman_ns(const struct winrmd_ctx *ctx);
/* The size of the whole reply as written so far (envelope included). */
size_t request_reply_size(struct winrmd_ctx *ctx);
/* Sends the reply document with HTTP status (200 or 500) and frees ctx. */
void request_send(struct winrmd_ctx *ctx, int status);
/* Sends fault id (message NULL = standard) and frees ctx. */
void request_send_fault(struct winrmd_ctx *ctx, enum fault_id id, const char *message);
/* Sends a bare HTTP status with an empty body and extra headers
 * ("Name: value\r\n" lines, or NULL), and frees ctx. */
void request_send_http(struct winrmd_ctx *ctx, int status, const char *reason, const char *headers);
/* Keeps a copy of s for the life of ctx; returns it (NULL on OOM). */
const char *request_keep(struct winrmd_ctx *ctx, const char *s);

#endif
