//! A finding in words: its message, its hint (the provider's own advice where it has some) and
//! its evidence, chosen from the finding's facts.

use super::{Catalogue, Phrase, catalogue};
use crate::clientconfig::ProviderConfig;
use crate::finding::{
    Breakage, Chain, Facts, FieldChange, Finding, FindingCode, Stage, Step, TokenProblem,
};
use crate::lang::Lang;
use crate::settings::Security;

/// What a report says of one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Worded {
    pub message: String,
    pub hint: String,
    pub evidence: Option<String>,
}

/// Words `finding` for the account's provider (whose hints take precedence) in `lang`.
pub fn word(finding: &Finding, provider: Option<&ProviderConfig>, lang: Lang) -> Worded {
    let t = catalogue(lang);
    let (message, mut hint) = message_and_hint(t, finding, provider, lang);
    if let Some(accepted) = &finding.accepted_by {
        let at = format!("{}:{}", accepted.host, accepted.port);
        let right = t.password_accepted_by(accepted.protocol.display_name(), &at);
        hint = if finding
            .server
            .as_ref()
            .is_some_and(|s| s.protocol == accepted.protocol)
        {
            // The same protocol works there: that server is the fix.
            format!("{right}{}{}", t.sentence_gap(), t.use_instead(&at))
        } else {
            format!("{right}{}{hint}", t.sentence_gap())
        };
    }
    if !finding.user_fix.is_empty() {
        let fix = user_fix(t, &finding.user_fix);
        // For a refusal the fields are one fix and the account another; for a connection
        // failure the fields are the whole fix, and the finding's own advice (which may name
        // another port or mode) would contradict them.
        hint = if matches!(
            finding.facts,
            Facts::Refusal { .. } | Facts::OauthRequired { .. }
        ) {
            format!("{fix}{}{hint}", t.sentence_gap())
        } else {
            fix
        };
    }
    Worded {
        message,
        hint,
        evidence: evidence(t, finding),
    }
}

