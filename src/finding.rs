//! Findings: what is wrong, as data with a stable code (see `docs/report.md`), and the
//! vocabulary of the dialogue they refer to (steps and stages).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use std::time::Duration;

use crate::settings::{Endpoint, Protocol, Security};
use crate::source::SourceKind;

/// The contract's finding codes. New codes may be added; none is ever renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    WrongHost,
    WrongPort,
    Timeout,
    TlsMismatch,
    TlsRequired,
    CertExpired,
    CertNameMismatch,
    CertUntrusted,
    BadCredentials,
    ImapDisabled,
    Pop3Disabled,
    SmtpDisabled,
    AppPasswordRequired,
    WebLoginRequired,
    AccountLocked,
    RateLimited,
    TemporarilyUnavailable,
    InsecureSource,
    SettingsConflict,
    PlaintextOnly,
    NoSettingsFound,
    /// Added to the contract: bytes arrived between the STARTTLS reply and the TLS handshake.
    StarttlsInjection,
    /// Added to the contract: the certificate expires within 14 days.
    CertExpiring,
    /// Codes added in 2026-12: no password login is accepted, only OAuth.
    OauthRequired,
    /// An administrator's policy blocks this client or protocol for the account.
    BlockedByAdmin,
    /// Connection attempts get no answer at all: a firewall drops the port.
    PortFiltered,
    /// DNS lookups fail here: the resolver or the network is broken, not the settings.
    DnsUnavailable,
    /// The client sends without logging in to SMTP (`530 Authentication required`, relaying
    /// denied).
    SmtpAuthMissing,
    /// `explain` only: the reply is about a message (a bounce, spam, a size limit), not about
    /// the connection.
    NotAConnectionProblem,
    /// Added: the server offers no login mechanism mailcheck speaks (CRAM-MD5, GSSAPI, …), so
    /// the login was not tested and no password was sent.
    AuthMechanismUnsupported,
    /// Added in 2026-12: a source named more servers than mailcheck probes.
    TooManyCandidates,
    /// Added in 2026-12: the OAuth token was refused, and its `exp` is past.
    OauthTokenExpired,
    /// Added in 2026-12: the OAuth token was refused; it is for another service (`aud`).
    OauthTokenWrongAudience,
    /// Added in 2026-12: the OAuth token was refused; it lacks the scope the server needs.
    OauthTokenMissingScope,
    /// Added in 2026-12: the OAuth token was refused; it names another user.
    OauthTokenWrongUser,
    /// Added in 2026-12: the OAuth token was refused for a reason its claims do not show (or
    /// an opaque token, whose claims cannot be read).
    OauthTokenRejected,
    /// Added in 2026-12: the provider's dated policy turns password logins off within
    /// [`crate::diagnose::policy::UPCOMING_DAYS`] days.
    OauthPolicyUpcoming,
    /// Added in 2026-12: the server fails over IPv6 while IPv4 works.
    Ipv6Broken,
    /// Added in 2026-12: what a source the domain publishes names does not work.
    PublishedSettingsWrong,
    /// Added in 2026-12: a PACC document failed a check (digest, certificate, version) and
    /// was not used.
    PaccInvalid,
    /// Added in 2026-12: the mailbox is at 90% or more of its quota.
    QuotaNearlyFull,
    /// Added in 2026-12: the mailbox is at or over its quota: new mail is refused or bounces.
    QuotaFull,
    /// Added in 2026-12: a folder name holds characters that some clients fail on.
    FolderNameBreaksClients,
}

