<?xml version="1.0" encoding="UTF-8"?>
<!-- ISPDB mirror entry for exmail.qq.com (the test DNS sends its host names to 127.0.11.x) -->
<clientConfig version="1.1">
  <emailProvider id="exmail.qq.com">
    <domain>exmail.qq.com</domain>
    <displayName>Tencent Exmail</displayName>
    <displayShortName>Exmail</displayShortName>
    <incomingServer type="imap">
      <hostname>imap.exmail.qq.com</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.exmail.qq.com</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.exmail.qq.com</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
    <documentation url="https://service.exmail.qq.com/">
      <descr lang="en">Tencent Exmail client settings</descr>
    </documentation>
  </emailProvider>
</clientConfig>
