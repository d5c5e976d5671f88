//! Diagnosis: turn what discovery and probing found into findings, server verdicts and the
//! recommended settings.

pub mod classify;
pub mod conclusion;
pub mod explain;
pub mod mailbox;
pub mod policy;
pub mod servers;
pub mod token;

use std::time::Duration;

use crate::discover::{Candidate, Discovery, SourceKind};
use crate::finding::{Facts, FieldChange, Finding, FindingCode, Severity};
use crate::probe::logins::Withheld;
use crate::probe::second_round::{FoundBy, Neighbour};
use crate::probe::{Issue, Login, NotTested, ProbeOutcome, Target};
use crate::settings::{Endpoint, Protocol, ServerSettings};

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

/// Why a server was not logged in to (`servers[].login_skipped`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginSkipped {
    NoPassword,
    /// No TLS, or TLS whose certificate failed: the password is never sent there.
    NotVerifiedTls,
    /// The server offers no way to log in (SMTP without AUTH, even over TLS).
    NoLoginOffered,
    /// The server offers only login mechanisms mailcheck may not use (OAuth only, CRAM-MD5, …).
    NoUsableMechanism,
    /// Only plain-HTTP sources named it.
    InsecureSource,
    /// Another server refused the password (or may have): it was not tried again.
    AfterRefusal,
    /// Another server of the protocol refused the service.
    AfterServiceRefusal,
    /// The run's failed login attempts reached their limit.
    AttemptLimit,
    /// The probe stopped before the login.
    NotReached,
    /// Not probed at all (`--offline`, `--no-probe`).
    NotProbed,
    /// Only a certificate that failed its name check named this host: whoever presented it
    /// chose the name, so no password goes there.
    NamedByCertificate,
}

impl LoginSkipped {
    pub const ALL: [LoginSkipped; 11] = [
        LoginSkipped::NoPassword,
        LoginSkipped::NotVerifiedTls,
        LoginSkipped::NoLoginOffered,
        LoginSkipped::NoUsableMechanism,
        LoginSkipped::InsecureSource,
        LoginSkipped::AfterRefusal,
        LoginSkipped::AfterServiceRefusal,
        LoginSkipped::AttemptLimit,
        LoginSkipped::NotReached,
        LoginSkipped::NotProbed,
        LoginSkipped::NamedByCertificate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LoginSkipped::NoPassword => "no_password",
            LoginSkipped::NotVerifiedTls => "not_verified_tls",
            LoginSkipped::NoLoginOffered => "no_login_offered",
            LoginSkipped::NoUsableMechanism => "no_usable_mechanism",
            LoginSkipped::InsecureSource => "insecure_source",
            LoginSkipped::AfterRefusal => "after_refusal",
            LoginSkipped::AfterServiceRefusal => "after_service_refusal",
            LoginSkipped::AttemptLimit => "attempt_limit",
            LoginSkipped::NotReached => "not_reached",
            LoginSkipped::NotProbed => "not_probed",
            LoginSkipped::NamedByCertificate => "named_by_certificate",
        }
    }

    /// Why a probe did not log in, from what it saw.
    fn of(outcome: &ProbeOutcome) -> Option<LoginSkipped> {
        let Login::NotTested(why) = outcome.login else {
            return None;
        };
        Some(match why {
            NotTested::NoPassword => LoginSkipped::NoPassword,
            NotTested::NotSafe
                if !outcome
                    .issues
                    .iter()
                    .any(|i| matches!(i, Issue::Certificate { .. }))
                    && outcome
                        .issues
                        .iter()
                        .any(|i| matches!(i, Issue::NoSmtpAuth { .. })) =>
            {
                LoginSkipped::NoLoginOffered
            }
            NotTested::NotSafe => LoginSkipped::NotVerifiedTls,
            NotTested::Unreached => LoginSkipped::NotReached,
            NotTested::NoMechanism => LoginSkipped::NoUsableMechanism,
            NotTested::Withheld(Withheld::InsecureSource) => LoginSkipped::InsecureSource,
            NotTested::Withheld(Withheld::AfterRefusal) => LoginSkipped::AfterRefusal,
            NotTested::Withheld(Withheld::AfterServiceRefusal) => LoginSkipped::AfterServiceRefusal,
            NotTested::Withheld(Withheld::AttemptLimit) => LoginSkipped::AttemptLimit,
        })
    }
}

