/* test_winrs.c - the pure parts of the winrs command: its command line
 * (cli/winrs_args.c), the envelopes and bodies of Create, Command,
 * Receive, Send, Signal and Delete (cli/winrs_proto.c), checked against
 * the headers pywinrm and Go send in tests/captures, and the readers of
 * the replies: the ShellId, the CommandId, a ReceiveResponse's stream
 * bytes, state and exit code (canned replies as PROTOCOL.md section 6
 * shows them, and with other prefixes), and the TimedOut fault. */
#include "autoconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "cli/request.h"
#include "cli/winrs_args.h"
#include "cli/winrs_proto.h"
#include "ns.h"
#include "tests.h"

#define SHELL_ID "4D3C2B1A-0000-4000-8000-00000000ABCD"
#define COMMAND_ID "7A6B0000-0000-4000-8000-00000000ABCD"
#define STATE_URI NS_RSP "/CommandState/"

#define ENV_OPEN "<s:Envelope xmlns:s=\"" NS_SOAP "\" xmlns:a=\"" NS_WSA "\" xmlns:x=\"" NS_WXF "\"" \
        " xmlns:w=\"" NS_WSMAN "\" xmlns:rsp=\"" NS_RSP "\"><s:Header><a:Action>act</a:Action></s:Header><s:Body>"
#define ENV_CLOSE "</s:Body></s:Envelope>"

/* --- helpers ------------------------------------------------------------------------------ */

/* argv from a NULL-terminated list (argv[0] = "winrs"); freed by the caller. */
static char **argv_of(int *argc, const char *const *words)
{
        static char *buf[64];
        int n = 0;

        buf[n++] = (char *)"winrs";
        while (*words && n < 63)
                buf[n++] = (char *)*words++;
        buf[n] = NULL;
        *argc = n;
        return buf;
}

#define PARSE(o, rc, ...)                                                                                \
        do {                                                                                             \
                const char *const w_[] = { __VA_ARGS__, NULL };                                           \
                int argc_;                                                                                \
                char **argv_ = argv_of(&argc_, w_);                                                       \
                char err_[512] = "";                                                                      \
                int r_ = winrs_parse(argc_, argv_, (o), err_, sizeof(err_));                              \
                ck_assert_msg(r_ == (rc), "winrs_parse: %d (%s)", r_, err_);                             \
                if (r_ < 0)                                                                               \
                        ck_assert_msg(err_[0] && !strchr(err_, '\n'), "error: \"%s\"", err_);             \
        } while (0)

static void parse_fails(const char *needle, const char *const *words)
{
        struct winrs_opts o;
        char err[512] = "";
        int argc;
        char **argv = argv_of(&argc, words);

        ck_assert_int_eq(winrs_parse(argc, argv, &o, err, sizeof(err)), -EINVAL);
        ck_assert_msg(strstr(err, needle), "\"%s\" does not say \"%s\"", err, needle);
        winrs_opts_free(&o);
}

static xmlDoc *parse_xml(const char *s)
{
        xmlDoc *doc = req_parse_reply(s, strlen(s));

        ck_assert_msg(doc != NULL, "not an envelope: %s", s);
        return doc;
}

/* body wrapped in an envelope, parsed. */
static xmlDoc *reply(const char *body)
{
        char *s = malloc(strlen(body) + sizeof(ENV_OPEN) + sizeof(ENV_CLOSE));
        xmlDoc *doc;

        ck_assert_ptr_nonnull(s);
        snprintf(s, strlen(body) + sizeof(ENV_OPEN) + sizeof(ENV_CLOSE), "%s%s%s", ENV_OPEN, body, ENV_CLOSE);
        doc = parse_xml(s);
        free(s);
        return doc;
}

static void assert_xpath(xmlDoc *doc, const char *expr, const char *want)
{
        char *got = t_xpath_str(doc, expr);

        ck_assert_msg(!strcmp(got, want), "%s: \"%s\", not \"%s\"", expr, got, want);
        free(got);
}

/* An envelope of winrs_envelope(), parsed. */
static xmlDoc *envelope_of(enum winrs_op op, const struct winrs_opts *o, const char *body)
{
        struct winrs_head h = { .to = "https://host:5986/wsman", .timeout_ms = 20000,
                                .shell_id = op == WINRS_CREATE ? NULL : SHELL_ID, .opts = o };
        char *env = winrs_envelope(op, &h, body);
        xmlDoc *doc;

        ck_assert_ptr_nonnull(env);
        doc = parse_xml(env);
        free(env);
        return doc;
}

