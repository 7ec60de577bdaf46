/*
 * winrmd/provider.h - the provider ABI of winrmd, version 1.
 *
 * This is the only header a winrmd provider may include.  A provider is a
 * shared object in the plugin directory that exports one data symbol,
 *
 *     const winrmd_provider winrmd_provider_v1 = { ... };
 *
 * The daemon checks abi_major and size before it calls any provider code.
 *
 * Ownership, once for the whole header:
 *  - everything the host passes in (strings, nodes, the ctx) is borrowed and
 *    valid until the callback that received it returns (or, for a callback
 *    that returned WINRMD_PENDING, until it calls complete());
 *  - everything the provider passes to the host (strings) is copied;
 *  - provider state is created by load() and freed by unload(); neither side
 *    frees the other's memory.
 * Callbacks run on the daemon's single event-loop thread and must not block.
 *
 * Members are only ever appended; see man 3 winrmd-provider for the version
 * that added each one.
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
        WINRMD_PENDING = 100         /* reply later through host->complete() */
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
        WINRMD_URI_LOCAL_WRITE = 1u << 1
};

/* Pseudo resource URI on which the core routes a DMTF Identify as a Get. */
#define WINRMD_IDENTIFY_URI \
        "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"

/*
 * One resource URI and the operations it supports; a NULL member means the
 * operation is not supported (the core answers a fault).  Every callback
 * either writes a body (or fault) and returns a status, or returns
 * WINRMD_PENDING and later calls host->complete().
 *  - get, put: write the representation.
 *  - create: call created_selector() for each key, may write extra body.
 *  - remove: nothing to write.
 *  - enumerate: write each item as one top-level element; the core keeps
 *    them in an enumeration context and serves Pull/Release itself.
 *  - invoke: method is the last segment of the Action; write METHOD_OUTPUT.
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
} winrmd_resource;

/* One listener record (the core's store; see winrmd.conf(5)).  Strings
 * are NUL-terminated; empty = unset. */
typedef struct winrmd_listener {
        char address[64];      /* "*", "IP:<v4 or v6>" or "MAC:12-34-56-78-90-AB" */
        char transport[8];     /* "HTTP" or "HTTPS" */
        int32_t port;          /* 1..65535 */
        int32_t enabled;       /* 0 or 1 */
        char hostname[256];
        char url_prefix[64];
        char thumbprint[48];   /* 40 lower-case hex digits or "" */
} winrmd_listener;

/* Log levels for winrmd_host.log(). */
enum { WINRMD_LOG_ERR = 3, WINRMD_LOG_WARNING = 4, WINRMD_LOG_INFO = 6, WINRMD_LOG_DEBUG = 7 };

/*
 * The table the host gives to load().  Check `size` before using a member
 * added after version 1 (offsetof(winrmd_host, member) < size).
 */
