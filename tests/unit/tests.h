/* tests.h - the suites of the unit test runner and their shared helpers
 * (test_support.c). */
#ifndef WINRMD_TESTS_H
#define WINRMD_TESTS_H

#include <stddef.h>
#include <check.h>
#include <libxml/tree.h>

Suite *envelope_suite(void);
Suite *envelope_hostile_suite(void);
Suite *fault_suite(void);
Suite *util_suite(void);
Suite *plugin_suite(void);
Suite *auth_suite(void);
Suite *config_suite(void);
Suite *sddl_suite(void);
Suite *sddl_linux_suite(void);
Suite *lrec_suite(void);
Suite *trace_suite(void);
Suite *http_parse_suite(void);
Suite *log_suite(void);
Suite *enumctx_suite(void);
Suite *enumsel_suite(void);
Suite *writer_suite(void);
Suite *config_listeners_suite(void);
Suite *certs_suite(void);
Suite *cli_output_suite(void);
Suite *cli_transport_suite(void);
Suite *winrs_suite(void);
Suite *shell_suite(void);
Suite *monitor_peer_suite(void);

/* The source tree: $WINRMD_SRCDIR (set by make check), else the configure-time
 * path.  Borrowed. */
const char *t_srcdir(void);
/* Whole file as a new NUL-terminated buffer (caller frees); *len is its size
 * without the NUL.  Fails the test if it cannot be read. */
char *t_read_file(const char *path, size_t *len);
/* The body of a recorded HTTP request in tests/captures (everything after
 * the first blank line); caller frees. */
char *t_capture_body(const char *name, size_t *len);
/* Writes s to path (fails the test on error). */
void t_write_file(const char *path, const char *s);

/* For the configuration suites' fixtures: t_store_setup() makes a new
 * temporary directory, names dir/winrmd.conf in path (nothing is written)
 * and starts from an empty configuration with no watch; t_store_teardown()
 * empties the configuration again and removes path (file or directory),
 * path.tmp and dir. */
void t_store_setup(char *dir, size_t dir_size, char *path, size_t path_size);
void t_store_teardown(const char *dir, const char *path);
/* Writes text to path and expects config_load() to refuse it with -EINVAL
 * and an error (into err) that names "path:line:"; returns where in err
 * that name starts. */
const char *t_store_load_bad(const char *path, const char *text, unsigned line,
                             char *err, size_t err_size);

/* XPath over doc with the WS-Man prefixes registered: s a w w5 p f f5 x n rsp
 * wsmid (see test_support.c).  t_xpath_str: string(expr), caller frees;
 * t_xpath_count: number of nodes; t_xpath_node: the single node (fails the
 * test unless exactly one matches). */
char *t_xpath_str(xmlDoc *doc, const char *expr);
int t_xpath_count(xmlDoc *doc, const char *expr);
xmlNode *t_xpath_node(xmlDoc *doc, const char *expr);
/* Serializes doc and parses it again, so assertions see the wire form. */
xmlDoc *t_reparse(xmlDoc *doc);

#define NS_RSP "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"

/* Pieces of a minimal valid request, for the envelope suites. */
#define T_ENV_OPEN "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"" \
        " xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\"" \
        " xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\">"
#define T_ACTION "<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>"
#define T_MSGID "<a:MessageID>uuid:11111111-2222-3333-4444-555555555555</a:MessageID>"
#define T_RURI "<w:ResourceURI>urn:winrmd:test</w:ResourceURI>"
#define T_HDR_STD T_ACTION T_MSGID T_RURI
#define T_ENV_CLOSE "</s:Envelope>"
#define T_BODY "<s:Body/>"
/* A whole request with extra headers H and body content B. */
#define T_REQ(H, B) T_ENV_OPEN "<s:Header>" T_HDR_STD H "</s:Header><s:Body>" B "</s:Body>" T_ENV_CLOSE

#endif