impl FindingCode {
    pub const ALL: [FindingCode; 43] = [
        FindingCode::WrongHost,
        FindingCode::WrongPort,
        FindingCode::Timeout,
        FindingCode::TlsMismatch,
        FindingCode::TlsRequired,
        FindingCode::CertExpired,
        FindingCode::CertNameMismatch,
        FindingCode::CertUntrusted,
        FindingCode::BadCredentials,
        FindingCode::ImapDisabled,
        FindingCode::Pop3Disabled,
        FindingCode::SmtpDisabled,
        FindingCode::AppPasswordRequired,
        FindingCode::WebLoginRequired,
        FindingCode::AccountLocked,
        FindingCode::RateLimited,
        FindingCode::TemporarilyUnavailable,
        FindingCode::InsecureSource,
        FindingCode::SettingsConflict,
        FindingCode::PlaintextOnly,
        FindingCode::NoSettingsFound,
        FindingCode::StarttlsInjection,
        FindingCode::CertExpiring,
        FindingCode::OauthRequired,
        FindingCode::BlockedByAdmin,
        FindingCode::PortFiltered,
        FindingCode::DnsUnavailable,
        FindingCode::SmtpAuthMissing,
        FindingCode::NotAConnectionProblem,
        FindingCode::AuthMechanismUnsupported,
        FindingCode::TooManyCandidates,
        FindingCode::OauthTokenExpired,
        FindingCode::OauthTokenWrongAudience,
        FindingCode::OauthTokenMissingScope,
        FindingCode::OauthTokenWrongUser,
        FindingCode::OauthTokenRejected,
        FindingCode::OauthPolicyUpcoming,
        FindingCode::Ipv6Broken,
        FindingCode::PublishedSettingsWrong,
        FindingCode::PaccInvalid,
        FindingCode::QuotaNearlyFull,
        FindingCode::QuotaFull,
        FindingCode::FolderNameBreaksClients,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::WrongHost => "wrong_host",
            FindingCode::WrongPort => "wrong_port",
            FindingCode::Timeout => "timeout",
            FindingCode::TlsMismatch => "tls_mismatch",
            FindingCode::TlsRequired => "tls_required",
            FindingCode::CertExpired => "cert_expired",
            FindingCode::CertNameMismatch => "cert_name_mismatch",
            FindingCode::CertUntrusted => "cert_untrusted",
            FindingCode::BadCredentials => "bad_credentials",
            FindingCode::ImapDisabled => "imap_disabled",
            FindingCode::Pop3Disabled => "pop3_disabled",
            FindingCode::SmtpDisabled => "smtp_disabled",
            FindingCode::AppPasswordRequired => "app_password_required",
            FindingCode::WebLoginRequired => "web_login_required",
            FindingCode::AccountLocked => "account_locked",
            FindingCode::RateLimited => "rate_limited",
            FindingCode::TemporarilyUnavailable => "temporarily_unavailable",
            FindingCode::InsecureSource => "insecure_source",
            FindingCode::SettingsConflict => "settings_conflict",
            FindingCode::PlaintextOnly => "plaintext_only",
            FindingCode::NoSettingsFound => "no_settings_found",
            FindingCode::StarttlsInjection => "starttls_injection",
            FindingCode::CertExpiring => "cert_expiring",
            FindingCode::OauthRequired => "oauth_required",
            FindingCode::BlockedByAdmin => "blocked_by_admin",
            FindingCode::PortFiltered => "port_filtered",
            FindingCode::DnsUnavailable => "dns_unavailable",
            FindingCode::SmtpAuthMissing => "smtp_auth_missing",
            FindingCode::NotAConnectionProblem => "not_a_connection_problem",
            FindingCode::AuthMechanismUnsupported => "auth_mechanism_unsupported",
            FindingCode::TooManyCandidates => "too_many_candidates",
            FindingCode::OauthTokenExpired => "oauth_token_expired",
            FindingCode::OauthTokenWrongAudience => "oauth_token_wrong_audience",
            FindingCode::OauthTokenMissingScope => "oauth_token_missing_scope",
            FindingCode::OauthTokenWrongUser => "oauth_token_wrong_user",
            FindingCode::OauthTokenRejected => "oauth_token_rejected",
            FindingCode::OauthPolicyUpcoming => "oauth_policy_upcoming",
            FindingCode::Ipv6Broken => "ipv6_broken",
            FindingCode::PublishedSettingsWrong => "published_settings_wrong",
            FindingCode::PaccInvalid => "pacc_invalid",
            FindingCode::QuotaNearlyFull => "quota_nearly_full",
            FindingCode::QuotaFull => "quota_full",
            FindingCode::FolderNameBreaksClients => "folder_name_breaks_clients",
        }
    }

    /// Severity is a property of the code (the contract's table), never of the situation.
    pub fn severity(self) -> Severity {
        match self {
            FindingCode::TemporarilyUnavailable
            | FindingCode::InsecureSource
            | FindingCode::SettingsConflict
            | FindingCode::PlaintextOnly
            | FindingCode::CertExpiring
            | FindingCode::NotAConnectionProblem
            | FindingCode::TooManyCandidates
            | FindingCode::OauthPolicyUpcoming
            | FindingCode::Ipv6Broken
            | FindingCode::PaccInvalid
            | FindingCode::QuotaNearlyFull
            | FindingCode::FolderNameBreaksClients => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The "service switched off" code for a protocol.
    pub fn disabled_for(protocol: Protocol) -> FindingCode {
        match protocol {
            Protocol::Imap => FindingCode::ImapDisabled,
            Protocol::Pop3 => FindingCode::Pop3Disabled,
            Protocol::Smtp => FindingCode::SmtpDisabled,
        }
    }

    /// A refusal of the account, its password or its token, not of the settings: a server
    /// whose only errors have such codes was reached as the settings say, so the settings are
    /// proved (`--emit` keeps them).
    pub fn is_about_the_account(self) -> bool {
        matches!(
            self,
            FindingCode::BadCredentials
                | FindingCode::ImapDisabled
                | FindingCode::Pop3Disabled
                | FindingCode::SmtpDisabled
                | FindingCode::AppPasswordRequired
                | FindingCode::WebLoginRequired
                | FindingCode::AccountLocked
                | FindingCode::RateLimited
                | FindingCode::OauthRequired
                | FindingCode::BlockedByAdmin
                | FindingCode::AuthMechanismUnsupported
                | FindingCode::TemporarilyUnavailable
                | FindingCode::OauthTokenExpired
                | FindingCode::OauthTokenWrongAudience
                | FindingCode::OauthTokenMissingScope
                | FindingCode::OauthTokenWrongUser
                | FindingCode::OauthTokenRejected
        )
    }

    /// A refused login that is about the service of its protocol rather than the account:
    /// the protocol is switched off, the server says try later, or it wants TLS first. Every
    /// other refusal, an unknown one included, may be about the credentials.
    pub fn is_about_the_service(self) -> bool {
        matches!(
            self,
            FindingCode::ImapDisabled
                | FindingCode::Pop3Disabled
                | FindingCode::SmtpDisabled
                | FindingCode::TemporarilyUnavailable
                | FindingCode::TlsRequired
        )
    }

    /// A cause that says the password itself is wrong (or is the wrong kind): ruled out once
    /// any server accepted the same password.
    pub fn doubts_the_password(self) -> bool {
        matches!(
            self,
            FindingCode::BadCredentials | FindingCode::AppPasswordRequired
        )
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FindingCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FindingCode::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown finding code {s:?}"))
    }
}

/// How bad a finding is. Ordered worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A step of a probe's dialogue, where something stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    DnsLookup,
    Connect,
    TlsHandshake,
    Greeting,
    Capabilities,
    Starttls,
    TlsAfterStarttls,
    Login,
    ExamineInbox,
    /// Reading what the mailbox holds and allows (quota, folders, STAT, SIZE after AUTH).
    Mailbox,
    /// Saying goodbye, after everything that matters.
    Logout,
}