/// One candidate server and what became of it.
#[derive(Clone, Debug)]
pub struct ServerState {
    pub candidate: Candidate,
    pub status: ServerStatus,
    pub elapsed: Option<Duration>,
    pub tls: Option<crate::probe::tls::TlsFacts>,
    pub auth_mechanisms: Vec<String>,
    pub login: LoginState,
    /// Why it was not logged in to, when it was not.
    pub login_skipped: Option<LoginSkipped>,
    pub connect_time: Option<Duration>,
    pub handshake_time: Option<Duration>,
    /// How long the login step took, when a login was tried.
    pub login_time: Option<Duration>,
    /// What each address of the host did when the probe connected.
    pub addresses: Vec<crate::probe::transport::AddressAttempt>,
    /// What the logged-in session showed of the mailbox.
    pub mailbox: Option<crate::probe::mailbox::MailboxFacts>,
    /// The probe's dialogue, credentials removed (for `--trace`).
    pub transcript: Vec<crate::probe::transport::TranscriptLine>,
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
            login_skipped: Some(LoginSkipped::NotProbed),
            connect_time: None,
            handshake_time: None,
            login_time: None,
            addresses: Vec::new(),
            mailbox: None,
            transcript: Vec::new(),
        }
    }
}

/// How the run ended (the command line maps it to its exit status).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Checks ran and found no error-severity finding.
    Clean,
    /// At least one error-severity finding.
    Errors,
    /// No source produced any server.
    NoSettings,
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

    /// The one conclusion a report leads with.
    pub fn conclusion(&self) -> conclusion::Conclusion {
        conclusion::conclude(&self.findings, &self.servers, &|p| {
            self.recommended(p).cloned()
        })
    }

    pub fn verdict(&self) -> Verdict {
        // Without DNS no source could find anything: `dns_unavailable` says why instead of
        // `no_settings_found`, and the status is still "no settings".
        let nothing_found = |f: &Finding| {
            f.code == FindingCode::NoSettingsFound
                || (f.code == FindingCode::DnsUnavailable && self.discovery.candidates.is_empty())
        };
        if self.findings.iter().any(nothing_found) {
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
pub fn without_probing(discovery: Discovery) -> Diagnosis {
    let mut findings = discovery.findings.clone();
    findings.extend(no_settings_found(&discovery));
    let servers = discovery
        .candidates
        .iter()
        .cloned()
        .map(ServerState::untested)
        .collect();
    // Main servers come before labelled alternates, each in order of trust.
    finish(discovery, servers, findings, |d, p| {
        d.candidates_for(p).next().map(|c| c.settings.clone())
    })
}

/// Recommends per offered protocol with `pick`, and puts the findings worst first.
fn finish(
    discovery: Discovery,
    servers: Vec<ServerState>,
    mut findings: Vec<Finding>,
    pick: impl Fn(&Discovery, Protocol) -> Option<ServerSettings>,
) -> Diagnosis {
    let recommended = Protocol::ALL
        .into_iter()
        .filter(|p| !discovery.is_not_offered(*p))
        .filter_map(|p| Some((p, pick(&discovery, p)?)))
        .collect();
    sort_findings(&mut findings);
    Diagnosis {
        discovery,
        servers,
        findings,
        recommended,
    }
}

/// The diagnosis after probing: every candidate's findings, verdicts, and the recommended
/// settings chosen from what was verified to work. `outcomes` are the candidates' probes, in
/// their order; `neighbours` what the second round found and probed (source `probe`).
pub fn with_probes(
    discovery: Discovery,
    outcomes: Vec<ProbeOutcome>,
    neighbours: Vec<Neighbour>,
) -> Diagnosis {
    let provider = discovery.provider.as_ref().map(|m| m.provider);
    let mut findings = discovery.findings.clone();
    findings.extend(no_settings_found(&discovery));
    let mut probed: Vec<(Candidate, ProbeOutcome)> =
        discovery.candidates.iter().cloned().zip(outcomes).collect();
    let named_by_certificate: Vec<Endpoint> = neighbours
        .iter()
        .filter(|n| n.found_by == FoundBy::Certificate)
        .map(|n| n.target.endpoint.clone())
        .collect();
    probed.extend(
        neighbours
            .into_iter()
            .map(|n| (found_by_probing(n.target, n.label, n.found_by), n.outcome)),
    );
    // A host only a failed certificate named is said to answer, never recommended.
    let recommendable: Vec<(Candidate, ProbeOutcome)> = probed
        .iter()
        .filter(|(c, _)| !named_by_certificate.contains(&c.endpoint()))
        .cloned()
        .collect();
    let works = |protocol: Protocol| {
        probed
            .iter()
            .any(|(_, o)| o.endpoint.protocol == protocol && o.settings_work())
    };
    let verified = |endpoint: &Endpoint| {
        probed
            .iter()
            .any(|(_, o)| o.endpoint == *endpoint && o.settings_work())
    };
    let mut servers = Vec::new();
    for (candidate, outcome) in &probed {
        let mut found = servers::findings_for(outcome, provider, &verified);
        found.extend(mailbox::findings(outcome));
        // A wrong guess is no problem of the account when another server works; a login it
        // refused is, since the password was tried there.
        if candidate.sources == [SourceKind::Guess]
            && works(candidate.settings.protocol)
            && outcome.login != Login::Failed
        {
            found.clear();
        }
        if candidate.sources.contains(&SourceKind::ProviderDb) {
            provider_hosts_exist(&mut found);
        }
        if candidate.sources.contains(&SourceKind::User) {
            explain_user_fields(&mut found, candidate, &recommendable);
        }
        let status = if found.iter().any(|f| f.severity() == Severity::Error) || !outcome.works() {
            ServerStatus::Error
        } else if !found.is_empty() {
            ServerStatus::Warning
        } else {
            ServerStatus::Ok
        };
        servers.push(ServerState {
            candidate: candidate.clone(),
            status,
            elapsed: Some(outcome.elapsed),
            tls: outcome.tls.clone(),
            auth_mechanisms: outcome.auth_mechanisms.clone(),
            login: match outcome.login {
                Login::Ok => LoginState::Ok,
                Login::Failed => LoginState::Failed,
                Login::NotTested(_) => LoginState::NotTested,
            },
            login_skipped: if named_by_certificate.contains(&outcome.endpoint) {
                Some(LoginSkipped::NamedByCertificate)
            } else {
                LoginSkipped::of(outcome)
            },
            connect_time: outcome.connect_time,
            handshake_time: outcome.handshake_time,
            login_time: outcome.login_time,
            addresses: outcome.attempts.clone(),
            mailbox: outcome.mailbox.clone(),
            transcript: outcome.transcript.clone(),
        });
        findings.extend(found);
    }
    findings.extend(published_settings_wrong(
        &discovery,
        &probed,
        &recommendable,
    ));
    settle_conflicts(&mut findings, &discovery, &recommendable);
    conclusion::rule_out_by_accepted_logins(&mut findings, &servers);
    finish(discovery, servers, findings, |_, p| {
        best_working(&recommendable, p)
    })
}

/// A host of the curated provider database that does not resolve is no typo: the DNS here
/// answers wrongly (`dns_unavailable`), never `wrong_host`.
fn provider_hosts_exist(found: &mut [Finding]) {
    for finding in found.iter_mut() {
        if let (FindingCode::WrongHost, Facts::Unresolvable { error }) =
            (finding.code, &finding.facts)
        {
            finding.facts = Facts::ProviderHostMissing {
                error: error.clone(),
            };
            finding.code = FindingCode::DnsUnavailable;
        }
    }
}

/// The audit of what the domain publishes: every server a published source (autoconfig,
/// `.well-known`, SRV, Autodiscover, PACC) names whose settings do not work, once per source, with
/// what was proved for its protocol instead.
fn published_settings_wrong(
    discovery: &Discovery,
    probed: &[(Candidate, ProbeOutcome)],
    recommendable: &[(Candidate, ProbeOutcome)],
) -> Vec<Finding> {
    const PUBLISHED: [SourceKind; 5] = [
        SourceKind::Autoconfig,
        SourceKind::Wellknown,
        SourceKind::Srv,
        SourceKind::Autodiscover,
        SourceKind::Pacc,
    ];
    let mut found = Vec::new();
    for (candidate, outcome) in probed {
        if outcome.settings_work() {
            continue;
        }
        let works = best_working(recommendable, candidate.settings.protocol)
            .map(|s| s.endpoint())
            .filter(|e| *e != candidate.endpoint());
        for source in PUBLISHED.iter().filter(|s| candidate.sources.contains(s)) {
            let detail = discovery
                .sources
                .iter()
                .find(|r| r.source == *source)
                .map(|r| r.detail.clone())
                .unwrap_or_default();
            found.push(
                Finding::new(
                    FindingCode::PublishedSettingsWrong,
                    Facts::PublishedSettingsWrong {
                        source: *source,
                        detail,
                        works: works.clone(),
                    },
                )
                .about(&candidate.endpoint()),
            );
        }
    }
    found
}

/// A `settings_conflict` settled by the probes: what works for the protocol, the sources that
/// named it and the ones that named only something else.
fn settle_conflicts(
    findings: &mut [Finding],
    discovery: &Discovery,
    recommendable: &[(Candidate, ProbeOutcome)],
) {
    let published =
        |s: &SourceKind| !matches!(s, SourceKind::Guess | SourceKind::User | SourceKind::Probe);
    for finding in findings.iter_mut() {
        let (Some(protocol), Facts::SettingsConflict { .. }) = (finding.protocol, &finding.facts)
        else {
            continue;
        };
        let Some(works) = best_working(recommendable, protocol).map(|s| s.endpoint()) else {
            continue;
        };
        let mut agree: Vec<SourceKind> = discovery
            .candidates
            .iter()
            .filter(|c| c.endpoint() == works)
            .flat_map(|c| c.sources.iter().copied())
            .filter(published)
            .collect();
        agree.sort();
        agree.dedup();
        let mut disagree: Vec<SourceKind> = discovery
            .candidates
            .iter()
            .filter(|c| c.settings.protocol == protocol && c.label.is_none())
            .flat_map(|c| c.sources.iter().copied())
            .filter(|s| published(s) && !agree.contains(s))
            .collect();
        disagree.sort();
        disagree.dedup();
        finding.facts = Facts::SettingsConflict {
            works: Some(works),
            agree,
            disagree,
        };
    }
}

/// A server of the second round, as a candidate of the source `probe` (or `guess`).
fn found_by_probing(target: Target, label: Option<String>, found_by: FoundBy) -> Candidate {
    let endpoint = target.endpoint;
    Candidate {
        settings: ServerSettings {
            protocol: endpoint.protocol,
            host: endpoint.host,
            port: endpoint.port,
            security: endpoint.security,
            username: target.username,
        },
        label,
        sources: vec![match found_by {
            FoundBy::Guess => SourceKind::Guess,
            FoundBy::Neighbour | FoundBy::Certificate => SourceKind::Probe,
        }],
        insecure_sources: Vec::new(),
        oauth_only: Vec::new(),
    }
}

/// The best server that works for a protocol: main servers before alternates, implicit TLS
/// before STARTTLS (RFC 8314), then the order of trust. A port or mode that a probe found on
/// the same host is among them (source `probe`), probed in full.
fn best_working(
    probed: &[(Candidate, ProbeOutcome)],
    protocol: Protocol,
) -> Option<ServerSettings> {
    probed
        .iter()
        .filter(|(c, o)| c.settings.protocol == protocol && o.settings_work())
        .min_by_key(|(c, _)| {
            (
                c.label.is_some(),
                c.sources == [SourceKind::User],
                c.settings.security.preference(),
                c.trust(),
            )
        })
        .map(|(candidate, _)| candidate.settings.clone())
}

/// For settings the user typed: names the fields that are wrong and what to type instead.
fn explain_user_fields(
    found: &mut [Finding],
    candidate: &Candidate,
    probed: &[(Candidate, ProbeOutcome)],
) {
    if found.is_empty() {
        return;
    }
    let protocol = candidate.settings.protocol;
    let Some(right) = best_working(probed, protocol) else {
        return;
    };
    let typed = &candidate.settings;
    let best = field_changes(typed, &right);
    if best.is_empty() {
        return;
    }
    let mut alternatives = vec![best];
    // Another change, no larger, that was proved to work too (the same port with the other
    // encryption, say): either is right, and the user may prefer to change less.
    let smaller = probed
        .iter()
        .filter(|(c, o)| c.settings.protocol == protocol && c.label.is_none() && o.settings_work())
        .map(|(c, _)| field_changes(typed, &c.settings))
        .filter(|changes| {
            !changes.is_empty()
                && changes.len() <= alternatives[0].len()
                && *changes != alternatives[0]
        })
        .min_by_key(|changes| {
            let other_host = changes
                .iter()
                .any(|c| matches!(c, FieldChange::Server { .. }));
            (changes.len(), other_host)
        });
    alternatives.extend(smaller);
    for finding in found.iter_mut() {
        finding.user_fix = alternatives.clone();
    }
}

/// The fields that differ between what the user typed and `right`.
fn field_changes(typed: &ServerSettings, right: &ServerSettings) -> Vec<FieldChange> {
    let mut wrong = Vec::new();
    if typed.host != right.host {
        wrong.push(FieldChange::Server {
            typed: typed.host.clone(),
            right: right.host.clone(),
        });
    }
    if typed.port != right.port {
        wrong.push(FieldChange::Port {
            typed: typed.port,
            right: right.port,
        });
    }
    if typed.security != right.security {
        wrong.push(FieldChange::Encryption {
            typed: typed.security,
            right: right.security,
        });
    }
    wrong
}

/// `no_settings_found` when no source named any server, unless DNS did not work at all
/// (`dns_unavailable` says that, and it is the reason).
fn no_settings_found(discovery: &Discovery) -> Option<Finding> {
    let dns_down = discovery
        .findings
        .iter()
        .any(|f| f.code == FindingCode::DnsUnavailable);
    (discovery.candidates.is_empty() && !dns_down).then(|| {
        Finding::new(
            FindingCode::NoSettingsFound,
            Facts::NoSettingsFound {
                domain: discovery.address.domain().to_owned(),
                // Offline, the bundled database is the only source asked.
                offline: discovery.sources.len() == 1,
            },
        )
    })
}

/// Worst first; within a severity, in protocol order, then by code.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by_key(|f| (f.severity(), f.protocol, f.code));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_a_login_was_skipped_is_documented() {
        let contract = include_str!("../../docs/report.md");
        for why in LoginSkipped::ALL {
            assert!(
                contract.contains(&format!("`{}`", why.as_str())),
                "docs/report.md does not name `{}`",
                why.as_str()
            );
        }
    }
}
