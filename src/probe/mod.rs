//! Probing: connect to every candidate server and find out what it really does.
//!
//! Each probe resolves the host, connects, speaks TLS the way the candidate says (implicit,
//! STARTTLS or none), reads the greeting and capabilities, and logs in when a password is
//! given, the session is verified TLS and the login gate (`logins`) gives it a turn. What it
//! sees is recorded as [`Issue`]s, plain facts that `diagnose` turns into findings. [`probe`]
//! runs the steps, which live in `steps`; each protocol's side of the dialogue is one
//! implementation of `protocol::MailProtocol`, in `imap`, `pop3` and `smtp`; the connection is
//! in `transport`, certificates in `tls`, and the time limits come from [`crate::timing`]: one
//! per step, and one for the whole probe, so that no server can hold a probe longer than
//! [`Timing::probe_deadline`].

pub mod early;
#[doc(hidden)]
pub mod fuzzing;
pub mod guesses;
pub mod imap;
pub mod logins;
pub mod mailbox;
pub mod pop3;
mod protocol;
pub mod second_round;
pub mod smtp;
mod steps;
pub mod tls;
pub mod transport;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::finding::{Stage, Step};
use crate::net::dns::{Dns, DnsError};
use crate::net::trust::TrustAnchors;
use crate::progress::Progress;
use crate::settings::{Endpoint, Protocol, Security};
use crate::timing::Timing;
use protocol::MailProtocol;
use steps::{Prober, Stop};
use tls::{CertProblem, Established, TlsFacts};
use transport::{
    AddressAttempt, AttemptResult, CertRejected, Conn, Direction, Ending, IoFailure, Remark,
    Stream, TranscriptLine,
};

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

impl Capabilities {
    /// Whether the SASL mechanism `mechanism` (upper-case) is offered.
    pub fn offers(&self, mechanism: &str) -> bool {
        self.auth.iter().any(|m| m == mechanism)
    }
}

/// A server's answer to one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub ok: bool,
    pub text: String,
}

/// A server to probe.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    pub password: Option<Arc<crate::secret::Password>>,
    /// For servers found through SRV, a certificate for this name also counts (RFC 7817).
    pub mail_domain: String,
    /// Hosts that came from SRV.
    pub srv_hosts: Vec<String>,
    /// Where each TCP connection really goes (tests map ports; by default, where it says).
    pub connector: crate::net::connect::Connector,
    /// Told when each probe starts and ends.
    pub progress: Progress,
    /// Where, in which order and how often the password may be sent.
    pub logins: logins::LoginGate,
    /// The OAuth token to log in with where a server offers OAUTHBEARER or XOAUTH2.
    pub oauth: Option<Arc<OauthToken>>,
    /// Told of each server whose greeting welcomed the client (`guesses::first_round`).
    pub greeted: Option<tokio::sync::mpsc::UnboundedSender<Endpoint>>,
}

/// An OAuth token given for the run, and what it says about itself (read once, unverified).
pub struct OauthToken {
    pub token: crate::secret::Password,
    /// `None`: an opaque token, whose claims cannot be read.
    pub claims: Option<crate::oauth::Claims>,
    /// The run's time, in seconds since 1970: a token whose `exp` is before it has expired.
    pub now: i64,
}

