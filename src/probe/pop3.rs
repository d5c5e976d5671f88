//! POP3 (RFC 1939, 2449, 2595, 5034): CAPA, STLS, USER/PASS or AUTH PLAIN/LOGIN, STAT (and
//! `UIDL 1` where CAPA did not say), QUIT.

use zeroize::Zeroizing;

use super::mailbox::{MailboxFacts, Pop3Mailbox, parse_stat};
use super::protocol::{
    Listing, LoginMethod, MailProtocol, Mailbox, sasl_login_answers, sasl_method, send_auth,
};
use super::transport::{Conn, IoFailure, MAX_LINES};
use super::{Capabilities, Reply};
use crate::secret::Password;
use crate::settings::Protocol;

/// A status line: `+OK` or `-ERR`; anything else is not POP3.
fn reply(line: String) -> Result<Reply, IoFailure> {
    let upper = line.get(..4).unwrap_or(&line).to_ascii_uppercase();
    if upper.starts_with("+OK") {
        Ok(Reply {
            ok: true,
            text: line,
        })
    } else if upper.starts_with("-ERR") {
        Ok(Reply {
            ok: false,
            text: line,
        })
    } else {
        Err(IoFailure::malformed(&line))
    }
}

/// Reads one status line.
async fn read_reply(conn: &mut Conn) -> Result<Reply, IoFailure> {
    reply(conn.read_line().await?)
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
        let lines = if read_reply(conn).await?.ok {
            read_list(conn).await?
        } else {
            Vec::new()
        };
        Ok(Listing::accepted(parse_capabilities(&lines)))
    }

    async fn starttls(&self, conn: &mut Conn) -> Result<Reply, IoFailure> {
        conn.send("STLS", None).await?;
        read_reply(conn).await
    }

    /// USER/PASS when offered, else AUTH PLAIN, else AUTH LOGIN.
    fn login_method(&self, caps: &Capabilities) -> Option<LoginMethod> {
        if caps.password_login {
            Some(LoginMethod::Own)
        } else {
            sasl_method(caps)
        }
    }

    async fn login_with(
        &self,
        conn: &mut Conn,
        method: LoginMethod,
        _caps: &Capabilities,
        user: &str,
        password: &Password,
    ) -> Result<Reply, IoFailure> {
        match method {
            LoginMethod::Plain => {
                let token = conn.sasl_plain(user, password);
                let line = Zeroizing::new(format!("AUTH PLAIN {}", *token));
                conn.send(&line, Some("AUTH PLAIN ***")).await?;
                read_reply(conn).await
            }
            LoginMethod::Login => {
                conn.send("AUTH LOGIN", None).await?;
                for answer in sasl_login_answers(conn, user, password) {
                    // `+ …`: the server asks for the next answer; anything else ends it.
                    let line = conn.read_line().await?;
                    if !line.starts_with('+') || line.starts_with("+OK") {
                        return reply(line);
                    }
                    conn.send(&answer, Some("***")).await?;
                }
                read_reply(conn).await
            }
            LoginMethod::Own => {
                conn.send(&format!("USER {user}"), None).await?;
                let answer = read_reply(conn).await?;
                if !answer.ok {
                    return Ok(answer);
                }
                let line = Zeroizing::new(format!("PASS {}", password.expose()));
                conn.send(&line, Some("PASS ***")).await?;
                read_reply(conn).await
            }
        }
    }

    /// `AUTH <mechanism> <first message>` (RFC 5034 §4); a `+ …` after it is the server's
    /// error, acknowledged before the `-ERR`.
    async fn oauth_login(
        &self,
        conn: &mut Conn,
        _caps: &Capabilities,
        mechanism: crate::oauth::Mechanism,
        initial: &str,
    ) -> Result<(Reply, Option<String>), IoFailure> {
        send_auth(conn, mechanism, initial).await?;
        let line = conn.read_line().await?;
        if !line.starts_with('+') || line.starts_with("+OK") {
            return Ok((reply(line)?, None));
        }
        conn.send(mechanism.error_acknowledgement(), None).await?;
        let challenge = super::imap::continuation_text(&line);
        Ok((read_reply(conn).await?, Some(challenge)))
    }

    /// `STAT` (RFC 1939 §5): how many messages, how many octets. UIDL from CAPA; without CAPA,
    /// `UIDL 1` asks for one message's id (never the whole list).
    async fn mailbox(&self, conn: &mut Conn, caps: &Capabilities, _login_reply: &str) -> Mailbox {
        let mut found = Pop3Mailbox {
            uidl: (!caps.raw.is_empty()).then(|| {
                caps.raw
                    .iter()
                    .any(|l| l.trim().eq_ignore_ascii_case("UIDL"))
            }),
            ..Pop3Mailbox::default()
        };
        let done = |found: Pop3Mailbox, broken: bool| Mailbox {
            facts: Some(MailboxFacts::Pop3(found)),
            broken,
        };
        if conn.send("STAT", None).await.is_err() {
            return done(found, true);
        }
        match conn.read_line().await {
            Ok(line) => found.stat = parse_stat(&line),
            Err(_) => return done(found, true),
        }
        if found.uidl.is_none() && found.stat.is_some_and(|(messages, _)| messages > 0) {
            if conn.send("UIDL 1", None).await.is_err() {
                return done(found, true);
            }
            match read_reply(conn).await {
                Ok(reply) => found.uidl = Some(reply.ok),
                Err(_) => return done(found, true),
            }
        }
        done(found, false)
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
    fn login_uses_user_or_an_offered_mechanism() {
        let method = |lines: &[&str]| {
            let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            Pop3.login_method(&parse_capabilities(&lines))
        };
        assert_eq!(method(&[]), Some(LoginMethod::Own));
        assert_eq!(method(&["USER", "SASL PLAIN"]), Some(LoginMethod::Own));
        assert_eq!(method(&["SASL LOGIN"]), Some(LoginMethod::Login));
        assert_eq!(method(&["SASL CRAM-MD5"]), None);
    }

    #[test]
    fn a_status_line_is_ok_or_err_or_not_pop3() {
        assert!(reply("+OK ready".into()).unwrap().ok);
        assert!(!reply("-ERR no".into()).unwrap().ok);
        assert!(matches!(
            reply("250 hello".into()),
            Err(IoFailure::Malformed(_))
        ));
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
