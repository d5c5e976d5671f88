//! The wording: which causes a reply's wording names, by the phrases of `cues.txt` (English and
//! Chinese, kept out of the Rust source so that adding one needs no Rust).

use std::sync::LazyLock;

use super::ranked::Causes;
use crate::finding::FindingCode;

use FindingCode::{
    AccountLocked, AppPasswordRequired, BadCredentials, BlockedByAdmin, OauthRequired, RateLimited,
    SmtpAuthMissing, TemporarilyUnavailable, TlsRequired, WebLoginRequired,
};

/// The phrase lists of `cues.txt`, whose header describes its format.
#[derive(Debug)]
struct CueLists {
    /// Tencent's catch-all reply, one entry a clause with its wordings.
    tencent_clauses: Vec<Vec<String>>,
    in_use: Vec<String>,
    temporary_auth: Vec<String>,
    account_disabled: Vec<String>,
    oauth: Vec<String>,
    admin: Vec<String>,
    auth_missing: Vec<String>,
    auth_code: Vec<String>,
    app_password: Vec<String>,
    web_login: Vec<String>,
    tls: Vec<String>,
    not_the_account: Vec<String>,
    about_a_message: Vec<String>,
    disabled: Vec<String>,
    locked: Vec<String>,
    rate: Vec<String>,
    temporary: Vec<String>,
    credentials: Vec<String>,
}

/// Parsed once, when wording is first read; the unit test below proves the file parses, so
/// this cannot fail in a build that passed its tests.
static CUE_LISTS: LazyLock<CueLists> = LazyLock::new(|| {
    CueLists::parse(include_str!("cues.txt")).unwrap_or_else(|e| panic!("cues.txt: {e}"))
});

impl CueLists {
    fn parse(text: &str) -> Result<CueLists, String> {
        let mut lists: Vec<(&str, Vec<&str>)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                if lists.iter().any(|(seen, _)| *seen == name) {
                    return Err(format!("line {}: [{name}] a second time", n + 1));
                }
                lists.push((name, Vec::new()));
            } else if line != line.to_lowercase() {
                return Err(format!("line {}: {line:?} is not lower-case", n + 1));
            } else if let Some((_, phrases)) = lists.last_mut() {
                phrases.push(line);
            } else {
                return Err(format!("line {}: a phrase before the first [list]", n + 1));
            }
        }
        let mut list = |name: &str| -> Result<Vec<String>, String> {
            let at = lists
                .iter()
                .position(|(listed, _)| *listed == name)
                .ok_or_else(|| format!("no [{name}]"))?;
            let (_, phrases) = lists.remove(at);
            if phrases.is_empty() {
                return Err(format!("[{name}] is empty"));
            }
            Ok(phrases.into_iter().map(str::to_owned).collect())
        };
        let tencent_clauses: Vec<Vec<String>> = list("tencent_clauses")?
            .iter()
            .map(|clause| clause.split('|').map(|w| w.trim().to_owned()).collect())
            .collect();
        if tencent_clauses.iter().flatten().any(String::is_empty) {
            return Err("[tencent_clauses]: an empty wording beside a `|`".to_owned());
        }
        let cue_lists = CueLists {
            tencent_clauses,
            in_use: list("in_use")?,
            temporary_auth: list("temporary_auth")?,
            account_disabled: list("account_disabled")?,
            oauth: list("oauth")?,
            admin: list("admin")?,
            auth_missing: list("auth_missing")?,
            auth_code: list("auth_code")?,
            app_password: list("app_password")?,
            web_login: list("web_login")?,
            tls: list("tls")?,
            not_the_account: list("not_the_account")?,
            about_a_message: list("about_a_message")?,
            disabled: list("disabled")?,
            locked: list("locked")?,
            rate: list("rate")?,
            temporary: list("temporary")?,
            credentials: list("credentials")?,
        };
        if let Some((name, _)) = lists.first() {
            return Err(format!("[{name}] is not a list the classifier reads"));
        }
        Ok(cue_lists)
    }
}

/// The causes the wording names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct WordCues {
    /// Tencent's "Account is abnormal, service is not open, password is incorrect, …".
    pub(super) several: bool,
    pub(super) oauth: bool,
    pub(super) admin: bool,
    pub(super) auth_missing: bool,
    /// The reply is about a message (a bounce, spam): only `explain` reads it.
    pub(super) about_a_message: bool,
    pub(super) auth_code: bool,
    pub(super) app_password: bool,
    pub(super) web_login: bool,
    pub(super) tls: bool,
    pub(super) disabled: bool,
    pub(super) locked: bool,
    pub(super) rate: bool,
    pub(super) temporary: bool,
    pub(super) credentials: bool,
}

