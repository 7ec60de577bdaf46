/* fault.h - the one table of WS-Man faults, and the code that writes them. */
#ifndef WINRMD_FAULT_H
#define WINRMD_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include <winrmd/provider.h>

#include "writer.h"

enum fault_id {
        F_NOT_FOUND,              /* a:DestinationUnreachable, instance (32768) */
        F_INVALID_RESOURCE_URI,   /* a:DestinationUnreachable, unknown URI */
        F_ACTION_NOT_SUPPORTED,   /* a:ActionNotSupported */
        F_ACTION_MISMATCH,        /* a:ActionNotSupported, ActionMismatch */
        F_INVALID_HEADER,         /* a:InvalidMessageInformationHeader */
        F_HEADER_REQUIRED,        /* a:MessageInformationHeaderRequired */
        F_ACCESS_DENIED,          /* w:AccessDenied */
        F_ALREADY_EXISTS,         /* w:AlreadyExists */
        F_CONCURRENCY,            /* w:Concurrency */
        F_ENCODING_LIMIT,         /* w:EncodingLimit */
        F_MAX_ENVELOPE_SIZE,      /* w:EncodingLimit, MaxEnvelopeSize */
        F_INVALID_OPTIONS,        /* w:InvalidOptions */
        F_INVALID_PARAMETER,      /* w:InvalidParameter, InvalidValue */
        F_INVALID_SELECTORS,      /* w:InvalidSelectors */
        F_QUOTA_LIMIT,            /* w:QuotaLimit */
        F_SCHEMA,                 /* w:SchemaValidationError (32833) */
        F_UNPARSABLE,             /* w:SchemaValidationError, not XML */
        F_UNSUPPORTED_FEATURE,    /* w:UnsupportedFeature */
        F_ADDRESSING_MODE,        /* w:UnsupportedFeature, AddressingMode */
        F_ENUMERATION_MODE,       /* w:UnsupportedFeature, EnumerationMode */
        F_TIMED_OUT,              /* w:TimedOut */
        F_INTERNAL,               /* w:InternalError */
        F_INVALID_REPRESENTATION, /* x:InvalidRepresentation */
        F_READ_ONLY,              /* x:InvalidRepresentation, ReadOnly */
        F_INVALID_ENUM_CONTEXT,   /* n:InvalidEnumerationContext */
        F_FILTER_DIALECT,         /* n:FilterDialectRequestedUnavailable */
        F_CANNOT_PROCESS_FILTER,  /* n:CannotProcessFilter */
        F_CERT_NOT_FOUND,         /* w:InvalidParameter (32898) */
        F_MUST_UNDERSTAND,        /* s:MustUnderstand */
        F_VERSION_MISMATCH,       /* s:VersionMismatch */
        F_MIN_ENVELOPE,           /* w:EncodingLimit, MinimumEnvelopeLimit */
        F_FRAGMENT_ACCESS,        /* w:UnsupportedFeature, FragmentLevelAccess */
        F_LOCALE,                 /* w:UnsupportedFeature, Locale */
        F_FRAGMENT_DIALECT,       /* w:FragmentDialectNotSupported */
        F_FRAGMENT_PATH,          /* w:InvalidParameter, a fragment path */
        F_INVALID_FRAGMENT,       /* x:InvalidRepresentation, InvalidFragment */
        F_COUNT
};

struct fault_row {
        enum fault_id id;
        const char *code;         /* "Sender", "Receiver", "MustUnderstand", ... */
        const char *sub_ns;       /* namespace of the subcode; NULL = none */
        const char *sub_prefix;
        const char *sub_local;
        const char *detail;       /* faultDetail suffix, or NULL */
        uint32_t wsman_code;      /* f:WSManFault@Code (current) */
        const char *reason;       /* default Reason/Text and Message */
};

/* The row for id (never NULL). */
const struct fault_row *fault_row(enum fault_id id);
/* The fault a provider status maps to. */
enum fault_id fault_from_status(winrmd_status st);
/* The Action header of a fault reply, chosen by subcode namespace. */
const char *fault_action(enum fault_id id);
/* The same for a reply written in the WS-Management namespace wsman_ns
 * (NS_WSMAN, or NS_WSMAN_2005 for a request in the 2005/06 one). */
const char *fault_action_ns(enum fault_id id, const char *wsman_ns);
/* Writes s:Fault into w (a trusted writer), self-contained: it declares
 * every namespace its QNames use.  legacy selects the seed's 2005/06
 * WSManFault shape; message NULL uses the row's text.  0 or -errno. */
int fault_write(struct writer *w, enum fault_id id, const char *message, bool legacy,
                const char *machine);
/* The same with today's WSManFault Code set to code instead of the row's
 * (0: the row's; the seed's shape keeps its own codes). */
int fault_write_code(struct writer *w, enum fault_id id, const char *message, bool legacy,
                     const char *machine, uint32_t code);
/* The same with the WS-Management subcodes and w:FaultDetail in the
 * namespace wsman_ns (NS_WSMAN, or NS_WSMAN_2005 whose detail URIs are
 * NS_WSMAN_2005 "/faultDetail/NAME"). */
int fault_write_ns(struct writer *w, enum fault_id id, const char *message, bool legacy,
                   const char *machine, uint32_t code, const char *wsman_ns);
/* The machine name written in faults (hostname, cached). */
const char *fault_machine(void);

#endif