impl Step {
    /// The step's name as the dialogue knows it (`TLS handshake`, `EXAMINE INBOX`).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::DnsLookup => "DNS lookup",
            Step::Connect => "connect",
            Step::TlsHandshake => "TLS handshake",
            Step::Greeting => "greeting",
            Step::Capabilities => "capabilities",
            Step::Starttls => "STARTTLS",
            Step::TlsAfterStarttls => "TLS handshake after STARTTLS",
            Step::Login => "login",
            Step::ExamineInbox => "EXAMINE INBOX",
            Step::Mailbox => "mailbox check",
            Step::Logout => "logout",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the dialogue a server said no (a NO to LOGIN means something else than a NO to
/// EXAMINE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The server's first words (`* BYE`, `421`, `-ERR` instead of a greeting).
    Greeting,
    /// The answer to `LOGIN`/`AUTHENTICATE`, `USER`/`PASS`/`AUTH`, SMTP `AUTH`.
    Login,
    /// After a successful login: `ID`, `EXAMINE INBOX`, `STAT`. Credentials are proved right
    /// here, so `bad_credentials` is never a cause.
    AfterLogin,
}

/// One thing that is wrong: its code, what it is about, the typed facts behind its message, and
/// the evidence. No words: `text` says it in the report's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: FindingCode,
    /// The server it is about, if it is about one.
    pub server: Option<Endpoint>,
    /// The protocol it is about when no single server is meant (a settings conflict).
    pub protocol: Option<Protocol>,
    /// What was seen, as data.
    pub facts: Facts,
    /// What the server said, or the error that led here, with credentials removed.
    pub evidence: Option<String>,
    /// Every cause the evidence leaves open, most likely first (starts with `code`).
    pub possible_causes: Vec<FindingCode>,
    /// For settings the user typed: the fields to change to reach settings proved to work,
    /// one list per alternative (the best settings first, then a smaller change that also
    /// works); empty when there is nothing to change.
    pub user_fix: Vec<Vec<FieldChange>>,
    /// For a refused login: a server that accepted the same user name and password, which
    /// rules the password out as the cause.
    pub accepted_by: Option<Endpoint>,
}

