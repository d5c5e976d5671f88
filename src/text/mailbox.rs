//! A mailbox's facts in words: one line of what the logged-in session showed, and notes on
//! what it means for a mail client (a missing Sent/Drafts/Trash folder, no IDLE, no UIDL, a
//! size limit that changes after login).

use super::{Catalogue, Phrase};
use crate::probe::mailbox::{MailboxFacts, QuotaCheck};

/// The summary line and the notes of `facts`.
pub fn word(facts: &MailboxFacts, t: &dyn Catalogue) -> (String, Vec<String>) {
    let sep = t.clause_separator();
    let mut parts: Vec<String> = Vec::new();
    let mut notes = Vec::new();
    match facts {
        MailboxFacts::Imap(imap) => {
            if let Some(folders) = &imap.folders {
                let mut part = t.folder_count(folders.count, folders.complete);
                let roles: Vec<String> = folders
                    .roles
                    .iter()
                    .map(|r| format!("{} \u{201c}{}\u{201d}", t.role(r.role), r.name))
                    .collect();
                if !roles.is_empty() {
                    part.push_str(&t.paren(&roles.join(t.phrase(Phrase::SourceSeparator))));
                }
                parts.push(part);
                let missing: Vec<&str> = folders
                    .missing_roles()
                    .into_iter()
                    .map(|r| t.role(r))
                    .collect();
                if !missing.is_empty() {
                    notes.push(t.missing_roles(&missing));
                }
                if !folders.complete {
                    notes.push(t.folders_cut_off(folders.count));
                }
            }
            parts.push(match &imap.quota {
                QuotaCheck::NotOffered => t.quota_not_offered().to_owned(),
                QuotaCheck::Refused(_) | QuotaCheck::Failed(_) => t.quota_refused().to_owned(),
                QuotaCheck::Roots(resources) => {
                    let limited: Vec<String> = resources
                        .iter()
                        .filter(|r| r.limit > 0)
                        .map(|r| {
                            let (used, limit) = super::finding::quota_amounts(t, r);
                            t.quota_usage(&used, &limit, r.percent())
                        })
                        .collect();
                    if limited.is_empty() {
                        t.quota_unlimited().to_owned()
                    } else {
                        limited.join(sep)
                    }
                }
            });
            parts.push(t.idle(imap.idle).to_owned());
            if !imap.idle {
                notes.push(t.no_idle_note().to_owned());
            }
        }
        MailboxFacts::Pop3(pop3) => {
            if let Some((messages, octets)) = pop3.stat {
                parts.push(t.pop3_drop(messages, &super::size(octets)));
            }
            if let Some(uidl) = pop3.uidl {
                parts.push(t.uidl(uidl).to_owned());
                if !uidl {
                    notes.push(t.no_uidl_note().to_owned());
                }
            }
        }
        MailboxFacts::Smtp(smtp) => {
            parts.push(match smtp.limit() {
                Some(limit) => t.size_limit(
                    &super::size(limit),
                    &super::size(super::largest_attachment(limit)),
                ),
                None => t.no_size_limit().to_owned(),
            });
            let before = smtp.size_before.flatten();
            if smtp.asked_after_auth && before != smtp.limit() {
                let said = |size: Option<u64>| match size {
                    Some(size) => super::size(size),
                    None => t.no_size_limit().to_owned(),
                };
                notes.push(t.size_changes_after_auth(&said(before), &said(smtp.limit())));
            }
            if !smtp.after_auth_only.is_empty() {
                notes.push(t.after_auth_only(&smtp.after_auth_only.join(", ")));
            }
        }
    }
    (parts.join(sep), notes)
}
