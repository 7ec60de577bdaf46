/* main.c - start-up, signals, readiness, shutdown. */
#include "autoconfig.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <event2/event.h>
#include <libxml/parser.h>

#include "access.h"
#include "async.h"
#include "auth.h"
#include "certstore.h"
#include "config.h"
#include "conn.h"
#include "enumctx.h"
#include "envelope.h"
#include "event.h"
#include "host.h"
#include "http.h"
#include "host_listener.h"
#include "listener.h"
#include "lman.h"
#include "log.h"
#include "login.h"
#include "host_process.h"
#include "monitor.h"
#include "monitor_link.h"
#include "notify.h"
#include "plugin.h"
#include "priv.h"
#include "privsep.h"
#include "request.h"
#include "tls.h"

#ifndef PROVIDERDIR
#define PROVIDERDIR "/usr/lib/winrmd/providers"
#endif

#define MAX_LISTEN 16

/* The state directory as an absolute path (daemon() changes to "/"). */
static char *state_abs;
static struct event_base *base;
static int exit_status;

struct options {
        bool foreground, check_only, provider_docs;
        int verbose;
        const char *state_dir, *plugin_dir, *socket_path, *user;
        const char *listen[MAX_LISTEN];
        int n_listen;
};

static void usage(FILE *f)
{
        fprintf(f,
                "Usage: winrmd [OPTIONS]\n"
                "  -f, --foreground        stay in the foreground (systemd, tests)\n"
                "      --state-dir DIR     configuration store, certs/ and winrmd.sock (/var/lib/winrmd)\n"
                "      --plugin-dir DIR    where providers are loaded from (%s)\n"
                "      --socket PATH       control socket (STATE/winrmd.sock)\n"
                "      --listen ADDR:PORT  also serve plain HTTP on ADDR:PORT (repeatable)\n"
                "      --user NAME         the network process runs as NAME (" PRIVSEP_DEFAULT_USER "; root keeps root)\n"
                "      --check-config      validate the configuration store and exit\n"
                "      --provider-docs     print the loaded providers' settings as a man page section\n"
                "  -v, --verbose           log debug records\n"
                "  -V, --version           print the version\n"
                "  -h, --help              this text\n", PROVIDERDIR);
}

static int parse_options(int argc, char **argv, struct options *o)
{
        enum { OPT_STATE = 256, OPT_PLUGIN, OPT_SOCKET, OPT_LISTEN, OPT_CHECK, OPT_DOCS, OPT_USER };
        static const struct option longopts[] = {
                { "foreground", no_argument, NULL, 'f' },
                { "state-dir", required_argument, NULL, OPT_STATE },
                { "plugin-dir", required_argument, NULL, OPT_PLUGIN },
                { "socket", required_argument, NULL, OPT_SOCKET },
                { "listen", required_argument, NULL, OPT_LISTEN },
                { "user", required_argument, NULL, OPT_USER },
                { "check-config", no_argument, NULL, OPT_CHECK },
                { "provider-docs", no_argument, NULL, OPT_DOCS },
                { "verbose", no_argument, NULL, 'v' },
                { "version", no_argument, NULL, 'V' },
                { "help", no_argument, NULL, 'h' },
                { NULL, 0, NULL, 0 }
        };
        int c;

        while ((c = getopt_long(argc, argv, "fvVh", longopts, NULL)) != -1) {
                switch (c) {
                case 'f': o->foreground = true; break;
                case 'v': o->verbose++; break;
                case OPT_STATE: o->state_dir = optarg; break;
                case OPT_PLUGIN: o->plugin_dir = optarg; break;
                case OPT_SOCKET: o->socket_path = optarg; break;
                case OPT_USER: o->user = optarg; break;
                case OPT_CHECK: o->check_only = true; break;
                case OPT_DOCS: o->provider_docs = true; break;
                case OPT_LISTEN:
                        if (o->n_listen >= MAX_LISTEN) {
                                fprintf(stderr, "winrmd: too many --listen options\n");
                                return -1;
                        }
                        o->listen[o->n_listen++] = optarg;
                        break;
                case 'V': printf("winrmd %s\n", PACKAGE_VERSION); exit(0);
                case 'h': usage(stdout); exit(0);
                default: usage(stderr); return -1;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "winrmd: unexpected argument %s\n", argv[optind]);
                return -1;
        }
        return 0;
}

