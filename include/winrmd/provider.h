/*
 * winrmd/provider.h - the provider ABI of winrmd, version 1.
 *
 * This is the only header a winrmd provider includes.  A provider is a
 * shared object in the plugin directory that exports one data symbol,
 *
 *     const winrmd_provider winrmd_provider_v1 = { WINRMD_PROVIDER_INIT, ... };
 *
 * The daemon checks abi_major and the sizes before it calls any provider
 * code.  Version 1 is the ABI as released with winrmd 0.1.0: every member
 * below is part of it.  Later versions only append members to the
 * structures; a provider that uses a host member added later checks
 * WINRMD_HOST_HAS(host, member) in load() (the one way to check).
 *
 * Ownership, once for the whole header:
 *  - everything the host passes in (strings, nodes, the ctx) is borrowed and
 *    valid until the callback that received it returns (or, for a callback
 *    that returned WINRMD_PENDING, until it calls complete());
 *  - everything the provider passes to the host (strings) is copied;
 *  - provider state is created by load() and freed by unload(); a cursor is
 *    created by enum_open() and freed by enum_close(); neither side frees
 *    the other's memory.
 * Callbacks run on the daemon's event-loop thread and must not block: a
 * slow job goes to work() (a thread of the daemon's pool) or waits on a
 * timer, and the request returns WINRMD_PENDING meanwhile.
 */
#ifndef WINRMD_PROVIDER_H
#define WINRMD_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define WINRMD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define WINRMD_PRINTF(f, a)
#endif

/* Bumped when an existing member changes; every provider must then be rebuilt. */
#define WINRMD_ABI_MAJOR 1

/* One request, opaque to providers; valid while a callback runs. */
typedef struct winrmd_ctx winrmd_ctx;
/* One element of the request body, opaque; borrowed from the request. */
typedef struct winrmd_node winrmd_node;
/* A timer made by timer_new(), opaque. */
typedef struct winrmd_timer winrmd_timer;
/* A set of processes sharing limits (a shell), and one process in it. */
typedef struct winrmd_jobs winrmd_jobs;
typedef struct winrmd_process winrmd_process;

/* Results of callbacks.  Values are appended, never renumbered. */
typedef enum {
        WINRMD_OK = 0,
        WINRMD_E_NOT_FOUND = 1,      /* no such instance (seed code 32768) */
        WINRMD_E_SCHEMA = 2,         /* unknown or wrong-case element (32833) */
        WINRMD_E_EXISTS = 3,         /* Create of an existing instance */
        WINRMD_E_DENIED = 4,         /* caller may not do this */
        WINRMD_E_UNSUPPORTED = 5,    /* action not supported by this resource */
        WINRMD_E_INTERNAL = 6,       /* provider failure */
        WINRMD_E_SELECTORS = 7,      /* missing, unknown or bad selectors */
        WINRMD_E_INVALID_VALUE = 8,  /* a value of the wrong type or range */
        WINRMD_E_READ_ONLY = 9,      /* Put of a read-only element */
        WINRMD_E_CERT_NOT_FOUND = 10,/* requested certificate not found (32898) */
        WINRMD_E_QUOTA = 11,         /* a quota was exceeded */
        WINRMD_E_TIMED_OUT = 12,     /* OperationTimeout expired */
        WINRMD_E_BUSY = 13,          /* resource in use (w:Concurrency) */
        WINRMD_E_FEATURE = 14,       /* a feature this agent does not offer */
        WINRMD_PENDING = 100,        /* reply later through host->complete() */
        WINRMD_END = 101             /* enum_next(): no more items */
} winrmd_status;

/* Operation bits, as reported by winrmd_host.operations_served(). */
enum {
        WINRMD_OP_GET = 1u << 0,
        WINRMD_OP_PUT = 1u << 1,
        WINRMD_OP_CREATE = 1u << 2,
        WINRMD_OP_DELETE = 1u << 3,
        WINRMD_OP_ENUMERATE = 1u << 4,
        WINRMD_OP_INVOKE = 1u << 5
};

/* winrmd_resource.flags */
enum {
        /* Compare the whole URI without case (today's WS-Man URIs).  Without
         * it only the scheme and host part compare without case. */
        WINRMD_URI_CASELESS = 1u << 0,
        /* Mutating operations (Put, Create, Delete, Invoke) only from local
         * callers: the control socket or an administrator on loopback. */
        WINRMD_URI_LOCAL_WRITE = 1u << 1,
        /* The core serves wsman:FragmentTransfer (simple XPath paths) on
         * Get and Put from the resource's get and put, which then answer
         * at once (never WINRMD_PENDING) and put takes a partial
         * representation (what it names changes, the rest stays).  Without
         * it such a request is refused.  (Added in: 1.) */
        WINRMD_URI_FRAGMENTS = 1u << 2
};