impl Finding {
    pub fn new(code: FindingCode, facts: Facts) -> Self {
        Self {
            code,
            server: None,
            protocol: None,
            facts,
            evidence: None,
            possible_causes: Vec::new(),
            user_fix: Vec::new(),
            accepted_by: None,
        }
    }

    pub fn about(mut self, server: &Endpoint) -> Self {
        self.protocol = Some(server.protocol);
        self.server = Some(server.clone());
        self
    }

    pub fn for_protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = Some(protocol);
        self
    }

    pub fn with_evidence(mut self, evidence: impl Into<String>) -> Self {
        self.evidence = Some(evidence.into());
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// The check of a PACC document that failed (`pacc_invalid`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaccCheck {
    /// The HTTPS certificate of `ua-auto-config.<domain>` was refused.
    Certificate,
    /// No `_ua-auto-config` TXT record with a digest was found.
    MissingRecord,
    /// The TXT record's version tag is not `UAAC1`, or its algorithm not `sha256`.
    Version,
    /// The document's SHA-256 is none of the published digests.
    Digest,
    /// The document is no JSON, or not the shape PACC defines.
    Json,
}

impl PaccCheck {
    pub fn as_str(self) -> &'static str {
        match self {
            PaccCheck::Certificate => "certificate",
            PaccCheck::MissingRecord => "txt_record",
            PaccCheck::Version => "version",
            PaccCheck::Digest => "digest",
            PaccCheck::Json => "json",
        }
    }
}

