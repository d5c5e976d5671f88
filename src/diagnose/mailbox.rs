//! The mailbox behind a login that works: a quota at 90% or more (`quota_nearly_full`), at
//! 100% (`quota_full`), and folder names that some clients fail on
//! (`folder_name_breaks_clients`). What is only worth knowing (roles, IDLE, UIDL, SIZE) stays
//! facts, worded by the report.

use crate::finding::{Facts, Finding, FindingCode};
use crate::probe::ProbeOutcome;
use crate::probe::mailbox::{MailboxFacts, QuotaCheck, QuotaResource};

/// From this percentage on the quota is nearly full.
pub const NEARLY_FULL: u64 = 90;

/// The findings of one probe's mailbox facts.
pub fn findings(outcome: &ProbeOutcome) -> Vec<Finding> {
    let Some(MailboxFacts::Imap(imap)) = &outcome.mailbox else {
        return Vec::new();
    };
    let server = &outcome.endpoint;
    let mut found = Vec::new();
    if let QuotaCheck::Roots(resources) = &imap.quota
        && let Some(worst) = fullest(resources)
    {
        let code = match worst.percent() {
            p if p >= 100 => Some(FindingCode::QuotaFull),
            p if p >= NEARLY_FULL => Some(FindingCode::QuotaNearlyFull),
            _ => None,
        };
        if let Some(code) = code {
            let evidence = format!(
                "QUOTA {:?} ({} {} {})",
                worst.root, worst.resource, worst.usage, worst.limit
            );
            found.push(
                Finding::new(
                    code,
                    Facts::Quota {
                        resource: worst.clone(),
                    },
                )
                .about(server)
                .with_evidence(evidence),
            );
        }
    }
    if let Some(folders) = &imap.folders
        && folders.problem_count > 0
    {
        let sent: Vec<String> = folders
            .problems
            .iter()
            .take(3)
            .map(|f| format!("{:?}", f.raw))
            .collect();
        found.push(
            Finding::new(
                FindingCode::FolderNameBreaksClients,
                Facts::FolderNames {
                    folders: folders.problems.clone(),
                    count: folders.problem_count,
                    separator: folders.separator,
                },
            )
            .about(server)
            .with_evidence(format!("LIST: {}", sent.join(", "))),
        );
    }
    found
}

/// The resource closest to (or furthest over) its limit; resources without a limit (0 of 0
/// is how some servers say none) are left out.
fn fullest(resources: &[QuotaResource]) -> Option<&QuotaResource> {
    resources
        .iter()
        .filter(|r| r.limit > 0)
        .max_by_key(|r| r.percent())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::mailbox::{Folders, ImapMailbox, ProblemFolder, name_problems};
    use crate::settings::{Endpoint, Protocol, Security};

    fn outcome(imap: ImapMailbox) -> ProbeOutcome {
        let mut o = ProbeOutcome::new(Endpoint {
            protocol: Protocol::Imap,
            host: "imap.example.test".into(),
            port: 993,
            security: Security::Tls,
        });
        o.mailbox = Some(MailboxFacts::Imap(imap));
        o
    }

    fn quota(usage: u64, limit: u64) -> ImapMailbox {
        ImapMailbox {
            quota: QuotaCheck::Roots(vec![
                QuotaResource {
                    root: "User quota".into(),
                    resource: "MESSAGE".into(),
                    usage: 1,
                    limit: 1000,
                },
                QuotaResource {
                    root: "User quota".into(),
                    resource: "STORAGE".into(),
                    usage,
                    limit,
                },
            ]),
            ..ImapMailbox::default()
        }
    }

    fn codes(imap: ImapMailbox) -> Vec<FindingCode> {
        findings(&outcome(imap)).iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_quota_warns_from_90_percent_and_is_an_error_at_100() {
        assert!(codes(quota(89, 100)).is_empty());
        assert_eq!(codes(quota(90, 100)), [FindingCode::QuotaNearlyFull]);
        assert_eq!(codes(quota(100, 100)), [FindingCode::QuotaFull]);
        assert_eq!(codes(quota(120, 100)), [FindingCode::QuotaFull]);
        // No limit (0), no finding; nor without QUOTA or when refused.
        assert!(codes(quota(5, 0)).is_empty());
        let refused = ImapMailbox {
            quota: QuotaCheck::Refused("a7 NO quota".into()),
            ..ImapMailbox::default()
        };
        assert!(codes(refused).is_empty());
        let f = &findings(&outcome(quota(95, 100)))[0];
        assert_eq!(
            f.evidence.as_deref(),
            Some(r#"QUOTA "User quota" (STORAGE 95 100)"#)
        );
    }

    #[test]
    fn a_folder_name_with_a_full_width_space_is_a_finding() {
        let raw = "Projects&MAA-2026";
        let (name, problems) = name_problems(raw, Some('/'));
        let imap = ImapMailbox {
            folders: Some(Folders {
                count: 3,
                complete: true,
                separator: Some('/'),
                problems: vec![ProblemFolder {
                    name,
                    raw: raw.into(),
                    problems,
                }],
                problem_count: 1,
                ..Folders::default()
            }),
            ..ImapMailbox::default()
        };
        let found = findings(&outcome(imap));
        assert_eq!(found[0].code, FindingCode::FolderNameBreaksClients);
        assert_eq!(
            found[0].evidence.as_deref(),
            Some(r#"LIST: "Projects&MAA-2026""#)
        );
        let en = crate::text::finding::word(&found[0], None, crate::lang::Lang::En);
        assert!(
            en.message.contains("full-width space, U+3000"),
            "{}",
            en.message
        );
        assert!(
            en.hint.contains("\u{201c}Projects 2026\u{201d}"),
            "{}",
            en.hint
        );
        let zh = crate::text::finding::word(&found[0], None, crate::lang::Lang::Zh);
        assert!(zh.message.contains("全角空格"), "{}", zh.message);
    }
}
