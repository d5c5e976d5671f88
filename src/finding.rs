//! Findings: what is wrong, as data with a stable code (see `docs/report.md`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::settings::{Endpoint, Protocol};

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
}

impl FindingCode {
    pub const ALL: [FindingCode; 23] = [
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
        }
    }

    /// Severity is a property of the code (the contract's table), never of the situation.
    pub fn severity(self) -> Severity {
        match self {
            FindingCode::TemporarilyUnavailable
            | FindingCode::InsecureSource
            | FindingCode::SettingsConflict
            | FindingCode::PlaintextOnly
            | FindingCode::CertExpiring => Severity::Warning,
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

/// One thing that is wrong, with the evidence and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: FindingCode,
    /// The server it is about, if it is about one.
    pub server: Option<Endpoint>,
    /// The protocol it is about when no single server is meant (a settings conflict).
    pub protocol: Option<Protocol>,
    pub message: String,
    pub hint: String,
    /// What the server said, or the error that led here, with credentials removed.
    pub evidence: Option<String>,
    /// Every cause the evidence leaves open, most likely first (starts with `code`).
    pub possible_causes: Vec<FindingCode>,
}

impl Finding {
    pub fn new(code: FindingCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            code,
            server: None,
            protocol: None,
            message: message.into(),
            hint: hint.into(),
            evidence: None,
            possible_causes: Vec::new(),
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
                "cert_expiring"
            ]
        );
    }
}
