//! IMAP (RFC 9051/3501): CAPABILITY, STARTTLS, LOGIN or AUTHENTICATE PLAIN, ID, EXAMINE, LOGOUT.

use super::transport::{Conn, IoFailure, MAX_LINES};
use super::{Capabilities, Reply};

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
            let ok = rest.len() >= 2 && rest[..2].eq_ignore_ascii_case("OK");
            return Ok((untagged, Reply { ok, text: reply }));
        }
        untagged.push(reply);
    }
    Err(IoFailure::TooManyLines)
}

/// `CAPABILITY`, unless the greeting already carried the list.
pub async fn capabilities(conn: &mut Conn) -> Result<Capabilities, IoFailure> {
    let (untagged, _) = command(conn, "a1", "CAPABILITY", None).await?;
    let words: Vec<String> = untagged
        .iter()
        .filter_map(|l| strip_ci(l, "* CAPABILITY "))
        .flat_map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    Ok(parse_capabilities(&words))
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

pub async fn starttls(conn: &mut Conn) -> Result<Reply, IoFailure> {
    let (_, reply) = command(conn, "a2", "STARTTLS", None).await?;
    Ok(reply)
}

/// Logs in: AUTHENTICATE PLAIN when offered with SASL-IR, else LOGIN.
pub async fn login(
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

/// After a login: `ID` (NetEase refuses mailbox access without it), then `EXAMINE INBOX`.
pub async fn after_login(conn: &mut Conn, caps: &Capabilities) -> Result<Reply, IoFailure> {
    if caps.id {
        let id = format!(
            "ID (\"name\" \"mailcheck\" \"version\" \"{}\" \"vendor\" \"mailcheck\")",
            env!("CARGO_PKG_VERSION")
        );
        command(conn, "a4", &id, None).await?;
    }
    let (_, reply) = command(conn, "a5", "EXAMINE INBOX", None).await?;
    Ok(reply)
}

pub async fn logout(conn: &mut Conn) {
    let _ = command(conn, "a9", "LOGOUT", None).await;
}

/// An IMAP quoted string (RFC 9051 §4.3).
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn strip_ci<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    (line.len() >= prefix.len() && line[..prefix.len()].eq_ignore_ascii_case(prefix))
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

    #[test]
    fn quoting_escapes() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
