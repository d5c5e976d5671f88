//! From what a probe saw to findings: the code, the facts behind it and the evidence.

use crate::clientconfig::ProviderConfig;
use crate::finding::{Breakage, Facts, Finding, FindingCode, Stage};
use crate::probe::tls::CertProblem;
use crate::probe::transport::{AttemptResult, IoFailure, MAX_LINE, MAX_LINES, MAX_RECEIVED};
use crate::probe::{Issue, ProbeOutcome};
use crate::settings::{Endpoint, Protocol, Security};

use super::classify;

/// The findings one probe's issues amount to. `verified` tells whether other settings were
/// probed in full and worked: only then may a hint call its suggestion "proved to work".
pub fn findings_for(
    outcome: &ProbeOutcome,
    provider: Option<&ProviderConfig>,
    verified: &dyn Fn(&Endpoint) -> bool,
) -> Vec<Finding> {
    outcome
        .issues
        .iter()
        .flat_map(|issue| match issue {
            Issue::OauthRefused {
                mechanism,
                reply,
                server_error,
                user,
                claims,
                now,
            } => super::token::findings(
                &outcome.endpoint,
                *mechanism,
                reply,
                server_error.as_ref(),
                claims.as_ref(),
                user,
                *now,
            ),
            issue => vec![finding_for(&outcome.endpoint, issue, provider, verified)],
        })
        .collect()
}