/* Pseudo resource URI on which the core routes a DMTF Identify as a Get. */
#define WINRMD_IDENTIFY_URI \
        "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"

/*
 * One resource URI and the operations it supports; a NULL member means the
 * operation is not supported (the core answers a fault).  Every callback
 * either writes a body (or records a fault) and returns a status, or
 * returns WINRMD_PENDING and later calls host->complete().
 *  - get, put: write the representation, one top-level element.
 *  - create: call created_selector() for each key, may write extra body.
 *  - remove: nothing to write.
 *  - invoke: method is the last segment of the Action, which is action_ns
 *    (or uri) followed by "/METHOD"; write METHOD_OUTPUT, one element.
 *  - enumerate (a small list): write each item as one top-level element,
 *    named with item_selector() where the resource has selectors; the
 *    core keeps them (within a byte budget) and serves Pull/Release, and
 *    for named items the EnumerationMode EPR forms and the SelectorFilter.
 *  - enum_open/enum_next/enum_close (a stream, any size): enum_open makes a
 *    cursor for the Enumerate in ctx; the core calls enum_next(ctx, cursor)
 *    whenever a reply has room for an item, in the Enumerate or in a later
 *    Pull (ctx is then that Pull's), and enum_next writes one item and
 *    returns WINRMD_OK, or returns WINRMD_END when there are no more (or
 *    WINRMD_PENDING, then complete() with either); enum_close frees the
 *    cursor when the context ends (done, released, expired, shut down).
 *    A resource gives enumerate or the three enum_ members, not both.
 * Arrays of resources end with an entry whose uri is NULL; the host steps
 * through them by the provider's resource_size, so entries can grow.
 */
typedef struct winrmd_resource {
        const char *uri;
        unsigned flags;
        winrmd_status (*get)(winrmd_ctx *ctx);
        winrmd_status (*put)(winrmd_ctx *ctx);
        winrmd_status (*create)(winrmd_ctx *ctx);
        winrmd_status (*remove)(winrmd_ctx *ctx);
        winrmd_status (*enumerate)(winrmd_ctx *ctx);
        winrmd_status (*invoke)(winrmd_ctx *ctx, const char *method);
        /* Custom actions are action_ns "/" METHOD; NULL: uri "/" METHOD. */
        const char *action_ns;
        /* The resource's own security descriptor (SDDL), checked after
         * RootSDDL; administrators may replace it through the plugin
         * configuration.  NULL: RootSDDL alone decides. */
        const char *sddl;
        winrmd_status (*enum_open)(winrmd_ctx *ctx, void **ret_cursor);
        winrmd_status (*enum_next)(winrmd_ctx *ctx, void *cursor);
        void (*enum_close)(void *state, void *cursor);
} winrmd_resource;

/* Types of a provider's settings. */
enum { WINRMD_SETTING_INT = 1, WINRMD_SETTING_BOOL = 2, WINRMD_SETTING_STRING = 3 };

/*
 * A setting a provider declares.  The core keeps it in its store as
 * "plugin.PROVIDER.NAME", checks values like its own keys, changes it
 * atomically through config_set() or the plugin configuration resource
 * (winrm/config/plugin), reads it with config_get(), and tells the provider
 * through config_changed().  Arrays end with an entry whose name is NULL.
 */
typedef struct winrmd_setting {
        const char *name;            /* letters and digits, a letter first; at most 63 */
        int type;                    /* WINRMD_SETTING_* */
        const char *default_value;   /* in the form the type takes */
        int64_t min, max;            /* INT: the range, both included */
        int (*check)(const char *value); /* more checks: 0 or -EINVAL; may be NULL */
        const char *description;     /* one sentence, for the generated docs */
} winrmd_setting;

/* Log levels for winrmd_host.log(). */
enum { WINRMD_LOG_ERR = 3, WINRMD_LOG_WARNING = 4, WINRMD_LOG_INFO = 6, WINRMD_LOG_DEBUG = 7 };

/* Limits of a winrmd_jobs, enforced on the whole process tree by the
 * kernel (a systemd scope, else a cgroup, else rlimits: the log says
 * which).  0 means no limit.  (Added in: 1.) */