typedef struct winrmd_host {
        uint32_t size;                /* sizeof the host's table; grows at the end only */

        /* --- the request (all strings borrowed) --- */
        /* The ResourceURI header as sent. */
        const char *(*resource_uri)(const winrmd_ctx *ctx);
        /* The wsa:Action header as sent; NULL for Identify. */
        const char *(*action)(const winrmd_ctx *ctx);
        /* Value of selector NAME (name compared without case); NULL if absent. */
        const char *(*selector)(const winrmd_ctx *ctx, const char *name);
        /* Number of selectors, and the name/value of the i-th (NULL past the end). */
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
        /* 1 for an unauthenticated Identify (WSMANIDENTIFY: unauthenticated). */
        int (*is_anonymous)(const winrmd_ctx *ctx);
        /* "unix", "http" or "https": how the request arrived. */
        const char *(*transport)(const winrmd_ctx *ctx);

        /* --- walking the body (strings owned by ctx) --- */
        /* Local name and namespace URI ("" if none) of an element. */
        const char *(*node_name)(const winrmd_node *node);
        const char *(*node_ns)(const winrmd_node *node);
        /* First element child / next element sibling; NULL at the end. */
        const winrmd_node *(*node_child)(const winrmd_node *node);
        const winrmd_node *(*node_next)(const winrmd_node *node);
        /* Text content of an element, trimmed of surrounding white space. */
        const char *(*node_text)(winrmd_ctx *ctx, const winrmd_node *node);
        /* Value of an unqualified attribute; NULL if absent. */
        const char *(*node_attr)(winrmd_ctx *ctx, const winrmd_node *node, const char *name);

        /* --- writing the response body (values copied) --- */
        /* Open element "prefix:Name"; ns declares prefix (NULL: parent's ns). 0 or -errno. */
        int (*begin)(winrmd_ctx *ctx, const char *ns, const char *qname);
        /* Add leaf "Name" in the current element's namespace; value NULL = empty. */
        int (*text)(winrmd_ctx *ctx, const char *name, const char *value);
        /* Set an attribute on the element opened last. */
        int (*attr)(winrmd_ctx *ctx, const char *name, const char *value);
        /* Close the element opened last. */
        int (*end)(winrmd_ctx *ctx);
        /* Create: add a selector to the ResourceCreated reference. */
        int (*created_selector)(winrmd_ctx *ctx, const char *name, const char *value);
        /* Record a fault with a message (NULL: the standard text); returns st. */
        winrmd_status (*fault)(winrmd_ctx *ctx, winrmd_status st, const char *message);
        /* Finish a request that returned WINRMD_PENDING. */
        void (*complete)(winrmd_ctx *ctx, winrmd_status st);

        /* --- configuration (see winrmd.conf(5) for keys) --- */
        /* Current value of KEY; borrowed until the next change; NULL if unknown. */
        const char *(*config_get)(const char *key);
        /* Stage KEY=VALUE in this request; all staged values are validated and
         * stored atomically when the callback returns WINRMD_OK, else dropped.
         * Returns 0, -ENOENT (unknown key) or -EINVAL (bad value). */
        int (*config_set)(winrmd_ctx *ctx, const char *key, const char *value);

        /* --- the daemon --- */
        /* What load() returned for this provider. */
        void *(*state)(const winrmd_ctx *ctx);
        /* Log a line (never a secret). */
        void (*log)(int level, const char *fmt, ...) WINRMD_PRINTF(2, 3);
        /* WINRMD_OP_* bits served by at least one loaded resource. */
        unsigned (*operations_served)(void);
        /* The daemon's libevent struct event_base, for timers and fds. */
        void *(*event_base)(void);
        /* The daemon's version string, e.g. "0.1.0". */
        const char *(*version)(void);
        /* 1 if the caller is root or in an administrators' group (BA). */
        int (*is_admin)(const winrmd_ctx *ctx);
        /* Milliseconds left of the request's OperationTimeout (>= 0). */
        int64_t (*time_left_ms)(const winrmd_ctx *ctx);
        /* Value of KEY as this request would leave it: staged by config_set()
         * in ctx, else current; borrowed like config_get(). */
        const char *(*config_value)(const winrmd_ctx *ctx, const char *key);

        /* --- listener records: staged in ctx like config_set(), validated
         * and bound when the callback returns WINRMD_OK --- */
        /* Number of records as this request sees them. */
        size_t (*listener_count)(const winrmd_ctx *ctx);
        /* Copies record i into *out: 0, or -ENOENT past the end. */
        int (*listener_get)(const winrmd_ctx *ctx, size_t i, winrmd_listener *out);
        /* Adds (index < 0) or replaces record index after checking it:
         * 0, -EINVAL (bad field), -EEXIST (same IP+Port or Address+Transport,
         * or a second listener on a NIC), -EADDRNOTAVAIL (not an address of
         * this host), -EADDRINUSE (port taken), -ENODEV (no NIC with that
         * MAC), -ENOTSUP (HTTPS without TLS), -ENOKEY (thumbprint not in
         * the certificate store). */
        int (*listener_set)(winrmd_ctx *ctx, long index, const winrmd_listener *l);
        /* Removes record i: 0 or -ENOENT. */
        int (*listener_remove)(winrmd_ctx *ctx, size_t i);
        /* Writes the addresses record i listens on now, space-separated, into
         * buf; returns how many. */
        size_t (*listener_bound)(const winrmd_ctx *ctx, size_t i, char *buf, size_t len);

        /* --- walking the body, continued --- */
        /* Text content of an element exactly as sent, blanks included
         * (node_text() trims them); owned by ctx.  NULL on OOM. */
        const char *(*node_text_exact)(winrmd_ctx *ctx, const winrmd_node *node);
        /* Local name of the i-th attribute of node, and its namespace URI in
         * *ns ("" if none); borrowed.  NULL past the last one. */
        const char *(*node_attr_name)(const winrmd_node *node, size_t i, const char **ns);
} winrmd_host;

/* True when the host table h has member m (tables only grow at the end):
 * check it in load() before using a member added after the first ABI 1. */
#define WINRMD_HOST_HAS(h, m) \
        ((h)->size >= offsetof(winrmd_host, m) + sizeof((h)->m))

/* The data symbol every provider exports, named winrmd_provider_v1. */
typedef struct winrmd_provider {
        uint32_t abi_major;           /* WINRMD_ABI_MAJOR */
        uint32_t size;                /* sizeof(winrmd_provider) */
        const char *name;             /* unique, e.g. "identify" */
        const winrmd_resource *resources; /* static array ending with {NULL} */
        /* Called once after the checks; *ret_state is passed back by state().
         * Non-zero refuses the provider. */
        int (*load)(const winrmd_host *host, void **ret_state);
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

#define WINRMD_PROVIDER_SYMBOL "winrmd_provider_v1"

#ifdef __cplusplus
}
#endif

#endif /* WINRMD_PROVIDER_H */