fn message_and_hint(
    t: &dyn Catalogue,
    finding: &Finding,
    provider: Option<&ProviderConfig>,
    lang: Lang,
) -> (String, String) {
    let generic_fix = |code: FindingCode| t.generic(code).1.to_owned();
    let proof = |proved: bool| {
        if proved {
            t.phrase(Phrase::ProvedToWork)
        } else {
            ""
        }
    };
    let Some(server) = &finding.server else {
        return without_server(t, finding);
    };
    let at = format!("{}:{}", server.host, server.port);
    let proto = server.protocol.display_name();
    let port_for = |security: Security| server.protocol.default_port(security);
    match &finding.facts {
        Facts::Quota { resource } => {
            let (used, limit) = quota_amounts(t, resource);
            let percent = resource.percent();
            if finding.code == FindingCode::QuotaFull {
                (
                    t.quota_full(&at, &used, &limit, percent),
                    t.quota_full_fix(),
                )
            } else {
                (
                    t.quota_nearly_full(&at, &used, &limit, percent),
                    t.quota_nearly_full_fix(),
                )
            }
        }
        Facts::FolderNames {
            folders,
            count,
            separator,
        } => {
            let shown = &folders[..folders.len().min(3)];
            let examples: Vec<String> = shown
                .iter()
                .map(|f| {
                    let problems: Vec<String> =
                        f.problems.iter().map(|p| t.name_problem(p)).collect();
                    format!(
                        "\u{201c}{}\u{201d}{}",
                        f.name,
                        t.paren(&problems.join(t.phrase(Phrase::SourceSeparator)))
                    )
                })
                .collect();
            let mut examples = examples.join(t.phrase(Phrase::SourceSeparator));
            if *count > shown.len() {
                examples.push_str(&t.and_more(count - shown.len()));
            }
            // A name whose only fault is its encoding keeps its letters: a client that encodes
            // it properly stores it anew.
            let renames: Vec<String> = shown
                .iter()
                .filter_map(|f| {
                    let new = crate::probe::mailbox::suggested_name(&f.name, *separator);
                    (new != f.name).then(|| {
                        format!("\u{201c}{}\u{201d} \u{2192} \u{201c}{new}\u{201d}", f.name)
                    })
                })
                .collect();
            (
                t.folder_names_break(&at, *count, &examples),
                t.folder_names_fix(&renames.join(t.phrase(Phrase::SourceSeparator))),
            )
        }
        Facts::Unresolvable { error } => (
            t.unresolvable(&server.host, &t.dns_error(error)),
            generic_fix(FindingCode::WrongHost),
        ),
        Facts::ProviderHostMissing { error } => (
            t.provider_host_missing(
                &server.host,
                &t.dns_error(error),
                provider.map_or(&server.host, |p| p.name(lang)),
            ),
            generic_fix(FindingCode::DnsUnavailable),
        ),
        Facts::LookupFailed { error } => (
            t.lookup_failed(&server.host, &t.dns_error(error)),
            generic_fix(FindingCode::DnsUnavailable),
        ),
        Facts::NothingListens { works } => (
            t.nothing_listens(&at),
            match works {
                Some((port, security)) => t.answers_on(proto, *port, security.client_label()),
                None => generic_fix(FindingCode::WrongPort),
            },
        ),
        Facts::PortFiltered {
            limit,
            works,
            answered,
        } => (
            t.port_filtered(&at, limit.as_secs_f64()),
            match (works, answered) {
                (Some((port, security)), _) => t.answers_on(proto, *port, security.client_label()),
                (None, Some(port)) => t.this_port_filtered(*port),
                (None, None) => t.host_unreachable(),
            },
        ),
        Facts::Unreachable { .. } => (t.unreachable(&at), t.unreachable_fix()),
        Facts::Ipv6Broken { failed, ipv4 } => {
            let failed: Vec<String> = failed
                .iter()
                .map(|(address, result, _)| {
                    format!("{address} {}", t.phrase(super::attempt_phrase(result)))
                })
                .collect();
            (
                t.ipv6_broken(&at, &failed.join(", "), ipv4),
                t.ipv6_broken_fix(),
            )
        }
        Facts::NoAnswer { step, limit } => (
            t.no_answer(&at, t.step(*step), limit.as_secs_f64()),
            generic_fix(FindingCode::Timeout),
        ),
        Facts::OtherProtocol { protocol } => (
            t.other_protocol(&at, protocol.display_name(), proto),
            t.use_protocol_ports(proto, port_for(Security::Tls), port_for(Security::Starttls)),
        ),
        Facts::NotMail => (t.not_mail(&at), generic_fix(FindingCode::WrongPort)),
        Facts::PlaintextOnTlsPort { works, proved } => (
            t.plaintext_on_tls_port(&at),
            match works {
                Some(_) => t.choose_starttls_here(server.port, proof(*proved)),
                None => t.starttls_elsewhere(server.port, port_for(Security::Starttls)),
            },
        ),
        Facts::TlsOnPlaintextPort { proved } => {
            let typed = server.security.client_label();
            (
                t.tls_on_plaintext_port(&at, typed),
                t.choose_tls_here(server.port, typed, proof(*proved)),
            )
        }
        Facts::StarttlsNotOffered {
            implicit_tls_port,
            proved,
        } => (
            t.starttls_not_offered(&at),
            match implicit_tls_port {
                Some(port) => t.choose_tls_port(*port, proof(*proved)),
                None => generic_fix(FindingCode::PlaintextOnly),
            },
        ),
        Facts::StarttlsRefused => (
            t.starttls_refused(&at),
            generic_fix(FindingCode::TlsMismatch),
        ),
        Facts::StarttlsInjection => (
            t.starttls_injection(&at),
            generic_fix(FindingCode::StarttlsInjection),
        ),
        Facts::TlsFailed => (t.tls_failed(&at), generic_fix(FindingCode::TlsMismatch)),
        Facts::CertExpired {
            not_after,
            https_valid_until,
            ..
        } => (
            t.cert_expired(&at, not_after),
            match https_valid_until {
                Some(until) => t.cert_renewed_not_loaded(until),
                None => generic_fix(FindingCode::CertExpired),
            },
        ),
        Facts::CertNameMismatch {
            names,
            alias_of,
            tried,
            answered,
            ..
        } => {
            let names = name_list(t, names);
            let hint = match (alias_of, answered) {
                (Some(target), _) => t.cert_alias(&server.host, target, &names),
                (None, Some(host)) => t.cert_name_answers(&names, host),
                (None, None) if !tried.is_empty() => t.cert_names_do_not_answer(
                    &names,
                    &tried.join(t.phrase(Phrase::SourceSeparator)),
                ),
                (None, None) => t.cert_covers(&names),
            };
            (t.cert_name_mismatch(&at, &server.host), hint)
        }
        Facts::CertUntrusted {
            issuer,
            chain,
            https_valid_until,
            ..
        } => {
            let hint = match chain {
                Chain::SelfSigned => t.cert_self_signed(),
                Chain::RootNotTrusted { root } => t.cert_root_not_trusted(root),
                Chain::IssuerMissing { issuer } => t.cert_issuer_missing(issuer),
                Chain::Other => generic_fix(FindingCode::CertUntrusted),
            };
            let hint = match https_valid_until {
                Some(until) => [hint, t.cert_https_valid(until)].join(t.sentence_gap()),
                None => hint,
            };
            (t.cert_untrusted(&at, issuer), hint)
        }
        Facts::CertExpiring { days, not_after } => (
            t.cert_expiring(&at, *days, not_after),
            generic_fix(FindingCode::CertExpiring),
        ),
        Facts::NoTlsAtAll => (
            t.no_tls_at_all(&at),
            generic_fix(FindingCode::PlaintextOnly),
        ),
        Facts::TlsRequired => (t.tls_required(&at), generic_fix(FindingCode::TlsRequired)),
        Facts::NoSmtpAuth => (
            t.no_smtp_auth(&at),
            provider_hint(provider, FindingCode::SmtpDisabled, lang),
        ),
        Facts::Refusal { stage, alert } => {
            let meaning = t.generic(finding.code).0;
            let message = match stage {
                Stage::Greeting => t.refused_session(&at),
                Stage::Login => t.refused_login(&at, meaning),
                Stage::AfterLogin => t.refused_mailbox(&at, meaning),
            };
            let mut hint = refusal_hint(provider, finding.code, &finding.possible_causes, lang);
            if let Some(alert) = alert {
                hint = t.server_says(&hint, alert);
            }
            (message, hint)
        }
        Facts::Broken { step, how } => {
            let message = match how {
                Breakage::Other => t.broken(&at, t.step(*step)),
                how => t.broke_off(&at, t.step(*step), &t.breakage(*how, proto)),
            };
            // Before a greeting was understood nothing says it is a mail server at all.
            let hint = match step {
                Step::Connect | Step::TlsHandshake | Step::Greeting => {
                    generic_fix(FindingCode::WrongPort)
                }
                _ => t.dialogue_broken_fix(proto),
            };
            (message, hint)
        }
        Facts::SlowReply { step, limit } => (
            t.slow_reply(&at, t.step(*step), limit.as_secs_f64()),
            t.phrase(Phrase::SlowServerFix).to_owned(),
        ),
        Facts::ProbeTooSlow { step, limit } => (
            t.probe_too_slow(&at, t.step(*step), limit.as_secs_f64()),
            t.phrase(Phrase::SlowServerFix).to_owned(),
        ),
        Facts::OauthRequired { mechanisms } => (
            t.oauth_required(&at, &mechanisms.join(" ")),
            oauth_hint(provider, finding.server.as_ref(), lang),
        ),
        Facts::OauthPolicy {
            provider: name,
            since,
            allows,
            until,
        } => (
            t.oauth_policy(
                &at,
                provider.map_or(name.as_str(), |p| p.name(lang)),
                proto,
                since,
                *allows == crate::clientconfig::PasswordsAllowed::AdminSwitch,
            ),
            t.oauth_policy_fix(*allows, until.as_deref()),
        ),
        Facts::OauthPolicyUpcoming {
            provider: name,
            since,
            days,
            allows,
            until,
        } => (
            t.oauth_policy_upcoming(
                &at,
                provider.map_or(name.as_str(), |p| p.name(lang)),
                proto,
                since,
                *days,
                *allows == crate::clientconfig::PasswordsAllowed::AdminSwitch,
            ),
            t.oauth_policy_fix(*allows, until.as_deref()),
        ),
        Facts::OauthOnlySource { source } => (
            t.oauth_only_source(&at, t.source_title(*source)),
            oauth_hint(provider, finding.server.as_ref(), lang),
        ),
        Facts::OauthToken {
            mechanism,
            problem,
            server_status,
        } => {
            let mut message = match problem {
                TokenProblem::Expired { at: when } => t.token_expired(&at, mechanism, when),
                TokenProblem::Audience { audiences, wanted } => {
                    t.token_audience(&at, mechanism, &audiences.join(", "), wanted)
                }
                TokenProblem::Scope { scopes, wanted } => {
                    t.token_scope(&at, mechanism, &scopes.join(" "), wanted)
                }
                TokenProblem::User {
                    claim,
                    value,
                    login,
                } => t.token_user(&at, mechanism, claim, value, login),
                TokenProblem::Opaque => t.token_opaque(&at, mechanism),
                TokenProblem::Unexplained => t.token_unexplained(&at, mechanism),
            };
            if let Some(status) = server_status {
                message.push_str(&t.token_server_status(status));
            }
            (message, generic_fix(finding.code))
        }
        Facts::AuthMechanismUnsupported { mechanisms } => (
            if mechanisms.is_empty() {
                t.no_login_mechanism(&at)
            } else {
                t.auth_mechanism_unsupported(&at, &mechanisms.join(" "))
            },
            generic_fix(FindingCode::AuthMechanismUnsupported),
        ),
        Facts::PublishedSettingsWrong { source, works, .. } => (
            t.published_settings_wrong(
                t.source_title(*source),
                &at,
                t.security_label(server.security),
            ),
            match works {
                Some(right)
                    if *source == crate::source::SourceKind::Pacc
                        && (right.security != Security::Tls
                            || right.port != crate::discover::pacc::port(right.protocol)) =>
                {
                    t.pacc_cannot_say(
                        &format!("{}:{}", right.host, right.port),
                        t.security_label(right.security),
                        crate::discover::pacc::port(right.protocol),
                    )
                }
                Some(right) => t.publish_instead(
                    &format!("{}:{}", right.host, right.port),
                    t.security_label(right.security),
                ),
                None => t.published_nothing_works(proto),
            },
        ),
        Facts::InsecureSource { .. }
        | Facts::PaccInvalid { .. }
        | Facts::SettingsConflict { .. }
        | Facts::NoSettingsFound { .. }
        | Facts::DnsUnavailable { .. }
        | Facts::TooManyCandidates { .. } => without_server(t, finding),
    }
}