/// The facts behind a finding's message and hint, one variant per kind of observation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Facts {
    /// The PACC document at `url` failed `check` and was not used: `expected` is what the
    /// check wanted, `got` what it met.
    PaccInvalid {
        check: PaccCheck,
        url: String,
        expected: String,
        got: String,
    },
    /// A quota resource at 90% or more (`quota_nearly_full`) or at 100% (`quota_full`).
    Quota {
        resource: crate::probe::mailbox::QuotaResource,
    },
    /// Folders whose names some clients fail on (the first few), how many in all, and the
    /// server's hierarchy separator.
    FolderNames {
        folders: Vec<crate::probe::mailbox::ProblemFolder>,
        count: usize,
        separator: Option<char>,
    },
    /// A server a source the domain publishes names, which does not work; `works` is what was
    /// proved for its protocol instead, if anything; `published` what the source says of it.
    PublishedSettingsWrong {
        source: crate::source::SourceKind,
        detail: String,
        works: Option<Endpoint>,
    },
    /// The host name does not resolve.
    Unresolvable {
        error: crate::net::dns::DnsError,
    },
    /// The lookup of the server's name failed (SERVFAIL, REFUSED, …): DNS is broken, not the
    /// name.
    LookupFailed {
        error: crate::net::dns::DnsError,
    },
    /// A host of the curated provider database does not exist here (NXDOMAIN): it certainly
    /// exists, so this DNS server's answers are wrong (a filtering resolver, a captive portal).
    ProviderHostMissing {
        error: crate::net::dns::DnsError,
    },
    /// Nothing listens; `works` is another registered port of the protocol, proved on the host.
    NothingListens {
        works: Option<(u16, Security)>,
    },
    /// No address answered the connection attempts within `limit`; `works` is another
    /// registered port of the protocol that answers on the host; `answered` a port of the host
    /// that answered at all (connected or refused): none means the host or the route is down.
    PortFiltered {
        limit: Duration,
        works: Option<(u16, Security)>,
        answered: Option<u16>,
    },
    /// The connection could not even be sent (no route, a local firewall's reject): `error`.
    Unreachable {
        error: String,
    },
    /// The IPv6 `failed` attempts (address, result, how long) failed while IPv4 `ipv4`
    /// connected.
    Ipv6Broken {
        failed: Vec<(String, String, Option<Duration>)>,
        ipv4: String,
    },
    /// No answer within `limit` at `step`.
    NoAnswer {
        step: Step,
        limit: Duration,
    },
    /// Another protocol answered on the port.
    OtherProtocol {
        protocol: Protocol,
    },
    /// Something that is not a mail server answered.
    NotMail,
    /// Plaintext on a port the settings say is implicit TLS; `works` is the mode found on the
    /// same port, `proved` whether its full probe worked.
    PlaintextOnTlsPort {
        works: Option<Security>,
        proved: bool,
    },
    /// TLS from the first byte on a port the settings say is plaintext or STARTTLS.
    TlsOnPlaintextPort {
        proved: bool,
    },
    /// STARTTLS asked for and not offered; `implicit_tls_port` answers with implicit TLS.
    StarttlsNotOffered {
        implicit_tls_port: Option<u16>,
        proved: bool,
    },
    StarttlsRefused,
    /// Bytes between the STARTTLS reply and the TLS handshake.
    StarttlsInjection,
    TlsFailed,
    /// `https_valid_until`: the HTTPS certificate of the same host (port 443) is valid until
    /// then: it was renewed, the mail server still serves the old one.
    CertExpired {
        not_after: String,
        subject: String,
        error: String,
        https_valid_until: Option<String>,
    },
    /// `alias_of`: the CNAME target of the host that the certificate does cover.
    CertNameMismatch {
        names: Vec<String>,
        subject: String,
        alias_of: Option<String>,
        /// Which hosts the certificate names were tried in its place (same port and mode),
        /// and the first of them that answered with a valid certificate.
        tried: Vec<String>,
        answered: Option<String>,
    },
    /// `chain`: what the certificates the server sent show; `https_valid_until`: the HTTPS
    /// certificate of the same host (port 443) is valid until then.
    CertUntrusted {
        issuer: String,
        subject: String,
        error: String,
        chain: Chain,
        https_valid_until: Option<String>,
    },
    CertExpiring {
        days: i64,
        not_after: String,
    },
    /// Neither STARTTLS nor implicit TLS.
    NoTlsAtAll,
    /// The server will not authenticate without TLS.
    TlsRequired,
    /// SMTP offers no AUTH even over TLS.
    NoSmtpAuth,
    /// The server refused at `stage`; `alert` is an IMAP `[ALERT]` text, shown as it is.
    Refusal {
        stage: Stage,
        alert: Option<String>,
    },
    /// The connection broke at `step`, in the way `how` says.
    Broken {
        step: Step,
        how: Breakage,
    },
    /// A reply began at `step` but was not complete within `limit`: the server trickles.
    SlowReply {
        step: Step,
        limit: Duration,
    },
    /// The whole probe took longer than `limit` (every reply came, each too slowly); it was at
    /// `step` when it was stopped.
    ProbeTooSlow {
        step: Step,
        limit: Duration,
    },
    /// The server offers only OAuth mechanisms (`mechanisms`): no password can log in.
    OauthRequired {
        mechanisms: Vec<String>,
    },
    /// The provider's dated policy (`providers/`): password logins to the server's protocol
    /// are refused since `since`; `allows` says what still works, `until` until when.
    OauthPolicy {
        provider: String,
        since: String,
        allows: crate::clientconfig::PasswordsAllowed,
        until: Option<String>,
    },
    /// The same, not yet in force: from `since`, in `days` days.
    OauthPolicyUpcoming {
        provider: String,
        since: String,
        days: i64,
        allows: crate::clientconfig::PasswordsAllowed,
        until: Option<String>,
    },
    /// `source` lists only OAuth2 as the way to log in to the server.
    OauthOnlySource {
        source: SourceKind,
    },
    /// The server refused the OAuth token sent with `mechanism`; `problem` is what the token's
    /// claims show against the server and the account; `server_status` is the status of the
    /// server's error challenge.
    OauthToken {
        mechanism: String,
        problem: TokenProblem,
        server_status: Option<String>,
    },
    /// The server offers no login mechanism mailcheck speaks; `mechanisms` are those it offers
    /// (none at all when empty).
    AuthMechanismUnsupported {
        mechanisms: Vec<String>,
    },
    /// Settings from this source came over plain HTTP.
    InsecureSource {
        source: SourceKind,
    },
    /// Sources disagree about a protocol's server (the evidence says who said what). After
    /// probing, `works` is what was proved
    /// for it, `agree` the published sources that named it and `disagree` those that did not.
    SettingsConflict {
        works: Option<Endpoint>,
        agree: Vec<SourceKind>,
        disagree: Vec<SourceKind>,
    },
    /// No source named a server; `offline` when only the bundled database was asked.
    NoSettingsFound {
        domain: String,
        offline: bool,
    },
    /// None of `failed` DNS lookups got an answer from `server` (`None`: the system's
    /// resolver); `kinds` says how they failed (`SERVFAIL`, `REFUSED`, `timeout`).
    DnsUnavailable {
        server: Option<String>,
        failed: usize,
        kinds: Vec<String>,
    },
    /// `sources` named `named` servers for `protocol`; the `kept` most trusted are probed.
    TooManyCandidates {
        protocol: Protocol,
        sources: Vec<SourceKind>,
        named: usize,
        kept: usize,
    },
}