/* --- the command line ------------------------------------------------------------------------- */

START_TEST(args_basic)
{
        struct winrs_opts o;
        struct cli_cmd c;

        PARSE(&o, 0, "-r:host.example.com:5986", "-u:alice", "-p:pw", "-ssl", "ipconfig", "/all");
        ck_assert_str_eq(o.remote, "host.example.com:5986");
        ck_assert_str_eq(o.username, "alice");
        ck_assert_str_eq(o.password, "pw");
        ck_assert(o.ssl && !o.unencrypted && !o.noprofile && !o.help);
        ck_assert_uint_eq(o.codepage, 65001);
        ck_assert_int_eq(o.timeout_ms, 0);
        ck_assert_uint_eq(o.n_command, 2);
        ck_assert_str_eq(o.command[0], "ipconfig");
        ck_assert_str_eq(o.command[1], "/all");
        c = winrs_target_cmd(&o);
        ck_assert_ptr_eq(c.remote, o.remote);
        ck_assert_ptr_eq(c.username, o.username);
        ck_assert(c.usessl && !c.unencrypted);
        winrs_opts_free(&o);
}
END_TEST

START_TEST(args_names_and_prefixes)
{
        struct winrs_opts o;

        PARSE(&o, 0, "/REMOTE:h", "-UserName:a", "/Password:b", "-UN", "/usessl", "-Directory:/tmp", "-ENV:A=1",
              "/environment:B=2=3", "-NOP", "-CP:437", "/Timeout:1500", "-skipCAcheck", "-SKIPCNCHECK",
              "-cafile:/ca.pem", "-a:Certificate", "-certificate:/c.pem", "--", "-x", "/y");
        ck_assert_str_eq(o.remote, "h");
        ck_assert(o.unencrypted && o.ssl && o.noprofile && o.skip_ca && o.skip_cn);
        ck_assert_str_eq(o.directory, "/tmp");
        ck_assert_uint_eq(o.n_env, 2);
        ck_assert_str_eq(o.env[0].name, "A");
        ck_assert_str_eq(o.env[0].value, "1");
        ck_assert_str_eq(o.env[1].name, "B");
        ck_assert_str_eq(o.env[1].value, "2=3");
        ck_assert_uint_eq(o.codepage, 437);
        ck_assert_int_eq(o.timeout_ms, 1500);
        ck_assert_str_eq(o.cafile, "/ca.pem");
        ck_assert_str_eq(o.auth, "Certificate");
        ck_assert_str_eq(o.certificate, "/c.pem");
        ck_assert_uint_eq(o.n_command, 2);
        ck_assert_str_eq(o.command[0], "-x");
        ck_assert_str_eq(o.command[1], "/y");
        winrs_opts_free(&o);
}
END_TEST

/* A '/' word that names no switch is the command (a path); after the
 * command starts, nothing is a switch. */
START_TEST(args_command_starts)
{
        struct winrs_opts o;

        PARSE(&o, 0, "-r:h", "/bin/ls", "-l", "-r:x", "--");
        ck_assert_ptr_null(o.username);
        ck_assert_str_eq(o.remote, "h");
        ck_assert_uint_eq(o.n_command, 4);
        ck_assert_str_eq(o.command[0], "/bin/ls");
        ck_assert_str_eq(o.command[2], "-r:x");
        ck_assert_str_eq(o.command[3], "--");
        winrs_opts_free(&o);
        PARSE(&o, 0, "/usr", "x");
        ck_assert_ptr_null(o.remote);
        ck_assert_str_eq(o.command[0], "/usr");
        winrs_opts_free(&o);
        PARSE(&o, 0, "echo a; echo \"b\"\nline\t2\r");
        ck_assert_uint_eq(o.n_command, 1);
        winrs_opts_free(&o);
}
END_TEST

START_TEST(args_help)
{
        struct winrs_opts o;

        PARSE(&o, 0, "-?");
        ck_assert(o.help);
        winrs_opts_free(&o);
        PARSE(&o, 0, "-r:h", "/HELP", "-bogus");
        ck_assert(o.help);
        winrs_opts_free(&o);
        PARSE(&o, 0, "-r:h", "cmd", "-?");
        ck_assert(!o.help);
        ck_assert_str_eq(o.command[1], "-?");
        winrs_opts_free(&o);
        ck_assert_ptr_nonnull(strstr(winrs_usage, "-r[emote]:"));
}
END_TEST