/// The findings about no server in particular: a source, a protocol, the whole domain.
/// A quota resource's usage and limit in words: sizes for STORAGE, messages for MESSAGE.
pub fn quota_amounts(
    t: &dyn Catalogue,
    resource: &crate::probe::mailbox::QuotaResource,
) -> (String, String) {
    match (resource.bytes(), resource.resource.as_str()) {
        (Some((used, limit)), _) => (super::size(used), super::size(limit)),
        (None, "MESSAGE") => (t.messages(resource.usage), t.messages(resource.limit)),
        (None, name) => (
            format!("{} {name}", resource.usage),
            format!("{} {name}", resource.limit),
        ),
    }
}

fn without_server(t: &dyn Catalogue, finding: &Finding) -> (String, String) {
    let generic_fix = |code: FindingCode| t.generic(code).1.to_owned();
    match &finding.facts {
        Facts::InsecureSource { source } => (
            t.insecure_source(source.as_str()),
            generic_fix(FindingCode::InsecureSource),
        ),
        Facts::PaccInvalid { check, url, .. } => {
            let host = reqwest::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_default();
            (t.pacc_invalid(url, *check), t.pacc_fix(*check, &host))
        }
        Facts::SettingsConflict {
            works,
            agree,
            disagree,
        } => (
            t.settings_conflict(finding.protocol.map_or("", |p| p.display_name())),
            match works {
                Some(right) => {
                    let titles = |sources: &[crate::source::SourceKind]| {
                        sources
                            .iter()
                            .map(|s| t.source_title(*s))
                            .collect::<Vec<_>>()
                    };
                    t.conflict_settled(
                        &format!("{}:{}", right.host, right.port),
                        t.security_label(right.security),
                        &titles(agree),
                        &titles(disagree),
                    )
                }
                None => generic_fix(FindingCode::SettingsConflict),
            },
        ),
        Facts::NoSettingsFound { domain, offline } => {
            let hint = if *offline {
                t.not_in_database(domain)
            } else {
                generic_fix(FindingCode::NoSettingsFound)
            };
            (t.no_settings_found(domain), hint)
        }
        Facts::DnsUnavailable {
            server,
            failed,
            kinds,
        } => {
            let server = server
                .as_deref()
                .unwrap_or(t.phrase(Phrase::SystemResolver));
            (
                t.dns_unavailable(server, *failed, &kinds.join(", ")),
                generic_fix(FindingCode::DnsUnavailable),
            )
        }
        Facts::TooManyCandidates {
            protocol,
            sources,
            named,
            kept,
        } => {
            let sources: Vec<&str> = sources.iter().map(|s| s.as_str()).collect();
            (
                t.too_many_candidates(
                    &sources.join(t.phrase(Phrase::SourceSeparator)),
                    *named,
                    protocol.display_name(),
                    *kept,
                ),
                generic_fix(FindingCode::TooManyCandidates),
            )
        }
        _ => {
            let (meaning, fix) = t.generic(finding.code);
            (meaning.to_owned(), fix.to_owned())
        }
    }
}

