/* fault.c - every WS-Man fault winrmd sends comes from this table. */
#include "autoconfig.h"

#include <string.h>
#include <unistd.h>

#include <stdio.h>

#include "fault.h"
#include "ns.h"
#include "util.h"

#define A NS_WSA, "a"
#define W NS_WSMAN, "w"
#define X NS_WXF, "x"
#define N NS_WSEN, "n"

static const struct fault_row rows[F_COUNT] = {
        { F_NOT_FOUND, "Sender", A, "DestinationUnreachable", "InvalidResourceURI", 0x80338000u,
          "The resource identified by the resource uri and selectors could not be found." },
        { F_INVALID_RESOURCE_URI, "Sender", A, "DestinationUnreachable", "InvalidResourceURI", 0x8033803Bu,
          "The WS-Management service cannot process the request. The resource URI is missing or is not found in the WS-Management catalog." },
        { F_ACTION_NOT_SUPPORTED, "Sender", A, "ActionNotSupported", NULL, 0x80338013u,
          "The WS-Management service cannot process the request because the action is not supported." },
        { F_ACTION_MISMATCH, "Sender", A, "ActionNotSupported", "ActionMismatch", 0x80338031u,
          "The WS-Management service cannot process the request because the resource does not support this action." },
        { F_INVALID_HEADER, "Sender", A, "InvalidMessageInformationHeader", NULL, 0x8033800Fu,
          "The WS-Management service cannot process the request because a header is invalid." },
        { F_HEADER_REQUIRED, "Sender", A, "MessageInformationHeaderRequired", NULL, 0x80338011u,
          "The WS-Management service cannot process the request because a required header is missing." },
        { F_ACCESS_DENIED, "Sender", W, "AccessDenied", NULL, 5u,
          "Access is denied." },
        { F_ALREADY_EXISTS, "Sender", W, "AlreadyExists", NULL, 0x80338033u,
          "The WS-Management service cannot create the resource because it already exists." },
        { F_CONCURRENCY, "Sender", W, "Concurrency", NULL, 0x80338032u,
          "The action could not be completed due to concurrency or locking problems." },
        { F_ENCODING_LIMIT, "Sender", W, "EncodingLimit", "ServiceEnvelopeLimit", 0x80338049u,
          "The WS-Management service cannot process the request because the envelope exceeds MaxEnvelopeSizekb." },
        { F_MAX_ENVELOPE_SIZE, "Sender", W, "EncodingLimit", "MaxEnvelopeSize", 0x80338048u,
          "The response that the WS-Management service computed exceeds the maximum envelope size." },
        { F_INVALID_OPTIONS, "Sender", W, "InvalidOptions", "NotSupported", 0x80338039u,
          "The WS-Management service does not support an option that the request requires." },
        { F_INVALID_PARAMETER, "Sender", W, "InvalidParameter", "InvalidValue", 0x8033803Au,
          "The parameter is incorrect." },
        { F_INVALID_SELECTORS, "Sender", W, "InvalidSelectors", NULL, 0x8033803Du,
          "The WS-Management service cannot process the request because the request contained invalid selectors for the resource." },
        { F_QUOTA_LIMIT, "Sender", W, "QuotaLimit", NULL, 0x8033803Fu,
          "The WS-Management service cannot process the request because a quota was exceeded." },
        { F_SCHEMA, "Sender", W, "SchemaValidationError", NULL, 0x80338041u,
          "The supplied SOAP violates the corresponding XML schema definition." },
        { F_UNPARSABLE, "Sender", W, "SchemaValidationError", NULL, 0x80338043u,
          "The WS-Management service cannot process the request because the XML is invalid." },
        { F_UNSUPPORTED_FEATURE, "Sender", W, "UnsupportedFeature", NULL, 0x80338042u,
          "The WS-Management service does not support the requested feature." },
        { F_ADDRESSING_MODE, "Sender", W, "UnsupportedFeature", "AddressingMode", 0x80338076u,
          "The WS-Management service supports only the anonymous reply address." },
        { F_ENUMERATION_MODE, "Sender", W, "UnsupportedFeature", "EnumerationMode", 0x80338086u,
          "The WS-Management service does not support the requested enumeration mode." },
        { F_TIMED_OUT, "Receiver", W, "TimedOut", NULL, 0x80338029u,
          "The WS-Management service cannot complete the operation within the time specified in OperationTimeout." },
        { F_INTERNAL, "Receiver", W, "InternalError", NULL, 0x80004005u,
          "The WS-Management service encountered an internal error." },
        { F_INVALID_REPRESENTATION, "Sender", X, "InvalidRepresentation", NULL, 0x80338015u,
          "The XML representation is invalid or an element is read-only." },
        { F_READ_ONLY, "Sender", X, "InvalidRepresentation", "ReadOnly", 0x80338015u,
          "The XML representation changes an element that is read-only." },
        { F_INVALID_ENUM_CONTEXT, "Receiver", N, "InvalidEnumerationContext", NULL, 0x8033801Bu,
          "The enumeration context supplied in the message is not valid." },
        { F_FILTER_DIALECT, "Sender", N, "FilterDialectRequestedUnavailable", NULL, 0x80338019u,
          "The requested filter dialect is not supported." },
        { F_CANNOT_PROCESS_FILTER, "Sender", N, "CannotProcessFilter", NULL, 0x8033801Au,
          "The requested filter could not be processed." },
        { F_CERT_NOT_FOUND, "Sender", W, "InvalidParameter", "InvalidValue", 0x80338082u,
          "The requested certificate was not found." },
        { F_MUST_UNDERSTAND, "MustUnderstand", NULL, NULL, NULL, NULL, 0x80338010u,
          "The WS-Management service cannot process a SOAP header in the request that is marked as mustUnderstand." },
        { F_VERSION_MISMATCH, "VersionMismatch", NULL, NULL, NULL, NULL, 0x8033800Du,
          "The WS-Management service supports SOAP 1.2 envelopes only." },
        { F_MIN_ENVELOPE, "Sender", W, "EncodingLimit", "MinimumEnvelopeLimit", 0x8033807Eu,
          "The WS-Management service cannot process the request because its MaxEnvelopeSize is less than 8192 octets." },
        { F_FRAGMENT_ACCESS, "Sender", W, "UnsupportedFeature", "FragmentLevelAccess", 0x80338077u,
          "The WS-Management service does not support fragment-level access to this resource." },
        { F_LOCALE, "Sender", W, "UnsupportedFeature", "Locale", 0x80338087u,
          "The WS-Management service cannot answer in the locale the request requires." },
        { F_FRAGMENT_DIALECT, "Sender", W, "FragmentDialectNotSupported", NULL, 0x80338090u,
          "The WS-Management service does not support the dialect of the FragmentTransfer header." },
        { F_FRAGMENT_PATH, "Sender", W, "InvalidParameter", "InvalidValue", 0x80338093u,
          "The fragment path of the FragmentTransfer header is not valid for this resource." },
        { F_INVALID_FRAGMENT, "Sender", X, "InvalidRepresentation", "InvalidFragment", 0x80338059u,
          "The XmlFragment of the request does not match its fragment path." },
};

