//! Diagnosis: turn what discovery and probing found into findings, server verdicts and the
//! recommended settings.

pub mod classify;
pub mod text;

use std::time::Duration;

use crate::discover::{Candidate, Discovery};
use crate::finding::{Finding, FindingCode, Severity};
use crate::lang::Lang;
use crate::settings::{Protocol, ServerSettings};

/// How a server fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerStatus {
    Ok,
    Warning,
    Error,
    Untested,
}

impl ServerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ServerStatus::Ok => "ok",
            ServerStatus::Warning => "warning",
            ServerStatus::Error => "error",
            ServerStatus::Untested => "untested",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginState {
    Ok,
    Failed,
    NotTested,
}

/// The certificate and session facts of a TLS connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsFacts {
    pub version: String,
    pub subject: String,
    pub issuer: String,
    pub names: Vec<String>,
    /// RFC 3339, UTC.
    pub not_after: String,
}

/// One candidate server and what became of it.
#[derive(Clone, Debug)]
pub struct ServerState {
    pub candidate: Candidate,
    pub status: ServerStatus,
    pub elapsed: Option<Duration>,
    pub tls: Option<TlsFacts>,
    pub auth_mechanisms: Vec<String>,
    pub login: LoginState,
}

impl ServerState {
    pub fn untested(candidate: Candidate) -> Self {
        Self {
            candidate,
            status: ServerStatus::Untested,
            elapsed: None,
            tls: None,
            auth_mechanisms: Vec::new(),
            login: LoginState::NotTested,
        }
    }
}

/// How the run ended, and the exit status that says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Checks ran and found no error-severity finding.
    Clean,
    /// At least one error-severity finding.
    Errors,
    /// No source produced any server.
    NoSettings,
}

impl Verdict {
    /// The contract's exit status.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Clean => 0,
            Verdict::Errors => 1,
            Verdict::NoSettings => 4,
        }
    }
}

/// Everything known at the end of a run.
#[derive(Clone, Debug)]
pub struct Diagnosis {
    pub discovery: Discovery,
    pub servers: Vec<ServerState>,
    pub findings: Vec<Finding>,
    recommended: Vec<(Protocol, ServerSettings)>,
}

impl Diagnosis {
    /// The settings recommended for a protocol, or `None` when it is not offered.
    pub fn recommended(&self, protocol: Protocol) -> Option<&ServerSettings> {
        self.recommended
            .iter()
            .find(|(p, _)| *p == protocol)
            .map(|(_, s)| s)
    }

    pub fn verdict(&self) -> Verdict {
        if self
            .findings
            .iter()
            .any(|f| f.code == FindingCode::NoSettingsFound)
        {
            Verdict::NoSettings
        } else if self
            .findings
            .iter()
            .any(|f| f.severity() == Severity::Error)
        {
            Verdict::Errors
        } else {
            Verdict::Clean
        }
    }
}

/// The diagnosis when nothing could be probed (`--offline`): every server `untested`, and the
/// recommendation follows the order of trust.
pub fn without_probing(discovery: Discovery, lang: Lang) -> Diagnosis {
    let mut findings = discovery.findings.clone();
    if discovery.candidates.is_empty() {
        findings.push(text::no_settings_found(&discovery, lang));
    }
    let recommended = Protocol::ALL
        .into_iter()
        .filter(|p| !discovery.is_not_offered(*p))
        .filter_map(|p| {
            // Main servers come before labelled alternates, each in order of trust.
            let best = discovery.candidates_for(p).next()?;
            Some((p, best.settings.clone()))
        })
        .collect();
    let servers = discovery
        .candidates
        .iter()
        .cloned()
        .map(ServerState::untested)
        .collect();
    sort_findings(&mut findings);
    Diagnosis {
        discovery,
        servers,
        findings,
        recommended,
    }
}

/// Worst first; within a severity, in protocol order, then by code.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by_key(|f| (f.severity(), f.protocol, f.code));
}