/// The evidence: what the server said, or, for what mailcheck itself observed, its words.
fn evidence(t: &dyn Catalogue, finding: &Finding) -> Option<String> {
    match &finding.facts {
        Facts::TlsOnPlaintextPort { .. } => {
            Some(t.phrase(Phrase::TlsOnPlaintextEvidence).to_owned())
        }
        Facts::CertExpired {
            subject,
            error,
            https_valid_until,
            ..
        } => Some(match https_valid_until {
            Some(until) => format!("{error}; subject {subject}; port 443: valid until {until}"),
            None => format!("{error}; subject {subject}"),
        }),
        Facts::CertUntrusted {
            subject,
            error,
            chain,
            https_valid_until,
            ..
        } => Some(
            match chain {
                Chain::SelfSigned => format!("{error}; subject {subject}; self-signed"),
                Chain::RootNotTrusted { root } => {
                    format!("{error}; subject {subject}; the chain sent ends in {root}")
                }
                Chain::IssuerMissing { issuer } => {
                    format!("{error}; subject {subject}; issuer not sent: {issuer}")
                }
                Chain::Other => format!("{error}; subject {subject}"),
            } + &https_valid_until
                .as_ref()
                .map(|until| format!("; port 443: valid until {until}"))
                .unwrap_or_default(),
        ),
        Facts::PublishedSettingsWrong { detail, .. } => Some(detail.clone()),
        Facts::PaccInvalid {
            check,
            expected,
            got,
            ..
        } => Some(format!(
            "{}: expected {expected}; got {got}",
            check.as_str()
        )),
        Facts::CertNameMismatch { names, subject, .. } => {
            Some(format!("subject {subject}; names {}", name_list(t, names)))
        }
        _ => finding.evidence.clone(),
    }
}