const struct fault_row *fault_row(enum fault_id id)
{
        return &rows[id < F_COUNT ? id : F_INTERNAL];
}

enum fault_id fault_from_status(winrmd_status st)
{
        switch (st) {
        case WINRMD_E_NOT_FOUND: return F_NOT_FOUND;
        case WINRMD_E_SCHEMA: return F_SCHEMA;
        case WINRMD_E_EXISTS: return F_ALREADY_EXISTS;
        case WINRMD_E_DENIED: return F_ACCESS_DENIED;
        case WINRMD_E_UNSUPPORTED: return F_ACTION_MISMATCH;
        case WINRMD_E_SELECTORS: return F_INVALID_SELECTORS;
        case WINRMD_E_INVALID_VALUE: return F_INVALID_PARAMETER;
        case WINRMD_E_READ_ONLY: return F_READ_ONLY;
        case WINRMD_E_CERT_NOT_FOUND: return F_CERT_NOT_FOUND;
        case WINRMD_E_QUOTA: return F_QUOTA_LIMIT;
        case WINRMD_E_TIMED_OUT: return F_TIMED_OUT;
        case WINRMD_E_BUSY: return F_CONCURRENCY;
        case WINRMD_E_FEATURE: return F_UNSUPPORTED_FEATURE;
        default: return F_INTERNAL;
        }
}

const char *fault_action_ns(enum fault_id id, const char *wsman_ns)
{
        const struct fault_row *r = fault_row(id);

        if (r->sub_ns && !strcmp(r->sub_ns, NS_WSA))
                return NS_WSA "/fault";
        if (r->sub_ns && !strcmp(r->sub_ns, NS_WXF))
                return NS_WXF "/fault";
        if (r->sub_ns && !strcmp(r->sub_ns, NS_WSEN))
                return NS_WSEN "/fault";
        return wsman_ns && !strcmp(wsman_ns, NS_WSMAN_2005) ? ACT_FAULT_2005 : ACT_FAULT;
}