START_TEST(args_errors)
{
        parse_fails("No command", (const char *const[]){ NULL });
        parse_fails("No command", (const char *const[]){ "-r:h", NULL });
        parse_fails("No command", (const char *const[]){ "-r:h", "--", NULL });
        parse_fails("No command", (const char *const[]){ "-r:h", "", NULL });
        parse_fails("not known", (const char *const[]){ "-bogus", "x", NULL });
        parse_fails("not known", (const char *const[]){ "-", "x", NULL });
        parse_fails("not known", (const char *const[]){ "-remotely:h", "x", NULL });
        parse_fails("twice", (const char *const[]){ "-r:a", "-remote:b", "x", NULL });
        parse_fails("twice", (const char *const[]){ "-cp:1", "-codepage:2", "x", NULL });
        parse_fails("twice", (const char *const[]){ "-timeout:1", "-timeout:2", "x", NULL });
        parse_fails("needs a value", (const char *const[]){ "-r", "x", NULL });
        parse_fails("needs a value", (const char *const[]){ "-d:", "x", NULL });
        parse_fails("takes no value", (const char *const[]){ "-ssl:true", "x", NULL });
        parse_fails("takes no value", (const char *const[]){ "-noprofile:", "x", NULL });
        parse_fails("NAME=VALUE", (const char *const[]){ "-env:A", "x", NULL });
        parse_fails("NAME=VALUE", (const char *const[]){ "-env:=1", "x", NULL });
        parse_fails("blanks", (const char *const[]){ "-env:A B=1", "x", NULL });
        parse_fails("code page", (const char *const[]){ "-cp:0", "x", NULL });
        parse_fails("code page", (const char *const[]){ "-cp:65536", "x", NULL });
        parse_fails("code page", (const char *const[]){ "-cp:+5", "x", NULL });
        parse_fails("milliseconds", (const char *const[]){ "-timeout:0", "x", NULL });
        parse_fails("milliseconds", (const char *const[]){ "-timeout:86400001", "x", NULL });
        parse_fails("milliseconds", (const char *const[]){ "-timeout:1s", "x", NULL });
        parse_fails("control characters", (const char *const[]){ "-d:a\001b", "x", NULL });
        parse_fails("control characters", (const char *const[]){ "-env:A=\033[31m", "x", NULL });
        parse_fails("Word 2", (const char *const[]){ "echo", "a\002", NULL });
        parse_fails("UTF-8", (const char *const[]){ "echo", "\xff\xfe", NULL });
}
END_TEST

/* --- bodies ------------------------------------------------------------------------------------------- */

START_TEST(body_create_plain)
{
        struct winrs_opts o = { .codepage = 65001 };
        char *b = winrs_create_body(&o);
        xmlDoc *doc;

        ck_assert_ptr_nonnull(b);
        doc = reply(b);
        assert_xpath(doc, "/s:Envelope/s:Body/rsp:Shell/rsp:InputStreams", "stdin");
        assert_xpath(doc, "/s:Envelope/s:Body/rsp:Shell/rsp:OutputStreams", "stdout stderr");
        ck_assert_int_eq(t_xpath_count(doc, "//rsp:Shell/*"), 2);
        xmlFreeDoc(doc);
        free(b);
}
END_TEST

START_TEST(body_create_dir_and_env)
{
        char n1[] = "PATH", v1[] = "/bin:/usr/bin", n2[] = "Q\"<&>", v2[] = "a<b>&\"c\"\r\n\t", n3[] = "E",
             v3[] = "";
        struct cli_pair env[] = { { n1, v1 }, { n2, v2 }, { n3, v3 } };
        struct winrs_opts o = { .directory = (char *)"C:\\Users\\<me> & \"you\"", .env = env, .n_env = 3 };
        char *b = winrs_create_body(&o);
        xmlDoc *doc;

        ck_assert_ptr_nonnull(b);
        doc = reply(b);
        assert_xpath(doc, "//rsp:Shell/rsp:WorkingDirectory", "C:\\Users\\<me> & \"you\"");
        ck_assert_int_eq(t_xpath_count(doc, "//rsp:Shell/rsp:Environment/rsp:Variable"), 3);
        assert_xpath(doc, "//rsp:Variable[1]/@Name", "PATH");
        assert_xpath(doc, "//rsp:Variable[1]", "/bin:/usr/bin");
        assert_xpath(doc, "//rsp:Variable[2]/@Name", "Q\"<&>");
        assert_xpath(doc, "//rsp:Variable[2]", "a<b>&\"c\"\r\n\t");
        assert_xpath(doc, "//rsp:Variable[3]", "");
        xmlFreeDoc(doc);
        free(b);
}
END_TEST

