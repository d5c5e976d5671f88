//! Probing: connect to every candidate server and find out what it really does.
//!
//! Each probe resolves the host, connects, speaks TLS the way the candidate says (implicit,
//! STARTTLS or none), reads the greeting and capabilities, and logs in when a password is
//! given and the session is verified TLS. What it sees is recorded as [`Issue`]s, plain facts
//! that `diagnose` turns into findings. The protocol dialogues live in `imap`, `pop3` and
//! `smtp`; the connection in `transport`; certificates in `tls`.

pub mod imap;
pub mod pop3;
pub mod smtp;
pub mod tls;
pub mod transport;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::finding::{Stage, Step};
use crate::net::dns::{Dns, DnsError};
use crate::net::trust::TrustAnchors;
use crate::progress::{Event, Progress};
use crate::settings::{Endpoint, Protocol, Security};
use tls::{CertProblem, HandshakeFailure, TlsFacts};
use transport::{Conn, ConnectFailure, IoFailure, Stream, TranscriptLine};

/// Probes running at once; enough for every candidate of a domain, gentle on the servers.
pub const MAX_CONCURRENT_PROBES: usize = 24;

/// What a server says it can do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub raw: Vec<String>,
    pub starttls: bool,
    /// SASL mechanisms, upper-case.
    pub auth: Vec<String>,
    /// IMAP LOGINDISABLED.
    pub login_disabled: bool,
    /// The protocol's own password login (IMAP LOGIN, POP3 USER/PASS, SMTP AUTH PLAIN/LOGIN).
    pub password_login: bool,
    /// IMAP ID (RFC 2971).
    pub id: bool,
    /// IMAP SASL-IR.
    pub sasl_ir: bool,
}

/// A server's answer to one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub ok: bool,
    pub text: String,
}

/// A server to probe.
#[derive(Clone, Debug)]
pub struct Target {
    pub endpoint: Endpoint,
    pub username: String,
}

/// What every probe shares.
#[derive(Clone)]
pub struct ProbeContext {
    pub dns: Dns,
    pub anchors: TrustAnchors,
    pub timeout: Duration,
    pub password: Option<Arc<String>>,
    /// For servers found through SRV, a certificate for this name also counts (RFC 7817).
    pub mail_domain: String,
    /// Hosts that came from SRV.
    pub srv_hosts: Vec<String>,
    /// Told when each probe starts and ends.
    pub progress: Progress,
    pub connector: crate::net::connect::Connector,
}

/// One thing a probe saw that is not as it should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issue {
    /// The host name does not resolve.
    Unresolvable(DnsError),
    /// Connection refused; `works` is a registered port of the protocol proved on the same host.
    Refused {
        detail: String,
        works: Option<(u16, Security)>,
    },
    /// Nothing answered within the limit, at the named step.
    NoAnswer { step: Step, limit: Duration },
    /// Another protocol answered on the port.
    OtherProtocol {
        protocol: Protocol,
        greeting: String,
    },
    /// Something that is not a mail protocol answered.
    NotMail { greeting: String },
    /// Implicit TLS was expected; the server answered in plaintext. `works` is the mode that
    /// was proved on the same port, if any.
    PlaintextOnTlsPort {
        said: String,
        works: Option<Security>,
    },
    /// Plaintext was expected; the server wants TLS from the first byte.
    TlsOnPlaintextPort { works: Option<Security> },
    /// STARTTLS was asked for and not offered. `implicit_tls_port` is a port where implicit TLS
    /// was proved on the same host.
    StarttlsNotOffered {
        capabilities: String,
        implicit_tls_port: Option<u16>,
    },
    /// The server refused the STARTTLS command.
    StarttlsRefused { reply: String },
    /// Bytes arrived after the STARTTLS reply and before TLS: possible response injection.
    Injection { bytes: String },
    /// The TLS handshake failed for another reason.
    TlsFailed { reason: String },
    /// The certificate is not valid for this server. `alias_of`: for a name mismatch, the
    /// CNAME target of the host that the certificate does cover (the name to type instead).
    Certificate {
        problem: CertProblem,
        facts: TlsFacts,
        alias_of: Option<String>,
    },
    /// The certificate expires soon.
    CertificateExpiring { days: i64, facts: TlsFacts },
    /// The server offers no TLS at all (neither STARTTLS nor implicit TLS on its port).
    NoTlsAtAll { capabilities: String },
    /// The server will not authenticate without TLS (LOGINDISABLED, 530 STARTTLS first).
    TlsRequired { evidence: String },
    /// SMTP offers no AUTH even over TLS.
    NoSmtpAuth { capabilities: String },
    /// The server refused the greeting, the login or mailbox access.
    Refusal { stage: Stage, reply: String },
    /// The connection broke at the named step.
    Broken { step: Step, failure: IoFailure },
}