/// One thing a probe saw that is not as it should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issue {
    /// The host name does not resolve: it, or its address, does not exist.
    Unresolvable(DnsError),
    /// The lookup of the host failed (SERVFAIL, REFUSED, …): nothing is known about the name.
    LookupFailed(DnsError),
    /// Connection refused; `works` is a registered port of the protocol proved on the same host.
    Refused {
        detail: String,
        works: Option<(u16, Security)>,
    },
    /// No address of the host answered the connection attempts within the limit: a firewall
    /// drops them. `works` is a registered port of the protocol proved on the same host.
    Filtered {
        limit: Duration,
        works: Option<(u16, Security)>,
        /// The control: a port of the host that answered at all (none: the host is down).
        answered: Option<u16>,
    },
    /// The connection could not be sent (no route, a local firewall's reject).
    Unreachable { error: String },
    /// Every IPv6 address tried failed (`failed`) while IPv4 `ipv4` connected.
    Ipv6Broken {
        failed: Vec<AddressAttempt>,
        ipv4: IpAddr,
    },
    /// Nothing answered within the limit, at the named step.
    NoAnswer { step: Step, limit: Duration },
    /// A reply began at the named step but was not complete within the limit.
    SlowReply { step: Step, limit: Duration },
    /// The probe as a whole ran out of time ([`Timing::probe_deadline`]) at the named step.
    ProbeTooSlow { step: Step, limit: Duration },
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
        /// For an expired one: the HTTPS certificate of the host is valid until then.
        https_valid_until: Option<String>,
    },
    /// The certificate expires soon.
    CertificateExpiring { days: i64, facts: TlsFacts },
    /// The server offers no TLS at all (neither STARTTLS nor implicit TLS on its port).
    NoTlsAtAll { capabilities: String },
    /// The server will not authenticate without TLS (LOGINDISABLED, 530 STARTTLS first).
    TlsRequired { evidence: String },
    /// SMTP offers no AUTH even over TLS.
    NoSmtpAuth { capabilities: String },
    /// Over TLS, the only login mechanisms offered are OAuth ones: no password can log in.
    OauthRequired {
        mechanisms: Vec<String>,
        capabilities: String,
    },
    /// Over TLS, no login mechanism offered is one mailcheck speaks (`mechanisms` may be
    /// empty: none at all); the password was not sent.
    NoUsableMechanism {
        mechanisms: Vec<String>,
        capabilities: String,
    },
    /// The server refused the greeting, the login or mailbox access.
    Refusal { stage: Stage, reply: String },
    /// The server refused the OAuth token: its reply, its error challenge (if it sent one),
    /// the user the token was sent for, and what the token says about itself.
    OauthRefused {
        mechanism: crate::oauth::Mechanism,
        reply: String,
        server_error: Option<crate::oauth::ServerError>,
        user: String,
        claims: Option<crate::oauth::Claims>,
        now: i64,
    },
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
    /// The login gate kept the password back.
    Withheld(logins::Withheld),
    /// The server offers no login mechanism mailcheck may use (OAuth only, CRAM-MD5, …).
    NoMechanism,
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
    /// What each address did when the probe connected (Happy Eyeballs), in the order tried.
    pub attempts: Vec<AddressAttempt>,
    /// The last step the probe began.
    pub reached: Step,
    pub connect_time: Option<Duration>,
    /// Time to a usable session: TLS handshake done (or greeting, without TLS).
    pub handshake_time: Option<Duration>,
    /// How long the login step took (the credentials sent, the verdict read), when it ran.
    pub login_time: Option<Duration>,
    pub elapsed: Duration,
    pub greeting: Option<String>,
    pub tls: Option<TlsFacts>,
    pub capabilities: Vec<String>,
    pub auth_mechanisms: Vec<String>,
    pub login: Login,
    pub issues: Vec<Issue>,
    /// What the logged-in session showed of the mailbox (`mailbox`), when it got that far.
    pub mailbox: Option<mailbox::MailboxFacts>,
    pub transcript: Vec<TranscriptLine>,
}

impl ProbeOutcome {
    pub(crate) fn new(endpoint: Endpoint) -> Self {
        Self {
            endpoint,
            addresses: Vec::new(),
            attempts: Vec::new(),
            reached: Step::DnsLookup,
            connect_time: None,
            handshake_time: None,
            login_time: None,
            elapsed: Duration::ZERO,
            greeting: None,
            tls: None,
            capabilities: Vec::new(),
            auth_mechanisms: Vec::new(),
            login: Login::NotTested(NotTested::Unreached),
            issues: Vec::new(),
            mailbox: None,
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
                        | Issue::Ipv6Broken { .. }
                        | Issue::OauthRequired { .. }
                        | Issue::NoUsableMechanism { .. }
                        | Issue::OauthRefused { .. }
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
                    Issue::CertificateExpiring { .. }
                        | Issue::NoTlsAtAll { .. }
                        | Issue::Ipv6Broken { .. }
                )
            })
    }
}

