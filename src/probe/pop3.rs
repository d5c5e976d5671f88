//! POP3 (RFC 1939, 2449, 2595): CAPA, STLS, USER/PASS or AUTH PLAIN, QUIT.

use zeroize::Zeroizing;

use super::protocol::{Listing, MailProtocol};
use super::transport::{Conn, IoFailure, MAX_LINES};
use super::{Capabilities, Reply};
use crate::secret::Password;
use crate::settings::Protocol;

fn reply(line: String) -> Reply {
    Reply {
        ok: line.starts_with("+OK"),
        text: line,
    }
}

/// CAPA lines: `STLS`, `USER`, `SASL PLAIN LOGIN`, …
pub fn parse_capabilities(lines: &[String]) -> Capabilities {
    let upper: Vec<String> = lines
        .iter()
        .map(|l| l.trim().to_ascii_uppercase())
        .collect();
    let auth: Vec<String> = upper
        .iter()
        .filter_map(|l| l.strip_prefix("SASL"))
        .flat_map(|m| m.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    Capabilities {
        starttls: upper.iter().any(|l| l == "STLS"),
        // Without CAPA, USER/PASS is the protocol's own login.
        password_login: upper.is_empty() || upper.iter().any(|l| l == "USER"),
        login_disabled: false,
        id: false,
        sasl_ir: true,
        auth,
        raw: lines.to_vec(),
    }
}

/// POP3's side of a probe.
pub struct Pop3;

impl MailProtocol for Pop3 {
    const PROTOCOL: Protocol = Protocol::Pop3;

    fn greeting_refuses(&self, greeting: &str) -> bool {
        greeting.to_ascii_uppercase().starts_with("-ERR")
    }

    /// `CAPA`; a server without it (`-ERR`) simply lists nothing.
    async fn capabilities(&self, conn: &mut Conn, _greeting: &str) -> Result<Listing, IoFailure> {
        conn.send("CAPA", None).await?;
        let first = conn.read_line().await?;
        let lines = if first.starts_with("+OK") {
            read_list(conn).await?
        } else {
            Vec::new()
        };
        Ok(Listing::accepted(parse_capabilities(&lines)))
    }

    async fn starttls(&self, conn: &mut Conn) -> Result<Reply, IoFailure> {
        conn.send("STLS", None).await?;
        Ok(reply(conn.read_line().await?))
    }

    /// USER/PASS when offered, else AUTH PLAIN.
    async fn login(
        &self,
        conn: &mut Conn,
        caps: &Capabilities,
        user: &str,
        password: &Password,
    ) -> Result<Reply, IoFailure> {
        if !caps.password_login && caps.auth.iter().any(|m| m == "PLAIN") {
            let token = conn.sasl_plain(user, password);
            let line = Zeroizing::new(format!("AUTH PLAIN {}", *token));
            conn.send(&line, Some("AUTH PLAIN ***")).await?;
            return Ok(reply(conn.read_line().await?));
        }
        conn.send(&format!("USER {user}"), None).await?;
        let answer = reply(conn.read_line().await?);
        if !answer.ok {
            return Ok(answer);
        }
        let line = Zeroizing::new(format!("PASS {}", password.expose()));
        conn.send(&line, Some("PASS ***")).await?;
        Ok(reply(conn.read_line().await?))
    }

    async fn logout(&self, conn: &mut Conn) {
        if conn.send("QUIT", None).await.is_ok() {
            let _ = conn.read_line().await;
        }
    }

    fn own_login(&self, caps: &Capabilities) -> Option<&'static str> {
        caps.password_login.then_some("USER")
    }

    fn refuses_plaintext_login(&self, caps: &Capabilities) -> Option<String> {
        (!caps.password_login && caps.auth.is_empty() && caps.starttls)
            .then(|| format!("CAPA {}", caps.raw.join(" ")))
    }
}

/// The lines of a multi-line reply, up to the terminating `.`.
async fn read_list(conn: &mut Conn) -> Result<Vec<String>, IoFailure> {
    let mut lines = Vec::new();
    for _ in 0..MAX_LINES {
        let line = conn.read_line().await?;
        if line == "." {
            return Ok(lines);
        }
        lines.push(line);
    }
    Err(IoFailure::TooManyLines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capa_lines() {
        let lines: Vec<String> = [
            "CAPA",
            "TOP",
            "UIDL",
            "RESP-CODES",
            "PIPELINING",
            "AUTH-RESP-CODE",
            "STLS",
            "SASL PLAIN LOGIN",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let caps = parse_capabilities(&lines);
        assert!(caps.starttls);
        assert!(!caps.password_login);
        assert_eq!(caps.auth, ["PLAIN", "LOGIN"]);
    }

    #[test]
    fn user_is_shown_and_a_server_with_only_stls_refuses_plaintext_login() {
        let without_capa = parse_capabilities(&[]);
        assert_eq!(Pop3.auth_mechanisms(&without_capa), ["USER"]);
        assert_eq!(Pop3.refuses_plaintext_login(&without_capa), None);
        let only_stls = parse_capabilities(&["TOP".to_owned(), "STLS".to_owned()]);
        assert!(Pop3.auth_mechanisms(&only_stls).is_empty());
        assert_eq!(
            Pop3.refuses_plaintext_login(&only_stls).as_deref(),
            Some("CAPA TOP STLS")
        );
        assert!(Pop3.greeting_refuses("-ERR go away"));
        assert!(!Pop3.greeting_refuses("+OK ready"));
    }
}