/* Splits "ADDR:PORT" or "[V6]:PORT". */
static int split_hostport(const char *s, char *addr, size_t n, int *port)
{
        const char *colon;
        char *end;
        long p;

        if (s[0] == '[') {
                const char *close = strchr(s, ']');
                if (!close || close[1] != ':' || (size_t)(close - s - 1) >= n)
                        return -EINVAL;
                memcpy(addr, s + 1, (size_t)(close - s - 1));
                addr[close - s - 1] = '\0';
                colon = close + 1;
        } else {
                colon = strrchr(s, ':');
                if (!colon || (size_t)(colon - s) >= n)
                        return -EINVAL;
                memcpy(addr, s, (size_t)(colon - s));
                addr[colon - s] = '\0';
        }
        p = strtol(colon + 1, &end, 10);
        if (*end || end == colon + 1 || p < 0 || p > 65535)
                return -EINVAL;
        *port = (int)p;
        return 0;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
        log_info("signal %d: shutting down", (int)sig);
        notify_send("STOPPING=1");
        event_base_loopexit(arg, NULL);
}

/* SIGHUP: read a store edited by hand.  A store that does not load is
 * refused with its file and line, and the running configuration stays. */
static void on_reload(evutil_socket_t sig, short what, void *arg)
{
        const char *path = arg;
        char err[512] = "";

        notify_send("RELOADING=1");
        if (config_load(path, err, sizeof(err)) < 0) {
                log_err("reload refused, configuration unchanged: %s", err);
        } else {
                log_info("configuration reloaded from %s", path);
                auth_cache_clear();
                certstore_reload();     /* which re-syncs the listeners */
                plugin_config_changed("*");
        }
        notify_send("READY=1");
}

static void on_config_change(const char *key, void *arg)
{
        log_info("configuration: %s changed", key);
        if (!strcmp(key, "listener") || !strcmp(key, "client.url_prefix"))
                lman_sync();
        if (!strncmp(key, "service.", 8))
                auth_cache_clear();
        if (!strcmp(key, "service.client_ca_dir"))
                certstore_reload();
        plugin_config_changed(key);
}

/* The event loop; epoll's change list batches the many enable/disable
 * calls of one request into one epoll_ctl per descriptor. */
static struct event_base *new_base(void)
{
        struct event_config *cfg = event_config_new();
        struct event_base *b;

        if (!cfg)
                return NULL;
        event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
        b = event_base_new_with_config(cfg);
        event_config_free(cfg);
        return b;
}

/* The certificate store changed: listeners follow. */
static void on_certs_changed(void *arg)
{
        lman_sync();
}

/* Without the monitor no password can be checked: stop, so that the
 * service manager starts a whole daemon again. */
static void on_monitor_lost(void)
{
        login_monitor_lost();
        exit_status = 1;
        event_base_loopexit(base, NULL);
}

static void raise_fd_limit(void)
{
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                (void)setrlimit(RLIMIT_NOFILE, &rl);
        }
}

static int open_control_socket(const char *sock)
{
        struct listener *l;
        int r = listener_open_unix(sock, &l);

        if (r < 0) {
                log_err("control socket %s: %s", sock, strerror(-r));
                return r;
        }
        log_info("control socket %s", sock);
        return 0;
}

static int open_listeners(const struct options *o)
{
        struct listener *l;
        char addr[128];
        int port, r;

        for (int i = 0; i < o->n_listen; i++) {
                if (split_hostport(o->listen[i], addr, sizeof(addr), &port) < 0) {
                        log_err("--listen %s: expected ADDR:PORT", o->listen[i]);
                        return -EINVAL;
                }
                struct tcp_spec spec = { .addr = addr, .port = port };
                r = listener_open_tcp(&spec, &l);
                if (r < 0) {
                        log_err("listener %s: %s", o->listen[i], strerror(-r));
                        return r;
                }
                log_info("listening on http://%s/%s", l->desc, config_get("client.url_prefix"));
                /* shown among the listener records, read-only */
                if (hl_add_cmdline(l->ip, l->port) < 0)
                        log_warn("--listen %s: not shown among the listener records", o->listen[i]);
        }
        return 0;
}