/// Probes every target at once (bounded), keeping their order.
pub async fn probe_all(targets: Vec<Target>, ctx: Arc<ProbeContext>) -> Vec<ProbeOutcome> {
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONCURRENT_PROBES));
    let handles = targets
        .into_iter()
        .map(|target| early::spawn(target, Arc::clone(&ctx), Arc::clone(&permits), None))
        .collect();
    outcomes(handles).await
}

/// The outcomes of probes, in order.
async fn outcomes(handles: Vec<tokio::task::JoinHandle<ProbeOutcome>>) -> Vec<ProbeOutcome> {
    let mut outcomes = Vec::with_capacity(handles.len());
    for handle in handles {
        // A probe task only ends by returning; a panic there is a bug worth surfacing.
        outcomes.push(handle.await.expect("a probe task panicked"));
    }
    outcomes
}

/// Probes one server, within the probe's deadline whatever the server does.
pub async fn probe(target: &Target, ctx: &ProbeContext) -> ProbeOutcome {
    let started = Instant::now();
    let deadline = Timing::new(ctx.timeout).probe_deadline();
    let mut out = ProbeOutcome::new(target.endpoint.clone());
    let mut conn = None;
    let mut late = None;
    // The protocol is chosen here, once; every step after speaks it.
    let steps = async {
        let (out, conn, late) = (&mut out, &mut conn, &mut late);
        match target.endpoint.protocol {
            Protocol::Imap => run(&imap::Imap, target, ctx, started, out, conn, late).await,
            Protocol::Pop3 => run(&pop3::Pop3, target, ctx, started, out, conn, late).await,
            Protocol::Smtp => run(&smtp::Smtp, target, ctx, started, out, conn, late).await,
        }
    };
    let stopped = match tokio::time::timeout(deadline, steps).await {
        // A dialogue that went on after a failure the protocol can live with (the mailbox
        // check) still ended there.
        Ok(Ok(())) => out
            .issues
            .iter()
            .filter(|i| i.ends_dialogue())
            .find_map(ending),
        Ok(Err(Stop(issues))) => {
            let stopped = issues.first().and_then(ending);
            out.issues.extend(issues);
            stopped
        }
        // Everything that mattered was known before the mailbox's facts and the goodbye.
        Err(_) if matches!(out.reached, Step::Mailbox | Step::Logout) => None,
        Err(_) => {
            if out.reached == Step::Login {
                out.login = Login::Failed;
            }
            out.issues.push(Issue::ProbeTooSlow {
                step: out.reached,
                limit: deadline,
            });
            Some(Ending::ProbeTooSlow(deadline))
        }
    };
    if let Some(mut conn) = conn {
        conn.close().await;
        out.transcript = conn.take_transcript();
    }
    // IPv6 attempts that IPv4 overtook end within the connect's limit: failed, or only slower.
    if let Some(late) = late {
        late.finish(&mut out.attempts).await;
    }
    out.issues
        .extend(ipv6_broken(&out.attempts, ctx.connector.ipv6_configured()));
    // Why it stopped, last, even where no connection was made.
    if let Some(ending) = stopped {
        out.transcript.push(TranscriptLine {
            at: started.elapsed(),
            direction: Direction::Note(Remark::Stopped(ending)),
            text: String::new(),
        });
    }
    out.elapsed = started.elapsed();
    out
}