/// "In your settings change: port 143 → 993, …", or two such changes either of which works.
fn user_fix(t: &dyn Catalogue, alternatives: &[Vec<FieldChange>]) -> String {
    let fields = |changes: &[FieldChange]| {
        let fields: Vec<String> = changes
            .iter()
            .map(|change| match change {
                FieldChange::Server { typed, right } => t.change_server(typed, right),
                FieldChange::Port { typed, right } => t.change_port(*typed, *right),
                FieldChange::Encryption { typed, right } => {
                    t.change_encryption(typed.client_label(), right.client_label())
                }
            })
            .collect();
        fields.join(t.field_separator())
    };
    match alternatives {
        [one] => t.change_fields(&fields(one)),
        [first, second, ..] => t.change_either(&fields(first), &fields(second)),
        [] => String::new(),
    }
}

/// The names a certificate covers, for a person: a CDN's certificate can carry a hundred, of
/// which the first few say enough (the JSON report's `cert_names` has them all).
fn name_list(t: &dyn Catalogue, names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut list = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        list.push_str(&t.and_more(names.len() - SHOWN));
    }
    list
}

/// The advice for a refusal: the provider's (or the generic) hint for the most likely cause,
/// and, when the reply leaves several causes open, how to tell them apart.
pub fn refusal_hint(
    provider: Option<&ProviderConfig>,
    code: FindingCode,
    causes: &[FindingCode],
    lang: Lang,
) -> String {
    let hint = provider_hint(provider, code, lang);
    let mut tell_apart = how_to_tell_apart(causes, lang);
    // For these codes the check of the most likely cause is the fix itself, which the hint
    // has just said: saying it twice only makes the hint longer.
    let check_is_the_fix = matches!(
        code,
        FindingCode::AppPasswordRequired
            | FindingCode::ImapDisabled
            | FindingCode::Pop3Disabled
            | FindingCode::SmtpDisabled
            | FindingCode::TlsMismatch
            | FindingCode::PortFiltered
            | FindingCode::OauthRequired
            | FindingCode::BlockedByAdmin
            | FindingCode::SmtpAuthMissing
            | FindingCode::TemporarilyUnavailable
    );
    if check_is_the_fix && causes.first() == Some(&code) && !tell_apart.is_empty() {
        tell_apart.remove(0);
    }
    if tell_apart.is_empty() {
        hint
    } else {
        let gap = catalogue(lang).sentence_gap();
        format!("{hint}{gap}{}", tell_apart.join(gap))
    }
}

