//! The steps of one probe. Each returns what it found, or the [`Stop`] that says why the probe
//! went no further; `super::run` runs them in order. The neighbour checks, which prove
//! that the protocol answers on another port or in the other TLS mode of the same host, are
//! here too: the steps ask them when the settings given do not work.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use super::protocol::MailProtocol;
use super::tls::{self, CertProblem, Established, HandshakeFailure, TlsFacts};
use super::transport::{self, AddressAttempt, Conn, ConnectFailure, IoFailure, Stream};
use super::{Capabilities, Issue, Login, NotTested, ProbeContext, Target, identify};
use crate::finding::{Stage, Step};
use crate::net::dns::Dns;
use crate::settings::{Endpoint, Security};
use crate::timing::Timing;

/// Why a probe went no further: what it saw at the step where it stopped.
pub struct Stop(pub Vec<Issue>);

impl From<Issue> for Stop {
    fn from(issue: Issue) -> Self {
        Stop(vec![issue])
    }
}

/// What a step whose reply failed stops with.
fn stopped(step: Step) -> impl FnOnce(IoFailure) -> Stop {
    move |failure| failed_at(step, failure).into()
}

/// What a failed reply at `step` is: no answer, an answer too slow, or a broken dialogue.
fn failed_at(step: Step, failure: IoFailure) -> Issue {
    match failure {
        IoFailure::Timeout(limit) => Issue::NoAnswer { step, limit },
        IoFailure::SlowReply(limit) => Issue::SlowReply { step, limit },
        failure => Issue::Broken { step, failure },
    }
}

/// The SASL mechanisms that carry an OAuth token instead of a password.
const OAUTH_MECHANISMS: [&str; 3] = ["XOAUTH2", "OAUTHBEARER", "XOAUTH"];

const CLOSED_IN_HANDSHAKE: &str = "the server closed the connection during the TLS handshake";

/// The addresses of the host.
pub async fn resolve(dns: &Dns, host: &str) -> Result<Vec<IpAddr>, Stop> {
    // A DNS server that does not answer is broken DNS, like SERVFAIL: not the name, and not a
    // silent mail server.
    dns.ips(host).await.map_err(|e| {
        match e {
            e if e.is_absent() => Issue::Unresolvable(e),
            e => Issue::LookupFailed(e),
        }
        .into()
    })
}

/// One probe of a resolved host, in one protocol: what every step needs.
pub struct Prober<'a, P> {
    pub protocol: &'a P,
    pub target: &'a Target,
    pub ctx: &'a ProbeContext,
    pub timing: Timing,
    /// When the probe started; the transcript's and the handshake's times count from here.
    pub started: Instant,
    pub addresses: Vec<IpAddr>,
}