/// What a refused OAuth token's own claims show (read without verifying its signature).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    /// `exp` is past: when, in RFC 3339.
    Expired { at: String },
    /// `aud` names another service than `wanted`.
    Audience {
        audiences: Vec<String>,
        wanted: String,
    },
    /// None of the token's scopes is `wanted`.
    Scope { scopes: Vec<String>, wanted: String },
    /// The claim `claim` names `value`, not the user `login` logged in as.
    User {
        claim: String,
        value: String,
        login: String,
    },
    /// Not a JWT: its claims cannot be read.
    Opaque,
    /// The claims show nothing wrong.
    Unexplained,
}

/// Why the certificates a server sent lead to no trusted root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chain {
    /// The certificate is signed by itself.
    SelfSigned,
    /// The chain sent ends in a root (`root`) that is not trusted here.
    RootNotTrusted { root: String },
    /// The chain sent ends in a certificate whose issuer (`issuer`) was not sent and is no
    /// trusted root: the intermediate certificate is missing (or the CA is unknown).
    IssuerMissing { issuer: String },
    /// Another failure (a bad signature, a certificate not allowed to sign).
    Other,
}

/// How a server broke the dialogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Breakage {
    Closed,
    Reset,
    /// A line longer than `max` bytes.
    LineTooLong {
        max: usize,
    },
    /// One reply of more than `max` lines.
    TooManyLines {
        max: usize,
    },
    /// More than `max` bytes on the connection in all.
    TooMuchData {
        max: usize,
    },
    /// A reply that is not the protocol's.
    NotTheProtocol,
    /// Any other failure of the connection (the evidence says which).
    Other,
}

/// One field of the settings a user typed, and what it should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldChange {
    Server { typed: String, right: String },
    Port { typed: u16, right: u16 },
    Encryption { typed: Security, right: Security },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_their_names_and_serde() {
        for code in FindingCode::ALL {
            assert_eq!(code.as_str().parse::<FindingCode>().unwrap(), code);
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn warnings_are_exactly_the_contracts_warnings() {
        let warnings: Vec<_> = FindingCode::ALL
            .into_iter()
            .filter(|c| c.severity() == Severity::Warning)
            .map(FindingCode::as_str)
            .collect();
        assert_eq!(
            warnings,
            [
                "temporarily_unavailable",
                "insecure_source",
                "settings_conflict",
                "plaintext_only",
                "cert_expiring",
                "not_a_connection_problem",
                "too_many_candidates",
                "oauth_policy_upcoming",
                "ipv6_broken",
                "pacc_invalid",
                "quota_nearly_full",
                "folder_name_breaks_clients"
            ]
        );
    }
}
