/* request.h - one WS-Man request from receipt to reply (the winrmd_ctx). */
#ifndef WINRMD_REQUEST_H
#define WINRMD_REQUEST_H

#include <stdbool.h>
#include <sys/types.h>
#include <libxml/tree.h>

#include <winrmd/provider.h>

#include "envelope.h"
#include "fault.h"
#include "sbuf.h"

#define WRITER_DEPTH 32

struct conn;
struct hp_head;
struct login;
struct registered;
struct config_txn;
struct event;

enum op {
        OP_NONE, OP_IDENTIFY, OP_GET, OP_PUT, OP_CREATE, OP_DELETE, OP_ENUMERATE,
        OP_PULL, OP_RELEASE, OP_INVOKE
};

struct str_list {
        struct str_list *next;
        char s[];
};

struct winrmd_ctx {
        struct conn *conn;        /* the connection; NULL once answered */
        const struct hp_head *head; /* the HTTP request head, the conn's */
        struct login *login;      /* a password check under way */
        char pending_user[256];   /* ... for this user */
        char pending_pass[1024];  /* ... and password (wiped when done) */
        struct env *env;
        enum op op;
        char user[256];           /* "" = nobody (never authorised) */
        bool authenticated, anonymous, local, is_admin;
        const char *transport;    /* "unix", "http", "https" */
        bool legacy;              /* addressed a seed 2005/06 URI */

        const struct registered *res;
        struct config_txn *txn;

        /* the reply, as text: the envelope is written around these at send */
        char *reply_action;       /* NULL: Identify's empty header */
        char *relates_to;         /* RelatesTo when there is no env (parse faults) */
        struct sbuf hdr;          /* extra header elements */
        struct sbuf body;         /* the Body's content */
        /* the element writer of the host table (begin/text/attr/end) */
        struct {
                size_t name_off;  /* the element's "prefix:local" in body */
                unsigned short name_len, prefix_len;
        } frames[WRITER_DEPTH];
        int depth;
        bool tag_open;            /* "<name ..." written, ">" not yet */
        bool writer_error;
        /* Enumerate: each top-level element the provider writes is an item */
        bool collect_items;
        size_t item_start;
        char **items;
        size_t n_items, cap_items;
        char *created_sel[16][2];
        size_t n_created;

        bool has_fault;
        enum fault_id fault;
        char *fault_msg;

        bool pending, done;
        bool counted;             /* in request_tcp_active() */
        int64_t started_ms;       /* when dispatch began */
        struct event *timer;      /* OperationTimeout of a pending request */
        struct str_list *strings; /* node_text() results, freed with the ctx */
};

/* Requests from TCP listeners alive now (received, authenticated, not yet
 * answered): what MaxConnections limits. */
unsigned request_tcp_active(void);
/* Counts ctx among them (once authenticated on a TCP listener). */
void request_count_tcp(struct winrmd_ctx *ctx);
/* A new ctx for the request held by c; NULL on OOM.  Free with
 * request_free() (each request_send*() does). */
struct winrmd_ctx *request_new(struct conn *c);
/* Frees everything the ctx owns (env, reply doc, strings, txn). */
void request_free(struct winrmd_ctx *ctx);
/* Starts a reply with Action (NULL: Identify's empty header): empties the
 * body and header text. 0 or -1 on OOM. */
int request_reply_begin(struct winrmd_ctx *ctx, const char *action);
/* Closes elements the provider left open (and, collecting items, ends
 * the last item). */
void request_writer_finish(struct winrmd_ctx *ctx);
/* True when the reply built so far is within the reply limit
 * (MaxEnvelopeSizekb, lowered by the client's MaxEnvelopeSize). */
bool request_reply_fits(struct winrmd_ctx *ctx);
/* Sends the reply document with HTTP status (200 or 500) and frees ctx. */
void request_send(struct winrmd_ctx *ctx, int status);
/* Appends the s:Fault of id (message NULL = standard) to the body text. */
int request_fault_text(struct winrmd_ctx *ctx, enum fault_id id, const char *message);
/* Sends fault id (message NULL = standard) and frees ctx. */
void request_send_fault(struct winrmd_ctx *ctx, enum fault_id id, const char *message);
/* Sends a bare HTTP status with an empty body and extra headers
 * ("Name: value\r\n" lines, or NULL), and frees ctx. */
void request_send_http(struct winrmd_ctx *ctx, int status, const char *reason, const char *headers);
/* Keeps a copy of s for the life of ctx; returns it (NULL on OOM). */
const char *request_keep(struct winrmd_ctx *ctx, const char *s);

#endif
