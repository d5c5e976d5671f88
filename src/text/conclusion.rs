//! The conclusion in words: what is wrong and where, what the logins say about the password,
//! and the fix (the lead finding's hint).

use super::{Catalogue, catalogue};
use crate::diagnose::conclusion::{Conclusion, PasswordStory};
use crate::lang::Lang;
use crate::settings::Protocol;

/// The conclusion's message and hint. `hints` are the findings' hints, worded, in the
/// diagnosis's order; `places` where each finding is (`IMAP host:port`), if anywhere.
pub fn word(
    conclusion: &Conclusion,
    hints: &[&str],
    places: &[Option<String>],
    lang: Lang,
) -> (String, String) {
    let t = catalogue(lang);
    match conclusion {
        Conclusion::Fine {
            logged_in,
            reachable,
            untested,
            warnings,
        } => {
            let mut sentences = Vec::new();
            if !logged_in.is_empty() {
                sentences.push(t.conclusion_logged_in(&names(t, logged_in)));
            }
            if !reachable.is_empty() {
                sentences.push(t.conclusion_reachable(&names(t, reachable)));
            }
            if !untested.is_empty() {
                sentences.push(t.conclusion_untested(&names(t, untested)));
            }
            if *warnings > 0 {
                sentences.push(t.conclusion_warnings(*warnings));
            }
            (
                sentences.join(t.sentence_gap()),
                t.conclusion_use_settings().to_owned(),
            )
        }
        Conclusion::Problem {
            lead,
            code,
            protocols,
            servers,
            password,
            other_errors,
            works_instead,
        } => {
            let meaning = t.generic(*code).0;
            let place = match (servers, places.get(*lead).cloned().flatten()) {
                (1, Some(place)) => Some(place),
                (0 | 1, _) if protocols.is_empty() => None,
                (0 | 1, _) => Some(names(t, protocols)),
                (n, _) => Some(t.conclusion_servers(&names(t, protocols), *n)),
            };
            let mut sentences = vec![t.conclusion_problem(meaning, place.as_deref())];
            match password {
                PasswordStory::RefusedWherever { protocols } if protocols.len() > 1 => {
                    sentences.push(t.conclusion_refused_everywhere(&names(t, protocols)));
                }
                PasswordStory::RefusedNotRetried { untried, .. } => {
                    sentences.push(t.conclusion_not_retried(&names(t, untried)));
                }
                _ => {}
            }
            if *other_errors > 0 {
                sentences.push(t.conclusion_more_problems(*other_errors));
            }
            let hint = match works_instead {
                // The finding's own advice is about the server that fails; what works is
                // the fix.
                Some(right) => t.works_instead(
                    right.protocol.display_name(),
                    &format!("{}:{}", right.host, right.port),
                    t.security_label(right.security),
                ),
                None => hints.get(*lead).copied().unwrap_or_default().to_owned(),
            };
            (sentences.join(t.sentence_gap()), hint)
        }
    }
}

fn names(t: &dyn Catalogue, protocols: &[Protocol]) -> String {
    let names: Vec<&str> = protocols.iter().map(|p| p.display_name()).collect();
    t.list(&names)
}
