//! IMAP (RFC 9051/3501): CAPABILITY, STARTTLS, LOGIN or AUTHENTICATE (PLAIN, LOGIN), ID,
//! EXAMINE, then the mailbox read-only (GETQUOTAROOT, LIST), LOGOUT.

use zeroize::Zeroizing;

use super::mailbox::{
    FolderTally, Folders, ImapMailbox, LIST_BUDGET, MAX_LIST_LINES, MailboxFacts, QuotaCheck,
    parse_list_line, parse_quota_line,
};
use super::protocol::{
    Listing, LoginMethod, MailProtocol, Mailbox, sasl_login_answers, sasl_method,
};
use super::transport::{Conn, IoFailure, MAX_LINES};
use super::{Capabilities, Reply};
use crate::secret::Password;
use crate::settings::Protocol;

/// The tagged reply to a command, with the untagged lines before it.
async fn command(
    conn: &mut Conn,
    tag: &str,
    line: &str,
    shown: Option<&str>,
) -> Result<(Vec<String>, Reply), IoFailure> {
    send_tagged(conn, tag, line, shown).await?;
    match read_response(conn, tag, false).await? {
        (untagged, Some(reply)) => Ok((untagged, reply)),
        // Not asked to stop at a continuation, so only the tagged reply ends the loop.
        (_, None) => Err(IoFailure::malformed("+")),
    }
}

async fn send_tagged(
    conn: &mut Conn,
    tag: &str,
    line: &str,
    shown: Option<&str>,
) -> Result<(), IoFailure> {
    conn.send(
        &format!("{tag} {line}"),
        shown.map(|s| format!("{tag} {s}")).as_deref(),
    )
    .await
}

/// Reads the server's lines up to the tagged reply to `tag`, or, with `to_continuation`, up to
/// a continuation request (`+ …`, then no reply). A line that is none of these, nor untagged
/// data (`* …`) or part of a literal, is not IMAP.
async fn read_response(
    conn: &mut Conn,
    tag: &str,
    to_continuation: bool,
) -> Result<(Vec<String>, Option<Reply>), IoFailure> {
    let mut untagged = Vec::new();
    // Bytes still to come of a literal (`{n}` at the end of a line, RFC 9051 §4.3).
    let mut literal_left = 0usize;
    for _ in 0..MAX_LINES {
        let line = conn.read_line().await?;
        if literal_left > 0 {
            literal_left = literal_left.saturating_sub(line.len() + 2);
            if literal_left == 0 {
                literal_left = literal_size(&line);
            }
            untagged.push(line);
            continue;
        }
        if let Some(rest) = line.strip_prefix(tag).and_then(|r| r.strip_prefix(' ')) {
            let status = rest
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            return match status.as_str() {
                "OK" => Ok((
                    untagged,
                    Some(Reply {
                        ok: true,
                        text: line,
                    }),
                )),
                "NO" | "BAD" => Ok((
                    untagged,
                    Some(Reply {
                        ok: false,
                        text: line,
                    }),
                )),
                _ => Err(IoFailure::malformed(&line)),
            };
        }
        if to_continuation && line.starts_with('+') {
            // The continuation itself comes last: it may carry a server's challenge.
            untagged.push(line);
            return Ok((untagged, None));
        }
        if !line.starts_with('*') && !line.starts_with('+') {
            return Err(IoFailure::malformed(&line));
        }
        literal_left = literal_size(&line);
        untagged.push(line);
    }
    Err(IoFailure::TooManyLines)
}

/// The size of the literal a line announces at its end (`{12}` or `{12+}`), else 0.
fn literal_size(line: &str) -> usize {
    let Some(open) = line.strip_suffix('}').and_then(|l| l.rfind('{')) else {
        return 0;
    };
    line[open + 1..line.len() - 1]
        .trim_end_matches('+')
        .parse()
        .unwrap_or(0)
}

