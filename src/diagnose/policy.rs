//! `oauth_required` from what is known rather than seen: the provider's dated policy
//! (`mc:oauthPolicy` in `providers/`, decided by the run's date) and sources that list OAuth2
//! as the only way to log in. A server that a login proved otherwise keeps its verdict.

use crate::finding::{Facts, Finding, FindingCode, Stage};
use crate::settings::Endpoint;

use super::{Diagnosis, LoginState, ServerStatus};

/// Adds `oauth_required` for every server that the provider's policy of `today`, or a source,
/// says takes no password. A refused password login there becomes that finding (its reply the
/// evidence, its own reading the next possible cause).
pub fn apply(diagnosis: &mut Diagnosis, today: time::Date) {
    let provider = diagnosis.discovery.provider.as_ref().map(|m| m.provider);
    let mut added = Vec::new();
    for server in &mut diagnosis.servers {
        if let Some(facts) = provider.and_then(|p| upcoming(p, &server.candidate, today)) {
            added.push(policy_finding(
                &server.candidate.endpoint(),
                FindingCode::OauthPolicyUpcoming,
                facts,
            ));
            if server.status == ServerStatus::Ok {
                server.status = ServerStatus::Warning;
            }
        }
        if server.login == LoginState::Ok {
            continue;
        }
        let candidate = &server.candidate;
        let endpoint = candidate.endpoint();
        let protocol = endpoint.protocol;
        let policy = provider.and_then(|p| {
            let its_server = p
                .mail_servers()
                .any(|s| s.hostname.eq_ignore_ascii_case(&endpoint.host));
            let policy = p.oauth_policies.iter().find(|policy| {
                policy.applies(protocol, today)
                    && policy.allows != crate::clientconfig::PasswordsAllowed::AppPassword
            })?;
            its_server.then(|| Facts::OauthPolicy {
                provider: p.default_name().to_owned(),
                since: policy.since.map(|d| d.to_string()).unwrap_or_default(),
                allows: policy.allows,
                until: policy.until.map(|d| d.to_string()),
            })
        });
        let Some(facts) = policy.or_else(|| {
            candidate
                .oauth_only
                .first()
                .map(|source| Facts::OauthOnlySource { source: *source })
        }) else {
            continue;
        };
        let on_server = |f: &Finding| f.server.as_ref() == Some(&endpoint);
        // Said already, or an OAuth token was tried there: its findings say more.
        if diagnosis.findings.iter().any(|f| {
            on_server(f)
                && (f.code == FindingCode::OauthRequired
                    || matches!(f.facts, Facts::OauthToken { .. }))
        }) {
            continue;
        }
        let refused = diagnosis.findings.iter_mut().find(|f| {
            on_server(f)
                && matches!(
                    f.facts,
                    Facts::Refusal {
                        stage: Stage::Login,
                        ..
                    }
                )
        });
        match refused {
            // Switched off, locked, rate limited: the reply says more than the policy.
            Some(finding)
                if !matches!(
                    finding.code,
                    FindingCode::BadCredentials | FindingCode::AppPasswordRequired
                ) => {}
            Some(finding) => {
                let mut causes = vec![FindingCode::OauthRequired];
                causes.extend(
                    finding
                        .possible_causes
                        .iter()
                        .filter(|c| **c != FindingCode::OauthRequired),
                );
                finding.code = FindingCode::OauthRequired;
                finding.facts = facts;
                finding.possible_causes = causes;
            }
            None => added.push(policy_finding(&endpoint, FindingCode::OauthRequired, facts)),
        }
        if matches!(server.status, ServerStatus::Ok | ServerStatus::Warning) {
            server.status = ServerStatus::Error;
        }
    }
    diagnosis.findings.extend(added);
    super::sort_findings(&mut diagnosis.findings);
}

/// How far ahead a policy that turns password logins off is told (`oauth_policy_upcoming`).
pub const UPCOMING_DAYS: i64 = 90;