/// Why a login was not attempted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotTested {
    NoPassword,
    /// Not over verified TLS: the password is never sent in cleartext or to a server whose
    /// certificate failed.
    NotSafe,
    /// The probe did not get that far.
    Unreached,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Login {
    NotTested(NotTested),
    Ok,
    Failed,
}

/// Everything one probe found out.
#[derive(Clone, Debug)]
pub struct ProbeOutcome {
    pub endpoint: Endpoint,
    pub addresses: Vec<IpAddr>,
    pub connect_time: Option<Duration>,
    /// Time to a usable session: TLS handshake done (or greeting, without TLS).
    pub handshake_time: Option<Duration>,
    pub elapsed: Duration,
    pub greeting: Option<String>,
    pub tls: Option<TlsFacts>,
    pub capabilities: Vec<String>,
    pub auth_mechanisms: Vec<String>,
    pub login: Login,
    pub issues: Vec<Issue>,
    pub transcript: Vec<TranscriptLine>,
}

impl ProbeOutcome {
    fn new(endpoint: Endpoint) -> Self {
        Self {
            endpoint,
            addresses: Vec::new(),
            connect_time: None,
            handshake_time: None,
            elapsed: Duration::ZERO,
            greeting: None,
            tls: None,
            capabilities: Vec::new(),
            auth_mechanisms: Vec::new(),
            login: Login::NotTested(NotTested::Unreached),
            issues: Vec::new(),
            transcript: Vec::new(),
        }
    }

    /// The settings are right: the session was set up as they say. A refused login is a
    /// problem of the account, not of the settings.
    pub fn settings_work(&self) -> bool {
        self.greeting.is_some()
            && self.issues.iter().all(|i| {
                matches!(
                    i,
                    Issue::CertificateExpiring { .. }
                        | Issue::NoTlsAtAll { .. }
                        | Issue::Refusal {
                            stage: Stage::Login | Stage::AfterLogin,
                            ..
                        }
                )
            })
    }

    /// The server works: the session was set up as the settings say, nothing failed.
    pub fn works(&self) -> bool {
        self.greeting.is_some()
            && !matches!(self.login, Login::Failed)
            && !self.issues.iter().any(|i| {
                !matches!(
                    i,
                    Issue::CertificateExpiring { .. } | Issue::NoTlsAtAll { .. }
                )
            })
    }
}

/// Probes every target at once (bounded), keeping their order.
pub async fn probe_all(targets: Vec<Target>, ctx: Arc<ProbeContext>) -> Vec<ProbeOutcome> {
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONCURRENT_PROBES));
    let handles: Vec<_> = targets
        .into_iter()
        .map(|target| {
            let ctx = Arc::clone(&ctx);
            let permits = Arc::clone(&permits);
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                ctx.progress
                    .emit(Event::ProbeStarted(target.endpoint.clone()));
                let outcome = probe(&target, &ctx).await;
                ctx.progress.emit(Event::ProbeFinished(
                    target.endpoint.clone(),
                    outcome.settings_work(),
                ));
                outcome
            })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(handles.len());
    for handle in handles {
        // A probe task only ends by returning; a panic there is a bug worth surfacing.
        outcomes.push(handle.await.expect("a probe task panicked"));
    }
    outcomes
}

/// Probes one server.
pub async fn probe(target: &Target, ctx: &ProbeContext) -> ProbeOutcome {
    let started = Instant::now();
    let mut out = ProbeOutcome::new(target.endpoint.clone());
    let mut conn = None;
    run(target, ctx, started, &mut out, &mut conn).await;
    if let Some(mut conn) = conn {
        conn.close().await;
        out.transcript = std::mem::take(&mut conn.transcript);
    }
    out.elapsed = started.elapsed();
    out
}

