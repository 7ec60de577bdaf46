"""Texts of the seed (WinRM "Configuration and Security") that several
test modules compare with: parse them, never compare them as strings."""

# The seed's `winrm get wsman:microsoft.com/wsman/2005/06/config -format:#xml`,
# verbatim but for whitespace (insignificant here).
SEED_CONFIG_XML = """\
<cfg:Config xmlns:cfg="wsman:microsoft.com/wsman/2005/06/config.xsd">
  <cfg:MaxEnvelopeSizekb>50</cfg:MaxEnvelopeSizekb>
  <cfg:MaxTimeoutms>60000</cfg:MaxTimeoutms>
  <cfg:MaxBatchItems>20</cfg:MaxBatchItems>
  <cfg:SoapTraceEnabled>false</cfg:SoapTraceEnabled>
  <cfg:MaxProviderRequests>25</cfg:MaxProviderRequests>
  <cfg:Client>
    <cfg:NetworkDelayms>5000</cfg:NetworkDelayms>
    <cfg:URLPrefix>wsman</cfg:URLPrefix>
    <cfg:HTTP>
      <cfg:Port>80</cfg:Port>
      <cfg:Unencrypted>
        <cfg:Basic>false</cfg:Basic>
        <cfg:Digest>false</cfg:Digest>
        <cfg:Negotiate>false</cfg:Negotiate>
      </cfg:Unencrypted>
    </cfg:HTTP>
    <cfg:HTTPS>
      <cfg:Port>443</cfg:Port>
      <cfg:Basic>true</cfg:Basic>
      <cfg:Digest>true</cfg:Digest>
      <cfg:Negotiate>true</cfg:Negotiate>
      <cfg:Mutual>false</cfg:Mutual>
    </cfg:HTTPS>
  </cfg:Client>
  <cfg:Service>
    <cfg:RootSDDL>O:NSG:BAD:P(A;;GA;;;BA)S:P(AU;FA;GA;;;WD)(AU;SA;GWGX;;;WD)</cfg:RootSDDL>
    <cfg:MaxConcurrentOperations>100</cfg:MaxConcurrentOperations>
    <cfg:EnumerationTimeoutms>60000</cfg:EnumerationTimeoutms>
    <cfg:MaxClientCertInfoSize>16384</cfg:MaxClientCertInfoSize>
    <cfg:MaxConnections>5</cfg:MaxConnections>
    <cfg:HTTP>
      <cfg:Unencrypted>
        <cfg:Basic>false</cfg:Basic>
        <cfg:Negotiate>false</cfg:Negotiate>
      </cfg:Unencrypted>
    </cfg:HTTP>
    <cfg:HTTPS>
      <cfg:Basic>true</cfg:Basic>
      <cfg:Negotiate>true</cfg:Negotiate>
      <cfg:Mutual>false</cfg:Mutual>
    </cfg:HTTPS>
  </cfg:Service>
</cfg:Config>
"""