/// `ipv6_broken`: IPv4 connected, and every IPv6 address tried failed (refused, no answer,
/// another error); one that was only slower than IPv4 is not broken. No route to it counts only
/// when this computer has IPv6 (`ipv6_configured`): mail programs then try it; without IPv6 at
/// all they do not, and it costs them nothing.
fn ipv6_broken(attempts: &[AddressAttempt], ipv6_configured: bool) -> Option<Issue> {
    let ipv4 = attempts
        .iter()
        .find(|a| a.address.is_ipv4() && a.result == AttemptResult::Connected)?
        .address;
    let tried: Vec<&AddressAttempt> = attempts
        .iter()
        .filter(|a| a.address.is_ipv6() && a.result != AttemptResult::NotTried)
        .collect();
    let failed = !tried.is_empty()
        && tried.iter().all(|a| match a.result {
            AttemptResult::Refused | AttemptResult::Timeout | AttemptResult::Failed(_) => true,
            AttemptResult::NoRoute(_) => ipv6_configured,
            _ => false,
        });
    failed.then(|| Issue::Ipv6Broken {
        failed: tried.into_iter().cloned().collect(),
        ipv4,
    })
}

/// The steps of a probe, in order. Each records what it found in `out`; the first that cannot
/// go on ends the probe with its [`Stop`]. The connection, once there is one, is left in `conn`
/// so that its transcript is kept however the probe ends.
async fn run<P: MailProtocol>(
    protocol: &P,
    target: &Target,
    ctx: &ProbeContext,
    started: Instant,
    out: &mut ProbeOutcome,
    conn: &mut Option<Conn>,
    late: &mut Option<transport::Late>,
) -> Result<(), Stop> {
    let endpoint = &target.endpoint;
    out.reached = Step::DnsLookup;
    out.addresses = steps::resolve(&ctx.dns, &endpoint.host).await?;
    let timing = Timing::new(ctx.timeout);
    let prober = Prober {
        protocol,
        target,
        ctx,
        timing,
        started,
        addresses: out.addresses.clone(),
    };
    out.reached = Step::Connect;
    let (tcp, address, connect_time) = prober.connect(&mut out.attempts, late).await?;
    out.connect_time = Some(connect_time);
    // From here on the dialogue is kept, however the probe ends.
    let conn = conn.insert(prober.conn(Stream::Plain(tcp)));
    conn.note(Remark::Connected(address));

    // The first bytes: implicit TLS, or a plaintext greeting on its way.
    if endpoint.security == Security::Tls {
        out.reached = Step::TlsHandshake;
        let tls = prober.implicit_tls(conn).await?;
        record_tls(&prober, out, &tls).await;
        conn.note(tls_established(&tls));
        conn.upgraded(tls.stream);
    } else {
        out.reached = Step::Greeting;
        prober.plaintext(conn, connect_time).await?;
    }

    // The greeting names the protocol, and welcomes the client or not.
    out.reached = Step::Greeting;
    let greeting = prober.greeting(conn).await?;
    out.greeting = Some(greeting.clone());
    prober.welcome(&greeting)?;
    if let Some(greeted) = &ctx.greeted {
        // The listener may have stopped listening; nothing is lost then.
        let _ = greeted.send(endpoint.clone());
    }
    out.handshake_time.get_or_insert_with(|| started.elapsed());

    // Capabilities, and the STARTTLS upgrade.
    out.reached = Step::Capabilities;
    let caps = prober.capabilities(conn, &greeting).await?;
    let caps = match endpoint.security {
        Security::Starttls => {
            prober.starttls_offered(&greeting, &caps).await?;
            out.reached = Step::Starttls;
            let tls = prober.starttls(conn).await?;
            record_tls(&prober, out, &tls).await;
            conn.note(tls_established(&tls));
            conn.upgraded(tls.stream);
            // RFC 3207 §4.2: forget what was learned before TLS and ask again.
            out.reached = Step::Capabilities;
            prober.capabilities(conn, "").await?
        }
        Security::Plain if !caps.starttls => {
            out.issues.extend(prober.no_tls_at_all(&caps).await);
            caps
        }
        Security::Plain | Security::Tls => caps,
    };
    out.capabilities = caps.raw.clone();
    out.auth_mechanisms = protocol.auth_mechanisms(&caps);

    // What login would need, and the login itself.
    let certificate_failed = out
        .issues
        .iter()
        .any(|i| matches!(i, Issue::Certificate { .. }));
    out.reached = Step::Login;
    let mut accepted = String::new();
    let login_started = std::time::Instant::now();
    let (login, issues) = prober
        .login(conn, &caps, certificate_failed, &mut accepted)
        .await;
    if !matches!(login, Login::NotTested(_)) {
        out.login_time = Some(login_started.elapsed());
    }
    out.login = login;
    out.issues.extend(issues);
    if out.login == Login::Ok {
        out.reached = Step::ExamineInbox;
        let (login, issues) = prober.session(conn, &caps).await;
        out.login = login;
        out.issues.extend(issues);
    }
    // The mailbox, read-only, in a session that works.
    let mut broken = false;
    if out.login == Login::Ok && !out.issues.iter().any(Issue::ends_dialogue) {
        out.reached = Step::Mailbox;
        let mailbox = protocol.mailbox(conn, &caps, &accepted).await;
        out.mailbox = mailbox.facts;
        broken = mailbox.broken;
    }
    // A connection the server broke or stopped answering on has no goodbye to hear.
    if !broken && !out.issues.iter().any(Issue::ends_dialogue) {
        out.reached = Step::Logout;
        protocol.logout(conn).await;
    }
    Ok(())
}

