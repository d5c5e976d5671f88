//! The classifier against a table of real replies, and its invariants on any input.

use super::*;
use crate::clientconfig;
use crate::discover::provider_db::ProviderDb;
use crate::finding::FindingCode;
use crate::net::decode::reply_text as decode_reply;

use FindingCode::{
    AccountLocked, AppPasswordRequired, BadCredentials, ImapDisabled, Pop3Disabled, RateLimited,
    SmtpDisabled, TemporarilyUnavailable, TlsRequired, WebLoginRequired,
};

use crate::finding::Stage::{self, AfterLogin, Greeting, Login};
use Protocol::{Imap, Pop3, Smtp};

/// Provider files written inline, with reply patterns as in `providers/` (which these tests
/// do not depend on).
const PROVIDERS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1" xmlns:mc="urn:mailcheck:provider:1">
  <emailProvider id="qq">
    <domain>qq.com</domain>
    <domain>foxmail.com</domain>
    <displayName>QQ Mail</displayName>
    <mc:mx>mx1.qq.com</mc:mx>
    <incomingServer type="imap"><hostname>imap.qq.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.qq.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
    <mc:reply protocol="smtp" code="app_password_required">Please enter your authorization code to login</mc:reply>
    <mc:reply protocol="any" code="app_password_required">请使用授权码登录</mc:reply>
    <mc:reply protocol="any" code="bad_credentials" also="app_password_required">Authorized code is incorrect</mc:reply>
    <mc:reply protocol="imap" code="app_password_required" also="imap_disabled bad_credentials rate_limited temporarily_unavailable">service is not open</mc:reply>
    <mc:reply protocol="pop3" code="app_password_required" also="pop3_disabled bad_credentials rate_limited temporarily_unavailable">service is not open</mc:reply>
    <mc:reply protocol="smtp" code="app_password_required" also="smtp_disabled bad_credentials rate_limited temporarily_unavailable">service is not open</mc:reply>
  </emailProvider>
  <emailProvider id="exmail">
    <domain>exmail.qq.com</domain>
    <displayName>Tencent Exmail</displayName>
    <displayShortName>Exmail</displayShortName>
    <mc:mx>mxbiz*.qq.com</mc:mx>
    <incomingServer type="imap"><hostname>imap.exmail.qq.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.exmail.qq.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
    <mc:reply protocol="any" code="app_password_required">Please using weixin token</mc:reply>
  </emailProvider>
  <emailProvider id="163">
    <domain>163.com</domain>
    <displayName>NetEase 163</displayName>
    <incomingServer type="imap"><hostname>imap.163.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.163.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
    <mc:reply protocol="imap" code="web_login_required" also="app_password_required">Unsafe Login</mc:reply>
    <mc:reply protocol="smtp" code="smtp_disabled">User has no permission</mc:reply>
    <mc:reply protocol="smtp" code="bad_credentials" also="app_password_required smtp_disabled">Error: authentication failed</mc:reply>
  </emailProvider>
  <emailProvider id="gmail">
    <domain>gmail.com</domain>
    <displayName>Gmail</displayName>
    <incomingServer type="imap"><hostname>imap.gmail.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.gmail.com</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
    <mc:reply protocol="any" code="app_password_required">Application-specific password required</mc:reply>
    <mc:reply protocol="any" code="web_login_required">Please log in via your web browser</mc:reply>
  </emailProvider>
  <emailProvider id="microsoft365">
    <domain>onmicrosoft.com</domain>
    <displayName>Microsoft 365</displayName>
    <incomingServer type="imap"><hostname>outlook.office365.com</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.office365.com</hostname><port>587</port><socketType>STARTTLS</socketType></outgoingServer>
    <mc:reply protocol="smtp" code="smtp_disabled">SmtpClientAuthentication is disabled</mc:reply>
    <mc:reply protocol="smtp" code="account_locked">security defaults policy</mc:reply>
  </emailProvider>
</clientConfig>"#;

pub(super) fn db() -> ProviderDb {
    ProviderDb {
        providers: clientconfig::parse(PROVIDERS).unwrap().providers,
        broken: Vec::new(),
    }
}