START_TEST(body_command)
{
        char *one[] = { (char *)"dir /w | more & echo <x>" };
        char *many[] = { (char *)"ipconfig", (char *)"/all", (char *)"a b", (char *)"" };
        char *b = winrs_command_body(one, 1);
        xmlDoc *doc;

        ck_assert_ptr_nonnull(b);
        doc = reply(b);
        assert_xpath(doc, "/s:Envelope/s:Body/rsp:CommandLine/rsp:Command", "dir /w | more & echo <x>");
        ck_assert_int_eq(t_xpath_count(doc, "//rsp:Arguments"), 0);
        xmlFreeDoc(doc);
        free(b);
        b = winrs_command_body(many, 4);
        doc = reply(b);
        assert_xpath(doc, "//rsp:CommandLine/rsp:Command", "ipconfig");
        ck_assert_int_eq(t_xpath_count(doc, "//rsp:CommandLine/rsp:Arguments"), 3);
        assert_xpath(doc, "//rsp:Arguments[1]", "/all");
        assert_xpath(doc, "//rsp:Arguments[2]", "a b");
        assert_xpath(doc, "//rsp:Arguments[3]", "");
        xmlFreeDoc(doc);
        free(b);
}
END_TEST

START_TEST(body_receive_send_signal)
{
        static const unsigned char bytes[] = { 'h', 'i', '\n', 0, 0xff, '<' };
        char *b = winrs_receive_body(COMMAND_ID);
        xmlDoc *doc = reply(b);

        assert_xpath(doc, "//rsp:Receive/rsp:DesiredStream/@CommandId", COMMAND_ID);
        assert_xpath(doc, "//rsp:Receive/rsp:DesiredStream", "stdout stderr");
        xmlFreeDoc(doc);
        free(b);

        b = winrs_send_body(COMMAND_ID, bytes, sizeof(bytes), false);
        doc = reply(b);
        assert_xpath(doc, "//rsp:Send/rsp:Stream/@Name", "stdin");
        assert_xpath(doc, "//rsp:Send/rsp:Stream/@CommandId", COMMAND_ID);
        ck_assert_int_eq(t_xpath_count(doc, "//rsp:Stream/@End"), 0);
        assert_xpath(doc, "//rsp:Send/rsp:Stream", "aGkKAP88");
        xmlFreeDoc(doc);
        free(b);

        b = winrs_send_body(COMMAND_ID, "", 0, true);
        doc = reply(b);
        assert_xpath(doc, "//rsp:Send/rsp:Stream/@End", "true");
        assert_xpath(doc, "//rsp:Send/rsp:Stream", "");
        xmlFreeDoc(doc);
        free(b);

        b = winrs_signal_body(COMMAND_ID, WINRS_SIGNAL_CTRL_C);
        doc = reply(b);
        assert_xpath(doc, "//rsp:Signal/@CommandId", COMMAND_ID);
        assert_xpath(doc, "//rsp:Signal/rsp:Code", "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/ctrl_c");
        xmlFreeDoc(doc);
        free(b);
}
END_TEST

/* A whole Send of the biggest chunk stays under winrmd's default
 * MaxEnvelopeSizekb (50). */
START_TEST(body_send_chunk_fits)
{
        unsigned char *big = malloc(WINRS_SEND_CHUNK);
        struct winrs_head h = { .to = "https://a-rather-long-host-name.example.com:5986/wsman", .shell_id = SHELL_ID };
        char *b, *env;

        ck_assert_ptr_nonnull(big);
        memset(big, 0xa5, WINRS_SEND_CHUNK);
        b = winrs_send_body(COMMAND_ID, big, WINRS_SEND_CHUNK, true);
        env = winrs_envelope(WINRS_SEND, &h, b);
        ck_assert_ptr_nonnull(env);
        ck_assert_uint_lt(strlen(env), 50 * 1024);
        free(env);
        free(b);
        free(big);
}
END_TEST

/* --- envelopes ------------------------------------------------------------------------------------- */