async fn run(
    target: &Target,
    ctx: &ProbeContext,
    started: Instant,
    out: &mut ProbeOutcome,
    slot: &mut Option<Conn>,
) {
    let endpoint = &target.endpoint;
    let timeout = ctx.timeout;
    match ctx.dns.ips(&endpoint.host).await {
        Ok(ips) => out.addresses = ips,
        Err(DnsError::Timeout(limit)) => {
            out.issues.push(Issue::NoAnswer {
                step: Step::DnsLookup,
                limit,
            });
            return;
        }
        Err(e) => {
            out.issues.push(Issue::Unresolvable(e));
            return;
        }
    }
    let tcp = match connect(&ctx.connector, out, endpoint.port, timeout).await {
        Ok(tcp) => tcp,
        Err(Some(detail)) => {
            let mut works = None;
            for security in [Security::Tls, Security::Starttls] {
                let port = endpoint.protocol.default_port(security);
                if port != endpoint.port
                    && let Some(found) =
                        neighbour(ctx, out, endpoint.protocol, port, security).await
                {
                    works = Some((port, found));
                    break;
                }
            }
            out.issues.push(Issue::Refused { detail, works });
            return;
        }
        Err(None) => return,
    };
    let also_valid_for = ctx
        .srv_hosts
        .contains(&endpoint.host)
        .then_some(ctx.mail_domain.as_str());

    // 1. The first bytes: implicit TLS, or a plaintext greeting.
    let conn = if endpoint.security == Security::Tls {
        match tls::handshake(tcp, &endpoint.host, also_valid_for, &ctx.anchors, timeout).await {
            Ok(est) => {
                out.handshake_time = Some(started.elapsed());
                record_certificate(ctx, out, &est.facts, est.problem.clone()).await;
                let mut conn = Conn::new(Stream::Tls(Box::new(est.stream)), timeout, started);
                conn.note(format!("TLS established ({})", est.facts.version));
                conn
            }
            Err(HandshakeFailure::NotTls(said)) => {
                let works = neighbour(
                    ctx,
                    out,
                    endpoint.protocol,
                    endpoint.port,
                    Security::Starttls,
                )
                .await;
                out.issues.push(Issue::PlaintextOnTlsPort { said, works });
                return;
            }
            Err(HandshakeFailure::Timeout(limit)) => {
                out.issues.push(Issue::NoAnswer {
                    step: Step::TlsHandshake,
                    limit,
                });
                return;
            }
            Err(HandshakeFailure::Closed) => {
                out.issues.push(Issue::TlsFailed {
                    reason: "the server closed the connection during the TLS handshake".into(),
                });
                return;
            }
            Err(HandshakeFailure::Other(reason)) => {
                out.issues.push(Issue::TlsFailed { reason });
                return;
            }
        }
    } else {
        let mut conn = Conn::new(Stream::Plain(tcp), timeout, started);
        // Half the limit for the greeting, so that proving "this port wants TLS" fits in the
        // other half and a silent server still costs one limit at most.
        match conn.peek_bytes(timeout / 2).await {
            Ok(bytes) if matches!(bytes.first(), Some(20..=24)) => {
                let works =
                    neighbour(ctx, out, endpoint.protocol, endpoint.port, Security::Tls).await;
                out.issues.push(Issue::TlsOnPlaintextPort { works });
                return;
            }
            Ok(_) => {}
            Err(IoFailure::Timeout(_)) => {
                let works = neighbour_with(
                    ctx,
                    out,
                    endpoint.protocol,
                    endpoint.port,
                    Security::Tls,
                    timeout / 2,
                )
                .await;
                if works.is_some() {
                    out.issues.push(Issue::TlsOnPlaintextPort { works });
                } else {
                    out.issues.push(Issue::NoAnswer {
                        step: Step::Greeting,
                        limit: timeout,
                    });
                }
                return;
            }
            Err(failure) => {
                out.issues.push(Issue::Broken {
                    step: Step::Greeting,
                    failure,
                });
                return;
            }
        }
        conn
    };
    let conn = slot.insert(conn);

    // 2. The greeting names the protocol.
    let greeting = match read_greeting(conn, endpoint.protocol).await {
        Ok(greeting) => greeting,
        Err(failure) => {
            out.issues.push(match failure {
                IoFailure::Timeout(limit) => Issue::NoAnswer {
                    step: Step::Greeting,
                    limit,
                },
                failure => Issue::Broken {
                    step: Step::Greeting,
                    failure,
                },
            });
            return;
        }
    };
    match identify(&greeting) {
        Some(p) if p == endpoint.protocol => {}
        Some(protocol) => {
            out.issues.push(Issue::OtherProtocol { protocol, greeting });
            return;
        }
        None => {
            out.issues.push(Issue::NotMail { greeting });
            return;
        }
    }
    out.greeting = Some(greeting.clone());
    if is_refusal(endpoint.protocol, &greeting) {
        out.issues.push(Issue::Refusal {
            stage: Stage::Greeting,
            reply: greeting,
        });
        return;
    }
    if out.handshake_time.is_none() {
        out.handshake_time = Some(started.elapsed());
    }

    // 3. Capabilities, and the STARTTLS upgrade.
    let Some(mut caps) = read_capabilities(conn, out, endpoint.protocol, &greeting).await else {
        return;
    };
    if endpoint.security == Security::Starttls {
        let preauth = greeting.to_ascii_uppercase().starts_with("* PREAUTH");
        if !caps.starttls || preauth {
            let tls_port = endpoint.protocol.default_port(Security::Tls);
            let implicit = neighbour(ctx, out, endpoint.protocol, tls_port, Security::Tls).await;
            let listed = caps.raw.join(" ");
            out.issues.push(Issue::StarttlsNotOffered {
                capabilities: listed.clone(),
                implicit_tls_port: implicit.map(|_| tls_port),
            });
            if implicit.is_none() {
                out.issues.push(Issue::NoTlsAtAll {
                    capabilities: listed,
                });
            }
            return;
        }
        let reply = match starttls(conn, endpoint.protocol).await {
            Ok(reply) => reply,
            Err(failure) => {
                out.issues.push(Issue::Broken {
                    step: Step::Starttls,
                    failure,
                });
                return;
            }
        };
        if !reply.ok {
            out.issues
                .push(Issue::StarttlsRefused { reply: reply.text });
            return;
        }
        let (tcp, leftover) = match conn.take_for_upgrade() {
            Ok(parts) => parts,
            Err(failure) => {
                out.issues.push(Issue::Broken {
                    step: Step::Starttls,
                    failure,
                });
                return;
            }
        };
        if !leftover.is_empty() {
            // Never hand these bytes on, and never continue: the session is not trustworthy.
            out.issues.push(Issue::Injection {
                bytes: crate::net::decode::reply_text(&leftover)
                    .trim_end()
                    .to_owned(),
            });
            return;
        }
        match tls::handshake(tcp, &endpoint.host, also_valid_for, &ctx.anchors, timeout).await {
            Ok(est) => {
                out.handshake_time = Some(started.elapsed());
                record_certificate(ctx, out, &est.facts, est.problem.clone()).await;
                conn.note(format!("TLS established ({})", est.facts.version));
                conn.upgraded(est.stream);
            }
            Err(failure) => {
                let reason = match failure {
                    HandshakeFailure::Timeout(limit) => {
                        out.issues.push(Issue::NoAnswer {
                            step: Step::TlsAfterStarttls,
                            limit,
                        });
                        return;
                    }
                    HandshakeFailure::NotTls(said) => {
                        format!("the server kept talking plaintext after STARTTLS: {said}")
                    }
                    HandshakeFailure::Closed => {
                        "the server closed the connection during the TLS handshake".into()
                    }
                    HandshakeFailure::Other(reason) => reason,
                };
                out.issues.push(Issue::TlsFailed { reason });
                return;
            }
        }
        // RFC 3207 §4.2: forget what was learned before TLS and ask again.
        match read_capabilities(conn, out, endpoint.protocol, "").await {
            Some(fresh) => caps = fresh,
            None => return,
        }
    } else if endpoint.security == Security::Plain && !caps.starttls {
        let tls_port = endpoint.protocol.default_port(Security::Tls);
        if neighbour(ctx, out, endpoint.protocol, tls_port, Security::Tls)
            .await
            .is_none()
        {
            out.issues.push(Issue::NoTlsAtAll {
                capabilities: caps.raw.join(" "),
            });
        }
    }
    out.capabilities = caps.raw.clone();
    out.auth_mechanisms = auth_mechanisms(endpoint.protocol, &caps);

    // 4. What login would need, and the login itself.
    if !conn.is_tls() {
        if let Some(evidence) = refuses_plaintext_login(endpoint.protocol, &caps) {
            out.issues.push(Issue::TlsRequired { evidence });
        }
        out.login = Login::NotTested(match ctx.password {
            Some(_) => NotTested::NotSafe,
            None => NotTested::NoPassword,
        });
        logout(conn, endpoint.protocol).await;
        return;
    }
    if endpoint.protocol == Protocol::Smtp && caps.auth.is_empty() {
        out.issues.push(Issue::NoSmtpAuth {
            capabilities: caps.raw.join(" "),
        });
    }
    let Some(password) = ctx.password.as_deref() else {
        out.login = Login::NotTested(NotTested::NoPassword);
        logout(conn, endpoint.protocol).await;
        return;
    };
    if out
        .issues
        .iter()
        .any(|i| matches!(i, Issue::Certificate { .. } | Issue::NoSmtpAuth { .. }))
    {
        out.login = Login::NotTested(NotTested::NotSafe);
        logout(conn, endpoint.protocol).await;
        return;
    }
    conn.add_secret(password);
    let user = target.username.as_str();
    let reply = match endpoint.protocol {
        Protocol::Imap => imap::login(conn, &caps, user, password).await,
        Protocol::Pop3 => pop3::login(conn, &caps, user, password).await,
        Protocol::Smtp => smtp::login(conn, &caps, user, password).await,
    };
    match reply {
        Ok(reply) if reply.ok => {
            out.login = Login::Ok;
            if endpoint.protocol == Protocol::Imap {
                match imap::after_login(conn, &caps).await {
                    Ok(reply) if !reply.ok => {
                        out.login = Login::Failed;
                        out.issues.push(Issue::Refusal {
                            stage: Stage::AfterLogin,
                            reply: reply.text,
                        });
                    }
                    Ok(_) => {}
                    Err(failure) => out.issues.push(Issue::Broken {
                        step: Step::ExamineInbox,
                        failure,
                    }),
                }
            }
        }
        Ok(reply) => {
            out.login = Login::Failed;
            out.issues.push(Issue::Refusal {
                stage: Stage::Login,
                reply: reply.text,
            });
        }
        Err(failure) => {
            out.login = Login::Failed;
            out.issues.push(Issue::Broken {
                step: Step::Login,
                failure,
            });
        }
    }
    logout(conn, endpoint.protocol).await;
}

