/* output.h - what the winrm command prints: a reply's body as the seed's
 * indented text tree, as XML, or indented XML; enumerated items; faults in
 * the seed's layout with their error numbers. */
#ifndef WINRM_OUTPUT_H
#define WINRM_OUTPUT_H

#include <stdint.h>
#include <stdio.h>
#include <libxml/tree.h>

enum out_format { OUT_TEXT, OUT_XML, OUT_PRETTY };

/* Prints each element child of the reply's s:Body (a Get, Put, Invoke or
 * Create reply) in fmt; nothing for an empty body. */
void out_body(FILE *f, xmlDoc *reply, enum out_format fmt);
/* Prints enumerated items: text, one tree each separated by a blank line;
 * XML, inside the seed's <wsman:Results> wrapper. */
void out_items(FILE *f, xmlNode *const *items, size_t n, enum out_format fmt);
/* Whether reply is a SOAP fault. */
int out_is_fault(xmlDoc *reply);
/* Prints a fault as the seed does: the f:WSManFault element (either
 * generation's namespace) as XML, then "Error number: -2146992128
 * 0x80078000", then the fault's reason text.  Returns the error number. */
uint32_t out_fault(FILE *f, xmlDoc *reply);
/* The error number of a WSManFault Code: 0x80070000 | code for the seed's
 * 16-bit codes (32768 -> 0x80078000), the code itself when it is already
 * an HRESULT (2150858752 -> 0x80338000). */
uint32_t out_error_number(uint32_t code);

#endif