fn finding_for(
    server: &Endpoint,
    issue: &Issue,
    provider: Option<&ProviderConfig>,
    verified: &dyn Fn(&Endpoint) -> bool,
) -> Finding {
    // The same host with another port or TLS mode, as the neighbour check found it.
    let proved = |port: u16, security: Security| {
        verified(&Endpoint {
            port,
            security,
            ..server.clone()
        })
    };
    let (code, facts, evidence): (FindingCode, Facts, Option<String>) = match issue {
        Issue::Unresolvable(e) => (
            FindingCode::WrongHost,
            Facts::Unresolvable { error: e.clone() },
            Some(e.to_string()),
        ),
        Issue::LookupFailed(e) => (
            FindingCode::DnsUnavailable,
            Facts::LookupFailed { error: e.clone() },
            Some(e.to_string()),
        ),
        Issue::Refused { detail, works } => (
            FindingCode::WrongPort,
            Facts::NothingListens { works: *works },
            Some(detail.clone()),
        ),
        Issue::Filtered {
            limit,
            works,
            answered,
        } => (
            FindingCode::PortFiltered,
            Facts::PortFiltered {
                limit: *limit,
                works: *works,
                answered: *answered,
            },
            None,
        ),
        Issue::Unreachable { error } => (
            FindingCode::PortFiltered,
            Facts::Unreachable {
                error: error.clone(),
            },
            Some(error.clone()),
        ),
        Issue::Ipv6Broken { failed, ipv4 } => {
            let evidence = failed
                .iter()
                .map(|a| {
                    format!(
                        "[{}]:{}: {}",
                        a.address,
                        server.port,
                        attempt_said(&a.result)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let failed = failed
                .iter()
                .map(|a| {
                    (
                        a.address.to_string(),
                        a.result.as_str().to_owned(),
                        a.elapsed,
                    )
                })
                .collect();
            (
                FindingCode::Ipv6Broken,
                Facts::Ipv6Broken {
                    failed,
                    ipv4: ipv4.to_string(),
                },
                Some(evidence),
            )
        }
        Issue::NoAnswer { step, limit } => (
            FindingCode::Timeout,
            Facts::NoAnswer {
                step: *step,
                limit: *limit,
            },
            None,
        ),
        Issue::SlowReply { step, limit } => (
            FindingCode::Timeout,
            Facts::SlowReply {
                step: *step,
                limit: *limit,
            },
            None,
        ),
        Issue::ProbeTooSlow { step, limit } => (
            FindingCode::Timeout,
            Facts::ProbeTooSlow {
                step: *step,
                limit: *limit,
            },
            None,
        ),
        Issue::OtherProtocol { protocol, greeting } => (
            FindingCode::WrongPort,
            Facts::OtherProtocol {
                protocol: *protocol,
            },
            Some(greeting.clone()),
        ),
        Issue::NotMail { greeting } => (
            FindingCode::WrongPort,
            Facts::NotMail,
            Some(greeting.clone()),
        ),
        Issue::PlaintextOnTlsPort { said, works } => (
            FindingCode::TlsMismatch,
            Facts::PlaintextOnTlsPort {
                works: *works,
                proved: works.is_some_and(|security| proved(server.port, security)),
            },
            Some(said.clone()),
        ),
        Issue::TlsOnPlaintextPort { works } => (
            FindingCode::TlsMismatch,
            Facts::TlsOnPlaintextPort {
                proved: works.is_some_and(|security| proved(server.port, security)),
            },
            None,
        ),
        Issue::StarttlsNotOffered {
            capabilities,
            implicit_tls_port,
        } => (
            FindingCode::TlsMismatch,
            Facts::StarttlsNotOffered {
                implicit_tls_port: *implicit_tls_port,
                proved: implicit_tls_port.is_some_and(|port| proved(port, Security::Tls)),
            },
            Some(capabilities.clone()),
        ),
        Issue::StarttlsRefused { reply } => (
            FindingCode::TlsMismatch,
            Facts::StarttlsRefused,
            Some(reply.clone()),
        ),
        Issue::Injection { bytes } => (
            FindingCode::StarttlsInjection,
            Facts::StarttlsInjection,
            Some(bytes.clone()),
        ),
        Issue::TlsFailed { reason } => (
            FindingCode::TlsMismatch,
            Facts::TlsFailed,
            Some(reason.clone()),
        ),
        Issue::Certificate {
            problem,
            facts,
            alias_of,
            https_valid_until,
        } => {
            let (code, cert) = match problem {
                CertProblem::Expired(error) => (
                    FindingCode::CertExpired,
                    Facts::CertExpired {
                        not_after: facts.not_after.clone(),
                        subject: facts.subject.clone(),
                        error: error.clone(),
                        https_valid_until: https_valid_until.clone(),
                    },
                ),
                CertProblem::NameMismatch => {
                    let tried = crate::probe::certificate_suggestions(server, &facts.names);
                    (
                        FindingCode::CertNameMismatch,
                        Facts::CertNameMismatch {
                            names: facts.names.clone(),
                            subject: facts.subject.clone(),
                            alias_of: alias_of.clone(),
                            answered: tried.iter().find(|e| verified(e)).map(|e| e.host.clone()),
                            tried: tried.into_iter().map(|e| e.host).collect(),
                        },
                    )
                }
                CertProblem::Untrusted(error, chain) => (
                    FindingCode::CertUntrusted,
                    Facts::CertUntrusted {
                        issuer: facts.issuer.clone(),
                        subject: facts.subject.clone(),
                        error: error.clone(),
                        chain: chain.clone(),
                        https_valid_until: https_valid_until.clone(),
                    },
                ),
            };
            (code, cert, None)
        }
        Issue::CertificateExpiring { days, facts } => (
            FindingCode::CertExpiring,
            Facts::CertExpiring {
                days: *days,
                not_after: facts.not_after.clone(),
            },
            None,
        ),
        Issue::NoTlsAtAll { capabilities } => (
            FindingCode::PlaintextOnly,
            Facts::NoTlsAtAll,
            Some(capabilities.clone()),
        ),
        Issue::TlsRequired { evidence } => (
            FindingCode::TlsRequired,
            Facts::TlsRequired,
            Some(evidence.clone()),
        ),
        Issue::NoSmtpAuth { capabilities } => (
            FindingCode::SmtpDisabled,
            Facts::NoSmtpAuth,
            Some(capabilities.clone()),
        ),
        Issue::OauthRequired {
            mechanisms,
            capabilities,
        } => (
            FindingCode::OauthRequired,
            Facts::OauthRequired {
                mechanisms: mechanisms.clone(),
            },
            Some(capabilities.clone()),
        ),
        Issue::NoUsableMechanism {
            mechanisms,
            capabilities,
        } => (
            FindingCode::AuthMechanismUnsupported,
            Facts::AuthMechanismUnsupported {
                mechanisms: mechanisms.clone(),
            },
            Some(capabilities.clone()),
        ),
        Issue::Refusal { stage, reply } => return refusal(server, *stage, reply, provider),
        // Worded by `findings_for` (one finding per problem of the token); here as a refusal.
        Issue::OauthRefused { reply, .. } => {
            return refusal(server, Stage::Login, reply, provider);
        }
        // A server that breaks the dialogue is not a working server of the protocol there,
        // whatever it is; it did not say "try later".
        Issue::Broken { step, failure } => (
            FindingCode::WrongPort,
            Facts::Broken {
                step: *step,
                how: breakage(failure),
            },
            // What the server sent, or the socket's error; the message words the rest.
            match failure {
                IoFailure::Malformed(line) => Some(line.clone()),
                IoFailure::Io(error) => Some(error.clone()),
                _ => None,
            },
        ),
    };
    let mut finding = Finding::new(code, facts).about(server);
    finding.evidence = evidence;
    finding
}

/// What an attempt to one address came to, for the evidence (the OS's words for an error).
fn attempt_said(result: &AttemptResult) -> String {
    match result {
        AttemptResult::Failed(error) | AttemptResult::NoRoute(error) => error.clone(),
        AttemptResult::Refused => "connection refused".into(),
        other => other.as_str().into(),
    }
}

/// How a failure broke the dialogue.
fn breakage(failure: &IoFailure) -> Breakage {
    match failure {
        IoFailure::Closed => Breakage::Closed,
        IoFailure::Reset => Breakage::Reset,
        IoFailure::LineTooLong => Breakage::LineTooLong { max: MAX_LINE },
        IoFailure::TooManyLines => Breakage::TooManyLines { max: MAX_LINES },
        IoFailure::TooMuchData => Breakage::TooMuchData { max: MAX_RECEIVED },
        IoFailure::Malformed(_) => Breakage::NotTheProtocol,
        IoFailure::Timeout(_) | IoFailure::SlowReply(_) | IoFailure::Io(_) => Breakage::Other,
    }
}

/// A refused greeting, login or mailbox access, classified.
fn refusal(
    server: &Endpoint,
    stage: Stage,
    reply: &str,
    provider: Option<&ProviderConfig>,
) -> Finding {
    // SMTP 504 to AUTH: the mechanism is not supported (RFC 4954 §4), never a wrong password.
    if server.protocol == Protocol::Smtp && stage == Stage::Login && reply.starts_with("504") {
        return Finding::new(
            FindingCode::AuthMechanismUnsupported,
            Facts::AuthMechanismUnsupported {
                mechanisms: Vec::new(),
            },
        )
        .about(server)
        .with_evidence(reply);
    }
    let class = classify::classify(Some(server.protocol), Some(stage), reply, provider);
    let code = class.code.unwrap_or(unrecognised(stage));
    let mut finding = Finding::new(
        code,
        Facts::Refusal {
            stage,
            alert: class.alert,
        },
    )
    .about(server)
    .with_evidence(reply);
    finding.possible_causes = if class.possible_causes.is_empty() {
        vec![code]
    } else {
        class.possible_causes
    };
    finding
}

/// What a refusal that no rule recognises is taken for at each stage.
fn unrecognised(stage: Stage) -> FindingCode {
    match stage {
        Stage::Greeting => FindingCode::TemporarilyUnavailable,
        Stage::Login | Stage::AfterLogin => FindingCode::BadCredentials,
    }
}

/// The code a refused login's reply gets in the report: what the login gate asks while the
/// other probes wait, so that it stops as the report will explain.
pub fn login_refusal_code(
    protocol: Protocol,
    reply: &str,
    provider: Option<&ProviderConfig>,
) -> FindingCode {
    classify::classify(Some(protocol), Some(Stage::Login), reply, provider)
        .code
        .unwrap_or(unrecognised(Stage::Login))
}