impl<P: MailProtocol> Prober<'_, P> {
    fn endpoint(&self) -> &Endpoint {
        &self.target.endpoint
    }

    /// The probe's connection over `stream`, its transcript hiding the password (and its
    /// base64 forms) and the OAuth token (and the SASL messages that carry it) from the first
    /// word on.
    pub fn conn(&self, stream: Stream) -> Conn {
        let mut conn = Conn::new(stream, self.timing.step_limit(), self.started)
            .with_pulse(&self.ctx.progress);
        if let Some(password) = &self.ctx.password {
            conn.add_password(&self.target.username, password);
        }
        // The token likewise, and the first messages that carry it.
        if let Some(oauth) = &self.ctx.oauth {
            conn.add_secret(oauth.token.expose());
            for mechanism in crate::oauth::Mechanism::ALL {
                conn.add_secret(&mechanism.initial_response(&self.target.username, &oauth.token));
            }
        }
        conn
    }

    /// Connects to the host's addresses, and says how long it took; `attempts` gets what each
    /// address did. When the port refuses, another registered port of the protocol that
    /// answers on the same host is named.
    pub async fn connect(
        &self,
        attempts: &mut Vec<AddressAttempt>,
        late: &mut Option<transport::Late>,
    ) -> Result<(TcpStream, SocketAddr, Duration), Stop> {
        let started = Instant::now();
        let endpoint = self.endpoint();
        let connecting = transport::connect(
            &self.ctx.connector,
            &self.addresses,
            endpoint.port,
            self.timing.step_limit(),
            self.timing.connection_attempt_delay(),
        )
        .await;
        *attempts = connecting.attempts;
        *late = connecting.late;
        match connecting.result {
            Ok((tcp, address)) => Ok((tcp, address, started.elapsed())),
            Err(ConnectFailure::Refused(detail)) => {
                let works = self.other_registered_port().await;
                Err(Issue::Refused { detail, works }.into())
            }
            // Not the port's answer: this computer could not send the connection at all.
            Err(ConnectFailure::Other(error)) => Err(Issue::Unreachable { error }.into()),
            Err(ConnectFailure::Timeout(limit)) => {
                let (works, answered) =
                    futures::join!(self.other_registered_port(), self.port_that_answers());
                Err(Issue::Filtered {
                    limit,
                    works,
                    answered,
                }
                .into())
            }
        }
    }

    /// The control for a port that gets no answer: a port of the host, of another protocol
    /// or the web, that answers at all (connects or refuses), the first to do so. None within
    /// one limit: the host or the route to it is down.
    async fn port_that_answers(&self) -> Option<u16> {
        use futures::StreamExt as _;
        const CONTROL_PORTS: [u16; 9] = [993, 143, 995, 110, 465, 587, 25, 443, 80];
        let protocol = self.endpoint().protocol;
        let own = [Security::Tls, Security::Starttls].map(|s| protocol.default_port(s));
        let limit = self.timing.step_limit();
        let delay = self.timing.connection_attempt_delay();
        let mut tries: futures::stream::FuturesUnordered<_> = CONTROL_PORTS
            .into_iter()
            .filter(|port| !own.contains(port) && *port != self.endpoint().port)
            .map(|port| async move {
                let connecting =
                    transport::connect(&self.ctx.connector, &self.addresses, port, limit, delay)
                        .await;
                connecting
                    .attempts
                    .iter()
                    .any(|a| a.result.answered())
                    .then_some(port)
            })
            .collect();
        while let Some(answer) = tries.next().await {
            if answer.is_some() {
                return answer;
            }
        }
        None
    }

    /// Another registered port of the protocol (implicit TLS, then STARTTLS) where the
    /// protocol is proved to answer on the same host. They are tried at once: on a host whose
    /// ports are all dropped, one limit in all.
    async fn other_registered_port(&self) -> Option<(u16, Security)> {
        let endpoint = self.endpoint();
        let candidates: Vec<(u16, Security)> = [Security::Tls, Security::Starttls]
            .into_iter()
            .map(|security| (endpoint.protocol.default_port(security), security))
            .filter(|(port, _)| *port != endpoint.port)
            .collect();
        let found = futures::future::join_all(
            candidates
                .iter()
                .map(|(port, security)| self.neighbour(*port, *security)),
        )
        .await;
        candidates
            .into_iter()
            .zip(found)
            .find_map(|((port, _), found)| Some((port, found?)))
    }

    /// The first bytes on an implicit TLS port: the handshake. A server that answers in
    /// plaintext is asked whether STARTTLS works on the same port.
    pub async fn implicit_tls(&self, conn: &mut Conn) -> Result<Established, Stop> {
        let (tcp, _) = conn
            .take_for_upgrade()
            .map_err(stopped(Step::TlsHandshake))?;
        let issue = match self.handshake(tcp).await {
            Ok(established) => return Ok(established),
            Err(HandshakeFailure::NotTls(said)) => {
                // What the server said instead belongs in the dialogue.
                conn.heard(said.trim_end());
                let works = self
                    .neighbour(self.endpoint().port, Security::Starttls)
                    .await;
                Issue::PlaintextOnTlsPort { said, works }
            }
            Err(HandshakeFailure::Timeout(limit)) => Issue::NoAnswer {
                step: Step::TlsHandshake,
                limit,
            },
            Err(HandshakeFailure::Closed) => Issue::TlsFailed {
                reason: CLOSED_IN_HANDSHAKE.into(),
            },
            Err(HandshakeFailure::Other(reason)) => Issue::TlsFailed { reason },
        };
        Err(issue.into())
    }

    /// The first bytes on a plaintext port: a greeting on its way, or a server that wants TLS
    /// from the first byte (a TLS record, or silence that TLS on the same port explains). TLS
    /// is tried beside the wait as soon as the greeting is overdue
    /// ([`crate::timing::Timing::greeting_overdue`], from what the connect took); the first
    /// answer that proves something ends the wait, so a TLS mode that does not fit the port
    /// costs no waiting period and a silent server one limit.
    pub async fn plaintext(&self, conn: &mut Conn, connect_time: Duration) -> Result<(), Stop> {
        let timing = self.timing;
        let port = self.endpoint().port;
        let wait = timing.step_limit();
        let delay = timing.greeting_overdue(connect_time);
        let tls_check = async {
            tokio::time::sleep(delay).await;
            self.neighbour_within(port, Security::Tls, wait.saturating_sub(delay))
                .await
        };
        tokio::pin!(tls_check);
        let peek = conn.peek_bytes(wait);
        tokio::pin!(peek);
        // What the TLS check said, once it has said it.
        let mut tls_answer: Option<Option<Security>> = None;
        let first_bytes = loop {
            tokio::select! {
                bytes = &mut peek => break bytes,
                works = &mut tls_check, if tls_answer.is_none() => {
                    if let Some(works) = works {
                        return Err(Issue::TlsOnPlaintextPort { works: Some(works) }.into());
                    }
                    tls_answer = Some(None);
                }
            }
        };
        let issue = match first_bytes {
            // A TLS record's content type: an alert, or a server speaking first in TLS.
            Ok(bytes) if matches!(bytes.first(), Some(20..=24)) => Issue::TlsOnPlaintextPort {
                works: match tls_answer {
                    Some(works) => works,
                    None => tls_check.await,
                },
            },
            Ok(_) => return Ok(()),
            Err(IoFailure::Timeout(_)) => {
                let works = match tls_answer {
                    Some(works) => works,
                    // Its own limit ends with the wait's.
                    None => tls_check.await,
                };
                match works {
                    Some(works) => Issue::TlsOnPlaintextPort { works: Some(works) },
                    None => Issue::NoAnswer {
                        step: Step::Greeting,
                        limit: timing.step_limit(),
                    },
                }
            }
            Err(failure) => Issue::Broken {
                step: Step::Greeting,
                failure,
            },
        };
        Err(issue.into())
    }

    /// The greeting, which must be this protocol's.
    pub async fn greeting(&self, conn: &mut Conn) -> Result<String, Stop> {
        let greeting = self
            .protocol
            .read_greeting(conn)
            .await
            .map_err(stopped(Step::Greeting))?;
        match identify(&greeting) {
            Some(protocol) if protocol == P::PROTOCOL => Ok(greeting),
            Some(protocol) => Err(Issue::OtherProtocol { protocol, greeting }.into()),
            None => Err(Issue::NotMail { greeting }.into()),
        }
    }

    /// Whether the greeting welcomes the client or turns it away.
    pub fn welcome(&self, greeting: &str) -> Result<(), Stop> {
        if self.protocol.greeting_refuses(greeting) {
            return Err(Issue::Refusal {
                stage: Stage::Greeting,
                reply: greeting.to_owned(),
            }
            .into());
        }
        Ok(())
    }

    /// What the server says it can do.
    pub async fn capabilities(
        &self,
        conn: &mut Conn,
        greeting: &str,
    ) -> Result<Capabilities, Stop> {
        let listing = self
            .protocol
            .capabilities(conn, greeting)
            .await
            .map_err(stopped(Step::Capabilities))?;
        match listing.refusal {
            Some(reply) => Err(Issue::Refusal {
                stage: Stage::Greeting,
                reply,
            }
            .into()),
            None => Ok(listing.capabilities),
        }
    }

    /// Whether STARTTLS can be asked for; when not, whether implicit TLS works instead.
    pub async fn starttls_offered(&self, greeting: &str, caps: &Capabilities) -> Result<(), Stop> {
        let forbidden = self.protocol.greeting_forbids_starttls(greeting);
        if caps.starttls && !forbidden {
            return Ok(());
        }
        let implicit_tls_port = self.implicit_tls_port().await;
        let listed = caps.raw.join(" ");
        let mut issues = vec![Issue::StarttlsNotOffered {
            // A greeting that rules STARTTLS out (PREAUTH) says why better than the list.
            capabilities: if forbidden {
                greeting.to_owned()
            } else {
                listed.clone()
            },
            implicit_tls_port,
        }];
        if implicit_tls_port.is_none() {
            issues.push(Issue::NoTlsAtAll {
                capabilities: listed,
            });
        }
        Err(Stop(issues))
    }

    /// STARTTLS and the handshake after it. Bytes the server sent after its reply, before
    /// TLS, end the probe: they may be an injection, and the session is not trustworthy.
    pub async fn starttls(&self, conn: &mut Conn) -> Result<Established, Stop> {
        let reply = self
            .protocol
            .starttls(conn)
            .await
            .map_err(stopped(Step::Starttls))?;
        if !reply.ok {
            return Err(Issue::StarttlsRefused { reply: reply.text }.into());
        }
        let (tcp, leftover) = conn.take_for_upgrade().map_err(stopped(Step::Starttls))?;
        if !leftover.is_empty() {
            // Never hand these bytes on, and never continue.
            return Err(Issue::Injection {
                bytes: crate::net::decode::reply_text(&leftover)
                    .trim_end()
                    .to_owned(),
            }
            .into());
        }
        self.handshake(tcp).await.map_err(|failure| {
            let reason = match failure {
                HandshakeFailure::Timeout(limit) => {
                    return Issue::NoAnswer {
                        step: Step::TlsAfterStarttls,
                        limit,
                    }
                    .into();
                }
                HandshakeFailure::NotTls(said) => {
                    format!("the server kept talking plaintext after STARTTLS: {said}")
                }
                HandshakeFailure::Closed => CLOSED_IN_HANDSHAKE.into(),
                HandshakeFailure::Other(reason) => reason,
            };
            Issue::TlsFailed { reason }.into()
        })
    }

    /// For a plaintext server without STARTTLS: that there is no TLS at all, unless implicit
    /// TLS works on the protocol's registered port.
    pub async fn no_tls_at_all(&self, caps: &Capabilities) -> Option<Issue> {
        match self.implicit_tls_port().await {
            Some(_) => None,
            None => Some(Issue::NoTlsAtAll {
                capabilities: caps.raw.join(" "),
            }),
        }
    }

    /// What is wrong with the certificate, if anything, or that it expires soon.
    pub async fn certificate(
        &self,
        facts: &TlsFacts,
        problem: Option<CertProblem>,
    ) -> Option<Issue> {
        let Some(problem) = problem else {
            let days = days_left(&facts.not_after)?;
            return (days < 14).then(|| Issue::CertificateExpiring {
                days,
                facts: facts.clone(),
            });
        };
        // A custom name that is an alias of the provider's host: the certificate names the
        // provider's host, which is what to type (RFC 7817 does not follow CNAMEs).
        let alias_of = if problem == CertProblem::NameMismatch {
            self.ctx
                .dns
                .cname_chain(&self.endpoint().host)
                .await
                .into_iter()
                .find(|target| tls::covers(&facts.names, target))
        } else {
            None
        };
        // An expired certificate while HTTPS on the same host has a valid one: renewed, and the
        // mail server not reloaded since; an untrusted one: the mail server should use that one.
        let https_valid_until = if matches!(
            problem,
            CertProblem::Expired(_) | CertProblem::Untrusted(..)
        ) {
            self.valid_https_certificate().await
        } else {
            None
        };
        Some(Issue::Certificate {
            problem,
            facts: facts.clone(),
            alias_of,
            https_valid_until,
        })
    }

    /// When the HTTPS certificate of the same host (port 443) is valid for the host: until when.
    async fn valid_https_certificate(&self) -> Option<String> {
        let limit = self.timing.step_limit();
        let delay = self.timing.connection_attempt_delay();
        let connecting =
            transport::connect(&self.ctx.connector, &self.addresses, 443, limit, delay).await;
        let (tcp, _) = connecting.result.ok()?;
        let host = &self.endpoint().host;
        let est = tls::handshake(tcp, host, None, &self.ctx.anchors, limit)
            .await
            .ok()?;
        est.problem.is_none().then_some(est.facts.not_after)
    }

    /// Logs in when it is safe, a password is given and the login gate gives it a turn
    /// (`logins`), and checks the session after; else says why not. What the capabilities say
    /// about logging in comes back with it, and the server's acceptance (its reply) when the
    /// login worked.
    pub async fn login(
        &self,
        conn: &mut Conn,
        caps: &Capabilities,
        certificate_failed: bool,
        accepted: &mut String,
    ) -> (Login, Vec<Issue>) {
        let password = self.ctx.password.as_deref();
        let oauth = self.ctx.oauth.as_deref();
        // A token goes where the server offers a mechanism that carries one; a password
        // elsewhere.
        let oauth_mechanism = oauth.and(crate::oauth::offered(&caps.auth));
        let mut issues = Vec::new();
        if !conn.is_tls() {
            let evidence = self.protocol.refuses_plaintext_login(caps);
            issues.extend(evidence.map(|evidence| Issue::TlsRequired { evidence }));
            let why = if password.is_some() || oauth.is_some() {
                NotTested::NotSafe
            } else {
                NotTested::NoPassword
            };
            return (Login::NotTested(why), issues);
        }
        let no_login = self.protocol.offers_no_login(caps);
        if no_login {
            issues.push(Issue::NoSmtpAuth {
                capabilities: caps.raw.join(" "),
            });
        }
        // Never a mechanism the server did not offer.
        let method = self.protocol.login_method(caps);
        if method.is_none() && !no_login && oauth_mechanism.is_none() {
            issues.push(no_usable_mechanism(caps));
        }
        if password.is_none() && oauth.is_none() {
            return (Login::NotTested(NotTested::NoPassword), issues);
        }
        if certificate_failed || no_login {
            return (Login::NotTested(NotTested::NotSafe), issues);
        }
        let user = self.target.username.as_str();
        if let (Some(oauth), Some(mechanism)) = (oauth, oauth_mechanism) {
            let (login, found) = self
                .oauth_login(conn, caps, oauth, mechanism, accepted)
                .await;
            issues.extend(found);
            return (login, issues);
        }
        let (Some(password), Some(_)) = (password, method) else {
            return (Login::NotTested(NotTested::NoMechanism), issues);
        };
        let turn = match self.ctx.logins.turn(self.endpoint()).await {
            Ok(turn) => turn,
            Err(withheld) => return (Login::NotTested(NotTested::Withheld(withheld)), issues),
        };
        // The password is hidden in the transcript since the connection began (`Self::conn`).
        let attempt = match self.protocol.login(conn, caps, user, password).await {
            Ok(reply) if reply.ok => {
                *accepted = conn.redact(&reply.text);
                (Login::Ok, Vec::new())
            }
            Ok(reply) => (
                Login::Failed,
                vec![Issue::Refusal {
                    stage: Stage::Login,
                    reply: conn.redact(&reply.text),
                }],
            ),
            Err(failure) => (Login::Failed, vec![failed_at(Step::Login, failure)]),
        };
        turn.judged(attempt)
    }

    /// Logs in with the OAuth token, through the same login gate as a password.
    async fn oauth_login(
        &self,
        conn: &mut Conn,
        caps: &Capabilities,
        oauth: &super::OauthToken,
        mechanism: crate::oauth::Mechanism,
        accepted: &mut String,
    ) -> (Login, Vec<Issue>) {
        let turn = match self.ctx.logins.turn(self.endpoint()).await {
            Ok(turn) => turn,
            Err(withheld) => return (Login::NotTested(NotTested::Withheld(withheld)), Vec::new()),
        };
        let user = self.target.username.as_str();
        // Hidden in the transcript since the connection began (`Self::conn`).
        let initial = mechanism.initial_response(user, &oauth.token);
        let attempt = match self
            .protocol
            .oauth_login(conn, caps, mechanism, &initial)
            .await
        {
            Ok((reply, _)) if reply.ok => {
                *accepted = conn.redact(&reply.text);
                (Login::Ok, Vec::new())
            }
            Ok((reply, challenge)) => (
                Login::Failed,
                vec![Issue::OauthRefused {
                    mechanism,
                    reply: reply.text,
                    server_error: challenge
                        .as_deref()
                        .and_then(crate::oauth::ServerError::read),
                    user: user.to_owned(),
                    claims: oauth.claims.clone(),
                    now: oauth.now,
                }],
            ),
            Err(failure) => (Login::Failed, vec![failed_at(Step::Login, failure)]),
        };
        turn.judged(attempt)
    }

    /// After a login that worked: whether the session is usable (a mailbox opens), where the
    /// protocol can tell; a refusal there fails the login after all.
    pub async fn session(&self, conn: &mut Conn, caps: &Capabilities) -> (Login, Vec<Issue>) {
        match self.protocol.after_login(conn, caps).await {
            Ok(Some(reply)) if !reply.ok => (
                Login::Failed,
                vec![Issue::Refusal {
                    stage: Stage::AfterLogin,
                    reply: conn.redact(&reply.text),
                }],
            ),
            Ok(_) => (Login::Ok, Vec::new()),
            Err(failure) => (Login::Ok, vec![failed_at(Step::ExamineInbox, failure)]),
        }
    }

    /// The TLS handshake for this server, under the step limit.
    async fn handshake(&self, tcp: TcpStream) -> Result<Established, HandshakeFailure> {
        let endpoint = self.endpoint();
        // For servers found through SRV, a certificate for the mail domain also counts.
        let also_valid_for = self
            .ctx
            .srv_hosts
            .contains(&endpoint.host)
            .then_some(self.ctx.mail_domain.as_str());
        tls::handshake(
            tcp,
            &endpoint.host,
            also_valid_for,
            &self.ctx.anchors,
            self.timing.step_limit(),
        )
        .await
    }

    /// The protocol's registered implicit TLS port, if implicit TLS is proved to work there.
    async fn implicit_tls_port(&self) -> Option<u16> {
        let port = self.endpoint().protocol.default_port(Security::Tls);
        self.neighbour(port, Security::Tls).await.map(|_| port)
    }

    /// Proves whether the protocol works on `port` with `security` (same host), within the step
    /// limit: the mode to suggest.
    async fn neighbour(&self, port: u16, security: Security) -> Option<Security> {
        self.neighbour_within(port, security, self.timing.step_limit())
            .await
    }

    async fn neighbour_within(
        &self,
        port: u16,
        security: Security,
        limit: Duration,
    ) -> Option<Security> {
        let check = async {
            let delay = self.timing.connection_attempt_delay();
            let connecting =
                transport::connect(&self.ctx.connector, &self.addresses, port, limit, delay).await;
            let (tcp, _) = connecting.result.ok()?;
            let started = Instant::now();
            let mut conn = match security {
                Security::Tls => {
                    let host = &self.endpoint().host;
                    let est = tls::handshake(tcp, host, None, &self.ctx.anchors, limit)
                        .await
                        .ok()?;
                    Conn::new(Stream::Tls(Box::new(est.stream)), limit, started)
                }
                _ => Conn::new(Stream::Plain(tcp), limit, started),
            }
            .with_pulse(&self.ctx.progress);
            let greeting = self.protocol.read_greeting(&mut conn).await.ok()?;
            if identify(&greeting) != Some(P::PROTOCOL) {
                return None;
            }
            if security == Security::Starttls {
                let listing = self.protocol.capabilities(&mut conn, &greeting).await;
                if !listing.ok()?.capabilities.starttls {
                    return None;
                }
            }
            conn.close().await;
            Some(security)
        };
        tokio::time::timeout(limit, check).await.ok().flatten()
    }
}

/// Why a server over TLS cannot be logged in to with a password: it wants OAuth, or offers
/// only mechanisms mailcheck does not speak.
fn no_usable_mechanism(caps: &Capabilities) -> Issue {
    let mechanisms = caps.auth.clone();
    let capabilities = caps.raw.join(" ");
    if mechanisms
        .iter()
        .any(|m| OAUTH_MECHANISMS.contains(&m.as_str()))
    {
        Issue::OauthRequired {
            mechanisms,
            capabilities,
        }
    } else {
        Issue::NoUsableMechanism {
            mechanisms,
            capabilities,
        }
    }
}

fn days_left(not_after: &str) -> Option<i64> {
    let when =
        time::OffsetDateTime::parse(not_after, &time::format_description::well_known::Rfc3339)
            .ok()?;
    Some((when - time::OffsetDateTime::now_utc()).whole_days())
}