typedef struct winrmd_limits {
        uint32_t size;                /* sizeof(winrmd_limits) */
        uint64_t max_memory_bytes;    /* MaxMemoryPerShellMB */
        uint32_t max_processes;       /* MaxProcessesPerShell */
        uint64_t max_run_time_ms;     /* MaxShellRunTime: the tree is killed after it */
} winrmd_limits;

/* How to start a process (strings copied).  (Added in: 1.) */
typedef struct winrmd_spawn {
        uint32_t size;                /* sizeof(winrmd_spawn) */
        const char *const *argv;      /* argv[0] an absolute path; NULL-terminated */
        const char *const *env;       /* "NAME=value" added to the clean environment
                                       * (HOME USER LOGNAME SHELL PATH LANG); may be NULL */
        const char *cwd;              /* NULL: the user's home */
} winrmd_spawn;

/* What the host tells a provider about a process it started (called on
 * the loop; arg is the spawn's).  (Added in: 1.) */
typedef struct winrmd_process_events {
        /* Stream 1 (stdout) or 2 (stderr) has bytes or reached its end:
         * process_read() until it returns -EAGAIN; not called again for
         * that stream before then (so a provider that stops reading makes
         * the process wait on its pipe: back-pressure). */
        void (*readable)(void *arg, int stream);
        /* stdin takes bytes again after process_write() returned -EAGAIN. */
        void (*writable)(void *arg);
        /* The process ended: its exit code, or 128 + the signal that ended
         * it.  Output may still be read after this. */
        void (*exited)(void *arg, int status);
        /* spawn() answers at once; the process starts off the loop (PAM,
         * fork, exec).  err 0: it runs, the other callbacks follow; else it
         * did not start (-ENOENT: the working directory, -EACCES: PAM
         * refused the account, -EAGAIN: a limit, -ENOEXEC: argv[0] cannot
         * be run, -errno) and nothing else comes: process_free() it. */
        void (*started)(void *arg, int err);
} winrmd_process_events;

struct winrmd_provider;

/*
 * The table the host gives to load(); valid until unload() returns.
 * Members added after version 1 are checked with WINRMD_HOST_HAS().
 */