START_TEST(envelope_create)
{
        struct winrs_opts o = { .noprofile = true, .codepage = 437 };
        xmlDoc *doc = envelope_of(WINRS_CREATE, &o, "<rsp:Shell xmlns:rsp=\"" NS_RSP "\"/>");

        assert_xpath(doc, "/s:Envelope/s:Header/a:Action", "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create");
        assert_xpath(doc, "/s:Envelope/s:Header/w:ResourceURI", "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd");
        assert_xpath(doc, "/s:Envelope/s:Header/a:To", "https://host:5986/wsman");
        assert_xpath(doc, "/s:Envelope/s:Header/w:OperationTimeout", "PT20.000S");
        ck_assert_int_eq(t_xpath_count(doc, "/s:Envelope/s:Header/w:SelectorSet"), 0);
        ck_assert_int_eq(t_xpath_count(doc, "/s:Envelope/s:Header/w:OptionSet/w:Option"), 2);
        assert_xpath(doc, "//w:OptionSet/w:Option[@Name='WINRS_NOPROFILE']", "TRUE");
        assert_xpath(doc, "//w:OptionSet/w:Option[@Name='WINRS_CODEPAGE']", "437");
        ck_assert_int_eq(t_xpath_count(doc, "/s:Envelope/s:Body/rsp:Shell"), 1);
        xmlFreeDoc(doc);
        o = (struct winrs_opts){ 0 };
        doc = envelope_of(WINRS_CREATE, &o, "");
        assert_xpath(doc, "//w:OptionSet/w:Option[@Name='WINRS_NOPROFILE']", "FALSE");
        assert_xpath(doc, "//w:OptionSet/w:Option[@Name='WINRS_CODEPAGE']", "65001");
        xmlFreeDoc(doc);
}
END_TEST

START_TEST(envelope_others)
{
        static const struct {
                enum winrs_op op;
                const char *action;
                int options;
        } ops[] = {
                { WINRS_COMMAND, NS_RSP "/Command", 2 },
                { WINRS_RECEIVE, NS_RSP "/Receive", 0 },
                { WINRS_SEND, NS_RSP "/Send", 0 },
                { WINRS_SIGNAL, NS_RSP "/Signal", 0 },
                { WINRS_DELETE, "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete", 0 },
        };

        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
                xmlDoc *doc = envelope_of(ops[i].op, NULL, "");
                assert_xpath(doc, "/s:Envelope/s:Header/a:Action", ops[i].action);
                assert_xpath(doc, "/s:Envelope/s:Header/w:SelectorSet/w:Selector[@Name='ShellId']", SHELL_ID);
                ck_assert_int_eq(t_xpath_count(doc, "/s:Envelope/s:Header/w:OptionSet/w:Option"), ops[i].options);
                ck_assert_int_eq(t_xpath_count(doc, "/s:Envelope/s:Body/*"), 0);
                xmlFreeDoc(doc);
        }
        {
                xmlDoc *doc = envelope_of(WINRS_COMMAND, NULL, "");
                assert_xpath(doc, "//w:Option[@Name='WINRS_CONSOLEMODE_STDIN']", "TRUE");
                assert_xpath(doc, "//w:Option[@Name='WINRS_SKIP_CMD_SHELL']", "FALSE");
                xmlFreeDoc(doc);
        }
        {
                struct winrs_head h = { .to = "x" };    /* no shell: only Create goes */
                ck_assert_ptr_null(winrs_envelope(WINRS_RECEIVE, &h, ""));
        }
}
END_TEST

/* Every header a real client sends (pywinrm's and Go's captured Command)
 * is in ours too, in the same namespaces. */
START_TEST(envelope_headers_as_clients)
{
        static const char *const captures[] = { "02-pywinrm-Command.http", "09-go-winrm-Command.http" };
        char *body = winrs_command_body((char *[]){ (char *)"ipconfig" }, 1);
        xmlDoc *ours = envelope_of(WINRS_COMMAND, NULL, body);

        free(body);
        for (size_t i = 0; i < sizeof(captures) / sizeof(captures[0]); i++) {
                size_t len;
                char *cap = t_capture_body(captures[i], &len);
                xmlDoc *theirs = req_parse_reply(cap, len);
                xmlNode *head;

                ck_assert_ptr_nonnull(theirs);
                head = t_xpath_node(theirs, "/s:Envelope/s:Header");
                for (xmlNode *e = head->children; e; e = e->next) {
                        char expr[512];
                        if (e->type != XML_ELEMENT_NODE)
                                continue;
                        if (!strcmp((const char *)e->name, "DataLocale"))
                                continue;       /* p:DataLocale: optional, mustUnderstand false */
                        snprintf(expr, sizeof(expr), "/s:Envelope/s:Header/*[local-name()='%s' and namespace-uri()='%s']",
                                 (const char *)e->name, (const char *)e->ns->href);
                        ck_assert_msg(t_xpath_count(ours, expr) == 1, "%s: no %s in ours", captures[i], e->name);
                }
                assert_xpath(theirs, "//w:Option[@Name='WINRS_CONSOLEMODE_STDIN']", "TRUE");
                xmlFreeDoc(theirs);
                free(cap);
        }
        xmlFreeDoc(ours);
}
END_TEST