/// The provider's policy for `candidate` (one of its own servers) that turns password logins
/// off within [`UPCOMING_DAYS`] of `today`, and is not in force yet.
fn upcoming(
    provider: &crate::clientconfig::ProviderConfig,
    candidate: &crate::discover::Candidate,
    today: time::Date,
) -> Option<Facts> {
    let endpoint = candidate.endpoint();
    let protocol = endpoint.protocol;
    let refuses = |policy: &&crate::clientconfig::OauthPolicy| {
        policy.protocols.contains(&protocol)
            && policy.allows != crate::clientconfig::PasswordsAllowed::AppPassword
    };
    let its_server = provider
        .mail_servers()
        .any(|s| s.hostname.eq_ignore_ascii_case(&endpoint.host));
    if !its_server
        || provider
            .oauth_policies
            .iter()
            .filter(refuses)
            .any(|p| p.applies(protocol, today))
    {
        return None;
    }
    provider
        .oauth_policies
        .iter()
        .filter(refuses)
        .filter_map(|policy| {
            let since = policy.since?;
            let days = (since - today).whole_days();
            (1..=UPCOMING_DAYS)
                .contains(&days)
                .then(|| Facts::OauthPolicyUpcoming {
                    provider: provider.default_name().to_owned(),
                    since: since.to_string(),
                    days,
                    allows: policy.allows,
                    until: policy.until.map(|d| d.to_string()),
                })
        })
        .next()
}

fn policy_finding(server: &Endpoint, code: FindingCode, facts: Facts) -> Finding {
    let mut finding = Finding::new(code, facts).about(server);
    finding.possible_causes = vec![code];
    finding
}

#[cfg(test)]
mod tests {
    use crate::finding::{Facts, FindingCode};
    use crate::settings::Protocol;

    fn oauth_required(address: &str, date: (i32, u8, u8)) -> Vec<(Protocol, Facts)> {
        let address = crate::EmailAddress::parse(address).unwrap();
        let today =
            time::Date::from_calendar_date(date.0, time::Month::try_from(date.1).unwrap(), date.2)
                .unwrap();
        crate::check_offline_on(&address, today)
            .findings
            .into_iter()
            .filter(|f| f.code == FindingCode::OauthRequired)
            .map(|f| (f.protocol.unwrap(), f.facts))
            .collect()
    }

    #[test]
    fn outlook_com_takes_no_password_from_2024_09_16_on() {
        assert_eq!(oauth_required("alice@outlook.com", (2024, 9, 15)), []);
        let after = oauth_required("alice@outlook.com", (2024, 9, 16));
        let protocols: Vec<Protocol> = after.iter().map(|(p, _)| *p).collect();
        assert_eq!(protocols, [Protocol::Imap, Protocol::Pop3, Protocol::Smtp]);
        assert!(matches!(
            &after[0].1,
            Facts::OauthPolicy { since, allows: crate::clientconfig::PasswordsAllowed::Nothing, .. }
                if since == "2024-09-16"
        ));
    }

    #[test]
    fn microsoft_365_smtp_auth_goes_off_by_default_at_the_end_of_2026() {
        let before = oauth_required("alice@onmicrosoft.com", (2026, 12, 30));
        let protocols: Vec<Protocol> = before.iter().map(|(p, _)| *p).collect();
        assert_eq!(protocols, [Protocol::Imap, Protocol::Pop3]);
        let after = oauth_required("alice@onmicrosoft.com", (2026, 12, 31));
        assert!(matches!(
            after.last(),
            Some((
                Protocol::Smtp,
                Facts::OauthPolicy {
                    allows: crate::clientconfig::PasswordsAllowed::AdminSwitch,
                    ..
                }
            ))
        ));
        // The words say what works: OAuth, or the administrator's switch.
        let finding = crate::check_offline_on(
            &crate::EmailAddress::parse("alice@onmicrosoft.com").unwrap(),
            time::macros::date!(2027 - 01 - 15),
        )
        .findings
        .into_iter()
        .find(|f| f.protocol == Some(Protocol::Smtp))
        .unwrap();
        for lang in [crate::Lang::En, crate::Lang::Zh] {
            let worded = crate::text::finding::word(&finding, None, lang);
            assert!(worded.message.contains("2026-12-31"), "{worded:?}");
            assert!(worded.hint.contains("OAuth"), "{worded:?}");
        }
        let en = crate::text::finding::word(&finding, None, crate::Lang::En);
        assert!(en.hint.contains("administrator"), "{}", en.hint);
        // docs/report.md shows these words as they are.
        let provider = crate::discover::ProviderDb::bundled().get("microsoft365");
        let doc = include_str!("../../docs/report.md");
        for lang in [crate::Lang::En, crate::Lang::Zh] {
            let message = crate::text::finding::word(&finding, provider, lang).message;
            assert!(doc.contains(&format!("`{message}`")), "{message}");
        }
    }