/// The dialogue's remark on a finished handshake, with what is wrong with the certificate.
fn tls_established(tls: &Established) -> Remark {
    Remark::TlsEstablished {
        version: tls.facts.version.clone(),
        rejected: tls.problem.as_ref().map(|problem| match problem {
            CertProblem::Expired(_) => CertRejected::Expired,
            CertProblem::NameMismatch => CertRejected::NameMismatch,
            CertProblem::Untrusted(..) => CertRejected::Untrusted,
        }),
    }
}

/// Why the dialogue stopped, said by the issue that stopped the probe.
fn ending(issue: &Issue) -> Option<Ending> {
    Some(match issue {
        Issue::Unresolvable(_) | Issue::LookupFailed(_) => Ending::NotResolved,
        Issue::Refused { detail, .. } if detail.ends_with("connection refused") => {
            Ending::ConnectRefused
        }
        Issue::Refused { detail, .. } => Ending::ConnectFailed(detail.clone()),
        Issue::Unreachable { error } => Ending::ConnectFailed(error.clone()),
        Issue::Filtered { limit, .. } => Ending::ConnectNoAnswer(*limit),
        Issue::NoAnswer {
            step: Step::DnsLookup,
            ..
        } => Ending::NotResolved,
        Issue::NoAnswer { limit, .. } => Ending::NoReply(*limit),
        Issue::SlowReply { limit, .. } => Ending::ReplyIncomplete(*limit),
        Issue::ProbeTooSlow { limit, .. } => Ending::ProbeTooSlow(*limit),
        Issue::Broken { failure, .. } => Ending::of(failure),
        Issue::OtherProtocol { .. } | Issue::NotMail { .. } => Ending::NotTheProtocol,
        Issue::PlaintextOnTlsPort { .. } => Ending::PlaintextNotTls,
        Issue::TlsOnPlaintextPort { .. } => Ending::TlsNotPlaintext,
        Issue::StarttlsNotOffered { .. } => Ending::StarttlsNotOffered,
        Issue::StarttlsRefused { .. } => Ending::StarttlsRefused,
        Issue::Injection { .. } => Ending::Injection,
        Issue::TlsFailed { reason } => Ending::TlsFailed(reason.clone()),
        Issue::Refusal {
            stage: Stage::Greeting,
            ..
        } => Ending::Refused,
        _ => return None,
    })
}

