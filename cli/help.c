/* help.c - the winrm command's help, laid out as winrm.cmd lays out its
 * own: a general page naming the operations and topics, one page per
 * operation, and the topics uris, aliases, config, remoting, switches. */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "help.h"

static const char general[] =
        "winrm - WS-Management from the command line (winrmd " WINRMD_VERSION ")\n"
        "\n"
        "Usage:\n"
        "  winrm OPERATION RESOURCE_URI [-SWITCH:VALUE [-SWITCH:VALUE] ...]\n"
        "        [@{KEY=VALUE[;KEY=VALUE]...}]\n"
        "\n"
        "Without -r: the command talks to the local winrmd over its control socket\n"
        "and needs no password (root or a member of the administrators' groups).\n"
        "\n"
        "For help on one operation:\n"
        "  winrm g[et] -?        Read a resource.\n"
        "  winrm s[et] -?        Change a resource (also: put).\n"
        "  winrm c[reate] -?     Create a resource instance.\n"
        "  winrm d[elete] -?     Delete a resource instance.\n"
        "  winrm e[numerate] -?  List the instances of a resource.\n"
        "  winrm i[nvoke] -?     Run a method of a resource.\n"
        "  winrm id[entify] -?   Ask a service what it is.\n"
        "  winrm quickconfig -?  Make this host ready for remote management.\n"
        "\n"
        "For help on related topics:\n"
        "  winrm help uris       How resource URIs are written.\n"
        "  winrm help aliases    Short forms of URIs.\n"
        "  winrm help config     The client and service configuration.\n"
        "  winrm help remoting   Reaching remote hosts.\n"
        "  winrm help switches   Every switch.\n";

static const char get_help[] =
        "winrm get RESOURCE_URI [-SWITCH:VALUE ...]\n"
        "\n"
        "Reads the instance RESOURCE_URI names and prints it.\n"
        "\n"
        "Examples:\n"
        "  winrm get wsman:microsoft.com/wsman/2005/06/config\n"
        "  winrm get wsman:microsoft.com/wsman/2005/06/config -format:#xml\n"
        "  winrm get winrm/config/listener?Address=*+Transport=HTTPS\n"
        "  winrm get wsman:system/2005/06/this -r:host.example.com -u:admin -usessl\n";

static const char set_help[] =
        "winrm set RESOURCE_URI [-SWITCH:VALUE ...] [@{KEY=\"VALUE\"[;KEY=\"VALUE\"]...} | -file:PATH]\n"
        "\n"
        "Changes the named values of an instance and prints it as it is afterwards.\n"
        "A name deep in the resource (Service/HTTPS/Basic) is found by its name.\n"
        "\n"
        "Examples:\n"
        "  winrm put wsman:microsoft.com/wsman/2005/06/config/Listener?IP=192.0.2.1+Port=443 @{Enabled=\"False\"}\n"
        "  winrm set winrm/config/service @{MaxConnections=\"25\"}\n";

static const char create_help[] =
        "winrm create RESOURCE_URI [-SWITCH:VALUE ...] [@{KEY=\"VALUE\"[;KEY=\"VALUE\"]...} | -file:PATH]\n"
        "\n"
        "Creates an instance.  The last segment of a seed URI must be written with the\n"
        "case of the element it creates (Listener).\n"
        "\n"
        "Examples:\n"
        "  winrm create wsman:microsoft.com/wsman/2005/06/config/Listener?IP=192.0.2.1+Port=443\n"
        "        @{Hostname=\"host\";CertificateThumbprint=\"4907de...\"}\n"
        "  winrm create winrm/config/listener?Address=*+Transport=HTTP @{Port=\"5985\"}\n";

static const char delete_help[] =
        "winrm delete RESOURCE_URI [-SWITCH:VALUE ...]\n"
        "\n"
        "Deletes an instance; prints nothing when it is gone.\n"
        "\n"
        "Example:\n"
        "  winrm delete wsman:microsoft.com/wsman/2005/06/config/Listener?IP=192.0.2.1+Port=444\n";

static const char enumerate_help[] =
        "winrm enumerate RESOURCE_URI [-returnType:object|epr|objectandepr] [-filter:F -dialect:D]\n"
        "\n"
        "Lists every instance (Enumerate, then Pull to the end).  Text: one tree per\n"
        "instance; -format:#xml: the instances inside a <wsman:Results> element.\n"
        "\n"
        "Example:\n"
        "  winrm enumerate wsman:microsoft.com/wsman/2005/06/config/Listener\n";

static const char invoke_help[] =
        "winrm invoke METHOD RESOURCE_URI [@{KEY=\"VALUE\"[;KEY=\"VALUE\"]...} | -file:PATH]\n"
        "\n"
        "Runs METHOD of the resource; the input is METHOD_INPUT, the output printed.\n"
        "\n"
        "Example:\n"
        "  winrm invoke Retrieve wsman:Microsoft.com/wsman/2005/06/config/Certificate @{Hostname=\"host.example.com\"}\n";

static const char identify_help[] =
        "winrm identify [-r:TARGET [-u:USER | -a:none]]\n"
        "\n"
        "Asks a service for its protocol version, vendor and product version.\n"
        "-a:none asks without credentials (the service answers less).\n";

static const char quickconfig_help[] =
        "winrm quickconfig [-q] [-transport:https|http]\n"
        "\n"
        "Makes this host ready for remote management: unless it already has one,\n"
        "creates an HTTPS listener on *:5986 with a certificate for this host's name\n"
        "(found with Retrieve, or made self-signed into the certificate store), or\n"
        "with -transport:http an HTTP listener on *:5985.  Asks first; -q answers yes.\n"
        "Run again, it changes nothing.\n";

