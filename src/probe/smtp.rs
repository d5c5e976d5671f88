//! SMTP submission (RFC 6409, 3207, 4954): EHLO, STARTTLS, AUTH PLAIN or LOGIN, QUIT. Never
//! sends mail.

use base64::Engine as _;

use super::transport::{Conn, IoFailure, MAX_LINES};
use super::{Capabilities, Reply};

/// The name mailcheck gives in EHLO (reserved, RFC 6761).
const EHLO_NAME: &str = "mailcheck.invalid";

/// Reads a (possibly multi-line) reply: `250-…` lines until `250 …`.
pub async fn read_reply(conn: &mut Conn) -> Result<(u16, Vec<String>), IoFailure> {
    let mut lines = Vec::new();
    for _ in 0..MAX_LINES {
        let line = conn.read_line().await?;
        let code = line
            .get(..3)
            .and_then(|c| c.parse::<u16>().ok())
            .unwrap_or(0);
        let last = line.as_bytes().get(3) != Some(&b'-');
        lines.push(line);
        if last || code == 0 {
            return Ok((code, lines));
        }
    }
    Err(IoFailure::TooManyLines)
}

fn to_reply(code: u16, lines: &[String], ok: impl Fn(u16) -> bool) -> Reply {
    Reply {
        ok: ok(code),
        text: lines.join(" "),
    }
}

/// `EHLO`; the capability list is the reply's lines after the first.
pub async fn capabilities(conn: &mut Conn) -> Result<(Capabilities, Reply), IoFailure> {
    conn.send(&format!("EHLO {EHLO_NAME}"), None).await?;
    let (code, lines) = read_reply(conn).await?;
    let keywords: Vec<String> = lines
        .iter()
        .skip(1)
        .map(|l| l.get(4..).unwrap_or("").to_owned())
        .collect();
    Ok((
        parse_capabilities(&keywords),
        to_reply(code, &lines, |c| c == 250),
    ))
}

/// EHLO keywords: `STARTTLS`, `AUTH PLAIN LOGIN`, `AUTH=LOGIN` (old Outlook form), …
pub fn parse_capabilities(keywords: &[String]) -> Capabilities {
    let upper: Vec<String> = keywords
        .iter()
        .map(|k| k.trim().to_ascii_uppercase())
        .collect();
    let mut auth: Vec<String> = Vec::new();
    for k in &upper {
        if let Some(mechs) = k.strip_prefix("AUTH ").or_else(|| k.strip_prefix("AUTH=")) {
            for m in mechs.split_whitespace() {
                if !auth.iter().any(|a| a == m) {
                    auth.push(m.to_owned());
                }
            }
        }
    }
    Capabilities {
        starttls: upper.iter().any(|k| k == "STARTTLS"),
        password_login: auth.iter().any(|m| m == "PLAIN" || m == "LOGIN"),
        login_disabled: false,
        id: false,
        sasl_ir: true,
        auth,
        raw: keywords.to_vec(),
    }
}

pub async fn starttls(conn: &mut Conn) -> Result<Reply, IoFailure> {
    conn.send("STARTTLS", None).await?;
    let (code, lines) = read_reply(conn).await?;
    Ok(to_reply(code, &lines, |c| c == 220))
}

/// AUTH PLAIN when offered, else AUTH LOGIN.
pub async fn login(
    conn: &mut Conn,
    caps: &Capabilities,
    user: &str,
    password: &str,
) -> Result<Reply, IoFailure> {
    let engine = base64::engine::general_purpose::STANDARD;
    if caps.auth.iter().any(|m| m == "PLAIN") || !caps.auth.iter().any(|m| m == "LOGIN") {
        let token = conn.sasl_plain(user, password);
        conn.send(&format!("AUTH PLAIN {token}"), Some("AUTH PLAIN ***"))
            .await?;
        let (code, lines) = read_reply(conn).await?;
        return Ok(to_reply(code, &lines, |c| c == 235));
    }
    conn.send("AUTH LOGIN", None).await?;
    let (code, lines) = read_reply(conn).await?;
    if code != 334 {
        return Ok(to_reply(code, &lines, |_| false));
    }
    conn.send(&engine.encode(user), None).await?;
    let (code, lines) = read_reply(conn).await?;
    if code != 334 {
        return Ok(to_reply(code, &lines, |_| false));
    }
    let secret = engine.encode(password);
    conn.add_secret(&secret);
    conn.send(&secret, Some("***")).await?;
    let (code, lines) = read_reply(conn).await?;
    Ok(to_reply(code, &lines, |c| c == 235))
}

pub async fn logout(conn: &mut Conn) {
    if conn.send("QUIT", None).await.is_ok() {
        let _ = read_reply(conn).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ehlo_keywords() {
        let kw: Vec<String> = [
            "PIPELINING",
            "SIZE 10240000",
            "STARTTLS",
            "AUTH PLAIN LOGIN",
            "AUTH=LOGIN",
            "8BITMIME",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let caps = parse_capabilities(&kw);
        assert!(caps.starttls && caps.password_login);
        assert_eq!(caps.auth, ["PLAIN", "LOGIN"]);
    }
}