/// Connects; a refusal comes back as its detail, a timeout is recorded and comes back as `None`.
async fn connect(
    connector: &crate::net::connect::Connector,
    out: &mut ProbeOutcome,
    port: u16,
    timeout: Duration,
) -> Result<tokio::net::TcpStream, Option<String>> {
    let started = Instant::now();
    match transport::connect(connector, &out.addresses, port, timeout).await {
        Ok((tcp, _)) => {
            out.connect_time = Some(started.elapsed());
            Ok(tcp)
        }
        Err(ConnectFailure::Refused(text) | ConnectFailure::Other(text)) => Err(Some(text)),
        Err(ConnectFailure::Timeout(limit)) => {
            out.issues.push(Issue::NoAnswer {
                step: Step::Connect,
                limit,
            });
            Err(None)
        }
    }
}

async fn record_certificate(
    ctx: &ProbeContext,
    out: &mut ProbeOutcome,
    facts: &TlsFacts,
    problem: Option<CertProblem>,
) {
    out.tls = Some(facts.clone());
    match problem {
        Some(problem) => {
            // A custom name that is an alias of the provider's host: the certificate names the
            // provider's host, which is what to type (RFC 7817 does not follow CNAMEs).
            let alias_of = if problem == CertProblem::NameMismatch {
                ctx.dns
                    .cname_chain(&out.endpoint.host)
                    .await
                    .into_iter()
                    .find(|target| tls::covers(&facts.names, target))
            } else {
                None
            };
            out.issues.push(Issue::Certificate {
                problem,
                facts: facts.clone(),
                alias_of,
            });
        }
        None => {
            if let Some(days) = days_left(&facts.not_after)
                && days < 14
            {
                out.issues.push(Issue::CertificateExpiring {
                    days,
                    facts: facts.clone(),
                });
            }
        }
    }
}

