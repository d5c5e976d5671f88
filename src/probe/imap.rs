//! IMAP (RFC 9051/3501): CAPABILITY, STARTTLS, LOGIN or AUTHENTICATE PLAIN, ID, EXAMINE, LOGOUT.

use super::protocol::{Listing, MailProtocol};
use super::transport::{Conn, IoFailure, MAX_LINES};
use super::{Capabilities, Reply};
use crate::settings::Protocol;

/// The tagged reply to a command, with the untagged lines before it.
async fn command(
    conn: &mut Conn,
    tag: &str,
    line: &str,
    shown: Option<&str>,
) -> Result<(Vec<String>, Reply), IoFailure> {
    conn.send(
        &format!("{tag} {line}"),
        shown.map(|s| format!("{tag} {s}")).as_deref(),
    )
    .await?;
    let mut untagged = Vec::new();
    for _ in 0..MAX_LINES {
        let reply = conn.read_line().await?;
        if let Some(rest) = reply.strip_prefix(tag).and_then(|r| r.strip_prefix(' ')) {
            let ok = rest.get(..2).is_some_and(|s| s.eq_ignore_ascii_case("OK"));
            return Ok((untagged, Reply { ok, text: reply }));
        }
        untagged.push(reply);
    }
    Err(IoFailure::TooManyLines)
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

    /// AUTHENTICATE PLAIN when offered with SASL-IR, else LOGIN.
    async fn login(
        &self,
        conn: &mut Conn,
        caps: &Capabilities,
        user: &str,
        password: &str,
    ) -> Result<Reply, IoFailure> {
        if caps.auth.iter().any(|m| m == "PLAIN") && caps.sasl_ir {
            let token = conn.sasl_plain(user, password);
            let (_, reply) = command(
                conn,
                "a3",
                &format!("AUTHENTICATE PLAIN {token}"),
                Some("AUTHENTICATE PLAIN ***"),
            )
            .await?;
            return Ok(reply);
        }
        let line = format!("LOGIN {} {}", quote(user), quote(password));
        let shown = format!("LOGIN {} ***", quote(user));
        let (_, reply) = command(conn, "a3", &line, Some(&shown)).await?;
        Ok(reply)
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
    async fn a_tagged_reply_starting_with_a_wide_character_is_not_ok() {
        let server = b"* OK [CAPABILITY IMAP4rev1]\r\na2 \xfe\r\n";
        let d = crate::probe::fuzzing::dialogue(Protocol::Imap, server, 4096).await;
        let starttls = d.starttls.unwrap();
        assert!(!starttls.ok);
        assert_eq!(starttls.text, "a2 \u{FFFD}");
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
    fn bye_refuses_and_preauth_rules_out_starttls() {
        assert!(Imap.greeting_refuses("* bye too many connections"));
        assert!(!Imap.greeting_refuses("* OK ready"));
        assert!(Imap.greeting_forbids_starttls("* PREAUTH welcome"));
        assert!(!Imap.greeting_forbids_starttls("* OK ready"));
    }
}
