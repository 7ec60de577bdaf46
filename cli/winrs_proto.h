/* winrs_proto.h - the WinRS messages of the winrs command (PROTOCOL.md
 * section 6): the envelopes of Create, Command, Receive, Send, Signal and
 * Delete on the cmd shell resource, as Windows' own clients send them
 * (DMTF namespaces, the shell's options in a w:OptionSet), and readers for
 * the replies: the ShellId, the CommandId, a ReceiveResponse's stream
 * bytes, state and exit code, a fault's code.  No sockets here. */
#ifndef WINRS_PROTO_H
#define WINRS_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>

#include "winrs_args.h"

#define WINRS_NS "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
#define WINRS_URI WINRS_NS "/cmd"
#define WINRS_SIGNAL_CTRL_C WINRS_NS "/signal/ctrl_c"
#define WINRS_SIGNAL_TERMINATE WINRS_NS "/signal/terminate"
/* w:TimedOut: a Receive with nothing to say yet (re-polled) */
#define WINRS_TIMED_OUT 2150858793u
/* ShellIds and CommandIds are GUIDs: anything longer is refused */
#define WINRS_ID_MAX 128
/* stdin bytes per Send: with base64 and the envelope, well under the
 * smallest MaxEnvelopeSizekb a service is likely to have (winrmd: 50) */
#define WINRS_SEND_CHUNK 24576

enum winrs_op { WINRS_CREATE, WINRS_COMMAND, WINRS_RECEIVE, WINRS_SEND, WINRS_SIGNAL, WINRS_DELETE };

/* What every request of one session carries. */
struct winrs_head {
        const char *to;             /* the endpoint URL (a:To) */
        long timeout_ms;            /* OperationTimeout; <= 0: 60 s */
        const char *shell_id;       /* all but Create */
        const struct winrs_opts *opts;      /* Create: WINRS_NOPROFILE, WINRS_CODEPAGE */
};

/* The bodies (s:Body's content; new strings, caller frees; NULL on OOM).
 * Create: rsp:Shell with stdin, stdout stderr, -d: and -env:.  Command:
 * one word as the whole rsp:Command, else the first word as rsp:Command
 * and one rsp:Arguments per other word. */
char *winrs_create_body(const struct winrs_opts *o);
char *winrs_command_body(char *const *words, size_t n);
char *winrs_receive_body(const char *command_id);
char *winrs_send_body(const char *command_id, const void *p, size_t n, bool end);
char *winrs_signal_body(const char *command_id, const char *code);
/* The whole envelope of op with body ("" for Delete).  New string; caller
 * frees; NULL on OOM. */
char *winrs_envelope(enum winrs_op op, const struct winrs_head *h, const char *body);

/* The ShellId of a Create reply (the w:Selector Name="ShellId" of
 * ResourceCreated, else rsp:Shell/rsp:ShellId) and the CommandId of a
 * Command reply, into out: 0, or -1 when there is none or it is not a
 * plausible id (printable ASCII without blanks, under WINRS_ID_MAX). */
int winrs_shell_id(xmlDoc *reply, char *out, size_t len);
int winrs_command_id(xmlDoc *reply, char *out, size_t len);

/* One rsp:Stream's decoded bytes; fd 1 for stdout, 2 for stderr. */
struct winrs_chunk {
        int fd;
        unsigned char *p;
        size_t n;
};

/* A ReceiveResponse read: the stdout and stderr chunks in document order
 * (empty ones left out), and the command's state. */
struct winrs_received {
        struct winrs_chunk *chunks;
        size_t n;
        bool done;                  /* CommandState .../CommandState/Done */
        bool has_exit;              /* rsp:ExitCode present and a number */
        long long exit_code;
};

/* Reads reply into *out (zeroed first; free with winrs_received_free()):
 * 0, -EPROTO (not a ReceiveResponse, a stream that is not base64, an
 * ExitCode that is not a number) or -ENOMEM.  Streams other than stdout and
 * stderr are ignored. */
int winrs_parse_receive(xmlDoc *reply, struct winrs_received *out);
void winrs_received_free(struct winrs_received *r);

/* The f:WSManFault Code of a fault reply, or 0. */
uint32_t winrs_fault_code(xmlDoc *reply);
/* Whether a fault says the Receive timed out with nothing to send: Code
 * 2150858793, or the subcode w:TimedOut. */
bool winrs_is_timeout(xmlDoc *reply);
/* The exit status for a remote exit code: 0..255 as they are; any other
 * value (Windows' 32-bit codes, negative ones) 1, never 0. */
int winrs_exit_status(long long code);

#endif
