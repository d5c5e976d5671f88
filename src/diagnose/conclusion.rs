//! Reasoning across servers and protocols: what a person concludes at once from all the
//! findings together, so that a report can lead with one conclusion instead of a list.
//!
//! Two things happen here. A login refused on one server while another server accepted the
//! same password cannot be a wrong password: those causes are ruled out of the refusal
//! ([`rule_out_by_accepted_logins`]). And the run's [`Conclusion`] is chosen: the one problem a
//! helpdesk fixes first, with the protocols and servers it touches and what the logins say.

use crate::finding::{Facts, Finding, FindingCode, Severity, Stage};
use crate::settings::{Endpoint, Protocol, ServerSettings};

use super::{LoginSkipped, LoginState, ServerState};

/// The one thing a report says first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conclusion {
    /// No error-severity finding.
    Fine {
        /// Protocols whose recommended server accepted the login.
        logged_in: Vec<Protocol>,
        /// Protocols that answer, but whose login was not tried.
        reachable: Vec<Protocol>,
        /// Protocols named but not probed (`--offline`, `--no-probe`).
        untested: Vec<Protocol>,
        warnings: usize,
    },
    /// The problem to fix first.
    Problem {
        /// Index into the diagnosis's findings of the finding whose hint is the fix.
        lead: usize,
        code: FindingCode,
        /// Every protocol a finding with this code is about, in protocol order.
        protocols: Vec<Protocol>,
        /// How many servers findings with this code are about.
        servers: usize,
        password: PasswordStory,
        /// Other problems: the codes of error findings besides this one.
        other_errors: usize,
        /// When the problem is a server that fails while another of its protocol works: the
        /// recommended settings, which are the fix.
        works_instead: Option<ServerSettings>,
    },
}

/// What the logins, taken together, say about the password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PasswordStory {
    /// The conclusion is not about the password.
    NotAbout,
    /// Every protocol the password was tried on refused it as the credentials.
    RefusedWherever { protocols: Vec<Protocol> },
    /// It was refused, and the other protocols were not tried with it (for the account's sake).
    RefusedNotRetried {
        refused: Vec<Protocol>,
        untried: Vec<Protocol>,
    },
}

impl Conclusion {
    /// The code a script reads: the problem's, or `None` when there is none.
    pub fn code(&self) -> Option<FindingCode> {
        match self {
            Conclusion::Fine { .. } => None,
            Conclusion::Problem { code, .. } => Some(*code),
        }
    }
}

/// A refused login whose possible causes include the password, while another server accepted
/// the same password: the password is right, so those causes are dropped, the next cause left
/// becomes the code (the protocol switched off, when none is left), and the finding records
/// which server accepted it.
pub fn rule_out_by_accepted_logins(findings: &mut [Finding], servers: &[ServerState]) {
    for finding in findings.iter_mut() {
        let Facts::Refusal {
            stage: Stage::Login,
            ..
        } = finding.facts
        else {
            continue;
        };
        let Some(server) = &finding.server else {
            continue;
        };
        if !finding
            .possible_causes
            .iter()
            .any(|c| c.doubts_the_password())
        {
            continue;
        }
        let username = username_of(servers, server);
        let Some(accepted) = servers
            .iter()
            .find(|s| s.login == LoginState::Ok && s.candidate.settings.username == username)
        else {
            continue;
        };
        let accepted_endpoint = accepted.candidate.settings.endpoint();
        let disabled = FindingCode::disabled_for(server.protocol);
        if accepted_endpoint.protocol == server.protocol {
            // The protocol works for this account elsewhere: neither the password nor the
            // protocol being switched off explains this one server's refusal.
            finding
                .possible_causes
                .retain(|c| !c.doubts_the_password() && *c != disabled);
            if finding.possible_causes.is_empty() {
                finding.possible_causes.push(finding.code);
            }
        } else {
            finding.possible_causes.retain(|c| !c.doubts_the_password());
            if finding.possible_causes.is_empty() {
                finding.possible_causes.push(disabled);
            }
        }
        finding.code = finding.possible_causes[0];
        finding.accepted_by = Some(accepted_endpoint);
    }
}