impl WordCues {
    pub(super) fn read(lower: &str) -> WordCues {
        let cues = &*CUE_LISTS;
        let several = cues
            .tencent_clauses
            .iter()
            .filter(|clause| clause.iter().any(|c| lower.contains(c.as_str())))
            .count()
            >= 2;
        let mut text = lower.to_owned();
        let in_use = take(&mut text, &cues.in_use);
        let temporary_auth = take(&mut text, &cues.temporary_auth);
        let account_disabled = take(&mut text, &cues.account_disabled);
        let oauth = take(&mut text, &cues.oauth);
        let admin = take(&mut text, &cues.admin);
        let auth_missing = take(&mut text, &cues.auth_missing);
        let auth_code = take(&mut text, &cues.auth_code);
        let app_password = take(&mut text, &cues.app_password);
        let web_login = take(&mut text, &cues.web_login);
        let tls = take(&mut text, &cues.tls);
        let about_a_message = cues
            .not_the_account
            .iter()
            .any(|c| text.contains(c.as_str()));
        let message = cues
            .about_a_message
            .iter()
            .any(|c| text.contains(c.as_str()));
        let disabled = take(&mut text, &cues.disabled) && !about_a_message;
        let locked = take(&mut text, &cues.locked) || account_disabled;
        let rate = take(&mut text, &cues.rate);
        let temporary = take(&mut text, &cues.temporary) || in_use || temporary_auth;
        let credentials = take(&mut text, &cues.credentials);
        WordCues {
            several,
            oauth,
            admin,
            auth_missing,
            about_a_message: message,
            auth_code,
            app_password,
            web_login,
            tls,
            disabled,
            locked,
            rate,
            temporary,
            credentials,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        WordCues {
            about_a_message: false,
            ..*self
        } == WordCues::default()
    }

    /// The causes, most likely first. `disabled` is what "service not enabled" means for the
    /// protocol at hand.
    pub(super) fn causes(&self, disabled: &[FindingCode]) -> Vec<FindingCode> {
        let mut out = Causes::default();
        if self.several {
            out.push(AppPasswordRequired);
            out.extend(disabled.iter().copied());
            out.extend([
                BadCredentials,
                RateLimited,
                AccountLocked,
                TemporarilyUnavailable,
            ]);
            return out.0;
        }
        if self.oauth {
            out.push(OauthRequired);
        }
        if self.admin {
            out.push(BlockedByAdmin);
            out.extend(disabled.iter().copied());
        }
        if self.auth_missing {
            out.push(SmtpAuthMissing);
        }
        if self.auth_code {
            out.push(AppPasswordRequired);
            out.extend(disabled.iter().copied());
        }
        if self.app_password {
            out.push(AppPasswordRequired);
        }
        if self.web_login {
            out.extend([WebLoginRequired, AppPasswordRequired]);
        }
        if self.tls {
            out.push(TlsRequired);
        }
        if self.disabled {
            out.extend(disabled.iter().copied());
        }
        if self.locked {
            out.push(AccountLocked);
        }
        if self.rate {
            out.push(RateLimited);
        }
        if self.temporary {
            out.push(TemporarilyUnavailable);
        }
        if self.credentials {
            out.extend([BadCredentials, AppPasswordRequired]);
        }
        out.0
    }
}

/// Blanks out every phrase of `cues` found in `text`; true when one was found.
fn take(text: &mut String, cues: &[String]) -> bool {
    let mut found = false;
    for cue in cues {
        if text.contains(cue.as_str()) {
            *text = text.replace(cue.as_str(), "\u{1}");
            found = true;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parse` refuses a list that is missing or empty (see the test below), so that it parses
    /// is that every list is there with phrases in it.
    #[test]
    fn cue_file_parses_and_no_list_is_empty() {
        let cues = CueLists::parse(include_str!("cues.txt")).unwrap();
        // Two clauses make Tencent's list of causes: one alone could never.
        let clauses = &cues.tencent_clauses;
        assert!(clauses.len() >= 2, "{clauses:?}");
    }

    #[test]
    fn cue_file_mistakes_are_refused() {
        let whole = include_str!("cues.txt");
        let cases = [
            (format!("{whole}\nMailbox Locked"), "not lower-case"),
            (
                format!("mailbox locked\n{whole}"),
                "before the first [list]",
            ),
            (format!("{whole}\n[tls]\nstarttls"), "[tls] a second time"),
            (format!("{whole}\n[spam]\nviagra"), "[spam] is not a list"),
            (format!("{whole}\n[empty]"), "[empty] is not a list"),
            (whole.replace("[rate]", "[rates]"), "no [rate]"),
            (
                whole.replace("[rate]", "[rate]\n[rates]"),
                "[rate] is empty",
            ),
            (
                whole.replace("system is busy |", "system is busy ||"),
                "an empty wording",
            ),
        ];
        for (text, error) in cases {
            let got = CueLists::parse(&text).unwrap_err();
            assert!(got.contains(error), "{got:?} lacks {error:?}");
        }
    }
}