/* --- replies ---------------------------------------------------------------------------------------- */

#define CREATED \
        "<x:ResourceCreated><a:Address>http://server:5985/wsman</a:Address><a:ReferenceParameters>" \
        "<w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI>" \
        "<w:SelectorSet><w:Selector Name=\"ShellId\">" SHELL_ID "</w:Selector></w:SelectorSet>" \
        "</a:ReferenceParameters></x:ResourceCreated>"

START_TEST(reply_shell_id)
{
        char id[WINRS_ID_MAX];
        xmlDoc *doc = reply(CREATED "<rsp:Shell><rsp:ShellId>OTHER</rsp:ShellId></rsp:Shell>");

        ck_assert_int_eq(winrs_shell_id(doc, id, sizeof(id)), 0);
        ck_assert_str_eq(id, SHELL_ID);
        xmlFreeDoc(doc);
        /* rsp:Shell alone; blanks around; an old uuid: prefix kept */
        doc = reply("<rsp:Shell><rsp:ShellId>\n uuid:" SHELL_ID " </rsp:ShellId></rsp:Shell>");
        ck_assert_int_eq(winrs_shell_id(doc, id, sizeof(id)), 0);
        ck_assert_str_eq(id, "uuid:" SHELL_ID);
        xmlFreeDoc(doc);
        /* a selector in another namespace does not count */
        doc = reply("<q:Selector xmlns:q=\"urn:other\" Name=\"ShellId\">X</q:Selector>");
        ck_assert_int_eq(winrs_shell_id(doc, id, sizeof(id)), -1);
        xmlFreeDoc(doc);
        doc = reply("<w:Selector Name=\"ShellId\">two words</w:Selector>");
        ck_assert_int_eq(winrs_shell_id(doc, id, sizeof(id)), -1);
        xmlFreeDoc(doc);
        doc = reply("<w:Selector Name=\"ShellId\"></w:Selector>");
        ck_assert_int_eq(winrs_shell_id(doc, id, sizeof(id)), -1);
        xmlFreeDoc(doc);
        doc = reply("<w:Selector Name=\"ShellId\">A&#x7f;&#x9b;2J</w:Selector>");
        ck_assert_int_eq(winrs_shell_id(doc, id, sizeof(id)), -1);
        xmlFreeDoc(doc);
        {
                char longer[WINRS_ID_MAX + 64];
                memset(longer, 'A', sizeof(longer) - 1);
                longer[sizeof(longer) - 1] = '\0';
                char body[sizeof(longer) + 64];
                snprintf(body, sizeof(body), "<rsp:ShellId>%s</rsp:ShellId>", longer);
                doc = reply(body);
                ck_assert_int_eq(winrs_shell_id(doc, id, sizeof(id)), -1);
                xmlFreeDoc(doc);
        }
}
END_TEST

START_TEST(reply_command_id)
{
        char id[WINRS_ID_MAX];
        xmlDoc *doc = reply("<rsp:CommandResponse><rsp:CommandId>" COMMAND_ID "</rsp:CommandId></rsp:CommandResponse>");

        ck_assert_int_eq(winrs_command_id(doc, id, sizeof(id)), 0);
        ck_assert_str_eq(id, COMMAND_ID);
        xmlFreeDoc(doc);
        doc = reply("<rsp:CommandResponse/>");
        ck_assert_int_eq(winrs_command_id(doc, id, sizeof(id)), -1);
        xmlFreeDoc(doc);
}
END_TEST