fn username_of(servers: &[ServerState], endpoint: &Endpoint) -> String {
    servers
        .iter()
        .find(|s| s.candidate.settings.endpoint() == *endpoint)
        .map(|s| s.candidate.settings.username.clone())
        .unwrap_or_default()
}

/// How urgent a finding is for the conclusion: what stops everything first, then the user's
/// own settings (what they asked about), then, for protocols with no working server, refused
/// logins before other failures; last, what fails where another server of the protocol works.
fn rank(finding: &Finding, works: &impl Fn(Protocol) -> bool) -> u8 {
    match finding.code {
        FindingCode::NoSettingsFound | FindingCode::DnsUnavailable => 0,
        _ if !finding.user_fix.is_empty() => 1,
        _ if finding.protocol.is_some_and(works) => 4,
        _ if matches!(
            finding.facts,
            Facts::Refusal { .. } | Facts::OauthRequired { .. }
        ) =>
        {
            2
        }
        _ => 3,
    }
}

/// The run's conclusion from its findings (worst first), servers and recommended settings.
pub fn conclude(
    findings: &[Finding],
    servers: &[ServerState],
    recommended: &dyn Fn(Protocol) -> Option<ServerSettings>,
) -> Conclusion {
    let works = |p: Protocol| {
        servers.iter().any(|s| {
            s.candidate.settings.protocol == p
                && s.candidate.label.is_none()
                && matches!(
                    s.status,
                    super::ServerStatus::Ok | super::ServerStatus::Warning
                )
        })
    };
    let lead = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.severity() == Severity::Error)
        .min_by_key(|(i, f)| (rank(f, &works), *i));
    let Some((lead, finding)) = lead else {
        return fine(findings, servers);
    };
    let code = finding.code;
    let works_instead = (rank(finding, &works) == 4)
        .then(|| finding.protocol.and_then(recommended))
        .flatten()
        .filter(|r| finding.server.as_ref() != Some(&r.endpoint()));
    let same: Vec<&Finding> = findings.iter().filter(|f| f.code == code).collect();
    let mut protocols: Vec<Protocol> = same.iter().filter_map(|f| f.protocol).collect();
    protocols.sort();
    protocols.dedup();
    // Problems, not findings: the same code on several servers is one more problem.
    let mut other_codes: Vec<FindingCode> = findings
        .iter()
        .filter(|f| f.severity() == Severity::Error && f.code != code)
        .map(|f| f.code)
        .collect();
    other_codes.sort();
    other_codes.dedup();
    let other_errors = other_codes.len();
    Conclusion::Problem {
        lead,
        code,
        servers: same.iter().filter(|f| f.server.is_some()).count(),
        password: password_story(code, &protocols, servers),
        protocols,
        other_errors,
        works_instead,
    }
}

fn password_story(
    code: FindingCode,
    refused: &[Protocol],
    servers: &[ServerState],
) -> PasswordStory {
    if !code.doubts_the_password() {
        return PasswordStory::NotAbout;
    }
    let mut untried: Vec<Protocol> = servers
        .iter()
        .filter(|s| {
            s.login_skipped == Some(LoginSkipped::AfterRefusal)
                && !refused.contains(&s.candidate.settings.protocol)
        })
        .map(|s| s.candidate.settings.protocol)
        .collect();
    untried.sort();
    untried.dedup();
    if untried.is_empty() {
        PasswordStory::RefusedWherever {
            protocols: refused.to_vec(),
        }
    } else {
        PasswordStory::RefusedNotRetried {
            refused: refused.to_vec(),
            untried,
        }
    }
}

fn fine(findings: &[Finding], servers: &[ServerState]) -> Conclusion {
    let mut logged_in = Vec::new();
    let mut reachable = Vec::new();
    let mut untested = Vec::new();
    for protocol in Protocol::ALL {
        let of: Vec<&ServerState> = servers
            .iter()
            .filter(|s| s.candidate.settings.protocol == protocol)
            .collect();
        if of.is_empty() {
            continue;
        }
        if of.iter().any(|s| s.login == LoginState::Ok) {
            logged_in.push(protocol);
        } else if of.iter().all(|s| s.status == super::ServerStatus::Untested) {
            untested.push(protocol);
        } else {
            reachable.push(protocol);
        }
    }
    Conclusion::Fine {
        logged_in,
        reachable,
        untested,
        warnings: findings.len(),
    }
}