const char *fault_action(enum fault_id id)
{
        return fault_action_ns(id, NS_WSMAN);
}

const char *fault_machine(void)
{
        static char host[256];

        if (!host[0] && gethostname(host, sizeof(host) - 1) < 0)
                snprintf(host, sizeof(host), "localhost");
        return host;
}

/* The seed's shape: WSManFault > Message > ProviderFault > WSManFault > Message. */
static void write_legacy(struct writer *w, const struct fault_row *r, const char *msg, const char *machine)
{
        char code[16];

        snprintf(code, sizeof(code), "%u", (unsigned)(r->wsman_code & 0xffffu));
        writer_begin(w, NS_WSMFAULT_2005, "f:WSManFault");
        writer_attr(w, "Code", code);
        writer_attr(w, "Machine", machine);
        writer_begin(w, NULL, "Message");
        writer_begin(w, NULL, "ProviderFault");
        writer_attr(w, "providerId", "A855B0EE-65C2-4282-830B-7FA181E73BFF");
        writer_begin(w, NULL, "WSManFault");
        writer_attr(w, "Code", code);
        writer_attr(w, "Machine", "");
        writer_text(w, "Message", msg);
        writer_end(w);
        writer_end(w);
        writer_end(w);
        writer_end(w);
}

int fault_write(struct writer *w, enum fault_id id, const char *message, bool legacy, const char *machine)
{
        return fault_write_code(w, id, message, legacy, machine, 0);
}

int fault_write_code(struct writer *w, enum fault_id id, const char *message, bool legacy, const char *machine,
                     uint32_t code)
{
        return fault_write_ns(w, id, message, legacy, machine, code, NS_WSMAN);
}

int fault_write_ns(struct writer *w, enum fault_id id, const char *message, bool legacy, const char *machine,
                   uint32_t code, const char *wsman_ns)
{
        const struct fault_row *r = fault_row(id);
        const char *msg = message ? message : r->reason;
        bool ns2005 = wsman_ns && !strcmp(wsman_ns, NS_WSMAN_2005);
        /* the row's WS-Management subcode is written in the request's generation */
        const char *sub_ns = r->sub_ns && !strcmp(r->sub_ns, NS_WSMAN) && ns2005 ? NS_WSMAN_2005 : r->sub_ns;
        char value[128], num[16];

        /* self-contained: every prefix a QName in the text needs is
         * declared on the element that holds it */
        writer_begin(w, NS_SOAP, "s:Fault");
        writer_begin(w, NULL, "Code");
        snprintf(value, sizeof(value), "s:%s", r->code);
        writer_text(w, "Value", value);
        if (r->sub_ns) {
                writer_begin(w, NULL, "Subcode");
                writer_begin(w, NULL, "Value");
                writer_xmlns(w, r->sub_prefix, sub_ns);
                snprintf(value, sizeof(value), "%s:%s", r->sub_prefix, r->sub_local);
                writer_content(w, value);
                writer_end(w);
                writer_end(w);
        }
        writer_end(w);
        writer_begin(w, NULL, "Reason");
        writer_begin(w, NULL, "Text");
        writer_attr(w, "xml:lang", "en-US");
        writer_content(w, r->reason);
        writer_end(w);
        writer_end(w);
        writer_begin(w, NULL, "Detail");
        if (r->detail) {
                char d[256];
                snprintf(d, sizeof(d), "%s%s", ns2005 ? FAULT_DETAIL_2005 : FAULT_DETAIL, r->detail);
                writer_begin(w, ns2005 ? NS_WSMAN_2005 : NS_WSMAN, "w:FaultDetail");
                writer_content(w, d);
                writer_end(w);
        }
        if (legacy) {
                write_legacy(w, r, msg, machine);
        } else {
                snprintf(num, sizeof(num), "%u", (unsigned)(code ? code : r->wsman_code));
                writer_begin(w, NS_WSMFAULT, "f:WSManFault");
                writer_attr(w, "Code", num);
                writer_attr(w, "Machine", machine);
                writer_text(w, "Message", msg);
                writer_end(w);
        }
        writer_end(w);
        writer_end(w);
        return writer_finish(w);
}