/* PROTOCOL.md 6.4's reply, with stderr between two stdout chunks. */
START_TEST(receive_done)
{
        struct winrs_received r;
        xmlDoc *doc = reply(
                "<rsp:ReceiveResponse>"
                "<rsp:Stream Name=\"stdout\" CommandId=\"" COMMAND_ID "\">aGVsbG8K</rsp:Stream>"
                "<rsp:Stream Name=\"stderr\" CommandId=\"" COMMAND_ID "\">b29wcw==</rsp:Stream>"
                "<rsp:Stream Name=\"stdout\" CommandId=\"" COMMAND_ID "\">\nYnll\n</rsp:Stream>"
                "<rsp:Stream Name=\"stdout\" CommandId=\"" COMMAND_ID "\" End=\"true\"></rsp:Stream>"
                "<rsp:Stream Name=\"stderr\" CommandId=\"" COMMAND_ID "\" End=\"true\"/>"
                "<rsp:CommandState CommandId=\"" COMMAND_ID "\" State=\"" STATE_URI "Done\">"
                "<rsp:ExitCode>3</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse>");

        ck_assert_int_eq(winrs_parse_receive(doc, &r), 0);
        ck_assert_uint_eq(r.n, 3);
        ck_assert_int_eq(r.chunks[0].fd, 1);
        ck_assert_uint_eq(r.chunks[0].n, 6);
        ck_assert_mem_eq(r.chunks[0].p, "hello\n", 6);
        ck_assert_int_eq(r.chunks[1].fd, 2);
        ck_assert_mem_eq(r.chunks[1].p, "oops", 4);
        ck_assert_int_eq(r.chunks[2].fd, 1);
        ck_assert_mem_eq(r.chunks[2].p, "bye", 3);
        ck_assert(r.done && r.has_exit);
        ck_assert_int_eq(r.exit_code, 3);
        ck_assert_int_eq(winrs_exit_status(r.exit_code), 3);
        winrs_received_free(&r);
        xmlFreeDoc(doc);
}
END_TEST

START_TEST(receive_running_other_prefixes)
{
        struct winrs_received r;
        xmlDoc *doc = parse_xml(
                "<env:Envelope xmlns:env=\"" NS_SOAP "\"><env:Body><shell:ReceiveResponse xmlns:shell=\"" NS_RSP "\">"
                "<shell:Stream Name=\"stderr\">AP8bWzMxbQ==</shell:Stream>"
                "<shell:Stream Name=\"pr\">aGk=</shell:Stream>"
                "<Stream Name=\"stdout\">aGk=</Stream>"
                "<shell:CommandState State=\"" STATE_URI "Running\"/></shell:ReceiveResponse></env:Body></env:Envelope>");

        ck_assert_int_eq(winrs_parse_receive(doc, &r), 0);
        ck_assert_uint_eq(r.n, 1);
        ck_assert_int_eq(r.chunks[0].fd, 2);
        ck_assert_uint_eq(r.chunks[0].n, 7);
        ck_assert_mem_eq(r.chunks[0].p, "\0\xff\x1b[31m", 7);
        ck_assert(!r.done && !r.has_exit);
        winrs_received_free(&r);
        xmlFreeDoc(doc);
}
END_TEST

START_TEST(receive_exit_codes)
{
        static const struct {
                const char *text;
                int rc;
                long long code;
        } cases[] = {
                { "0", 0, 0 }, { " 255\n", 0, 255 }, { "-1", 0, -1 }, { "3221225786", 0, 3221225786LL },
                { "", -EPROTO, 0 }, { "1x", -EPROTO, 0 }, { "- 1", -EPROTO, 0 }, { "99999999999999999999", -EPROTO, 0 },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char body[1024];
                struct winrs_received r;
                xmlDoc *doc;

                snprintf(body, sizeof(body), "<rsp:ReceiveResponse><rsp:CommandState State=\"" STATE_URI "Done\">"
                         "<rsp:ExitCode>%s</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse>", cases[i].text);
                doc = reply(body);
                ck_assert_int_eq(winrs_parse_receive(doc, &r), cases[i].rc);
                if (cases[i].rc == 0) {
                        ck_assert(r.done && r.has_exit);
                        ck_assert_int_eq(r.exit_code, cases[i].code);
                }
                winrs_received_free(&r);
                xmlFreeDoc(doc);
        }
        ck_assert_int_eq(winrs_exit_status(0), 0);
        ck_assert_int_eq(winrs_exit_status(255), 255);
        ck_assert_int_eq(winrs_exit_status(256), 1);
        ck_assert_int_eq(winrs_exit_status(-1), 1);
        ck_assert_int_eq(winrs_exit_status(3221225786LL), 1);
}
END_TEST

START_TEST(receive_done_without_exit_code)
{
        struct winrs_received r;
        xmlDoc *doc = reply("<rsp:ReceiveResponse><rsp:CommandState State=\"" STATE_URI "Done\"/></rsp:ReceiveResponse>");

        ck_assert_int_eq(winrs_parse_receive(doc, &r), 0);
        ck_assert(r.done && !r.has_exit);
        winrs_received_free(&r);
        xmlFreeDoc(doc);
}
END_TEST