/// A reply as text, or as the raw bytes a server sent.
enum In {
    T(&'static str),
    B(&'static [u8]),
}
use In::{B, T};

/// `535 Error: 请使用授权码登录。详情请看: …` in GBK, as older QQ servers send it.
const QQ_GBK: &[u8] = b"535 Error: \xc7\xeb\xca\xb9\xd3\xc3\xca\xda\xc8\xa8\xc2\xeb\xb5\xc7\xc2\xbc\xa1\xa3\xcf\xea\xc7\xe9\xc7\xeb\xbf\xb4: http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256";

const TENCENT: &[FindingCode] = &[
    AppPasswordRequired,
    SmtpDisabled,
    BadCredentials,
    RateLimited,
    AccountLocked,
    TemporarilyUnavailable,
];

type Row = (
    In,
    Option<Protocol>,
    Option<Stage>,
    Option<&'static str>,
    &'static [FindingCode],
    &'static str,
);

/// (reply, protocol, stage, provider id, the causes expected to lead the list (the first is
/// the code; empty = unknown), the start of the rule).
#[rustfmt::skip]
fn rows() -> Vec<Row> {
    let s = Some(Smtp);
    let i = Some(Imap);
    let p = Some(Pop3);
    vec![
        // Gmail.
        (T("534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor 5b1f17b1804b1-42f4e8a7a0esm1234567f8.1 - gsmtp"), s, Some(Login), None, &[AppPasswordRequired, WebLoginRequired], "SMTP 534 5.7.9"),
        (T("534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"), None, None, None, &[AppPasswordRequired, WebLoginRequired], "SMTP 534 5.7.9"),
        (T("534-5.7.9 Application-specific password required. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"), s, Some(Login), Some("gmail"), &[AppPasswordRequired], "provider gmail: reply pattern"),
        (T("534-5.7.9 Please log in with your web browser and then try again. Learn more at\r\n534 5.7.9  https://support.google.com/mail/?p=WebLoginRequired"), s, Some(Login), None, &[WebLoginRequired, AppPasswordRequired], "SMTP 534 5.7.9"),
        (T("534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbs> Please log in via your web browser and\r\n534-5.7.14 then try again.\r\n534 5.7.14  Learn more at https://support.google.com/mail/answer/78754"), s, Some(Login), None, &[WebLoginRequired, AppPasswordRequired], "SMTP 534 5.7.14"),
        (T("535-5.7.8 Username and Password not accepted. For more information, go to\r\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials d2e1a72fcca58-70ea4sm1234.2 - gsmtp"), s, Some(Login), None, &[BadCredentials, AppPasswordRequired, SmtpDisabled], "SMTP 535 5.7.8"),
        (T("smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted. For more information, go to\\n5.7.8  https://support.google.com/mail/?p=BadCredentials')"), None, None, None, &[BadCredentials, AppPasswordRequired], "SMTP 535 5.7.8"),
        (T("a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"), i, Some(Login), None, &[BadCredentials, AppPasswordRequired, ImapDisabled], "RFC 5530 AUTHENTICATIONFAILED"),
        (T("* NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"), None, None, None, &[BadCredentials, AppPasswordRequired], "RFC 5530 AUTHENTICATIONFAILED"),
        (T("* NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)"), i, Some(Login), None, &[WebLoginRequired, AppPasswordRequired], "IMAP [ALERT] wording"),
        (T("* NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)\r\na1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"), i, Some(Login), None, &[WebLoginRequired, AppPasswordRequired, BadCredentials], "IMAP [ALERT] wording + RFC 5530 AUTHENTICATIONFAILED"),
        (T("* NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)"), i, Some(Login), Some("gmail"), &[WebLoginRequired], "provider gmail: reply pattern"),
        (T("a1 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)"), i, Some(Login), None, &[AppPasswordRequired], "IMAP [ALERT] wording"),
        (T("a1 NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)"), i, Some(Login), None, &[ImapDisabled], "IMAP [ALERT] wording"),
        (T("a1 NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)"), None, None, None, &[ImapDisabled], "IMAP [ALERT] wording"),
        (T("* NO [ALERT] Too many simultaneous connections. (Failure)"), i, Some(Login), None, &[RateLimited], "IMAP [ALERT] wording"),
        (T("a1 NO [WEBALERT https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbs] Web login required."), i, Some(Login), None, &[WebLoginRequired, AppPasswordRequired], "wording"),
        (T("-ERR [AUTH] Username and password not accepted."), p, Some(Login), None, &[BadCredentials, AppPasswordRequired, Pop3Disabled], "POP3 [AUTH]"),
        (T("-ERR [AUTH] Web login required: https://support.google.com/mail/answer/78754"), p, Some(Login), None, &[WebLoginRequired, AppPasswordRequired, BadCredentials], "POP3 [AUTH] + wording"),
        (T("-ERR [AUTH] Application-specific password required: https://support.google.com/accounts/answer/185833"), p, Some(Login), None, &[AppPasswordRequired, BadCredentials], "POP3 [AUTH] + wording"),
        (T("-ERR [SYS/PERM] Your account is not enabled for POP access. Please visit your Gmail settings page and enable your account for POP access."), p, Some(Login), None, &[Pop3Disabled, AccountLocked], "POP3 [SYS/PERM] + wording"),
        (T("530-5.7.0 Authentication Required. Learn more at\r\n530 5.7.0  https://support.google.com/mail/?p=WantAuthError"), s, None, None, &[BadCredentials, TlsRequired], "SMTP 530 5.7.0 authentication required"),
        (T("530 5.7.0 Must issue a STARTTLS command first. 4si1234.2 - gsmtp"), s, Some(Login), None, &[TlsRequired], "SMTP 530 5.7.0"),
        (T("421 4.7.0 Try again later, closing connection. (EHLO) d75a77b69052e-4.2 - gsmtp"), s, Some(Greeting), None, &[TemporarilyUnavailable, RateLimited], "SMTP 421 4.7.0"),
        (T("454-4.7.0 Too many login attempts, please try again later. Learn more at\r\n454 4.7.0  https://support.google.com/mail/answer/7126229"), s, Some(Login), None, &[RateLimited, TemporarilyUnavailable], "SMTP 454 4.7.0 + wording"),
        // QQ Mail.
        (T("535 Login Fail. Please enter your authorization code to login. More information in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"), s, Some(Login), None, &[AppPasswordRequired, SmtpDisabled, BadCredentials], "SMTP 535 + wording"),
        (T("535 Login Fail. Please enter your authorization code to login. More information in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"), None, None, None, &[AppPasswordRequired, SmtpDisabled], "SMTP 535 + wording"),
        (T("535 Login Fail. Please enter your authorization code to login. More information in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"), s, Some(Login), Some("qq"), &[AppPasswordRequired], "provider qq: reply pattern"),
        (B(QQ_GBK), s, Some(Login), None, &[AppPasswordRequired, SmtpDisabled, BadCredentials], "SMTP 535 + wording"),
        (B(QQ_GBK), None, None, Some("qq"), &[AppPasswordRequired], "provider qq: reply pattern \"请使用授权码登录\""),
        (T("535 Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy. More information at http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"), s, Some(Login), None, TENCENT, "SMTP 535 + wording"),
        (T("535 Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy."), s, Some(Login), Some("qq"), &[ AppPasswordRequired, SmtpDisabled, BadCredentials, RateLimited, TemporarilyUnavailable, ], "provider qq: reply pattern \"service is not open\""),
        (T("a1 NO Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy. More information at http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"), i, Some(Login), None, &[ AppPasswordRequired, ImapDisabled, BadCredentials, RateLimited, AccountLocked, TemporarilyUnavailable, ], "wording: several causes (Tencent)"),
        (T("a1 NO Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy."), i, Some(Login), Some("qq"), &[AppPasswordRequired, ImapDisabled, BadCredentials], "provider qq: reply pattern"),
        (T("-ERR Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy."), p, Some(Login), None, &[ AppPasswordRequired, Pop3Disabled, BadCredentials, RateLimited, AccountLocked, TemporarilyUnavailable, ], "wording: several causes (Tencent)"),
        (T("Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy."), None, None, None, &[ AppPasswordRequired, ImapDisabled, Pop3Disabled, SmtpDisabled, BadCredentials, RateLimited, AccountLocked, TemporarilyUnavailable, ], "wording: several causes (Tencent)"),
        (T("535 Login fail. service is not open, password is incorrect."), s, Some(Login), None, TENCENT, "SMTP 535 + wording"),
        (T("登录失败：帐号异常、服务未开启、密码错误、登录频率受限或系统繁忙"), s, None, None, TENCENT, "wording: several causes (Tencent)"),
        // Tencent Exmail (wording of providers/exmail.xml).
        (T("535 Error: Please using weixin token to login"), s, Some(Login), None, &[AppPasswordRequired, SmtpDisabled], "SMTP 535 + wording"),
        (T("535 Error: Please using weixin token to login"), s, Some(Login), Some("exmail"), &[AppPasswordRequired], "provider exmail: reply pattern"),
        (T("535 Error: 请使用客户端专用密码登录"), s, Some(Login), None, &[AppPasswordRequired, SmtpDisabled], "SMTP 535 + wording"),
        // NetEase.
        (T("535 Error: authentication failed"), s, Some(Login), None, &[BadCredentials, AppPasswordRequired, SmtpDisabled], "SMTP 535"),
        (T("535 Error: authentication failed"), s, Some(Login), Some("163"), &[BadCredentials, AppPasswordRequired, SmtpDisabled], "provider 163: reply pattern"),
        (T("550 User has no permission"), s, Some(Login), None, &[SmtpDisabled, AppPasswordRequired], "SMTP 550 no permission"),
        (T("550 User has no permission"), None, None, Some("163"), &[SmtpDisabled], "provider 163: reply pattern"),
        (T("a4 NO SELECT Unsafe Login. Please contact kefu@188.com for help"), i, Some(AfterLogin), None, &[WebLoginRequired, AppPasswordRequired], "wording"),
        (T("a4 NO SELECT Unsafe Login. Please contact kefu@188.com for help"), i, Some(AfterLogin), Some("163"), &[WebLoginRequired, AppPasswordRequired], "provider 163: reply pattern"),
        (T("NO SELECT Unsafe Login. Please contact kefu@188.com for help"), None, None, None, &[WebLoginRequired, AppPasswordRequired], "wording"),
        (T("EXAMINE Unsafe Login. Please contact kefu@188.com for help"), i, Some(AfterLogin), None, &[WebLoginRequired, AppPasswordRequired], "wording"),
        (T("a1 NO LOGIN Login error or password error"), i, Some(Login), None, &[BadCredentials, AppPasswordRequired], "wording"),
        (T("554 DT:SPM 163 smtp10,DsCowADHg2dpiX5Y8Xg1Aw--.6189S2 1484687721, please see http://mail.163.com/help/help_spam_16.htm?ip=123.58.177.134"), s, None, None, &[], "no rule matched"),
        // Microsoft 365 and Outlook.
        (T("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [SN4PR0601CA0005.namprd06.prod.outlook.com 2024-01-01T00:00:00.000Z 08DC6B2A1C0F8D3E]"), s, Some(Login), None, &[SmtpDisabled], "SMTP 535 5.7.139 SmtpClientAuthentication disabled"),
        (T("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information."), s, Some(Login), Some("microsoft365"), &[SmtpDisabled], "provider microsoft365: reply pattern"),
        (T("535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN0PR04CA0171.namprd04.prod.outlook.com]"), s, Some(Login), None, &[SmtpDisabled, AppPasswordRequired], "SMTP 535 5.7.139 basic authentication disabled"),
        (T("535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. [AM0PR10CA0058.EURPRD10.PROD.OUTLOOK.COM]"), s, Some(Login), None, &[BadCredentials, AppPasswordRequired], "SMTP 535 5.7.139 credentials incorrect"),
        (T("535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator. [BL1PR13CA0123.namprd13.prod.outlook.com]"), s, Some(Login), None, &[AppPasswordRequired, SmtpDisabled], "SMTP 535 5.7.139 security defaults"),
        (T("535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator."), s, Some(Login), Some("microsoft365"), &[AccountLocked], "provider microsoft365: reply pattern"),
        (T("535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator."), s, Some(Login), None, &[AppPasswordRequired, SmtpDisabled], "SMTP 535 5.7.139 conditional access"),
        (T("535 5.7.3 Authentication unsuccessful [SN4PR0201CA0046.namprd02.prod.outlook.com]"), s, Some(Login), None, &[BadCredentials, AppPasswordRequired], "SMTP 535 5.7.3"),
        (T("530 5.7.57 Client not authenticated to send mail. Error: 530 5.7.57 SMTP; Client was not authenticated to send anonymous mail during MAIL FROM"), s, None, None, &[BadCredentials, TlsRequired], "SMTP 530 5.7.57 authentication required"),
        (T("a1 NO AUTHENTICATE failed."), i, Some(Login), None, &[BadCredentials, AppPasswordRequired], "wording"),
        (T("a1 NO LOGIN failed."), i, Some(Login), None, &[BadCredentials, AppPasswordRequired], "wording"),
        (T("-ERR Logon failure: unknown user name or bad password."), p, Some(Login), None, &[BadCredentials, AppPasswordRequired], "wording"),
        // Yahoo, AOL, mail.ru.
        (T("535 5.7.0 (#AUTH005) Too many bad auth attempts."), s, Some(Login), None, &[RateLimited, BadCredentials], "SMTP 535 5.7.0 + wording"),
        (T("a1 NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials"), i, Some(Login), None, &[BadCredentials, AppPasswordRequired], "RFC 5530 AUTHENTICATIONFAILED"),
        (T("a1 NO [UNAVAILABLE] LOGIN Server error - Please try again later"), i, Some(Login), None, &[TemporarilyUnavailable], "RFC 5530 UNAVAILABLE"),
        (T("a1 NO LOGIN Server error - Please try again later"), i, Some(Login), None, &[TemporarilyUnavailable], "wording"),
        (T("a1 NO Application password is REQUIRED"), i, Some(Login), None, &[AppPasswordRequired], "wording"),
        // Dovecot, Postfix, Exim and the RFCs.
        (T("a1 NO [AUTHENTICATIONFAILED] Authentication failed."), i, Some(Login), None, &[BadCredentials, AppPasswordRequired, ImapDisabled], "RFC 5530 AUTHENTICATIONFAILED"),
        (T("a1 NO [AUTHENTICATIONFAILED] Authentication failed."), i, Some(AfterLogin), None, &[AppPasswordRequired, ImapDisabled], "RFC 5530 AUTHENTICATIONFAILED"),
        (T("a1 NO [UNAVAILABLE] Temporary authentication failure. [mail.example.com:2024-05-01 10:00:00]"), i, Some(Login), None, &[TemporarilyUnavailable], "RFC 5530 UNAVAILABLE"),
        (T("a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."), i, Some(Login), None, &[TlsRequired], "RFC 5530 PRIVACYREQUIRED"),
        (T("* BAD [ALERT] Plaintext authentication not allowed without SSL/TLS, but your client did it anyway. If anyone was listening, the password was exposed.\r\na1 NO [PRIVACYREQUIRED] Plaintext authentication is disabled, but your client sent password in plaintext anyway."), i, Some(Login), None, &[TlsRequired], "IMAP [ALERT] wording + RFC 5530 PRIVACYREQUIRED"),
        (T("a1 NO [EXPIRED] That password isn't valid any more"), i, Some(Login), None, &[WebLoginRequired, BadCredentials], "RFC 5530 EXPIRED"),
        (T("a1 NO [AUTHORIZATIONFAILED] No such authorization-ID"), i, Some(Login), None, &[ImapDisabled, AccountLocked], "RFC 5530 AUTHORIZATIONFAILED"),
        (T("a1 NO [CONTACTADMIN] Account disabled"), i, Some(Login), None, &[AccountLocked, ImapDisabled], "RFC 5530 CONTACTADMIN"),
        (T("a1 NO [CONTACTADMIN] IMAP access is disabled for your account"), i, Some(Login), None, &[ImapDisabled, AccountLocked], "RFC 5530 CONTACTADMIN + wording"),
        (T("a1 NO [LIMIT] Too many concurrent sessions"), i, Some(Login), None, &[RateLimited, TemporarilyUnavailable], "RFC 5530 LIMIT"),
        (T("-ERR [AUTH] Authentication failed."), p, Some(Login), None, &[BadCredentials, AppPasswordRequired, Pop3Disabled], "POP3 [AUTH]"),
        (T("-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."), p, Some(Login), None, &[TlsRequired, BadCredentials], "POP3 [AUTH] + wording"),
        (T("-ERR [IN-USE] Mailbox is locked by another POP3 session."), p, Some(Login), None, &[TemporarilyUnavailable], "POP3 [IN-USE]"),
        (T("-ERR [IN-USE] Unable to lock maildrop"), None, None, None, &[TemporarilyUnavailable], "POP3 [IN-USE]"),
        (T("-ERR [SYS/TEMP] Internal error occurred. Refer to server log for more information."), p, Some(Login), None, &[TemporarilyUnavailable], "POP3 [SYS/TEMP]"),
        (T("-ERR [SYS/PERM] Your account has been disabled"), p, Some(Login), None, &[AccountLocked, Pop3Disabled], "POP3 [SYS/PERM]"),
        (T("-ERR [LOGIN-DELAY] minimum time between logins is 15 minutes"), p, Some(Login), None, &[RateLimited, TemporarilyUnavailable], "POP3 [LOGIN-DELAY]"),
        (T("* BYE Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)"), i, Some(Greeting), None, &[RateLimited], "wording"),
        (T("* BYE Server shutting down."), i, Some(Greeting), None, &[TemporarilyUnavailable], "refused greeting"),
        (T("* BYE Disconnected for inactivity."), i, None, None, &[], "no rule matched"),
        (T("538 5.7.11 Encryption required for requested authentication mechanism"), s, Some(Login), None, &[TlsRequired], "SMTP 538 5.7.11"),
        (T("454 4.7.0 Temporary authentication failure"), s, Some(Login), None, &[TemporarilyUnavailable], "SMTP 454 4.7.0"),
        (T("454 4.7.0 TLS not available due to local problem"), s, Some(Login), None, &[TemporarilyUnavailable], "SMTP 454 4.7.0"),
        (T("421 4.7.0 Too many connections"), s, Some(Greeting), None, &[RateLimited, TemporarilyUnavailable], "SMTP 421 4.7.0 + wording"),
        (T("421 4.7.0 mail.example.com Error: too many connections from 192.0.2.1"), s, Some(Greeting), None, &[RateLimited, TemporarilyUnavailable], "SMTP 421 4.7.0 + wording"),
        (T("535 5.7.8 Error: authentication failed: authentication failure"), s, Some(Login), None, &[BadCredentials, AppPasswordRequired, SmtpDisabled], "SMTP 535 5.7.8"),
        (T("535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6"), None, None, None, &[BadCredentials, AppPasswordRequired, SmtpDisabled], "SMTP 535 5.7.8"),
        (T("535 Incorrect authentication data"), s, Some(Login), None, &[BadCredentials, AppPasswordRequired], "SMTP 535"),
        (T("503 5.5.1 Error: authentication not enabled"), s, Some(Login), None, &[SmtpDisabled], "wording"),
        (T("432 4.7.12 A password transition is needed"), s, Some(Login), None, &[WebLoginRequired, BadCredentials], "SMTP 432 4.7.12"),
        // Chinese wording (shaped on Chinese providers' replies).
        (T("-ERR 您的帐号已被冻结"), p, Some(Login), None, &[AccountLocked], "wording"),
        (T("a1 NO Your password has expired"), i, Some(Login), None, &[WebLoginRequired, AppPasswordRequired], "wording"),
        (T("-ERR [AUTH] no such user"), p, Some(Login), None, &[BadCredentials, AppPasswordRequired], "POP3 [AUTH]"),
        (T("a1 NO 登录过于频繁，请稍后再试"), i, Some(Login), None, &[RateLimited, TemporarilyUnavailable], "wording"),
        (T("该账号未开启IMAP服务"), None, None, None, &[ImapDisabled], "wording"),
        (T("535 Error: 三方客户端登录已被管理员禁止"), s, Some(Login), None, &[SmtpDisabled, BadCredentials], "SMTP 535 + wording"),
        // No refusal, or nothing recognisable.
        (T("235 2.7.0 Authentication successful"), s, Some(Login), None, &[], "not a refusal"),
        (T("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready."), i, Some(Greeting), None, &[], "not a refusal"),
        (T("+OK Dovecot ready."), p, Some(Greeting), None, &[], "not a refusal"),
        (T(""), None, None, None, &[], "no rule matched"),
        (T("the quick brown fox"), None, None, None, &[], "no rule matched"),
        (T("-ERR"), p, None, None, &[], "no rule matched"),
        (T("-ERR"), p, Some(Login), None, &[BadCredentials, AppPasswordRequired, Pop3Disabled], "refused login (POP3 -ERR)"),
        (T("a1 NO"), i, Some(Login), None, &[BadCredentials, AppPasswordRequired, ImapDisabled], "refused login (IMAP NO)"),
    ]
}

#[test]
fn table_of_real_replies() {
    let db = db();
    let rows = rows();
    assert!(rows.len() >= 60, "{} rows", rows.len());
    let mut failures = Vec::new();
    for (n, (reply, protocol, stage, provider, expected, rule)) in rows.iter().enumerate() {
        let text = match reply {
            T(t) => t.to_string(),
            B(b) => decode_reply(b),
        };
        let provider = provider.map(|id| db.get(id).expect("test provider"));
        let c = classify(*protocol, *stage, &text, provider);
        let ok = c.code == expected.first().copied()
            && c.possible_causes.starts_with(expected)
            && (!expected.is_empty() || c.possible_causes.is_empty())
            && c.rule.starts_with(rule);
        if !ok {
            failures.push(format!(
                "row {n}: {text:?} ({protocol:?}, {stage:?})\n   expected {expected:?} by {rule:?}\n   got      {:?} by {:?}",
                c.possible_causes, c.rule
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn alert_text_is_kept_as_is() {
    let c = classify(
        Some(Imap),
        Some(Login),
        "* NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)\r\na1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
        None,
    );
    assert_eq!(
        c.alert.as_deref(),
        Some(
            "Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)"
        )
    );
    let c = classify(
        Some(Imap),
        Some(Login),
        "* OK [ALERT] Mailbox is 95% full",
        None,
    );
    assert_eq!(c.alert.as_deref(), Some("Mailbox is 95% full"));
    assert!(c.is_unknown());
    assert_eq!(c.code_str(), "unknown");
}

#[test]
fn provider_patterns_respect_their_protocol() {
    let db = db();
    let qq = db.get("qq");
    // The SMTP-only pattern does not apply to an IMAP reply with the same words.
    let c = classify(
        Some(Imap),
        Some(Login),
        "a1 NO Please enter your authorization code to login",
        qq,
    );
    assert!(c.rule.starts_with("wording"), "{}", c.rule);
    assert_eq!(c.possible_causes[..2], [AppPasswordRequired, ImapDisabled]);
    // Without a protocol, the shape of the reply decides (`-ERR` is POP3).
    let c = classify(
        None,
        Some(Login),
        "-ERR Login fail. service is not open",
        qq,
    );
    assert_eq!(c.possible_causes[..2], [AppPasswordRequired, Pop3Disabled]);
    assert!(c.rule.starts_with("provider qq"), "{}", c.rule);
}

#[test]
fn gbk_and_utf8_decoding() {
    assert_eq!(
        decode_reply(QQ_GBK),
        "535 Error: 请使用授权码登录。详情请看: http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"
    );
    assert!(std::str::from_utf8(std::hint::black_box(QQ_GBK)).is_err());
    // Chinese encoded as UTF-8 and cut inside the last character stays UTF-8.
    let utf8 = "535 Error: 请使用授权码登录".as_bytes();
    let cut = &utf8[..utf8.len() - 1];
    assert!(decode_reply(cut).starts_with("535 Error: 请使用授权码"));
    assert_eq!(decode_reply(b""), "");
    assert_eq!(decode_reply(b"\xff\xfe\xfd"), decode_reply(b"\xff\xfe\xfd"));
}

#[test]
fn decode_reply_is_identity_on_utf8() {
    let samples = [
        "",
        "a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)",
        "535 Error: 请使用授权码登录。",
        "Mot de passe erroné — ünïcödé 🙂",
        "\0\u{1}\u{7f}\u{80}\u{ffff}\u{10ffff}",
    ];
    for s in samples {
        assert_eq!(decode_reply(s.as_bytes()), s);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..500 {
        let len = (rng.next() % 64) as usize;
        let s: String = (0..len).map(|_| rng.char()).collect();
        assert_eq!(decode_reply(s.as_bytes()), s);
    }
}

/// xorshift64*: enough randomness for garbage input, with no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn char(&mut self) -> char {
        loop {
            let range = match self.next() % 4 {
                0 => 0x80,
                1 => 0x800,
                2 => 0x1_0000,
                _ => 0x11_0000,
            };
            if let Some(c) = char::from_u32((self.next() % range) as u32) {
                return c;
            }
        }
    }
}

fn check_invariants(c: &Classification) {
    assert_eq!(c.code, c.possible_causes.first().copied(), "{c:?}");
    let mut seen = Vec::new();
    for code in &c.possible_causes {
        assert!(!seen.contains(code), "repeated cause in {c:?}");
        seen.push(*code);
    }
    assert!(!c.rule.is_empty());
}

/// Every protocol, stage and provider (`thorough`), or a few of them (for big inputs, each
/// classification of which costs milliseconds in a debug build).
fn classify_everywhere(bytes: &[u8], db: &ProviderDb, thorough: bool) {
    let text = decode_reply(bytes);
    let (protocols, stages): (&[_], &[_]) = if thorough {
        (
            &[None, Some(Imap), Some(Pop3), Some(Smtp)],
            &[Some(Greeting), Some(Login), Some(AfterLogin), None],
        )
    } else {
        (&[None, Some(Smtp)], &[Some(Login), None])
    };
    for &protocol in protocols {
        for &stage in stages {
            for provider in [None, db.get("qq"), db.get("163")] {
                check_invariants(&classify(protocol, stage, &text, provider));
            }
        }
    }
}

#[test]
fn never_panics_on_garbage() {
    let db = db();
    let mut rng = Rng(42);
    let pieces: [&[u8]; 16] = [
        b"[",
        b"]",
        b"[ALERT]",
        b"535-",
        b"5.7.",
        b"139",
        b"* NO ",
        b"-ERR [",
        b"\r\n",
        b"\0",
        b"\xff",
        b"\xc7\xeb",
        "授权码".as_bytes(),
        b"(535, b'",
        b"[CAPABILITY ",
        b" ",
    ];
    for _ in 0..200 {
        let len = (rng.next() % 120) as usize;
        let mut bytes = Vec::with_capacity(len * 4);
        for _ in 0..len {
            if rng.next().is_multiple_of(2) {
                bytes.push(rng.next() as u8);
            } else {
                bytes.extend_from_slice(pieces[(rng.next() % 16) as usize]);
            }
        }
        classify_everywhere(&bytes, &db, true);
    }
}

#[test]
fn never_panics_on_huge_or_odd_input() {
    let db = db();
    let mut huge = b"535 5.7.8 ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1 << 20));
    classify_everywhere(&huge, &db, false);
    // A multi-byte character across the read limit.
    let mut cut = "a".repeat(MAX_REPLY_BYTES - 1).into_bytes();
    cut.extend("授权码".repeat(10).as_bytes());
    classify_everywhere(&cut, &db, false);
    let brackets = "[".repeat(100_000) + &"]".repeat(100_000);
    classify_everywhere(brackets.as_bytes(), &db, false);
    let alerts = "* NO [ALERT]\n".repeat(50_000);
    classify_everywhere(alerts.as_bytes(), &db, false);
    classify_everywhere(&[0u8; 4096], &db, false);
    classify_everywhere(&[0xffu8; 4096], &db, false);
    classify_everywhere(b"\0* NO [AUTHENTICATIONFAILED]\0", &db, false);
    // Only the first MAX_REPLY_BYTES are read.
    let mut late = "x".repeat(2 * MAX_REPLY_BYTES);
    late.push_str("\n535 5.7.8 authentication failed");
    assert!(classify(None, None, &late, None).is_unknown());
}

#[test]
fn every_table_row_holds_the_invariants() {
    let db = db();
    for (reply, ..) in rows() {
        let bytes = match reply {
            T(t) => t.as_bytes().to_vec(),
            B(b) => b.to_vec(),
        };
        classify_everywhere(&bytes, &db, true);
    }
}
