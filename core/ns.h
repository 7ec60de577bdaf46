/* ns.h - namespace and action URIs of WS-Man (see PROTOCOL.md 2.1). */
#ifndef WINRMD_NS_H
#define WINRMD_NS_H

#define NS_SOAP "http://www.w3.org/2003/05/soap-envelope"
#define NS_SOAP11 "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_WSA "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define NS_WXF "http://schemas.xmlsoap.org/ws/2004/09/transfer"
#define NS_WSEN "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define NS_WSMAN "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define NS_WSMAN_2005 "http://schemas.xmlsoap.org/ws/2005/06/management"
#define NS_WSMV "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
#define NS_WSMFAULT "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
#define NS_WSMFAULT_2005 "http://schemas.microsoft.com/ws/2005/06/wsmanfault"
#define NS_WSMID "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"

#define WSA_ANONYMOUS NS_WSA "/role/anonymous"

#define ACT_GET NS_WXF "/Get"
#define ACT_PUT NS_WXF "/Put"
#define ACT_CREATE NS_WXF "/Create"
#define ACT_DELETE NS_WXF "/Delete"
#define ACT_ENUMERATE NS_WSEN "/Enumerate"
#define ACT_PULL NS_WSEN "/Pull"
#define ACT_RELEASE NS_WSEN "/Release"

#define FAULT_DETAIL "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/"
#define FAULT_DETAIL_2005 NS_WSMAN_2005 "/faultDetail/"
#define ACT_FAULT "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
#define ACT_FAULT_2005 NS_WSMAN_2005 "/fault"

#endif