typedef struct winrmd_host {
        uint32_t size;                /* sizeof the host's table; grows at the end only */

        /* --- the request (strings borrowed) --- */
        /* The ResourceURI header as sent. */
        const char *(*resource_uri)(const winrmd_ctx *ctx);
        /* The wsa:Action header as sent; NULL for Identify. */
        const char *(*action)(const winrmd_ctx *ctx);
        /* Value of selector NAME (name compared without case); NULL if absent. */
        const char *(*selector)(const winrmd_ctx *ctx, const char *name);
        /* Number of selectors, and the name of the i-th (NULL past the end). */
        size_t (*selector_count)(const winrmd_ctx *ctx);
        const char *(*selector_name)(const winrmd_ctx *ctx, size_t i);
        /* Value of option NAME (compared without case); NULL if absent. */
        const char *(*option)(const winrmd_ctx *ctx, const char *name);
        /* First element child of s:Body; NULL for an empty body. */
        const winrmd_node *(*body)(const winrmd_ctx *ctx);
        /* The authenticated user name; never NULL ("" only for anonymous Identify). */
        const char *(*user)(const winrmd_ctx *ctx);
        /* 1 if the caller is local (control socket, or loopback), else 0. */
        int (*is_local)(const winrmd_ctx *ctx);
        /* 1 if the caller is root or in an administrators' group (BA). */
        int (*is_admin)(const winrmd_ctx *ctx);
        /* 1 for an unauthenticated Identify (WSMANIDENTIFY: unauthenticated). */
        int (*is_anonymous)(const winrmd_ctx *ctx);
        /* "unix", "http" or "https": how the request arrived. */
        const char *(*transport)(const winrmd_ctx *ctx);
        /* Milliseconds left of the request's OperationTimeout (>= 0). */
        int64_t (*time_left_ms)(const winrmd_ctx *ctx);

        /* --- walking the body (strings owned by ctx) --- */
        /* Local name and namespace URI ("" if none) of an element. */
        const char *(*node_name)(const winrmd_node *node);
        const char *(*node_ns)(const winrmd_node *node);
        /* First element child / next element sibling; NULL at the end. */
        const winrmd_node *(*node_child)(const winrmd_node *node);
        const winrmd_node *(*node_next)(const winrmd_node *node);
        /* Text content of an element, trimmed of surrounding white space. */
        const char *(*node_text)(winrmd_ctx *ctx, const winrmd_node *node);
        /* Text content exactly as sent, blanks included; NULL on OOM. */
        const char *(*node_text_exact)(winrmd_ctx *ctx, const winrmd_node *node);
        /* Value of an unqualified attribute; NULL if absent. */
        const char *(*node_attr)(winrmd_ctx *ctx, const winrmd_node *node, const char *name);
        /* Local name of the i-th attribute and its namespace URI in *ns ("" if
         * none); NULL past the last one. */
        const char *(*node_attr_name)(const winrmd_node *node, size_t i, const char **ns);

        /* --- writing the response body (values copied; checked: names are
         * XML names, text and values XML 1.0 characters in UTF-8, a
         * top-level element declares its namespace, the envelope's
         * prefixes are not redeclared; a provider that breaks a rule gets
         * -EINVAL and its request w:InternalError) --- */
        /* Open element "prefix:Name"; ns declares prefix (NULL: parent's ns). 0 or -errno. */
        int (*begin)(winrmd_ctx *ctx, const char *ns, const char *qname);
        /* Add leaf "Name" in the current element's namespace; value NULL = empty. */
        int (*text)(winrmd_ctx *ctx, const char *name, const char *value);
        /* Set an attribute on the element opened last. */
        int (*attr)(winrmd_ctx *ctx, const char *name, const char *value);
        /* Text content of the element opened last, after its attributes: an
         * element with attributes and text is begin, attr..., content, end. */
        int (*content)(winrmd_ctx *ctx, const char *text);
        /* Close the element opened last. */
        int (*end)(winrmd_ctx *ctx);
        /* Create: add a selector to the ResourceCreated reference (at most 16). */
        int (*created_selector)(winrmd_ctx *ctx, const char *name, const char *value);
        /* Record a fault with a message (NULL: the standard text); returns st. */
        winrmd_status (*fault)(winrmd_ctx *ctx, winrmd_status st, const char *message);
        /* Finish a request that returned WINRMD_PENDING (once; never after
         * cancel()).  A call on a request that is not pending is ignored
         * and logged. */
        void (*complete)(winrmd_ctx *ctx, winrmd_status st);

        /* --- configuration (see winrmd.conf(5) for keys) --- */
        /* Current value of KEY; borrowed until the next change; NULL if unknown.
         * A provider's settings are "plugin.PROVIDER.NAME". */
        const char *(*config_get)(const char *key);
        /* Stage KEY=VALUE in this request; all staged values are validated and
         * stored atomically when the callback returns WINRMD_OK, else dropped.
         * Returns 0, -ENOENT (unknown key) or -EINVAL (bad value). */
        int (*config_set)(winrmd_ctx *ctx, const char *key, const char *value);
        /* Value of KEY as this request would leave it: staged by config_set()
         * in ctx, else current; borrowed like config_get(). */
        const char *(*config_value)(const winrmd_ctx *ctx, const char *key);

        /* --- durable records: lists of records of a kind, each a set of
         * named text fields, kept in the store and staged in the request
         * like config_set() (stored atomically when the callback returns
         * WINRMD_OK).  Kinds: "listener" (the core binds them; fields in
         * winrmd.conf(5)), "security" (resource security descriptors, see
         * the plugin configuration), and "PROVIDER.NAME" for a provider's
         * own.  Field names are letters, digits and '_'. --- */
        /* Number of records of KIND as this request sees them. */
        size_t (*record_count)(const winrmd_ctx *ctx, const char *kind);
        /* Field NAME of record I (borrowed until the next change of the
         * list); NULL if absent or past the end. */
        const char *(*record_field)(const winrmd_ctx *ctx, const char *kind, size_t i, const char *name);
        /* Stages record I (I == count appends) as fields names[k]=values[k],
         * k < n, after the kind's checks: 0, -EINVAL (a bad field), -EEXIST
         * (a record that clashes), or what the kind documents. */
        int (*record_put)(winrmd_ctx *ctx, const char *kind, size_t i, const char *const *names,
                          const char *const *values, size_t n);
        /* Stages the removal of record I: 0 or -ENOENT. */
        int (*record_remove)(winrmd_ctx *ctx, const char *kind, size_t i);
        /* What the host does with record I now into buf; returns its
         * length.  A listener: the addresses it is bound to, space-separated,
         * then for HTTPS "cert=THUMBPRINT" of the certificate it serves. */
        size_t (*record_status)(const winrmd_ctx *ctx, const char *kind, size_t i, char *buf, size_t len);

        /* --- the daemon --- */
        /* What load() returned for this provider. */
        void *(*state)(const winrmd_ctx *ctx);
        /* Log a line, tagged with the provider's name (never a secret). */
        void (*log)(int level, const char *fmt, ...) WINRMD_PRINTF(2, 3);
        /* WINRMD_OP_* bits served by at least one loaded resource. */
        unsigned (*operations_served)(void);
        /* The daemon's version string, e.g. "0.1.0". */
        const char *(*version)(void);
        /* The i-th loaded provider (NULL past the end) and the file it came
         * from in *file ("" if built in). */
        const struct winrmd_provider *(*provider_at)(size_t i, const char **file);
        /* The security descriptor in force for resource URI (the stored one,
         * else the provider's), borrowed; NULL when RootSDDL alone decides. */
        const char *(*resource_sddl)(const winrmd_ctx *ctx, const char *uri);

        /* --- asynchronous work, without linking libevent --- */
        /* A one-shot timer calling fn(arg) on the loop; NULL on OOM.  Free
         * it with timer_free() (which also stops it). */
        winrmd_timer *(*timer_new)(void (*fn)(void *arg), void *arg);
        /* (Re)arm t to fire once after ms milliseconds; stop it. */
        void (*timer_start)(winrmd_timer *t, int64_t ms);
        void (*timer_stop)(winrmd_timer *t);
        void (*timer_free)(winrmd_timer *t);
        /* Runs run(arg) on a thread of the daemon's pool, then done(arg) on
         * the loop; run() must not call the host.  0, or -EAGAIN when the
         * queue is full (done is then never called). */
        int (*work)(void (*run)(void *arg), void (*done)(void *arg), void *arg);

        /* --- records and certificates --- */
        /* Why the last record_put() or record_remove() on ctx failed, as a
         * sentence for a fault message ("" when the errno says it all). */
        const char *(*record_error)(const winrmd_ctx *ctx);
        /* The certificates of the store (STATE/certs), in file-name order. */
        size_t (*certificate_count)(const winrmd_ctx *ctx);
        /* Field NAME of certificate I (borrowed until the callback returns),
         * NULL past the end or for an unknown name: "name" (NAME of
         * NAME.pem), "thumbprint" (40 lower-case hex digits, SHA-1 of the
         * DER), "subject_cn", "names" (SAN DNS names and addresses,
         * space-separated), "eku" (OIDs, space-separated, "" = no EKU
         * extension), "server" ("true" when it may serve TLS now: valid,
         * for server authentication, a key usage that allows it),
         * "not_before" and "not_after" (xs:dateTime, UTC). */
        const char *(*certificate_field)(const winrmd_ctx *ctx, size_t i, const char *name);

        /* --- processes run as the request's user --- */
        /* A new set of processes for the user who authenticated ctx, with
         * limits l (copied; NULL: none): 0 with *ret, -EPERM (the request's
         * user may not run processes here), -EAGAIN (too many), -errno.
         * Free with jobs_free(), which kills every process left in it. */
        int (*jobs_new)(winrmd_ctx *ctx, const winrmd_limits *l, winrmd_jobs **ret);
        /* Starts s in j as j's user (its uid, gid and groups, a PAM account
         * check and session, a clean environment), with pipes for stdin,
         * stdout and stderr; ev(arg) reports on it, started() first.  0
         * with *ret, or -E2BIG (argv, env and cwd over 128 KiB), -EIO (no
         * monitor), -errno.  The process is the provider's until
         * process_free(). */
        int (*spawn)(winrmd_jobs *j, const winrmd_spawn *s, const winrmd_process_events *ev, void *arg,
                     winrmd_process **ret);
        /* Reads up to len bytes of stream 1 or 2: the count, 0 at its end,
         * -EAGAIN when none now (readable() comes when there is). */
        long (*process_read)(winrmd_process *p, int stream, void *buf, size_t len);
        /* Writes to stdin: the count taken, -EAGAIN (writable() comes
         * later), -EPIPE when it is closed. */
        long (*process_write)(winrmd_process *p, const void *buf, size_t len);
        /* Closes stdin (the process sees end of file). */
        void (*process_close_stdin)(winrmd_process *p);
        /* Sends sig (SIGINT, SIGQUIT, SIGTERM, SIGKILL) to the process's
         * whole group. */
        void (*process_signal)(winrmd_process *p, int sig);
        /* Forgets p: no more callbacks; a process still running is killed
         * with its group. */
        void (*process_free)(winrmd_process *p);
        /* Kills every process of j and frees j with every process of it
         * not yet freed (their handles are gone: no more callbacks). */
        void (*jobs_free)(winrmd_jobs *j);
        /* How j's limits are enforced: "systemd scope", "cgroup v2",
         * "cgroup v1", "rlimits" (borrowed, static). */
        const char *(*jobs_mechanism)(const winrmd_jobs *j);

        /* --- the reply --- */
        /* fault() with today's WSManFault Code set to code (WinRM's
         * numbers, such as 2150859173 for too many shells); the seed's
         * 2005/06 shape keeps its own codes. */
        winrmd_status (*fault_code)(winrmd_ctx *ctx, winrmd_status st, uint32_t code, const char *message);
        /* The most bytes this request's whole reply may take
         * (MaxEnvelopeSizekb, or the client's MaxEnvelopeSize if smaller):
         * a provider that sends data in pieces sizes them under it. */
        size_t (*reply_limit)(const winrmd_ctx *ctx);
        /* The client's address ("192.0.2.7", "::1"; "local" on the control
         * socket), borrowed. */
        const char *(*peer_address)(const winrmd_ctx *ctx);

        /* --- naming enumerated items --- */
        /* Names the item being written by enumerate() or enum_next(): adds
         * selector NAME=VALUE (as Get would take it) to the item begun last
         * (the one open, or the one just ended).  NAME and VALUE NULL: the
         * item has no selectors (a singleton, named by its resource URI
         * alone).  With the items named, the core serves EnumerateEPR,
         * EnumerateObjectAndEPR and the SelectorFilter dialect for the
         * resource; without, those get a fault.  0, -EINVAL (no item begun,
         * an empty name, text XML cannot carry), -EEXIST (the item has that
         * name, compared without case), -E2BIG (more than 64 for an item),
         * -ENOMEM.  Outside an enumeration it does nothing and returns 0, so
         * code that renders an instance for Get and Enumerate may call it.
         * (Added in: 1; check WINRMD_HOST_HAS(host, item_selector).) */
        int (*item_selector)(winrmd_ctx *ctx, const char *name, const char *value);
} winrmd_host;