/// `AUTHENTICATE mechanism`: `answers` each after the server's continuation request, or the
/// first with the command itself when `initial` (SASL-IR, RFC 4959). Each answer is shown in
/// the transcript as `***`.
async fn authenticate(
    conn: &mut Conn,
    mechanism: &str,
    answers: &[Zeroizing<String>],
    initial: bool,
) -> Result<Reply, IoFailure> {
    const TAG: &str = "a3";
    let mut pending = answers.iter();
    if initial && let Some(first) = pending.next() {
        let line = Zeroizing::new(format!("AUTHENTICATE {mechanism} {}", first.as_str()));
        let shown = format!("AUTHENTICATE {mechanism} ***");
        send_tagged(conn, TAG, &line, Some(&shown)).await?;
    } else {
        send_tagged(conn, TAG, &format!("AUTHENTICATE {mechanism}"), None).await?;
    }
    // One continuation per answer, and one more that is cancelled (`*`, RFC 9051 §6.2.2).
    for _ in 0..=answers.len() {
        if let (_, Some(reply)) = read_response(conn, TAG, true).await? {
            return Ok(reply);
        }
        match pending.next() {
            Some(answer) => conn.send(answer, Some("***")).await?,
            None => conn.send("*", None).await?,
        }
    }
    match read_response(conn, TAG, false).await? {
        (_, Some(reply)) => Ok(reply),
        (_, None) => Err(IoFailure::malformed("+")),
    }
}

pub fn parse_capabilities(words: &[String]) -> Capabilities {
    let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    Capabilities {
        starttls: upper.iter().any(|w| w == "STARTTLS"),
        auth: upper
            .iter()
            .filter_map(|w| w.strip_prefix("AUTH=").map(str::to_owned))
            .collect(),
        login_disabled: upper.iter().any(|w| w == "LOGINDISABLED"),
        password_login: !upper.iter().any(|w| w == "LOGINDISABLED"),
        id: upper.iter().any(|w| w == "ID"),
        sasl_ir: upper.iter().any(|w| w == "SASL-IR"),
        raw: words.to_vec(),
    }
}

/// IMAP's side of a probe.
pub struct Imap;

impl MailProtocol for Imap {
    const PROTOCOL: Protocol = Protocol::Imap;

    fn greeting_refuses(&self, greeting: &str) -> bool {
        greeting.to_ascii_uppercase().starts_with("* BYE")
    }

    /// PREAUTH: the session is authenticated already, where STARTTLS is no longer allowed.
    fn greeting_forbids_starttls(&self, greeting: &str) -> bool {
        greeting.to_ascii_uppercase().starts_with("* PREAUTH")
    }

    /// The greeting's `[CAPABILITY …]`, or else `CAPABILITY`.
    async fn capabilities(&self, conn: &mut Conn, greeting: &str) -> Result<Listing, IoFailure> {
        let words = match greeting_capabilities(greeting) {
            Some(words) => words,
            None => {
                let (untagged, _) = command(conn, "a1", "CAPABILITY", None).await?;
                untagged
                    .iter()
                    .filter_map(|l| strip_ci(l, "* CAPABILITY "))
                    .flat_map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
                    .collect()
            }
        };
        Ok(Listing::accepted(parse_capabilities(&words)))
    }

    async fn starttls(&self, conn: &mut Conn) -> Result<Reply, IoFailure> {
        let (_, reply) = command(conn, "a2", "STARTTLS", None).await?;
        Ok(reply)
    }

    /// AUTHENTICATE PLAIN when offered with SASL-IR (one round trip), else LOGIN unless
    /// LOGINDISABLED, else AUTHENTICATE PLAIN or LOGIN as offered.
    fn login_method(&self, caps: &Capabilities) -> Option<LoginMethod> {
        if caps.offers("PLAIN") && caps.sasl_ir {
            Some(LoginMethod::Plain)
        } else if !caps.login_disabled {
            Some(LoginMethod::Own)
        } else {
            sasl_method(caps)
        }
    }

    async fn login_with(
        &self,
        conn: &mut Conn,
        method: LoginMethod,
        caps: &Capabilities,
        user: &str,
        password: &Password,
    ) -> Result<Reply, IoFailure> {
        match method {
            LoginMethod::Plain => {
                let token = conn.sasl_plain(user, password);
                // Without SASL-IR the token waits for the server's continuation request.
                authenticate(conn, "PLAIN", &[token], caps.sasl_ir).await
            }
            LoginMethod::Login => {
                let answers = sasl_login_answers(conn, user, password);
                authenticate(conn, "LOGIN", &answers, false).await
            }
            LoginMethod::Own => {
                let line = Zeroizing::new(format!(
                    "LOGIN {} {}",
                    quote(user),
                    quote(password.expose())
                ));
                let shown = format!("LOGIN {} ***", quote(user));
                let (_, reply) = command(conn, "a3", &line, Some(&shown)).await?;
                Ok(reply)
            }
        }
    }