fn days_left(not_after: &str) -> Option<i64> {
    let when =
        time::OffsetDateTime::parse(not_after, &time::format_description::well_known::Rfc3339)
            .ok()?;
    Some((when - time::OffsetDateTime::now_utc()).whole_days())
}

/// Reads the greeting; SMTP greetings may span lines (`220-…`).
async fn read_greeting(conn: &mut Conn, protocol: Protocol) -> Result<String, IoFailure> {
    let first = conn.read_line().await?;
    if protocol == Protocol::Smtp && first.as_bytes().get(3) == Some(&b'-') {
        let mut lines = vec![first];
        let (_, rest) = smtp::read_reply(conn).await?;
        lines.extend(rest);
        return Ok(lines.join(" "));
    }
    Ok(first)
}

/// Which protocol a greeting belongs to.
pub fn identify(greeting: &str) -> Option<Protocol> {
    let upper = greeting.to_ascii_uppercase();
    if upper.starts_with("* OK") || upper.starts_with("* PREAUTH") || upper.starts_with("* BYE") {
        Some(Protocol::Imap)
    } else if upper.starts_with("+OK") || upper.starts_with("-ERR") {
        Some(Protocol::Pop3)
    } else if greeting.len() >= 3
        && greeting.as_bytes()[..3].iter().all(u8::is_ascii_digit)
        && matches!(greeting.as_bytes().get(3), None | Some(b' ' | b'-'))
    {
        Some(Protocol::Smtp)
    } else {
        None
    }
}