/// Records a finished TLS handshake: when, the certificate, and what is wrong with it.
async fn record_tls<P: MailProtocol>(
    prober: &Prober<'_, P>,
    out: &mut ProbeOutcome,
    tls: &Established,
) {
    out.handshake_time = Some(prober.started.elapsed());
    out.tls = Some(tls.facts.clone());
    let problem = tls.problem.clone();
    out.issues
        .extend(prober.certificate(&tls.facts, problem).await);
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

impl Issue {
    /// Whether the dialogue cannot go on after it: the server broke the connection, or did not
    /// answer in time.
    pub fn ends_dialogue(&self) -> bool {
        matches!(
            self,
            Issue::Broken { .. } | Issue::NoAnswer { .. } | Issue::SlowReply { .. }
        )
    }
}

impl ProbeOutcome {
    /// The settings on the same host that this probe found answering where the ones it was
    /// given did not: another registered port, or the other TLS mode on the same port.
    /// The hosts a certificate that did not name this server names instead, on the same port
    /// and mode: what a person would try next. At most two.
    pub fn certificate_suggestions(&self) -> Vec<Endpoint> {
        self.issues
            .iter()
            .find_map(|issue| match issue {
                Issue::Certificate {
                    problem: CertProblem::NameMismatch,
                    facts,
                    ..
                } => Some(certificate_suggestions(&self.endpoint, &facts.names)),
                _ => None,
            })
            .unwrap_or_default()
    }

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
                }
                | Issue::Filtered {
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

/// The names of `names` (a certificate's) to try instead of `server`'s host: plain names as
/// they are, a wildcard with the host's first label (`*.example.net` for `imap.example.com`
/// is `imap.example.net`); never the host itself, at most two.
pub fn certificate_suggestions(server: &Endpoint, names: &[String]) -> Vec<Endpoint> {
    let first_label = server.host.split('.').next().unwrap_or_default();
    let mut hosts: Vec<String> = Vec::new();
    for name in names {
        let host = match name.strip_prefix("*.") {
            Some(parent) => format!("{first_label}.{parent}"),
            None => name.clone(),
        }
        .to_ascii_lowercase();
        let valid = crate::address::normalise_domain(&host).is_ok_and(|(ascii, _)| ascii == host);
        if valid && host != server.host && !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    hosts
        .into_iter()
        .take(2)
        .map(|host| Endpoint {
            host,
            ..server.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificates_names_become_hosts_to_try() {
        let server = Endpoint {
            protocol: crate::settings::Protocol::Imap,
            host: "imap.company.test".into(),
            port: 993,
            security: Security::Tls,
        };
        let names: Vec<String> = [
            "*.hoster.test",
            "IMAP.company.test",
            "mx.hoster.test",
            "x y",
            "z.test",
        ]
        .map(String::from)
        .to_vec();
        let hosts: Vec<String> = certificate_suggestions(&server, &names)
            .into_iter()
            .map(|e| e.host)
            .collect();
        assert_eq!(hosts, ["imap.hoster.test", "mx.hoster.test"]);
    }

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

    #[test]
    fn ipv6_is_broken_only_when_it_fails_beside_an_ipv4_that_connects() {
        use AttemptResult::*;
        let attempt = |address: &str, result: AttemptResult| AddressAttempt {
            address: address.parse().unwrap(),
            result,
            elapsed: None,
        };
        let broken = |v6: AttemptResult, v4: AttemptResult| {
            ipv6_broken(
                &[attempt("2001:db8::1", v6), attempt("192.0.2.1", v4)],
                false,
            )
            .is_some()
        };
        assert!(broken(Timeout, Connected));
        assert!(broken(Refused, Connected));
        assert!(broken(Failed("host unreachable".into()), Connected));
        // Only slower than IPv4, or no IPv6 here at all, or IPv4 failing too: not broken.
        assert!(!broken(Abandoned, Connected));
        assert!(!broken(NoRoute("network unreachable".into()), Connected));
        // Unless this computer has IPv6: then mail programs try it and fail.
        let no_route = [
            attempt("2001:db8::1", NoRoute("network unreachable".into())),
            attempt("192.0.2.1", Connected),
        ];
        assert!(ipv6_broken(&no_route, true).is_some());
        assert!(!broken(Timeout, Timeout));
        assert!(!broken(Connected, NotTried));
        assert!(ipv6_broken(&[attempt("192.0.2.1", Connected)], true).is_none());
    }
}