    /// `AUTHENTICATE <mechanism>`, the first message with it (SASL-IR) or after the server's
    /// continuation; a second continuation is the server's error, acknowledged as the
    /// mechanism wants before the tagged refusal.
    async fn oauth_login(
        &self,
        conn: &mut Conn,
        caps: &Capabilities,
        mechanism: crate::oauth::Mechanism,
        initial: &str,
    ) -> Result<(Reply, Option<String>), IoFailure> {
        const TAG: &str = "a3";
        let name = mechanism.as_str();
        if caps.sasl_ir {
            let line = Zeroizing::new(format!("AUTHENTICATE {name} {initial}"));
            let shown = format!("AUTHENTICATE {name} ***");
            send_tagged(conn, TAG, &line, Some(&shown)).await?;
        } else {
            send_tagged(conn, TAG, &format!("AUTHENTICATE {name}"), None).await?;
            if let (_, Some(reply)) = read_response(conn, TAG, true).await? {
                return Ok((reply, None));
            }
            conn.send(initial, Some("***")).await?;
        }
        let challenge = match read_response(conn, TAG, true).await? {
            (_, Some(reply)) => return Ok((reply, None)),
            (mut lines, None) => lines.pop().unwrap_or_default(),
        };
        conn.send(mechanism.error_acknowledgement(), None).await?;
        match read_response(conn, TAG, false).await? {
            (_, Some(reply)) => Ok((reply, Some(continuation_text(&challenge)))),
            (_, None) => Err(IoFailure::malformed("+")),
        }
    }

    /// `ID` (NetEase refuses mailbox access without it), then `EXAMINE INBOX`.
    async fn after_login(
        &self,
        conn: &mut Conn,
        caps: &Capabilities,
    ) -> Result<Option<Reply>, IoFailure> {
        if caps.id {
            let id = format!(
                "ID (\"name\" \"mailcheck\" \"version\" \"{}\" \"vendor\" \"mailcheck\")",
                env!("CARGO_PKG_VERSION")
            );
            command(conn, "a4", &id, None).await?;
        }
        let (_, reply) = command(conn, "a5", "EXAMINE INBOX", None).await?;
        Ok(Some(reply))
    }

    /// The capabilities after login (the login reply's `[CAPABILITY …]`, else `CAPABILITY`):
    /// IDLE, and QUOTA for `GETQUOTAROOT INBOX`; then `LIST "" "*"`. Nothing is selected or
    /// changed (the session stays on the EXAMINEd INBOX).
    async fn mailbox(&self, conn: &mut Conn, _caps: &Capabilities, login_reply: &str) -> Mailbox {
        let mut found = ImapMailbox::default();
        let done = |found: ImapMailbox, broken: bool| Mailbox {
            facts: Some(MailboxFacts::Imap(found)),
            broken,
        };
        let words = match greeting_capabilities(login_reply) {
            Some(words) => words,
            None => match command(conn, "a6", "CAPABILITY", None).await {
                Ok((untagged, _)) => capability_words(&untagged),
                Err(_) => {
                    return Mailbox {
                        facts: None,
                        broken: true,
                    };
                }
            },
        };
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        found.idle = upper.iter().any(|w| w == "IDLE");
        if upper
            .iter()
            .any(|w| w == "QUOTA" || w.starts_with("QUOTA="))
        {
            found.quota = match command(conn, "a7", "GETQUOTAROOT INBOX", None).await {
                Ok((_, reply)) if !reply.ok => QuotaCheck::Refused(conn.redact(&reply.text)),
                Ok((untagged, _)) => QuotaCheck::Roots(
                    untagged
                        .iter()
                        .filter_map(|l| parse_quota_line(l))
                        .flatten()
                        .collect(),
                ),
                Err(failure) => {
                    found.quota = QuotaCheck::Failed(failure.to_string());
                    return done(found, true);
                }
            };
        }
        let (folders, broken) = list(conn).await;
        found.folders = folders;
        done(found, broken)
    }

