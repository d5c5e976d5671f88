//! SMTP submission (RFC 6409, 3207, 4954): EHLO, STARTTLS, AUTH PLAIN or LOGIN, EHLO again
//! after AUTH (what is announced to a logged-in client: SIZE, RFC 1870), QUIT. Never sends
//! mail.

use zeroize::Zeroizing;

use crate::secret::Password;

use super::mailbox::{MailboxFacts, SmtpLimits, ehlo_size, new_keywords};
use super::protocol::{
    Listing, LoginMethod, MailProtocol, Mailbox, sasl_login_answers, sasl_method, send_auth,
};
use super::transport::{Conn, IoFailure, MAX_LINES};
use super::{Capabilities, Reply};
use crate::settings::Protocol;

/// The name mailcheck gives in EHLO (reserved, RFC 6761).
const EHLO_NAME: &str = "mailcheck.invalid";

/// Reads a (possibly multi-line) reply: `250-…` lines until `250 …`. A line without a reply
/// code (three digits, then a space, a hyphen or nothing) is not SMTP.
async fn read_reply(conn: &mut Conn) -> Result<(u16, Vec<String>), IoFailure> {
    let mut lines = Vec::new();
    for _ in 0..MAX_LINES {
        let line = conn.read_line().await?;
        let bytes = line.as_bytes();
        let code = match (bytes.get(..3), bytes.get(3)) {
            (Some(digits), None | Some(b' ' | b'-')) if digits.iter().all(u8::is_ascii_digit) => {
                line[..3].parse::<u16>().unwrap_or(0)
            }
            _ => return Err(IoFailure::malformed(&line)),
        };
        let last = bytes.get(3) != Some(&b'-');
        lines.push(line);
        if last {
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

/// SMTP submission's side of a probe.
pub struct Smtp;

impl MailProtocol for Smtp {
    const PROTOCOL: Protocol = Protocol::Smtp;

    /// The greeting may span lines (`220-…`); they are joined into one.
    async fn read_greeting(&self, conn: &mut Conn) -> Result<String, IoFailure> {
        let first = conn.read_line().await?;
        if first.as_bytes().get(3) != Some(&b'-') {
            return Ok(first);
        }
        let mut lines = vec![first];
        let (_, rest) = read_reply(conn).await?;
        lines.extend(rest);
        Ok(lines.join(" "))
    }

    /// Anything but 220 (554 for no service, 421 for not now) turns the client away.
    fn greeting_refuses(&self, greeting: &str) -> bool {
        !greeting.to_ascii_uppercase().starts_with("220")
    }

    /// `EHLO`; the capability list is the reply's lines after the first. A refused EHLO turns
    /// the client away as a refused greeting does.
    async fn capabilities(&self, conn: &mut Conn, _greeting: &str) -> Result<Listing, IoFailure> {
        conn.send(&format!("EHLO {EHLO_NAME}"), None).await?;
        let (code, lines) = read_reply(conn).await?;
        let keywords: Vec<String> = lines
            .iter()
            .skip(1)
            .map(|l| l.get(4..).unwrap_or("").to_owned())
            .collect();
        let reply = to_reply(code, &lines, |c| c == 250);
        Ok(Listing {
            capabilities: parse_capabilities(&keywords),
            refusal: (!reply.ok).then_some(reply.text),
        })
    }

    async fn starttls(&self, conn: &mut Conn) -> Result<Reply, IoFailure> {
        conn.send("STARTTLS", None).await?;
        let (code, lines) = read_reply(conn).await?;
        Ok(to_reply(code, &lines, |c| c == 220))
    }

    /// AUTH PLAIN when offered, else AUTH LOGIN when offered.
    fn login_method(&self, caps: &Capabilities) -> Option<LoginMethod> {
        sasl_method(caps)
    }

    async fn login_with(
        &self,
        conn: &mut Conn,
        method: LoginMethod,
        _caps: &Capabilities,
        user: &str,
        password: &Password,
    ) -> Result<Reply, IoFailure> {
        if method != LoginMethod::Login {
            let token = conn.sasl_plain(user, password);
            let line = Zeroizing::new(format!("AUTH PLAIN {}", *token));
            conn.send(&line, Some("AUTH PLAIN ***")).await?;
            let (code, lines) = read_reply(conn).await?;
            return Ok(to_reply(code, &lines, |c| c == 235));
        }
        conn.send("AUTH LOGIN", None).await?;
        let [user, secret] = sasl_login_answers(conn, user, password);
        for (answer, shown) in [(&user, None), (&secret, Some("***"))] {
            let (code, lines) = read_reply(conn).await?;
            if code != 334 {
                return Ok(to_reply(code, &lines, |_| false));
            }
            conn.send(answer, shown).await?;
        }
        let (code, lines) = read_reply(conn).await?;
        Ok(to_reply(code, &lines, |c| c == 235))
    }

    /// `AUTH <mechanism> <first message>`; a `334 …` after it is the server's error (Gmail's
    /// and Outlook's XOAUTH2), acknowledged before the `5xx`.
    async fn oauth_login(
        &self,
        conn: &mut Conn,
        _caps: &Capabilities,
        mechanism: crate::oauth::Mechanism,
        initial: &str,
    ) -> Result<(Reply, Option<String>), IoFailure> {
        send_auth(conn, mechanism, initial).await?;
        let (code, lines) = read_reply(conn).await?;
        if code != 334 {
            return Ok((to_reply(code, &lines, |c| c == 235), None));
        }
        let challenge = lines
            .last()
            .and_then(|l| l.get(4..))
            .unwrap_or("")
            .trim()
            .to_owned();
        conn.send(mechanism.error_acknowledgement(), None).await?;
        let (code, lines) = read_reply(conn).await?;
        Ok((to_reply(code, &lines, |c| c == 235), Some(challenge)))
    }

    /// EHLO again after AUTH: the SIZE limit a logged-in client gets, and what else is
    /// announced only now.
    async fn mailbox(&self, conn: &mut Conn, caps: &Capabilities, _login_reply: &str) -> Mailbox {
        let mut found = SmtpLimits {
            size_before: ehlo_size(&caps.raw),
            ..SmtpLimits::default()
        };
        let broken = match self.capabilities(conn, "").await {
            Ok(listing) if listing.refusal.is_none() => {
                let after = &listing.capabilities.raw;
                found.asked_after_auth = true;
                found.size_after = ehlo_size(after);
                found.after_auth_only = new_keywords(&caps.raw, after);
                false
            }
            Ok(_) => false,
            Err(_) => true,
        };
        Mailbox {
            facts: Some(MailboxFacts::Smtp(found)),
            broken,
        }
    }

    async fn logout(&self, conn: &mut Conn) {
        if conn.send("QUIT", None).await.is_ok() {
            let _ = read_reply(conn).await;
        }
    }

    fn refuses_plaintext_login(&self, caps: &Capabilities) -> Option<String> {
        (caps.auth.is_empty() && caps.starttls).then(|| {
            format!(
                "EHLO offers no AUTH before STARTTLS: {}",
                caps.raw.join(" ")
            )
        })
    }

    /// Submission without AUTH cannot take a login, TLS or not.
    fn offers_no_login(&self, caps: &Capabilities) -> bool {
        caps.auth.is_empty()
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

    #[test]
    fn no_auth_before_starttls_refuses_plaintext_login_and_no_auth_at_all_no_login() {
        let before_tls = parse_capabilities(&["PIPELINING".to_owned(), "STARTTLS".to_owned()]);
        assert!(Smtp.offers_no_login(&before_tls));
        assert_eq!(
            Smtp.refuses_plaintext_login(&before_tls).as_deref(),
            Some("EHLO offers no AUTH before STARTTLS: PIPELINING STARTTLS")
        );
        let with_auth = parse_capabilities(&["AUTH PLAIN".to_owned()]);
        assert!(!Smtp.offers_no_login(&with_auth));
        assert_eq!(Smtp.auth_mechanisms(&with_auth), ["PLAIN"]);
    }

    #[test]
    fn auth_uses_only_a_mechanism_offered() {
        let method = |auth: &str| Smtp.login_method(&parse_capabilities(&[auth.to_owned()]));
        assert_eq!(method("AUTH LOGIN PLAIN"), Some(LoginMethod::Plain));
        assert_eq!(method("AUTH LOGIN"), Some(LoginMethod::Login));
        assert_eq!(method("AUTH CRAM-MD5"), None);
        assert_eq!(method("AUTH XOAUTH2 OAUTHBEARER"), None);
    }

    #[test]
    fn only_220_welcomes() {
        assert!(!Smtp.greeting_refuses("220 mail.example.com ESMTP"));
        assert!(Smtp.greeting_refuses("554 no service"));
        assert!(Smtp.greeting_refuses("421 busy"));
    }
}
