//! What a probe asks of a mail protocol. IMAP, POP3 and SMTP each answer it in their own file;
//! the steps of a probe are written once, against this trait.

use super::transport::{Conn, IoFailure};
use super::{Capabilities, Reply};
use crate::secret::Password;
use crate::settings::Protocol;

/// One mail protocol's side of the dialogue a probe holds.
pub(crate) trait MailProtocol: Sync {
    /// The protocol whose greeting this one must be.
    const PROTOCOL: Protocol;

    /// Reads the server's first words.
    async fn read_greeting(&self, conn: &mut Conn) -> Result<String, IoFailure> {
        conn.read_line().await
    }

    /// Whether the greeting turns the client away instead of welcoming it.
    fn greeting_refuses(&self, greeting: &str) -> bool;

    /// Whether the greeting rules out STARTTLS even when it is listed.
    fn greeting_forbids_starttls(&self, _greeting: &str) -> bool {
        false
    }

    /// What the server says it can do. `greeting` may carry the list already; it is empty after
    /// STARTTLS, where everything is asked anew.
    async fn capabilities(&self, conn: &mut Conn, greeting: &str) -> Result<Listing, IoFailure>;

    async fn starttls(&self, conn: &mut Conn) -> Result<Reply, IoFailure>;

    /// How to log in, among what the capabilities offer; `None` when nothing offered is a way
    /// mailcheck speaks. Never a mechanism the server did not offer (RFC 9051 forbids LOGIN
    /// after LOGINDISABLED; an unoffered SASL mechanism only earns a 504 that reads like a
    /// wrong password).
    fn login_method(&self, caps: &Capabilities) -> Option<LoginMethod>;

    /// Logs in with `method`, which [`Self::login_method`] chose from `caps`.
    async fn login_with(
        &self,
        conn: &mut Conn,
        method: LoginMethod,
        caps: &Capabilities,
        user: &str,
        password: &Password,
    ) -> Result<Reply, IoFailure>;

    /// Logs in the way the capabilities allow.
    async fn login(
        &self,
        conn: &mut Conn,
        caps: &Capabilities,
        user: &str,
        password: &Password,
    ) -> Result<Reply, IoFailure> {
        match self.login_method(caps) {
            Some(method) => self.login_with(conn, method, caps, user, password).await,
            None => Err(IoFailure::Io("no login mechanism offered".into())),
        }
    }

    /// Logs in with an OAuth token through `mechanism`, which the server offers; `initial` is
    /// the client's first message (base64, a registered secret). Gives the reply, and the
    /// server's error challenge (base64 JSON) when it sent one before refusing.
    async fn oauth_login(
        &self,
        conn: &mut Conn,
        caps: &Capabilities,
        mechanism: crate::oauth::Mechanism,
        initial: &str,
    ) -> Result<(Reply, Option<String>), IoFailure>;

    /// What proves a logged-in session usable, if the protocol has such a check; `None` when it
    /// has none.
    async fn after_login(
        &self,
        _conn: &mut Conn,
        _caps: &Capabilities,
    ) -> Result<Option<Reply>, IoFailure> {
        Ok(None)
    }

    /// After a login that worked and its session check: what the mailbox holds and allows,
    /// read without changing anything (`super::mailbox`). `login_reply` is the server's
    /// acceptance of the login. `broken`: the dialogue cannot go on (a reply cut off at its
    /// bound, or not in time), so no goodbye is said.
    async fn mailbox(&self, _conn: &mut Conn, _caps: &Capabilities, _login_reply: &str) -> Mailbox {
        Mailbox::default()
    }

    /// Says goodbye; what the server answers no longer matters.
    async fn logout(&self, conn: &mut Conn);

    /// The protocol's own password login, when the capabilities allow it: shown among the
    /// mechanisms although it is not SASL.
    fn own_login(&self, _caps: &Capabilities) -> Option<&'static str> {
        None
    }

    /// The ways to log in that the report shows: the SASL mechanisms and the protocol's own.
    fn auth_mechanisms(&self, caps: &Capabilities) -> Vec<String> {
        let mut mechs = caps.auth.clone();
        if let Some(own) = self.own_login(caps)
            && !mechs.iter().any(|m| m == own)
        {
            mechs.push(own.to_owned());
        }
        mechs
    }

    /// Whether the capabilities say a login without TLS will be refused, with the evidence.
    fn refuses_plaintext_login(&self, caps: &Capabilities) -> Option<String>;

    /// Whether the server, even over TLS, offers no way to log in at all.
    fn offers_no_login(&self, _caps: &Capabilities) -> bool {
        false
    }
}

/// What [`MailProtocol::mailbox`] found, and whether the dialogue can go on.
#[derive(Debug, Default)]
pub(crate) struct Mailbox {
    pub facts: Option<super::mailbox::MailboxFacts>,
    pub broken: bool,
}

/// A way to log in with a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LoginMethod {
    /// The protocol's own command: IMAP `LOGIN`, POP3 `USER`/`PASS`.
    Own,
    /// SASL PLAIN (RFC 4616).
    Plain,
    /// SASL LOGIN (the old "user name, then password" exchange).
    Login,
}

/// The SASL mechanism to log in with, among those offered: PLAIN, else LOGIN.
pub(crate) fn sasl_method(caps: &Capabilities) -> Option<LoginMethod> {
    if caps.offers("PLAIN") {
        Some(LoginMethod::Plain)
    } else if caps.offers("LOGIN") {
        Some(LoginMethod::Login)
    } else {
        None
    }
}

/// The SASL LOGIN exchange's two answers, user name then password, base64-encoded; the password's
/// is registered as a secret.
pub(crate) fn sasl_login_answers(
    conn: &mut Conn,
    user: &str,
    password: &Password,
) -> [zeroize::Zeroizing<String>; 2] {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let secret = zeroize::Zeroizing::new(engine.encode(password.expose()));
    conn.add_secret(&secret);
    [zeroize::Zeroizing::new(engine.encode(user)), secret]
}

/// `AUTH <mechanism> <first message>` (POP3, RFC 5034; SMTP, RFC 4954), shown with the
/// message as `***`.
pub(crate) async fn send_auth(
    conn: &mut Conn,
    mechanism: crate::oauth::Mechanism,
    initial: &str,
) -> Result<(), IoFailure> {
    let name = mechanism.as_str();
    let line = zeroize::Zeroizing::new(format!("AUTH {name} {initial}"));
    conn.send(&line, Some(&format!("AUTH {name} ***"))).await
}

/// A server's capabilities, and its refusal of the command that asked for them, where the
/// protocol's command can be refused (SMTP EHLO): such a server has turned the client away.
pub(crate) struct Listing {
    pub capabilities: Capabilities,
    pub refusal: Option<String>,
}

impl Listing {
    pub fn accepted(capabilities: Capabilities) -> Self {
        Self {
            capabilities,
            refusal: None,
        }
    }
}