/// How to tell apart the causes a reply leaves open: one short check per cause, in the order
/// given, each said once. Empty when there is only one cause.
pub fn how_to_tell_apart(causes: &[FindingCode], lang: Lang) -> Vec<&'static str> {
    if causes.len() < 2 {
        return Vec::new();
    }
    let t = catalogue(lang);
    let mut checks = Vec::new();
    for check in causes.iter().filter_map(|&code| t.tell_apart(code)) {
        if !checks.contains(&check) {
            checks.push(check);
        }
    }
    checks
}

/// What works instead of a password: the provider's own hint, else what its OAuth policy for
/// the server's protocol still allows (an app password, the administrator's switch), else the
/// generic advice.
fn oauth_hint(
    provider: Option<&ProviderConfig>,
    server: Option<&crate::settings::Endpoint>,
    lang: Lang,
) -> String {
    if let Some(hint) = provider.and_then(|p| p.hint_for(FindingCode::OauthRequired)) {
        return hint.get(lang).to_owned();
    }
    let policy = provider.zip(server).and_then(|(p, server)| {
        p.oauth_policies
            .iter()
            .find(|policy| policy.protocols.contains(&server.protocol))
    });
    match policy {
        Some(policy) => catalogue(lang).oauth_policy_fix(
            policy.allows,
            policy.until.map(|d| d.to_string()).as_deref(),
        ),
        None => catalogue(lang)
            .generic(FindingCode::OauthRequired)
            .1
            .to_owned(),
    }
}