START_TEST(receive_refused)
{
        static const char *const bodies[] = {
                "<rsp:CommandResponse/>",
                "<rsp:ReceiveResponse><rsp:Stream Name=\"stdout\">%%%%</rsp:Stream></rsp:ReceiveResponse>",
                "<rsp:ReceiveResponse><rsp:Stream Name=\"stdout\">aGVsbG8</rsp:Stream></rsp:ReceiveResponse>",
                "<q:ReceiveResponse xmlns:q=\"urn:other\"/>",
        };

        for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
                struct winrs_received r;
                xmlDoc *doc = reply(bodies[i]);
                ck_assert_int_eq(winrs_parse_receive(doc, &r), -EPROTO);
                ck_assert_uint_eq(r.n, 0);
                ck_assert_ptr_null(r.chunks);
                xmlFreeDoc(doc);
        }
}
END_TEST

/* --- faults ------------------------------------------------------------------------------------------ */

#define FAULT(subcode, code) \
        "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>" subcode "</s:Value></s:Subcode>" \
        "</s:Code><s:Reason><s:Text xml:lang=\"en-US\">r</s:Text></s:Reason><s:Detail>" code "</s:Detail></s:Fault>"
#define WSMANFAULT(n) "<f:WSManFault xmlns:f=\"" NS_WSMFAULT "\" Code=\"" n "\" Machine=\"m\"/>"

START_TEST(fault_timed_out)
{
        xmlDoc *doc = reply(FAULT("w:TimedOut", WSMANFAULT("2150858793")));

        ck_assert_uint_eq(winrs_fault_code(doc), WINRS_TIMED_OUT);
        ck_assert(winrs_is_timeout(doc));
        xmlFreeDoc(doc);
        /* the code alone, or the subcode alone */
        doc = reply(FAULT("w:Other", WSMANFAULT("2150858793")));
        ck_assert(winrs_is_timeout(doc));
        xmlFreeDoc(doc);
        doc = reply(FAULT("wsman:TimedOut", "") );
        ck_assert(!winrs_is_timeout(doc));       /* wsman: is not declared */
        xmlFreeDoc(doc);
        doc = reply("<s:Fault xmlns:m=\"" NS_WSMAN "\"><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>"
                    " m:TimedOut </s:Value></s:Subcode></s:Code></s:Fault>");
        ck_assert(winrs_is_timeout(doc));
        ck_assert_uint_eq(winrs_fault_code(doc), 0);
        xmlFreeDoc(doc);
}
END_TEST

START_TEST(fault_other)
{
        xmlDoc *doc = reply(FAULT("w:InvalidSelectors", WSMANFAULT("2150858843")));

        ck_assert_uint_eq(winrs_fault_code(doc), 2150858843u);
        ck_assert(!winrs_is_timeout(doc));
        xmlFreeDoc(doc);
        doc = reply(FAULT("w:TimedOutNot", WSMANFAULT("x")));
        ck_assert_uint_eq(winrs_fault_code(doc), 0);
        ck_assert(!winrs_is_timeout(doc));
        xmlFreeDoc(doc);
        doc = reply("<rsp:ReceiveResponse/>");
        ck_assert(!winrs_is_timeout(doc));
        ck_assert_uint_eq(winrs_fault_code(doc), 0);
        xmlFreeDoc(doc);
}
END_TEST

Suite *winrs_suite(void)
{
        Suite *s = suite_create("winrs");
        TCase *tc = tcase_create("winrs");

        tcase_add_test(tc, args_basic);
        tcase_add_test(tc, args_names_and_prefixes);
        tcase_add_test(tc, args_command_starts);
        tcase_add_test(tc, args_help);
        tcase_add_test(tc, args_errors);
        tcase_add_test(tc, body_create_plain);
        tcase_add_test(tc, body_create_dir_and_env);
        tcase_add_test(tc, body_command);
        tcase_add_test(tc, body_receive_send_signal);
        tcase_add_test(tc, body_send_chunk_fits);
        tcase_add_test(tc, envelope_create);
        tcase_add_test(tc, envelope_others);
        tcase_add_test(tc, envelope_headers_as_clients);
        tcase_add_test(tc, reply_shell_id);
        tcase_add_test(tc, reply_command_id);
        tcase_add_test(tc, receive_done);
        tcase_add_test(tc, receive_running_other_prefixes);
        tcase_add_test(tc, receive_exit_codes);
        tcase_add_test(tc, receive_done_without_exit_code);
        tcase_add_test(tc, receive_refused);
        tcase_add_test(tc, fault_timed_out);
        tcase_add_test(tc, fault_other);
        suite_add_tcase(s, tc);
        return s;
}