    async fn logout(&self, conn: &mut Conn) {
        let _ = command(conn, "a9", "LOGOUT", None).await;
    }

    fn own_login(&self, caps: &Capabilities) -> Option<&'static str> {
        (!caps.login_disabled).then_some("LOGIN")
    }

    fn refuses_plaintext_login(&self, caps: &Capabilities) -> Option<String> {
        caps.login_disabled
            .then(|| format!("CAPABILITY {}", caps.raw.join(" ")))
    }
}

/// The words of `* CAPABILITY …` lines.
fn capability_words(untagged: &[String]) -> Vec<String> {
    untagged
        .iter()
        .filter_map(|l| strip_ci(l, "* CAPABILITY "))
        .flat_map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

/// `LIST "" "*"`, read a line at a time: every folder counted, the first names kept
/// ([`super::mailbox::MAX_FOLDERS_KEPT`]), within [`LIST_BUDGET`] bytes, [`MAX_LIST_LINES`]
/// lines and the step's limit. Cut off there, the listing is incomplete and the dialogue
/// broken (the rest of the reply is never read). `None`: LIST was refused.
async fn list(conn: &mut Conn) -> (Option<Folders>, bool) {
    const TAG: &str = "a8";
    if send_tagged(conn, TAG, r#"LIST "" "*""#, None)
        .await
        .is_err()
    {
        return (None, true);
    }
    // The connection may take the budget and a read more; the budget itself is counted in
    // whole lines, so that where a listing is cut off does not depend on how reads split it.
    conn.allow_more(LIST_BUDGET + 64 * 1024);
    let mut read = 0usize;
    let mut tally = FolderTally::default();
    // A name sent as a literal: the attributes and separator before it, and its size.
    let mut literal: Option<(Vec<String>, Option<char>, usize)> = None;
    for _ in 0..MAX_LIST_LINES {
        let line = match conn.read_line().await {
            Ok(line) => line,
            Err(_) => return (Some(tally.finish(false)), true),
        };
        read += line.len() + 2;
        if read > LIST_BUDGET {
            return (Some(tally.finish(false)), true);
        }
        if let Some((attributes, separator, size)) = literal.take() {
            let name: String = line.chars().take(size).collect();
            tally.add(&attributes, separator, &name);
            continue;
        }
        if let Some(rest) = line.strip_prefix(TAG).and_then(|r| r.strip_prefix(' ')) {
            let ok = rest
                .get(..2)
                .is_some_and(|status| status.eq_ignore_ascii_case("OK"));
            return (ok.then(|| tally.finish(true)), false);
        }
        if !line.starts_with('*') {
            return (Some(tally.finish(false)), true);
        }
        match parse_list_line(&line) {
            Some((attributes, separator, Ok(name))) => tally.add(&attributes, separator, &name),
            Some((attributes, separator, Err(size))) => {
                literal = Some((attributes, separator, size));
            }
            None => {}
        }
    }
    (Some(tally.finish(false)), true)
}

/// The text of a continuation request (`+ text`, `+text`).
pub(crate) fn continuation_text(line: &str) -> String {
    line.strip_prefix('+').unwrap_or(line).trim().to_owned()
}

/// An IMAP quoted string (RFC 9051 §4.3).
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn strip_ci<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    line.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        .then(|| &line[prefix.len()..])
}

/// Capabilities in the greeting (`* OK [CAPABILITY IMAP4rev1 …] ready`), if present.
pub fn greeting_capabilities(greeting: &str) -> Option<Vec<String>> {
    let start = greeting.to_ascii_uppercase().find("[CAPABILITY ")?;
    let rest = &greeting[start + "[CAPABILITY ".len()..];
    let end = rest.find(']')?;
    Some(rest[..end].split_whitespace().map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_are_read_from_words() {
        let words: Vec<String> = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED AUTH=PLAIN"
            .split(' ')
            .map(str::to_owned)
            .collect();
        let caps = parse_capabilities(&words);
        assert!(caps.starttls && caps.login_disabled && caps.id && caps.sasl_ir);
        assert_eq!(caps.auth, ["PLAIN"]);
        assert!(!caps.password_login);
    }

    #[test]
    fn greeting_capability_code() {
        let g = "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready.";
        assert_eq!(
            greeting_capabilities(g).unwrap(),
            ["IMAP4rev1", "STARTTLS", "AUTH=PLAIN"]
        );
        assert!(greeting_capabilities("* OK ready").is_none());
    }

    /// Found by `fuzz/`: a line whose first characters straddle the prefix's length panicked
    /// (`* CAPABILITY\xff`, decoded as U+FFFD); it is simply not that line.
    #[tokio::test]
    async fn a_prefix_ending_inside_a_character_does_not_match() {
        assert_eq!(strip_ci("* CAPABILITY\u{FFFD}", "* CAPABILITY "), None);
        assert_eq!(strip_ci("* capability IDLE", "* CAPABILITY "), Some("IDLE"));
        assert_eq!(strip_ci("* CAP", "* CAPABILITY "), None);
        let server = b"* OK\r\n* CAPABILITY\xff\r\na1 OK\r\n";
        let d = crate::probe::fuzzing::dialogue(Protocol::Imap, server, 4096).await;
        assert!(d.before_starttls.unwrap().0.raw.is_empty());
    }

    /// Found by `fuzz/`: a tagged reply whose status starts with a character of several bytes
    /// (`a2 \xfe`, decoded as U+FFFD) panicked; it is a refusal like any other.
    #[tokio::test]
    async fn a_tagged_reply_starting_with_a_wide_character_is_malformed_not_a_panic() {
        // Found by fuzz/: the status was sliced by bytes, inside a character.
        let server = b"* OK [CAPABILITY IMAP4rev1]\r\na2 \xfe\r\n";
        let d = crate::probe::fuzzing::dialogue(Protocol::Imap, server, 4096).await;
        assert!(
            matches!(&d.starttls, Err(IoFailure::Malformed(text)) if text == "a2 \u{FFFD}"),
            "{:?}",
            d.starttls
        );
    }

    #[test]
    fn quoting_escapes() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    fn words(list: &str) -> Vec<String> {
        list.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn login_is_shown_until_logindisabled_refuses_it_without_tls() {
        let open = parse_capabilities(&words("IMAP4rev1 AUTH=PLAIN"));
        assert_eq!(Imap.auth_mechanisms(&open), ["PLAIN", "LOGIN"]);
        assert_eq!(Imap.refuses_plaintext_login(&open), None);
        let disabled = parse_capabilities(&words("IMAP4rev1 STARTTLS LOGINDISABLED"));
        assert!(Imap.auth_mechanisms(&disabled).is_empty());
        assert_eq!(
            Imap.refuses_plaintext_login(&disabled).as_deref(),
            Some("CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED")
        );
    }

    #[test]
    fn login_uses_only_what_is_offered() {
        let method = |list: &str| Imap.login_method(&parse_capabilities(&words(list)));
        assert_eq!(
            method("IMAP4rev1 SASL-IR AUTH=PLAIN"),
            Some(LoginMethod::Plain)
        );
        assert_eq!(method("IMAP4rev1 AUTH=PLAIN"), Some(LoginMethod::Own));
        assert_eq!(
            method("IMAP4rev1 LOGINDISABLED AUTH=PLAIN"),
            Some(LoginMethod::Plain)
        );
        assert_eq!(
            method("IMAP4rev1 LOGINDISABLED AUTH=LOGIN"),
            Some(LoginMethod::Login)
        );
        assert_eq!(
            method("IMAP4rev1 LOGINDISABLED AUTH=XOAUTH2 AUTH=OAUTHBEARER"),
            None
        );
        assert_eq!(method("IMAP4rev1 LOGINDISABLED"), None);
    }

    #[test]
    fn literals_announce_their_size() {
        assert_eq!(literal_size("* ID (\"name\" {7}"), 7);
        assert_eq!(literal_size("* LIST () \"/\" {12+}"), 12);
        assert_eq!(literal_size("* OK {not a literal}"), 0);
        assert_eq!(literal_size("* OK done"), 0);
    }

    #[test]
    fn bye_refuses_and_preauth_rules_out_starttls() {
        assert!(Imap.greeting_refuses("* bye too many connections"));
        assert!(!Imap.greeting_refuses("* OK ready"));
        assert!(Imap.greeting_forbids_starttls("* PREAUTH welcome"));
        assert!(!Imap.greeting_forbids_starttls("* OK ready"));
    }
}