    #[test]
    fn microsoft_365_smtp_is_told_ahead_of_its_date_and_not_before_the_90_days() {
        let upcoming = |date: (i32, u8, u8)| {
            let address = crate::EmailAddress::parse("alice@onmicrosoft.com").unwrap();
            let today = time::Date::from_calendar_date(
                date.0,
                time::Month::try_from(date.1).unwrap(),
                date.2,
            )
            .unwrap();
            crate::check_offline_on(&address, today)
                .findings
                .into_iter()
                .filter(|f| f.code == FindingCode::OauthPolicyUpcoming)
                .collect::<Vec<_>>()
        };
        assert!(upcoming((2026, 10, 1)).is_empty(), "91 days ahead");
        let soon = upcoming((2026, 12, 2));
        assert_eq!(soon.len(), 1);
        assert_eq!(soon[0].protocol, Some(Protocol::Smtp));
        assert!(matches!(
            soon[0].facts,
            Facts::OauthPolicyUpcoming { days: 29, .. }
        ));
        let en = crate::text::finding::word(&soon[0], None, crate::Lang::En).message;
        assert!(en.contains("on 2026-12-31, in 29 day(s)"), "{en}");
        let zh = crate::text::finding::word(&soon[0], None, crate::Lang::Zh).message;
        assert!(zh.contains("29 天后"), "{zh}");
        // On the day it is in force, and no longer upcoming.
        assert!(upcoming((2026, 12, 31)).is_empty());
    }

    #[test]
    fn a_refused_password_becomes_oauth_required_and_a_login_that_worked_keeps_its_verdict() {
        use crate::diagnose::{LoginState, ServerStatus};
        use crate::finding::{Finding, Stage};
        let address = crate::EmailAddress::parse("alice@onmicrosoft.com").unwrap();
        let mut diagnosis =
            crate::diagnose::without_probing(crate::discover::discover_offline(&address));
        let imap = diagnosis.servers[0].candidate.endpoint();
        assert_eq!(imap.protocol, Protocol::Imap);
        let pop3 = diagnosis.servers[1].candidate.endpoint();
        diagnosis.servers[0].login = LoginState::Failed;
        diagnosis.servers[1].login = LoginState::Ok;
        diagnosis.servers[1].status = ServerStatus::Ok;
        let mut refused = Finding::new(
            FindingCode::BadCredentials,
            Facts::Refusal {
                stage: Stage::Login,
                alert: None,
            },
        )
        .about(&imap)
        .with_evidence("a3 NO AUTHENTICATE failed.");
        refused.possible_causes = vec![FindingCode::BadCredentials, FindingCode::ImapDisabled];
        diagnosis.findings.push(refused);
        super::apply(&mut diagnosis, time::macros::date!(2026 - 12 - 02));
        let on = |endpoint: &crate::settings::Endpoint| {
            diagnosis
                .findings
                .iter()
                .filter(|f| f.server.as_ref() == Some(endpoint))
                .collect::<Vec<_>>()
        };
        let imap_findings = on(&imap);
        assert_eq!(imap_findings.len(), 1, "{imap_findings:?}");
        let finding = imap_findings[0];
        assert_eq!(finding.code, FindingCode::OauthRequired);
        assert!(matches!(finding.facts, Facts::OauthPolicy { .. }));
        assert_eq!(
            finding.evidence.as_deref(),
            Some("a3 NO AUTHENTICATE failed.")
        );
        assert_eq!(
            finding.possible_causes,
            [
                FindingCode::OauthRequired,
                FindingCode::BadCredentials,
                FindingCode::ImapDisabled
            ]
        );
        assert!(on(&pop3).is_empty(), "the POP3 login worked");
        assert_eq!(diagnosis.servers[1].status, ServerStatus::Ok);
    }

    #[test]
    fn app_password_providers_raise_nothing_by_themselves() {
        assert_eq!(oauth_required("alice@gmail.com", (2026, 12, 2)), []);
        assert_eq!(oauth_required("alice@yahoo.com", (2026, 12, 2)), []);
    }
}