fn is_refusal(protocol: Protocol, greeting: &str) -> bool {
    let upper = greeting.to_ascii_uppercase();
    match protocol {
        Protocol::Imap => upper.starts_with("* BYE"),
        Protocol::Pop3 => upper.starts_with("-ERR"),
        Protocol::Smtp => !upper.starts_with("220"),
    }
}

async fn read_capabilities(
    conn: &mut Conn,
    out: &mut ProbeOutcome,
    protocol: Protocol,
    greeting: &str,
) -> Option<Capabilities> {
    let result = match protocol {
        Protocol::Imap => match imap::greeting_capabilities(greeting) {
            Some(words) => Ok(imap::parse_capabilities(&words)),
            None => imap::capabilities(conn).await,
        },
        Protocol::Pop3 => pop3::capabilities(conn).await,
        Protocol::Smtp => match smtp::capabilities(conn).await {
            Ok((caps, reply)) if reply.ok => Ok(caps),
            Ok((_, reply)) => {
                out.issues.push(Issue::Refusal {
                    stage: Stage::Greeting,
                    reply: reply.text,
                });
                return None;
            }
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(caps) => Some(caps),
        Err(failure) => {
            out.issues.push(Issue::Broken {
                step: Step::Capabilities,
                failure,
            });
            None
        }
    }
}

async fn starttls(conn: &mut Conn, protocol: Protocol) -> Result<Reply, IoFailure> {
    match protocol {
        Protocol::Imap => imap::starttls(conn).await,
        Protocol::Pop3 => pop3::starttls(conn).await,
        Protocol::Smtp => smtp::starttls(conn).await,
    }
}

async fn logout(conn: &mut Conn, protocol: Protocol) {
    match protocol {
        Protocol::Imap => imap::logout(conn).await,
        Protocol::Pop3 => pop3::logout(conn).await,
        Protocol::Smtp => smtp::logout(conn).await,
    }
}

fn auth_mechanisms(protocol: Protocol, caps: &Capabilities) -> Vec<String> {
    let mut mechs = caps.auth.clone();
    let own = match protocol {
        Protocol::Imap if !caps.login_disabled => Some("LOGIN"),
        Protocol::Pop3 if caps.password_login => Some("USER"),
        _ => None,
    };
    if let Some(own) = own
        && !mechs.iter().any(|m| m == own)
    {
        mechs.push(own.to_owned());
    }
    mechs
}

/// Whether the capabilities say a login without TLS will be refused, with the evidence.
fn refuses_plaintext_login(protocol: Protocol, caps: &Capabilities) -> Option<String> {
    match protocol {
        Protocol::Imap if caps.login_disabled => Some(format!("CAPABILITY {}", caps.raw.join(" "))),
        Protocol::Pop3 if !caps.password_login && caps.auth.is_empty() && caps.starttls => {
            Some(format!("CAPA {}", caps.raw.join(" ")))
        }
        Protocol::Smtp if caps.auth.is_empty() && caps.starttls => Some(format!(
            "EHLO offers no AUTH before STARTTLS: {}",
            caps.raw.join(" ")
        )),
        _ => None,
    }
}

impl ProbeOutcome {
    /// The settings on the same host that this probe found answering where the ones it was
    /// given did not: another registered port, or the other TLS mode on the same port.
    pub fn proved_neighbours(&self) -> Vec<Endpoint> {
        let at = |port: u16, security: Security| Endpoint {
            port,
            security,
            ..self.endpoint.clone()
        };
        self.issues
            .iter()
            .filter_map(|issue| match issue {
                Issue::Refused {
                    works: Some((port, security)),
                    ..
                } => Some(at(*port, *security)),
                Issue::PlaintextOnTlsPort {
                    works: Some(security),
                    ..
                }
                | Issue::TlsOnPlaintextPort {
                    works: Some(security),
                } => Some(at(self.endpoint.port, *security)),
                Issue::StarttlsNotOffered {
                    implicit_tls_port: Some(port),
                    ..
                } => Some(at(*port, Security::Tls)),
                _ => None,
            })
            .collect()
    }
}

/// Proves whether `protocol` works on `port` with `security` (same host): the mode to suggest.
async fn neighbour(
    ctx: &ProbeContext,
    out: &ProbeOutcome,
    protocol: Protocol,
    port: u16,
    security: Security,
) -> Option<Security> {
    neighbour_with(ctx, out, protocol, port, security, ctx.timeout).await
}

async fn neighbour_with(
    ctx: &ProbeContext,
    out: &ProbeOutcome,
    protocol: Protocol,
    port: u16,
    security: Security,
    limit: Duration,
) -> Option<Security> {
    let check = async {
        let (tcp, _) = transport::connect(&ctx.connector, &out.addresses, port, limit)
            .await
            .ok()?;
        let started = Instant::now();
        let mut conn = match security {
            Security::Tls => {
                let est = tls::handshake(tcp, &out.endpoint.host, None, &ctx.anchors, limit)
                    .await
                    .ok()?;
                Conn::new(Stream::Tls(Box::new(est.stream)), limit, started)
            }
            _ => Conn::new(Stream::Plain(tcp), limit, started),
        };
        let greeting = read_greeting(&mut conn, protocol).await.ok()?;
        if identify(&greeting) != Some(protocol) {
            return None;
        }
        if security == Security::Starttls {
            let caps = match protocol {
                Protocol::Imap => match imap::greeting_capabilities(&greeting) {
                    Some(words) => imap::parse_capabilities(&words),
                    None => imap::capabilities(&mut conn).await.ok()?,
                },
                Protocol::Pop3 => pop3::capabilities(&mut conn).await.ok()?,
                Protocol::Smtp => smtp::capabilities(&mut conn).await.ok()?.0,
            };
            if !caps.starttls {
                return None;
            }
        }
        conn.close().await;
        Some(security)
    };
    tokio::time::timeout(limit, check).await.ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greetings_name_their_protocol() {
        assert_eq!(
            identify("* OK [CAPABILITY IMAP4rev1] Dovecot ready."),
            Some(Protocol::Imap)
        );
        assert_eq!(identify("* PREAUTH welcome"), Some(Protocol::Imap));
        assert_eq!(identify("+OK Dovecot ready."), Some(Protocol::Pop3));
        assert_eq!(
            identify("220 mail.example.com ESMTP Postfix"),
            Some(Protocol::Smtp)
        );
        assert_eq!(identify("220-mail.example.com ESMTP"), Some(Protocol::Smtp));
        assert_eq!(identify("SSH-2.0-OpenSSH_9.2"), None);
        assert_eq!(identify("HTTP/1.1 400 Bad Request"), None);
    }
}
