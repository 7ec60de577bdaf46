/* test_lrec.c - listener records: the store's text form, the canonical form
 * of each field, what is refused, and which records name the same listener. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lrec.h"
#include "tests.h"

static struct lrec parse_ok(const char *text)
{
        struct lrec l;

        memset(&l, 0x5a, sizeof(l));
        ck_assert_msg(lrec_parse(text, &l) == 0, "\"%s\" refused", text);
        return l;
}

static void parse_bad(const char *text)
{
        struct lrec l, before;

        memset(&l, 0x5a, sizeof(l));
        before = l;
        ck_assert_msg(lrec_parse(text, &l) == -EINVAL, "\"%s\" accepted", text);
        ck_assert_msg(!memcmp(&l, &before, sizeof(l)), "\"%s\": refused but out was changed", text);
}

/* The record text formats to and parses back to the same record. */
static void round_trip(const struct lrec *l)
{
        char buf[1024];
        struct lrec back;

        ck_assert_int_eq(lrec_format(l, buf, sizeof(buf)), 0);
        back = parse_ok(buf);
        ck_assert_str_eq(back.address, l->address);
        ck_assert_str_eq(back.transport, l->transport);
        ck_assert_int_eq(back.port, l->port);
        ck_assert_int_eq(back.enabled, l->enabled);
        ck_assert_str_eq(back.hostname, l->hostname);
        ck_assert_str_eq(back.url_prefix, l->url_prefix);
        ck_assert_str_eq(back.thumbprint, l->thumbprint);
}

START_TEST(parse_minimal)
{
        struct lrec l = parse_ok("address=* transport=HTTP port=5985");

        ck_assert_str_eq(l.address, "*");
        ck_assert_str_eq(l.transport, "HTTP");
        ck_assert_int_eq(l.port, 5985);
        ck_assert_int_eq(l.enabled, 1);           /* enabled by default */
        ck_assert_str_eq(l.hostname, "");
        ck_assert_str_eq(l.url_prefix, "wsman");  /* the default prefix */
        ck_assert_str_eq(l.thumbprint, "");
        round_trip(&l);
}
END_TEST

START_TEST(parse_full)
{
        struct lrec l = parse_ok("  address=IP:192.0.2.10   transport=https port=5986 enabled=false "
                                     "hostname=host-1.example.com url_prefix=my/wsman_2 "
                                     "thumbprint=0123456789ABCDEF0123456789abcdef01234567  ");

        ck_assert_str_eq(l.address, "IP:192.0.2.10");
        ck_assert_str_eq(l.transport, "HTTPS");
        ck_assert_int_eq(l.port, 5986);
        ck_assert_int_eq(l.enabled, 0);
        ck_assert_str_eq(l.hostname, "host-1.example.com");
        ck_assert_str_eq(l.url_prefix, "my/wsman_2");
        ck_assert_str_eq(l.thumbprint, "0123456789abcdef0123456789abcdef01234567");
        round_trip(&l);
        /* fields in any order; the last of a repeated field wins */
        l = parse_ok("port=80 transport=Http address=IP:10.0.0.1 port=81 enabled=1");
        ck_assert_int_eq(l.port, 81);
        ck_assert_str_eq(l.transport, "HTTP");
        ck_assert_int_eq(l.enabled, 1);
        round_trip(&l);
}
END_TEST

