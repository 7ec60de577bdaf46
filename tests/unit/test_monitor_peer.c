/* test_monitor_peer.c - the monitor counts a control-socket caller only
 * for a connection accepted from the control socket it was told of
 * (unixdiag.c, monitor_users.c): never a socket the network process made
 * or connected itself. */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests.h"
#include "../../core/monitor_users.h"
#include "../../core/unixdiag.h"

struct listening {
        char path[108];
        int fd;
};

static void listen_at(struct listening *l, const char *dir, const char *name)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };

        snprintf(l->path, sizeof(l->path), "%s/%s", dir, name);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", l->path);
        l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(l->fd, 0);
        ck_assert_int_eq(bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        ck_assert_int_eq(listen(l->fd, 4), 0);
}

/* A connection to l: the client's end into *client, the accepted end returned. */
static int connect_to(const struct listening *l, int *client)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int a;

        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", l->path);
        *client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(*client, 0);
        ck_assert_int_eq(connect(*client, (struct sockaddr *)&sa, sizeof(sa)), 0);
        a = accept(l->fd, NULL, NULL);
        ck_assert_int_ge(a, 0);
        return a;
}

START_TEST(socket_files)
{
        char dir[] = "/tmp/winrmd-unixdiag-XXXXXX";
        struct listening l;
        struct stat st;
        uint64_t dev = 0, ino = 0;
        int client, accepted, pair[2], file;

        ck_assert_ptr_nonnull(mkdtemp(dir));
        listen_at(&l, dir, "a.sock");
        accepted = connect_to(&l, &client);
        ck_assert_int_eq(stat(l.path, &st), 0);
        /* the listener and what it accepted carry the file; the client does not */
        ck_assert_int_eq(unix_socket_file(l.fd, &dev, &ino), 0);
        ck_assert_uint_eq(dev, (uint64_t)st.st_dev);
        ck_assert_uint_eq(ino, (uint64_t)st.st_ino);
        dev = ino = 0;
        ck_assert_int_eq(unix_socket_file(accepted, &dev, &ino), 0);
        ck_assert_uint_eq(dev, (uint64_t)st.st_dev);
        ck_assert_uint_eq(ino, (uint64_t)st.st_ino);
        ck_assert_int_eq(unix_socket_file(client, &dev, &ino), -ENOENT);
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
        ck_assert_int_eq(unix_socket_file(pair[0], &dev, &ino), -ENOENT);
        file = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_eq(unix_socket_file(file, &dev, &ino), -ENOTSOCK);
        close(file);
        close(pair[0]);
        close(pair[1]);
        close(client);
        close(accepted);
        close(l.fd);
        unlink(l.path);
        rmdir(dir);
}
END_TEST

/* The tests run as root, whom the monitor counts only when the descriptor
 * is a connection of the announced control socket. */
START_TEST(only_the_control_sockets_connections)
{
        char dir[] = "/tmp/winrmd-peer-XXXXXX";
        struct listening control, other;
        struct stat st;
        int c1, a1, c2, a2, c3, a3;

        ck_assert_ptr_nonnull(mkdtemp(dir));
        listen_at(&control, dir, "winrmd.sock");
        listen_at(&other, dir, "other.sock");
        a1 = connect_to(&control, &c1);
        a2 = connect_to(&other, &c2);
        /* nothing counts before the control socket is announced */
        mon_users_peer(a1);
        ck_assert(!mon_users_has("root"));
        ck_assert_int_eq(stat(control.path, &st), 0);
        mon_users_control((uint64_t)st.st_dev, (uint64_t)st.st_ino);
        ck_assert_int_eq(stat(other.path, &st), 0);
        mon_users_control((uint64_t)st.st_dev, (uint64_t)st.st_ino);    /* a second one is ignored */
        mon_users_peer(a2);             /* another listener's connection */
        ck_assert(!mon_users_has("root"));
        mon_users_peer(c1);             /* a socket that connected (to a root server) */
        ck_assert(!mon_users_has("root"));
        /* a socket bound at the control socket's name after it was replaced */
        unlink(control.path);
        close(control.fd);
        listen_at(&control, dir, "winrmd.sock");
        a3 = connect_to(&control, &c3);
        mon_users_peer(a3);
        ck_assert(!mon_users_has("root"));
        /* the accepted connection of the announced socket counts */
        mon_users_peer(a1);
        ck_assert(mon_users_has("root"));
        close(c1);
        close(a1);
        close(c2);
        close(a2);
        close(c3);
        close(a3);
        close(control.fd);
        close(other.fd);
        unlink(control.path);
        unlink(other.path);
        rmdir(dir);
}
END_TEST

Suite *monitor_peer_suite(void)
{
        Suite *s = suite_create("monitor_peer");
        TCase *tc = tcase_create("control socket");

        tcase_add_test(tc, socket_files);
        tcase_add_test(tc, only_the_control_sockets_connections);
        suite_add_tcase(s, tc);
        return s;
}