/// The provider's advice for a code, else the generic one.
pub fn provider_hint(provider: Option<&ProviderConfig>, code: FindingCode, lang: Lang) -> String {
    provider
        .and_then(|p| p.hint_for(code))
        .map(|h| h.get(lang).to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| catalogue(lang).generic(code).1.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_name_lists_are_cut_with_a_count() {
        let names: Vec<String> = (1..=20).map(|i| format!("h{i}.cdn.example")).collect();
        let en = name_list(catalogue(Lang::En), &names);
        assert!(en.starts_with("h1.cdn.example, h2.cdn.example"), "{en}");
        assert!(en.ends_with("h8.cdn.example and 12 more"), "{en}");
        let zh = name_list(catalogue(Lang::Zh), &names);
        assert!(zh.ends_with(&catalogue(Lang::Zh).and_more(12)), "{zh}");
        assert_eq!(
            name_list(catalogue(Lang::En), &names[..2]),
            "h1.cdn.example, h2.cdn.example"
        );
    }

    #[test]
    fn ways_to_tell_causes_apart() {
        use FindingCode::*;
        let tencent = crate::diagnose::classify::classify(
            Some(crate::settings::Protocol::Smtp),
            Some(Stage::Login),
            "535 Login fail. Account is abnormal, service is not open, password is incorrect, login frequency limited, or system is busy.",
            None,
        );
        let en = how_to_tell_apart(&tencent.possible_causes, Lang::En);
        assert_eq!(en.len(), tencent.possible_causes.len());
        assert!(en[0].contains("authorization code"));
        let zh = how_to_tell_apart(&tencent.possible_causes, Lang::Zh);
        assert!(zh[0].contains("授权码"));
        assert!(how_to_tell_apart(&[TlsRequired], Lang::En).is_empty());
        // The three "disabled" codes share one check.
        assert_eq!(
            how_to_tell_apart(&[ImapDisabled, Pop3Disabled, SmtpDisabled], Lang::En).len(),
            1
        );
    }

    #[test]
    fn the_probes_new_findings_are_worded_in_every_language() {
        use std::time::Duration;
        let server = crate::settings::Endpoint {
            protocol: crate::settings::Protocol::Pop3,
            host: "pop.example.com".into(),
            port: 995,
            security: Security::Tls,
        };
        let limit = Duration::from_secs(2);
        let facts = [
            (
                FindingCode::WrongPort,
                Facts::Broken {
                    step: Step::Capabilities,
                    how: Breakage::Reset,
                },
            ),
            (
                FindingCode::WrongPort,
                Facts::Broken {
                    step: Step::Greeting,
                    how: Breakage::NotTheProtocol,
                },
            ),
            (
                FindingCode::PortFiltered,
                Facts::PortFiltered {
                    limit,
                    works: None,
                    answered: None,
                },
            ),
            (
                FindingCode::Timeout,
                Facts::SlowReply {
                    step: Step::Greeting,
                    limit,
                },
            ),
            (
                FindingCode::Timeout,
                Facts::ProbeTooSlow {
                    step: Step::Login,
                    limit,
                },
            ),
            (
                FindingCode::OauthRequired,
                Facts::OauthRequired {
                    mechanisms: vec!["XOAUTH2".into()],
                },
            ),
            (
                FindingCode::AuthMechanismUnsupported,
                Facts::AuthMechanismUnsupported {
                    mechanisms: vec!["CRAM-MD5".into()],
                },
            ),
            (
                FindingCode::AuthMechanismUnsupported,
                Facts::AuthMechanismUnsupported {
                    mechanisms: Vec::new(),
                },
            ),
        ];
        let chinese = |text: &str| text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for (code, facts) in facts {
            let finding = Finding::new(code, facts.clone()).about(&server);
            let en = word(&finding, None, Lang::En);
            assert!(
                en.message.contains("pop.example.com:995") && !chinese(&en.message),
                "{en:?}"
            );
            assert!(!en.hint.is_empty() && !chinese(&en.hint), "{en:?}");
            let zh = word(&finding, None, Lang::Zh);
            assert!(
                chinese(&zh.message) && chinese(&zh.hint),
                "{facts:?}: {zh:?}"
            );
        }
    }

    /// Issue 13: each story of the network path and of a failed certificate has its own hint,
    /// in both languages.
    #[test]
    fn network_paths_and_certificate_chains_are_told_apart() {
        use std::time::Duration;
        let server = crate::settings::Endpoint {
            protocol: crate::settings::Protocol::Imap,
            host: "imap.example.com".into(),
            port: 993,
            security: Security::Tls,
        };
        let filtered = |answered| Facts::PortFiltered {
            limit: Duration::from_secs(2),
            works: None,
            answered,
        };
        let untrusted = |chain| Facts::CertUntrusted {
            issuer: "CN=R11".into(),
            subject: "CN=imap.example.com".into(),
            error: "invalid peer certificate: UnknownIssuer".into(),
            chain,
            https_valid_until: None,
        };
        let expired = |https_valid_until| Facts::CertExpired {
            not_after: "2020-01-01T00:00:00Z".into(),
            subject: "CN=imap.example.com".into(),
            error: "certificate expired".into(),
            https_valid_until,
        };
        let cases = [
            (
                FindingCode::PortFiltered,
                filtered(Some(465)),
                "port 465",
                "465 端口",
            ),
            (
                FindingCode::PortFiltered,
                filtered(None),
                "on any port",
                "任何端口",
            ),
            (
                FindingCode::PortFiltered,
                Facts::Unreachable {
                    error: "Network is unreachable (os error 101)".into(),
                },
                "not the settings",
                "不是设置问题",
            ),
            (
                FindingCode::Ipv6Broken,
                Facts::Ipv6Broken {
                    failed: vec![("2001:db8::1".into(), "timeout".into(), None)],
                    ipv4: "192.0.2.1".into(),
                },
                "work over IPv4",
                "通过 IPv4 可以使用",
            ),
            (
                FindingCode::CertUntrusted,
                untrusted(Chain::IssuerMissing {
                    issuer: "CN=R11".into(),
                }),
                "intermediate certificate",
                "中间证书",
            ),
            (
                FindingCode::CertUntrusted,
                untrusted(Chain::RootNotTrusted {
                    root: "CN=Corp Root".into(),
                }),
                "does not trust",
                "不信任该 CA",
            ),
            (
                FindingCode::CertUntrusted,
                untrusted(Chain::SelfSigned),
                "self-signed",
                "自签名",
            ),
            (
                FindingCode::CertExpired,
                expired(Some("2027-03-01T00:00:00Z".into())),
                "reload or restart the mail server",
                "重新加载或重启邮件服务",
            ),
        ];
        for (code, facts, en_hint, zh_hint) in cases {
            let finding = Finding::new(code, facts).about(&server);
            let en = word(&finding, None, Lang::En);
            assert!(en.hint.contains(en_hint), "{en:?}");
            let zh = word(&finding, None, Lang::Zh);
            assert!(zh.hint.contains(zh_hint), "{zh:?}");
        }
        let mut renewed_web = untrusted(Chain::SelfSigned);
        if let Facts::CertUntrusted {
            https_valid_until, ..
        } = &mut renewed_web
        {
            *https_valid_until = Some("2027-03-01T00:00:00Z".into());
        }
        let web = Finding::new(FindingCode::CertUntrusted, renewed_web).about(&server);
        let en = word(&web, None, Lang::En);
        assert!(
            en.hint.contains("self-signed") && en.hint.contains("(port 443) is valid"),
            "{en:?}"
        );
        assert!(word(&web, None, Lang::Zh).hint.contains("443 端口"));
        let plain = word(
            &Finding::new(FindingCode::CertExpired, expired(None)).about(&server),
            None,
            Lang::En,
        );
        assert!(!plain.hint.contains("reload"), "{plain:?}");
    }

    #[test]
    fn discovery_findings_are_worded_from_their_facts_in_every_language() {
        use crate::settings::Protocol;
        use crate::source::SourceKind;
        let down = Finding::new(
            FindingCode::DnsUnavailable,
            Facts::DnsUnavailable {
                server: None,
                failed: 12,
                kinds: vec!["SERVFAIL".into(), "timeout".into()],
            },
        );
        let many = Finding::new(
            FindingCode::TooManyCandidates,
            Facts::TooManyCandidates {
                protocol: Protocol::Imap,
                sources: vec![SourceKind::Srv, SourceKind::Autoconfig],
                named: 1000,
                kept: 4,
            },
        );
        let en = word(&down, None, Lang::En).message;
        assert_eq!(
            en,
            "None of 12 DNS lookup(s) got an answer from the system's DNS resolver (SERVFAIL, timeout)."
        );
        let en = word(&many, None, Lang::En).message;
        assert!(
            en.starts_with("srv, autoconfig named 1000 IMAP servers"),
            "{en}"
        );
        for finding in [&down, &many] {
            let zh = word(finding, None, Lang::Zh);
            assert!(!zh.message.is_empty() && !zh.hint.is_empty());
            assert_ne!(zh.message, word(finding, None, Lang::En).message);
        }
    }

    #[test]
    fn a_users_wrong_fields_lead_the_hint() {
        let server = crate::settings::Endpoint {
            protocol: crate::settings::Protocol::Imap,
            host: "imap.example.com".into(),
            port: 143,
            security: Security::Tls,
        };
        let mut finding = Finding::new(
            FindingCode::TlsMismatch,
            Facts::TlsOnPlaintextPort { proved: false },
        )
        .about(&server);
        finding.user_fix = vec![vec![FieldChange::Port {
            typed: 143,
            right: 993,
        }]];
        let worded = word(&finding, None, Lang::En);
        // The fields are the whole fix: the finding's own advice (keep port 143, choose
        // STARTTLS) would contradict them.
        assert_eq!(
            worded.hint,
            "In your settings change: port 143 → 993 (proved to work)."
        );
        finding.user_fix.push(vec![FieldChange::Encryption {
            typed: Security::Tls,
            right: Security::Starttls,
        }]);
        let either = word(&finding, None, Lang::En).hint;
        assert_eq!(
            either,
            "In your settings change either port 143 → 993, or encryption SSL/TLS → STARTTLS: both were proved to work."
        );
        assert_eq!(
            worded.message,
            "imap.example.com:143 expects TLS from the first byte, but the settings say SSL/TLS."
        );
    }
}