/* True when the host table h has member m (tables only grow at the end). */
#define WINRMD_HOST_HAS(h, m) \
        ((h)->size >= offsetof(winrmd_host, m) + sizeof((h)->m))

/* The data symbol every provider exports, named winrmd_provider_v1.
 * Start it with WINRMD_PROVIDER_INIT, which fills the first four members. */
typedef struct winrmd_provider {
        uint32_t abi_major;           /* WINRMD_ABI_MAJOR */
        uint32_t size;                /* sizeof(winrmd_provider) */
        uint32_t resource_size;       /* sizeof(winrmd_resource) */
        uint32_t setting_size;        /* sizeof(winrmd_setting) */
        const char *name;             /* unique: letters, digits, '-' and '_' */
        const char *version;          /* the provider's own version; may be NULL */
        const winrmd_resource *resources; /* static array ending with {NULL} */
        const winrmd_setting *settings;   /* static array ending with {NULL}; may be NULL */
        /* Called once after the checks; *ret_state is passed back by state().
         * Non-zero refuses the provider, with the reason written into
         * reason[0..reason_len) (it is logged). */
        int (*load)(const winrmd_host *host, void **ret_state, char *reason, size_t reason_len);
        /* Frees what load() made; may be NULL. */
        void (*unload)(void *state);
        /* A configuration key changed (after it was stored); key is "*"
         * after a reload, when any key may have changed.  May be NULL. */
        void (*config_changed)(void *state, const char *key);
        /* The core gave up on a request that returned WINRMD_PENDING (its
         * OperationTimeout expired or the client went away).  Forget ctx:
         * after this returns it is freed and complete() must not be called.
         * May be NULL only for providers that never return WINRMD_PENDING. */
        void (*cancel)(void *state, winrmd_ctx *ctx);
} winrmd_provider;

#define WINRMD_PROVIDER_INIT \
        .abi_major = WINRMD_ABI_MAJOR, .size = sizeof(winrmd_provider), \
        .resource_size = sizeof(winrmd_resource), .setting_size = sizeof(winrmd_setting)

#define WINRMD_PROVIDER_SYMBOL "winrmd_provider_v1"

#ifdef __cplusplus
}
#endif

#endif /* WINRMD_PROVIDER_H */