static const char uris_help[] =
        "Resource URIs\n"
        "\n"
        "A resource URI names a resource; selectors after a '?' name one instance:\n"
        "  URI?NAME=VALUE[+NAME=VALUE]...\n"
        "A value may hold %-escapes (%2B for a '+').  The seed's URIs (wsman:...) compare\n"
        "their host part without case and the rest with case; today's\n"
        "(http://schemas.microsoft.com/wbem/wsman/1/...) without case.\n"
        "\n"
        "Examples:\n"
        "  wsman:microsoft.com/wsman/2005/06/config\n"
        "  wsman:microsoft.com/wsman/2005/06/config/Listener?IP=*+Port=443\n"
        "  wsman:system/2005/06/this\n"
        "  winrm/config/listener?Address=IP:192.0.2.1+Transport=HTTPS\n";

static const char aliases_help[] =
        "Aliases\n"
        "\n"
        "  winrm/    = http://schemas.microsoft.com/wbem/wsman/1/\n"
        "  wmi/      = http://schemas.microsoft.com/wbem/wsman/1/wmi/\n"
        "  wmicimv2/ = http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/\n"
        "  cimv2/    = http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/\n"
        "  shell/    = http://schemas.microsoft.com/wbem/wsman/1/windows/shell/\n";

static const char config_help[] =
        "Configuration\n"
        "\n"
        "The configuration of winrmd is a resource like any other:\n"
        "  winrm get wsman:microsoft.com/wsman/2005/06/config   (the seed's view)\n"
        "  winrm get winrm/config                               (today's view)\n"
        "  winrm set winrm/config/service @{MaxConnections=\"25\"}\n"
        "  winrm enumerate winrm/config/listener\n"
        "\n"
        "The Client section is what this command obeys when it reaches a remote host:\n"
        "its default ports, URLPrefix, NetworkDelayms (added to time-outs), and whether\n"
        "Basic may go over plain HTTP (Client/HTTP/Unencrypted/Basic).  It is read from\n"
        "the local winrmd when the command may use its control socket; otherwise the\n"
        "defaults apply.  See winrmd.conf(5).\n";

static const char remoting_help[] =
        "Remote access\n"
        "\n"
        "  -r:HOST | -r:HOST:PORT | -r:[IPV6]:PORT | -r:https://HOST:PORT/wsman\n"
        "  (-remote: and the seed's -target: are the same switch)\n"
        "\n"
        "Over HTTPS (-usessl, or an https:// URL) with Basic (-u:USER, and -p:,\n"
        "WINRM_PASSWORD or a prompt) or a client certificate (-a:certificate\n"
        "-certificate:PATH|THUMBPRINT).  The server's certificate must be trusted and\n"
        "name the host, unless -skipCAcheck / -skipCNcheck.\n"
        "\n"
        "Example:\n"
        "  winrm get wsman:system/2005/06/this -r:https://host.example.com:5986/wsman -u:admin\n";

static const char switches_help[] =
        "Switches (each may start with - or /; names without case)\n"
        "\n"
        "  -r:TARGET, -remote:TARGET, -target:TARGET   the service to reach\n"
        "  -u:USER, -username:USER        Basic user name\n"
        "  -p:PASS, -password:PASS        its password (else WINRM_PASSWORD, else a prompt)\n"
        "  -a:SCHEME, -auth:SCHEME        Basic, Certificate or None\n"
        "  -certificate:PATH|THUMBPRINT   client certificate (PEM; key inside or PATH.key)\n"
        "  -usessl                        HTTPS\n"
        "  -unencrypted                   allow plain HTTP where the Client section allows it\n"
        "  -skipCAcheck, -skipCNcheck     accept a server certificate from any issuer / for any name\n"
        "  -cafile:PATH                   trust the CAs in PATH (PEM) instead of the system's\n"
        "  -format:#xml|text|pretty       output format (text by default)\n"
        "  -timeout:MS                    operation time-out in milliseconds\n"
        "  -file:PATH                     the request body from a file\n"
        "  -fragment:PATH [-dialect:URI]  a part of a resource\n"
        "  -filter:F [-dialect:URI]       enumerate what matches F\n"
        "  -returnType:object|epr|objectandepr   what enumerate returns\n"
        "  -socket:PATH                   the local agent's socket (or WINRMD_SOCKET)\n"
        "  -q                             quickconfig: answer yes\n"
        "  -transport:https|http          quickconfig: the listener to make\n";

static const struct {
        const char *name;
        const char *text;
} topics[] = {
        { "", general }, { "get", get_help }, { "set", set_help }, { "put", set_help },
        { "create", create_help }, { "delete", delete_help }, { "enumerate", enumerate_help },
        { "invoke", invoke_help }, { "identify", identify_help }, { "quickconfig", quickconfig_help },
        { "uris", uris_help }, { "uri", uris_help }, { "aliases", aliases_help }, { "alias", aliases_help },
        { "config", config_help }, { "remoting", remoting_help }, { "switches", switches_help },
};

int help_print(FILE *f, const char *topic)
{
        for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++) {
                if (!strcasecmp(topic ? topic : "", topics[i].name)) {
                        fputs(topics[i].text, f);
                        return 0;
                }
        }
        fprintf(stderr, "winrm: there is no help on \"%.64s\"; the topics are uris, aliases, config, remoting and "
                        "switches.\n", topic);
        return 2;
}