int main(int argc, char **argv)
{
        struct options o = { .state_dir = "/var/lib/winrmd" };
        char path[4096], sock[4096], err[512] = "";
        struct event *sigterm, *sigint, *sighup;
        const char *plugin_dir;
        struct privsep_user user = { "", 0, 0 };
        pid_t monitor_pid;
        int r, monitor_fd, sync_fd;

        if (parse_options(argc, argv, &o) < 0)
                return 2;
        log_set_level(o.verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
        xmlInitParser();
        if (mkdir(o.state_dir, 0700) < 0 && errno != EEXIST) {
                log_err("state directory %s: %s", o.state_dir, strerror(errno));
                return 1;
        }
        state_abs = realpath(o.state_dir, NULL);
        if (!state_abs) {
                log_err("state directory %s: %s", o.state_dir, strerror(errno));
                return 1;
        }
        o.state_dir = state_abs;
        plugin_dir = o.plugin_dir ? o.plugin_dir : PROVIDERDIR;
        /* the certificate folders are root's, readable by the network
         * process (prepare_state() sets the mode) */
        snprintf(path, sizeof(path), "%s/certs", o.state_dir);
        (void)mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/client-ca", o.state_dir);
        (void)mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/winrmd.conf", o.state_dir);
        if (config_load(path, err, sizeof(err)) < 0) {
                log_err("configuration store refused: %s", err);
                return 1;
        }
        if (o.check_only) {
                printf("%s: ok\n", path);
                return 0;
        }
        snprintf(sock, sizeof(sock), "%s", o.socket_path ? o.socket_path : "");
        if (!sock[0])
                snprintf(sock, sizeof(sock), "%s/winrmd.sock", o.state_dir);
        if (!o.provider_docs && privsep_choose(o.user, &user) < 0)
                return 1;
        signal(SIGPIPE, SIG_IGN);
        raise_fd_limit();
        /* the monitor first: it is forked before anything else is loaded */
        monitor_fd = monitor_start(o.state_dir, &monitor_pid, &sync_fd);
        if (monitor_fd < 0) {
                log_err("privileged monitor: %s", strerror(-monitor_fd));
                return 1;
        }
        base = new_base();
        if (!base)
                return 1;
        event_loop_set(base);
        if (monitor_link_init(monitor_fd, on_monitor_lost) < 0 || login_init() < 0 || async_init() < 0 ||
            tls_init() < 0)
                return 1;
        conn_set_handler(&http_handler);
        config_set_watch(on_config_change, NULL);
        if (o.provider_docs) {
                /* nothing faces the network: the providers' documentation
                 * only, as whoever runs it */
                close(sync_fd);
                plugin_load_dir(plugin_dir, host_table());
                plugin_settings_doc(stdout);
                plugin_unload_all();
                return 0;
        }
        /* as root: the control socket, the state for the user, then the
         * user; providers and TCP listeners only after that */
        if (open_control_socket(sock) < 0)
                return 1;
        r = priv_announce_control(sync_fd, sock);
        if (r < 0) {
                log_err("privileged monitor: the control socket cannot be announced: %s", strerror(-r));
                return 1;
        }
        if (privsep_enter(&user, o.state_dir, plugin_dir, sync_fd) < 0)
                return 1;
        plugin_load_dir(plugin_dir, host_table());
        r = open_listeners(&o);
        if (r < 0)
                return 1;
        certstore_open(o.state_dir, on_certs_changed, NULL);
        lman_start();
        if (!o.foreground && daemon(0, 0) < 0) {
                log_err("daemon: %s", strerror(errno));
                return 1;
        }
        sigterm = evsignal_new(base, SIGTERM, on_signal, base);
        sigint = evsignal_new(base, SIGINT, on_signal, base);
        sighup = evsignal_new(base, SIGHUP, on_reload, path);
        event_add(sigterm, NULL);
        event_add(sigint, NULL);
        event_add(sighup, NULL);
        notify_send("READY=1");
        log_info("ready (winrmd %s)", PACKAGE_VERSION);
        event_base_dispatch(base);
        lman_stop();
        listener_close_all();
        conn_close_all();
        certstore_close();
        login_shutdown();
        priv_monitor_close();
        monitor_link_shutdown();        /* the monitor sees end of file and exits */
        (void)waitpid(monitor_pid, NULL, 0);
        enumctx_free_all();
        async_stop_pool();
        plugin_unload_all();
        async_shutdown();
        request_free_husks();
        hp_shutdown();
        access_forget();
        event_free(sigterm);
        event_free(sigint);
        event_free(sighup);
        event_base_free(base);
        tls_shutdown();
        config_free();
        env_parser_free();
        xmlCleanupParser();
        free(state_abs);
        privsep_exit();
        return exit_status;
}