START_TEST(canonical_forms)
{
        struct lrec l;
        char buf[1024];

        l = parse_ok("address=IP:2001:0DB8:0000:0000:0000:0000:0000:0001 transport=hTtP port=5985");
        ck_assert_str_eq(l.address, "IP:2001:db8::1");
        ck_assert_str_eq(l.transport, "HTTP");
        round_trip(&l);
        l = parse_ok("address=IP:fe80:0:0:0:0:0:0:a transport=HTTPS port=5986");
        ck_assert_str_eq(l.address, "IP:fe80::a");
        l = parse_ok("address=IP:::1 transport=http port=5985");
        ck_assert_str_eq(l.address, "IP:::1");
        l = parse_ok("address=MAC:0a:1b:2c:3d:4e:5f transport=HTTP port=5985");
        ck_assert_str_eq(l.address, "MAC:0A-1B-2C-3D-4E-5F");
        round_trip(&l);
        l = parse_ok("address=MAC:0a-1B-2c-3D-4e-5F transport=HTTP port=5985");
        ck_assert_str_eq(l.address, "MAC:0A-1B-2C-3D-4E-5F");

        /* the formatted text is itself the canonical form */
        ck_assert_int_eq(lrec_format(&l, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, "address=MAC:0A-1B-2C-3D-4E-5F transport=HTTP port=5985 enabled=true "
                              "hostname= url_prefix=wsman thumbprint=");

        /* lrec_check_fields normalises a record built in memory */
        memset(&l, 0, sizeof(l));
        snprintf(l.address, sizeof(l.address), "IP:2001:db8:0:0::10");
        snprintf(l.transport, sizeof(l.transport), "https");
        snprintf(l.thumbprint, sizeof(l.thumbprint), "AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDD");
        l.port = 443;
        l.enabled = 1;
        ck_assert_int_eq(lrec_check_fields(&l), 0);
        ck_assert_str_eq(l.address, "IP:2001:db8::10");
        ck_assert_str_eq(l.transport, "HTTPS");
        ck_assert_str_eq(l.url_prefix, "wsman");
        ck_assert_str_eq(l.thumbprint, "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd");
}
END_TEST

START_TEST(format_too_small)
{
        struct lrec l = parse_ok("address=* transport=HTTP port=5985");
        char buf[1024];
        size_t need;

        ck_assert_int_eq(lrec_format(&l, buf, sizeof(buf)), 0);
        need = strlen(buf) + 1;
        ck_assert_int_eq(lrec_format(&l, buf, need), 0);
        ck_assert_int_eq(lrec_format(&l, buf, need - 1), -E2BIG);
        ck_assert_int_eq(lrec_format(&l, buf, 1), -E2BIG);
}
END_TEST

START_TEST(refuse_bad_address)
{
        parse_bad("address=IP:300.1.1.1 transport=HTTP port=5985");
        parse_bad("address=IP:1.2.3 transport=HTTP port=5985");
        parse_bad("address=IP: transport=HTTP port=5985");
        parse_bad("address=IP:2001:db8:::1 transport=HTTP port=5985");
        parse_bad("address=IP:fe80::1%eth0 transport=HTTP port=5985");
        parse_bad("address=IP:example.com transport=HTTP port=5985");
        parse_bad("address=192.0.2.1 transport=HTTP port=5985");   /* no IP: */
        parse_bad("address=ip:192.0.2.1 transport=HTTP port=5985");
        parse_bad("address=** transport=HTTP port=5985");
        parse_bad("address= transport=HTTP port=5985");
        parse_bad("address=MAC:0A-1B-2C-3D-4E transport=HTTP port=5985");
        parse_bad("address=MAC:0A-1B-2C-3D-4E-5F-60 transport=HTTP port=5985");
        parse_bad("address=MAC:0A-1B-2C-3D-4E-5G transport=HTTP port=5985");
        parse_bad("address=MAC:0A1B2C3D4E5F transport=HTTP port=5985");
        parse_bad("address=MAC:0A.1B.2C.3D.4E.5F transport=HTTP port=5985");
        parse_bad("address=MAC:A-1B-2C-3D-4E-5F0 transport=HTTP port=5985");
        parse_bad("address=MAC: transport=HTTP port=5985");
        /* longer than the field */
        parse_bad("address=IP:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0001 "
                  "transport=HTTP port=5985");
}
END_TEST

START_TEST(refuse_bad_fields)
{
        /* transport */
        parse_bad("address=* transport=FTP port=5985");
        parse_bad("address=* transport=HTTPSS port=5985");
        parse_bad("address=* transport= port=5985");
        /* port */
        parse_bad("address=* transport=HTTP port=0");
        parse_bad("address=* transport=HTTP port=70000");
        parse_bad("address=* transport=HTTP port=65536");
        parse_bad("address=* transport=HTTP port=-1");
        parse_bad("address=* transport=HTTP port=59x");
        parse_bad("address=* transport=HTTP port=");
        parse_bad("address=* transport=HTTP port=99999999999999999999");
        /* enabled */
        parse_bad("address=* transport=HTTP port=5985 enabled=maybe");
        parse_bad("address=* transport=HTTP port=5985 enabled=");
        /* unknown field, or not key=value */
        parse_bad("address=* transport=HTTP port=5985 colour=blue");
        parse_bad("address=* transport=HTTP port=5985 Port=5986");
        parse_bad("address=* transport=HTTP port=5985 =x");
        parse_bad("address=* transport=HTTP port=5985 junk");
        parse_bad("address=* transport=HTTP,port=5985");
        /* missing address, transport or port */
        parse_bad("transport=HTTP port=5985");
        parse_bad("address=* port=5985");
        parse_bad("address=* transport=HTTP");
        parse_bad("");
        parse_bad("   ");
        /* hostname */
        parse_bad("address=* transport=HTTP port=5985 hostname=my host");
        parse_bad("address=* transport=HTTP port=5985 hostname=host name.example port=5986");
        parse_bad("address=* transport=HTTP port=5985 hostname=a/b");
        parse_bad("address=* transport=HTTP port=5985 hostname=a=b");
        /* url_prefix */
        parse_bad("address=* transport=HTTP port=5985 url_prefix=/wsman");
        parse_bad("address=* transport=HTTP port=5985 url_prefix=ws?man");
        parse_bad("address=* transport=HTTP port=5985 url_prefix=ws%20man");
        /* thumbprint: 40 hex digits or nothing */
        parse_bad("address=* transport=HTTPS port=5986 thumbprint=0123456789abcdef0123456789abcdef0123456");
        parse_bad("address=* transport=HTTPS port=5986 thumbprint=0123456789abcdef0123456789abcdef012345678");
        parse_bad("address=* transport=HTTPS port=5986 thumbprint=0123456789abcdef0123456789abcdef0123456g");
        parse_bad("address=* transport=HTTPS port=5986 thumbprint=01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab");
}
END_TEST

START_TEST(check_fields_alone)
{
        struct lrec l;

        memset(&l, 0, sizeof(l));
        snprintf(l.address, sizeof(l.address), "*");
        snprintf(l.transport, sizeof(l.transport), "HTTP");
        l.port = 5985;
        l.enabled = 1;
        ck_assert_int_eq(lrec_check_fields(&l), 0);

        l.port = 0;
        ck_assert_int_eq(lrec_check_fields(&l), -EINVAL);
        l.port = 65536;
        ck_assert_int_eq(lrec_check_fields(&l), -EINVAL);
        l.port = 65535;
        ck_assert_int_eq(lrec_check_fields(&l), 0);
        l.enabled = 2;
        ck_assert_int_eq(lrec_check_fields(&l), -EINVAL);
        l.enabled = 0;
        ck_assert_int_eq(lrec_check_fields(&l), 0);
        snprintf(l.hostname, sizeof(l.hostname), "my host");
        ck_assert_int_eq(lrec_check_fields(&l), -EINVAL);
        snprintf(l.hostname, sizeof(l.hostname), "my-host_1.example");
        ck_assert_int_eq(lrec_check_fields(&l), 0);
        snprintf(l.url_prefix, sizeof(l.url_prefix), "/wsman");
        ck_assert_int_eq(lrec_check_fields(&l), -EINVAL);
        snprintf(l.url_prefix, sizeof(l.url_prefix), "wsman/x");
        ck_assert_int_eq(lrec_check_fields(&l), 0);
        ck_assert_str_eq(l.url_prefix, "wsman/x"); /* a set prefix is kept */
        snprintf(l.thumbprint, sizeof(l.thumbprint), "%039d", 0);
        ck_assert_int_eq(lrec_check_fields(&l), -EINVAL);
        snprintf(l.thumbprint, sizeof(l.thumbprint), "%040d", 0);
        ck_assert_int_eq(lrec_check_fields(&l), 0);
        snprintf(l.transport, sizeof(l.transport), "HTTPX");
        ck_assert_int_eq(lrec_check_fields(&l), -EINVAL);
}
END_TEST

static int conflict(const char *a, const char *b)
{
        struct lrec la = parse_ok(a), lb = parse_ok(b);
        bool ab = lrec_conflict(&la, &lb), ba = lrec_conflict(&lb, &la);

        ck_assert_msg(ab == ba, "lrec_conflict is not symmetric for \"%s\" / \"%s\"", a, b);
        return ab;
}

START_TEST(conflicts)
{
        /* the same record */
        ck_assert(conflict("address=* transport=HTTP port=5985", "address=* transport=HTTP port=5985"));
        /* same IP and port, other transport */
        ck_assert(conflict("address=IP:10.0.0.1 transport=HTTP port=5985",
                           "address=IP:10.0.0.1 transport=HTTPS port=5985"));
        ck_assert(conflict("address=* transport=HTTP port=80", "address=* transport=HTTPS port=80"));
        /* same IP (written differently) and port */
        ck_assert(conflict("address=IP:2001:db8::1 transport=HTTP port=5985",
                           "address=IP:2001:0db8:0:0:0:0:0:1 transport=HTTPS port=5985"));
        ck_assert(conflict("address=IP:10.0.0.1 transport=http port=5985",
                           "address=IP:10.0.0.1 transport=HTTP port=5985"));
        /* "*" and MAC records are IP=* to the seed: one port, one of them */
        ck_assert(conflict("address=MAC:00-11-22-33-44-55 transport=HTTP port=5985",
                           "address=MAC:00:11:22:33:44:55 transport=HTTPS port=5985"));
        ck_assert(conflict("address=MAC:00-11-22-33-44-55 transport=HTTP port=5985",
                           "address=MAC:00-11-22-33-44-56 transport=HTTP port=5985"));
        ck_assert(conflict("address=* transport=HTTP port=5985",
                           "address=MAC:00-11-22-33-44-55 transport=HTTPS port=5985"));

        /* the seed's two listeners on one IP: 443 and 444 */
        ck_assert(!conflict("address=IP:192.168.2.1 transport=HTTPS port=443",
                            "address=IP:192.168.2.1 transport=HTTPS port=444"));
        /* same Address and Transport, other port */
        ck_assert(!conflict("address=IP:10.0.0.1 transport=HTTP port=5985",
                            "address=IP:10.0.0.1 transport=http port=8080"));
        ck_assert(!conflict("address=* transport=HTTPS port=5986", "address=* transport=HTTPS port=443"));
        /* different port and transport */
        ck_assert(!conflict("address=* transport=HTTP port=5985", "address=* transport=HTTPS port=5986"));
        ck_assert(!conflict("address=IP:10.0.0.1 transport=HTTP port=5985",
                            "address=IP:10.0.0.1 transport=HTTPS port=5986"));
        /* one NIC, two ports, whatever their transport */
        ck_assert(!conflict("address=MAC:00-11-22-33-44-55 transport=HTTP port=5985",
                            "address=MAC:00:11:22:33:44:55 transport=HTTPS port=5986"));
        ck_assert(!conflict("address=MAC:aa-bb-cc-dd-ee-ff transport=HTTP port=5985",
                            "address=MAC:AA-BB-CC-DD-EE-FF transport=HTTP port=80"));
        ck_assert(!conflict("address=* transport=HTTP port=5985",
                            "address=MAC:00-11-22-33-44-55 transport=HTTP port=5986"));
        /* different IPs */
        ck_assert(!conflict("address=IP:10.0.0.1 transport=HTTP port=5985",
                            "address=IP:10.0.0.2 transport=HTTP port=5985"));
        ck_assert(!conflict("address=IP:10.0.0.1 transport=HTTP port=5985",
                            "address=IP:10.0.0.2 transport=HTTPS port=5986"));
        ck_assert(!conflict("address=IP:::1 transport=HTTP port=5985",
                            "address=IP:127.0.0.1 transport=HTTP port=5985"));
        /* an IP and IP=* are different IPs (binding both is the host's
         * question, answered when the listener is bound) */
        ck_assert(!conflict("address=MAC:00-11-22-33-44-55 transport=HTTP port=5985",
                            "address=IP:10.0.0.1 transport=HTTP port=5985"));
        ck_assert(!conflict("address=* transport=HTTP port=5985",
                            "address=IP:10.0.0.1 transport=HTTP port=5985"));
}
END_TEST

/* Every pair of a small set of records: a conflict exactly when the seed's
 * view (IP, "*" for "*" and MAC records; Port) names both the same way. */
START_TEST(conflict_is_ip_and_port)
{
        static const char *const addrs[] = { "*", "IP:10.0.0.1", "IP:10.0.0.2", "IP:::1",
                                             "MAC:00-11-22-33-44-55", "MAC:00-11-22-33-44-56" };
        static const char *const seed_ip[] = { "*", "10.0.0.1", "10.0.0.2", "::1", "*", "*" };
        static const char *const transports[] = { "HTTP", "HTTPS" };
        static const int ports[] = { 80, 443, 444 };
        char a[128], b[128];

        for (size_t i = 0; i < 6 * 2 * 3; i++) {
                for (size_t j = 0; j < 6 * 2 * 3; j++) {
                        size_t ai = i / 6 % 6, bi = j / 6 % 6;
                        int pa = ports[i % 3], pb = ports[j % 3];
                        bool want = pa == pb && !strcmp(seed_ip[ai], seed_ip[bi]);
                        snprintf(a, sizeof(a), "address=%s transport=%s port=%d", addrs[ai],
                                 transports[i / 3 % 2], pa);
                        snprintf(b, sizeof(b), "address=%s transport=%s port=%d", addrs[bi],
                                 transports[j / 3 % 2], pb);
                        ck_assert_msg(conflict(a, b) == want, "\"%s\" / \"%s\": expected %s", a, b,
                                      want ? "a conflict" : "none");
                }
        }
}
END_TEST

START_TEST(accessors)
{
        struct lrec l;
        char mac[18];

        l = parse_ok("address=IP:2001:DB8::5 transport=HTTP port=5985");
        ck_assert_str_eq(lrec_ip(&l), "2001:db8::5");
        ck_assert_ptr_eq(lrec_ip(&l), l.address + 3); /* borrowed from l */
        memset(mac, 'x', sizeof(mac));
        ck_assert(!lrec_mac(&l, mac));

        l = parse_ok("address=MAC:de:ad:be:ef:00:01 transport=HTTP port=5985");
        ck_assert_ptr_null(lrec_ip(&l));
        ck_assert(lrec_mac(&l, mac));
        ck_assert_str_eq(mac, "DE-AD-BE-EF-00-01");

        l = parse_ok("address=* transport=HTTP port=5985");
        ck_assert_ptr_null(lrec_ip(&l));
        ck_assert(!lrec_mac(&l, mac));

        /* a record built in memory, not yet checked */
        memset(&l, 0, sizeof(l));
        snprintf(l.address, sizeof(l.address), "MAC:de:ad:be:ef:00");
        ck_assert(!lrec_mac(&l, mac));
        snprintf(l.address, sizeof(l.address), "mac:de:ad:be:ef:00:01");
        ck_assert(!lrec_mac(&l, mac));
        ck_assert_ptr_null(lrec_ip(&l));
}
END_TEST

START_TEST(norm_mac)
{
        char out[18];

        ck_assert(lrec_norm_mac("00:1a:2B:3c:4D:5e", out));
        ck_assert_str_eq(out, "00-1A-2B-3C-4D-5E");
        ck_assert(lrec_norm_mac("ff-ff-ff-ff-ff-ff", out));
        ck_assert_str_eq(out, "FF-FF-FF-FF-FF-FF");
        ck_assert(lrec_norm_mac("00-11-22-33-44-55", out));
        ck_assert_str_eq(out, "00-11-22-33-44-55");

        ck_assert(!lrec_norm_mac("", out));
        ck_assert(!lrec_norm_mac("0", out));
        ck_assert(!lrec_norm_mac("00", out));
        ck_assert(!lrec_norm_mac("00-", out));
        ck_assert(!lrec_norm_mac("00-11-22-33-44", out));
        ck_assert(!lrec_norm_mac("00-11-22-33-44-5", out));
        ck_assert(!lrec_norm_mac("00-11-22-33-44-55-", out));
        ck_assert(!lrec_norm_mac("00-11-22-33-44-55 ", out));
        ck_assert(!lrec_norm_mac("00-11-22-33-44-556", out));
        ck_assert(!lrec_norm_mac("001-1-22-33-44-55", out));
        ck_assert(!lrec_norm_mac("00_11_22_33_44_55", out));
        ck_assert(!lrec_norm_mac("0g-11-22-33-44-55", out));
        ck_assert(!lrec_norm_mac("001122334455", out));
        ck_assert(!lrec_norm_mac(" 00-11-22-33-44-55", out));
}
END_TEST

Suite *lrec_suite(void)
{
        Suite *s = suite_create("lrec");
        TCase *tc = tcase_create("lrec");

        tcase_add_test(tc, parse_minimal);
        tcase_add_test(tc, parse_full);
        tcase_add_test(tc, canonical_forms);
        tcase_add_test(tc, format_too_small);
        tcase_add_test(tc, refuse_bad_address);
        tcase_add_test(tc, refuse_bad_fields);
        tcase_add_test(tc, check_fields_alone);
        tcase_add_test(tc, conflicts);
        tcase_add_test(tc, conflict_is_ip_and_port);
        tcase_add_test(tc, accessors);
        tcase_add_test(tc, norm_mac);
        suite_add_tcase(s, tc);
        return s;
}
