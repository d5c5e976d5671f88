//! The login gate: where, in which order and how often a run sends the password.
//!
//! Probes run at once; only their login step passes through here, just before the password
//! would be sent ([`LoginGate::turn`]). Every server of the run has a place in one order, most
//! likely to accept the password first ([`Standing`]). A login goes when every server ahead
//! of it has logged in, been held back or ended, and no other login is in flight (once a
//! login has proved the password right, as many at once as the limit leaves room to fail). A
//! server ahead that has not reached its login yet holds a waiting login back for one step
//! limit at most, so that a slow handshake delays the others, but never stops them.
//!
//! A run whose probes start while discovery still goes on ([`LoginGate::sealed`]) sends no
//! password before discovery has ended and every candidate has its place
//! ([`LoginGate::open`]): the order, and who gets the password at all, depend on every
//! source's word.
//!
//! After a refusal that may be about the credentials, nothing more is tried; after one about
//! the service (IMAP switched off, try later), nothing more of that protocol; and a run never
//! makes more failed attempts than its limit. A server that only plain-HTTP sources named gets
//! no password unless the user trusts such sources. `SECURITY.md` says why, for the user.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::{Issue, Login};
use crate::finding::{FindingCode, Stage};
use crate::settings::{Endpoint, Protocol};

/// Failed login attempts a run may make unless the user allows more (`--max-failed-logins`):
/// below the three that many servers lock an account or ban an address after.
pub const DEFAULT_MAX_FAILED_LOGINS: u32 = 2;

/// Why the gate kept the password back from a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withheld {
    /// Only plain-HTTP sources named the server: anyone on the path could have named it.
    InsecureSource,
    /// Another server refused the login in a way that may be about the credentials.
    AfterRefusal,
    /// Another server of the same protocol refused the service (switched off, try later).
    AfterServiceRefusal,
    /// The run has made as many failed attempts as it may.
    AttemptLimit,
}

/// What makes a server more or less likely to accept the password; the login order sorts by
/// it, in the order of these fields (see `Standing::key`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// A labelled alternate (an overseas host): the main servers are the account's home.
    pub alternate: bool,
    /// Only the user named it: settings typed into a client that fails are often the reason
    /// mailcheck is run.
    pub user_only: bool,
    /// The user typed it, and (unless `user_only`) a source names it too: both say so.
    pub typed: bool,
    /// Its rank in the order of trust of its most trusted source (lower is more trusted).
    pub trust: u8,
    /// Every source that named it came over plain HTTP.
    pub insecure_only: bool,
}

impl Standing {
    /// Main servers first, then those a source names, the user's own among them first; IMAP,
    /// then SMTP (which every user needs), then POP3 (the most often switched off); implicit
    /// TLS before STARTTLS (RFC 8314); then the order of trust.
    fn key(&self, endpoint: &Endpoint) -> (bool, bool, bool, u8, u8, u8) {
        let protocol = match endpoint.protocol {
            Protocol::Imap => 0,
            Protocol::Smtp => 1,
            Protocol::Pop3 => 2,
        };
        (
            self.alternate,
            self.user_only,
            !self.typed,
            protocol,
            endpoint.security.preference(),
            self.trust,
        )
    }
}

/// What the gate allows a run.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Failed attempts the run may make in all.
    pub max_failed: u32,
    /// Send the password also to servers that only plain-HTTP sources named.
    pub trust_insecure_sources: bool,
    /// How long a login waits for a server ahead of it that has not reached its own login.
    pub patience: Duration,
}

/// The finding code a refused login's reply means, for `protocol` (diagnosis decides it; the
/// gate only needs to know whether it is about the credentials or the service).
pub type Judge = Arc<dyn Fn(Protocol, &str) -> FindingCode + Send + Sync>;

/// One gate per run, shared by every probe of both rounds (cloning shares it).
#[derive(Clone)]
pub struct LoginGate(Arc<Shared>);

struct Shared {
    policy: Policy,
    /// Set when the gate opens (at once for a gate made open).
    judge: std::sync::OnceLock<Judge>,
    state: Mutex<State>,
    /// Told whenever a server's phase or the counts change.
    changed: Notify,
}

#[derive(Default)]
struct State {
    /// When the gate opened: no login goes before.
    opened: Option<Instant>,
    /// In login order.
    servers: Vec<Server>,
    failed: u32,
    in_flight: u32,
    /// A login succeeded: the password is right.
    proven: bool,
    /// A refusal that may be about the credentials came.
    account_refused: bool,
    /// Protocols whose service a server refused.
    protocols_refused: Vec<Protocol>,
    /// Where the password went, in order.
    attempts: Vec<Endpoint>,
}

struct Server {
    endpoint: Endpoint,
    standing: Standing,
    /// Registration order among equals; servers that join late come after, by host and port.
    seq: usize,
    phase: Phase,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Its probe has not reached the login (or has not started).
    Pending,
    /// At its login, waiting its turn since then.
    Waiting(Instant),
    Trying,
    /// Logged in, refused, held back, or its probe ended.
    Done,
}

/// What a waiting login is told.
enum Decision {
    Go,
    Withheld(Withheld),
    /// Until something changes, or until this instant at the latest.
    Wait(Option<Instant>),
}

/// How a login attempt ended, for the others.
enum Answer {
    /// The password was accepted (also when the mailbox was refused after it).
    Accepted,
    Refused(FindingCode),
    /// Nothing was sent after all.
    NotSent,
    /// No clear answer (the connection broke, or the attempt was abandoned): as a refusal of
    /// the credentials, since the server may have counted it as one.
    Unanswered,
}

impl LoginGate {
    /// An open gate: the servers registered before the probes start are the run's.
    pub fn new(policy: Policy, judge: Judge) -> Self {
        let gate = Self::sealed(policy);
        gate.open(judge);
        gate
    }

    /// A gate that lets no login go until [`LoginGate::open`]: probes may start before every
    /// server of the run is known.
    pub fn sealed(policy: Policy) -> Self {
        Self(Arc::new(Shared {
            policy,
            judge: std::sync::OnceLock::new(),
            state: Mutex::default(),
            changed: Notify::new(),
        }))
    }

    /// Lets the logins go, judged by `judge`, in the order of the servers registered by now.
    pub fn open(&self, judge: Judge) {
        let _ = self.0.judge.set(judge);
        let mut state = self.lock();
        if state.opened.is_some() {
            return;
        }
        state.opened = Some(Instant::now());
        drop(state);
        self.0.changed.notify_waiters();
    }

    /// Takes out a server whose probe started before the gate opened and was stopped (it is
    /// not one of the run's candidates after all, or is probed again): it holds no one back,
    /// and a new probe of it joins afresh.
    pub fn forget(&self, endpoint: &Endpoint) {
        let mut state = self.lock();
        let unregistered = |s: &Server| s.endpoint == *endpoint && s.seq == usize::MAX;
        if state.opened.is_none() {
            state.servers.retain(|s| !unregistered(s));
        }
    }

    /// Adds a server of the run with its standing, before the gate opens (a server whose probe
    /// started already takes its place). Servers that are not registered (the second round's)
    /// join when their probe starts, after the others, with the standing of the registered
    /// servers of their host and protocol.
    pub fn register(&self, endpoint: Endpoint, standing: Standing) {
        let mut state = self.lock();
        let seq = state.servers.iter().filter(|s| s.seq != usize::MAX).count();
        let phase = match state.servers.iter().position(|s| s.endpoint == endpoint) {
            Some(i) => state.servers.remove(i).phase,
            None => Phase::Pending,
        };
        let at = state.insert(endpoint, standing, seq);
        state.servers[at].phase = phase;
    }

    /// Marks a probe as running; when what this returns is dropped (the probe ended, however),
    /// the server no longer holds anyone back.
    pub fn present(&self, endpoint: &Endpoint) -> Presence {
        self.lock().find_or_join(endpoint);
        Presence {
            gate: Some(self.clone()),
            endpoint: endpoint.clone(),
        }
    }

    /// Waits for this server's turn to log in, or says why it gets no password. The
    /// [`Turn`] must be given the attempt's result ([`Turn::judged`]).
    pub async fn turn(&self, endpoint: &Endpoint) -> Result<Turn, Withheld> {
        // Should the wait end early (the probe is dropped), the server holds no one back.
        let mut waiting = Presence {
            gate: Some(self.clone()),
            endpoint: endpoint.clone(),
        };
        loop {
            let changed = self.0.changed.notified();
            tokio::pin!(changed);
            // Registered before looking, so that no change between the look and the wait is
            // missed.
            changed.as_mut().enable();
            let decision = self.lock().decide(endpoint, &self.0.policy, Instant::now());
            match decision {
                Decision::Go => {
                    // The logins behind may go at once too, once the password is proved.
                    self.0.changed.notify_waiters();
                    return Ok(Turn {
                        gate: waiting.take(),
                        endpoint: endpoint.clone(),
                    });
                }
                // Dropping `waiting` marks it done and tells the others.
                Decision::Withheld(why) => return Err(why),
                Decision::Wait(None) => changed.await,
                Decision::Wait(Some(until)) => {
                    let _ = tokio::time::timeout_at(until, changed).await;
                }
            }
        }
    }

    /// The servers the password went to, in order.
    pub fn attempts(&self) -> Vec<Endpoint> {
        self.lock().attempts.clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves counts that are still safe to read.
        self.0.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Ends a server's part: with the answer of its attempt when it was trying, without one
    /// when its probe ended or its wait did.
    fn finish(&self, endpoint: &Endpoint, answer: Option<Answer>) {
        let mut state = self.lock();
        let i = state.find_or_join(endpoint);
        match (state.servers[i].phase, answer) {
            (Phase::Trying, Some(answer)) => {
                state.in_flight -= 1;
                state.count(endpoint.protocol, answer);
            }
            (Phase::Pending | Phase::Waiting(_), None) => {}
            // A probe that ends during its own attempt leaves the attempt to be judged.
            _ => return,
        }
        state.servers[i].phase = Phase::Done;
        drop(state);
        self.0.changed.notify_waiters();
    }
}

impl State {
    fn count(&mut self, protocol: Protocol, answer: Answer) {
        match answer {
            Answer::Accepted => self.proven = true,
            Answer::NotSent => {}
            Answer::Refused(code) if code.is_about_the_service() => {
                self.failed += 1;
                self.protocols_refused.push(protocol);
            }
            Answer::Refused(_) | Answer::Unanswered => {
                self.failed += 1;
                self.account_refused = true;
            }
        }
    }

    fn insert(&mut self, endpoint: Endpoint, standing: Standing, seq: usize) -> usize {
        let server = Server {
            endpoint,
            standing,
            seq,
            phase: Phase::Pending,
        };
        let at = self
            .servers
            .partition_point(|s| s.order() <= server.order());
        self.servers.insert(at, server);
        at
    }

    fn find_or_join(&mut self, endpoint: &Endpoint) -> usize {
        if let Some(i) = self.servers.iter().position(|s| s.endpoint == *endpoint) {
            return i;
        }
        let standing = self.inherited(endpoint);
        self.insert(endpoint.clone(), standing, usize::MAX)
    }

    /// A server no source named, found by probing on the host of some that were, for the same
    /// protocol: it stands in for one of them, so it stands as they all do (plain HTTP's alone
    /// when they all came from it).
    fn inherited(&self, endpoint: &Endpoint) -> Standing {
        let host: Vec<&Standing> = self
            .servers
            .iter()
            .filter(|s| {
                s.endpoint.host == endpoint.host && s.endpoint.protocol == endpoint.protocol
            })
            .map(|s| &s.standing)
            .collect();
        let all = |f: fn(&Standing) -> bool| !host.is_empty() && host.iter().all(|s| f(s));
        Standing {
            alternate: all(|s| s.alternate),
            user_only: all(|s| s.user_only),
            typed: false,
            trust: host.iter().map(|s| s.trust).min().unwrap_or(u8::MAX),
            insecure_only: all(|s| s.insecure_only),
        }
    }

    fn decide(&mut self, endpoint: &Endpoint, policy: &Policy, now: Instant) -> Decision {
        let i = self.find_or_join(endpoint);
        let since = match self.servers[i].phase {
            Phase::Waiting(since) => since,
            _ => now,
        };
        self.servers[i].phase = Phase::Waiting(since);
        let Some(opened) = self.opened else {
            return Decision::Wait(None);
        };
        let withheld = if self.servers[i].standing.insecure_only && !policy.trust_insecure_sources {
            Some(Withheld::InsecureSource)
        } else if self.account_refused {
            Some(Withheld::AfterRefusal)
        } else if self.protocols_refused.contains(&endpoint.protocol) {
            Some(Withheld::AfterServiceRefusal)
        } else if self.failed >= policy.max_failed {
            Some(Withheld::AttemptLimit)
        } else {
            None
        };
        if let Some(why) = withheld {
            return Decision::Withheld(why);
        }
        // Until the password is proved right, one attempt at a time: the next waits for the
        // answer. After, as many as may still fail.
        let room = if self.proven {
            policy.max_failed - self.failed
        } else {
            1
        };
        if self.in_flight >= room {
            return Decision::Wait(None);
        }
        let ahead = &self.servers[..i];
        // A login ahead that is waiting too goes first, and says so when it does.
        if ahead.iter().any(|s| matches!(s.phase, Phase::Waiting(_))) {
            return Decision::Wait(None);
        }
        // A server ahead still on its way to its login is waited for, but not for long.
        // A wait before the gate opened is not a wait for the servers ahead.
        let patience_ends = since.max(opened) + policy.patience;
        if now < patience_ends && ahead.iter().any(|s| s.phase == Phase::Pending) {
            return Decision::Wait(Some(patience_ends));
        }
        self.servers[i].phase = Phase::Trying;
        self.in_flight += 1;
        self.attempts.push(endpoint.clone());
        Decision::Go
    }
}

impl Server {
    fn order(&self) -> Order {
        (
            self.standing.key(&self.endpoint),
            self.seq,
            self.endpoint.host.clone(),
            self.endpoint.port,
        )
    }
}

type Order = ((bool, bool, bool, u8, u8, u8), usize, String, u16);

/// A running probe (or a waiting login): while it is held, the server may hold back the
/// logins after it; dropped, it no longer does.
pub struct Presence {
    gate: Option<LoginGate>,
    endpoint: Endpoint,
}

impl Presence {
    /// The gate, no longer to be told when this is dropped.
    fn take(&mut self) -> Option<LoginGate> {
        self.gate.take()
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        if let Some(gate) = self.gate.take() {
            gate.finish(&self.endpoint, None);
        }
    }
}

/// This server's turn to send the password.
pub struct Turn {
    gate: Option<LoginGate>,
    endpoint: Endpoint,
}

impl Turn {
    /// Records how the attempt ended (what `Prober::login` found) and hands it back.
    pub fn judged(mut self, result: (Login, Vec<Issue>)) -> (Login, Vec<Issue>) {
        if let Some(gate) = self.gate.take() {
            let answer = answer(&self.endpoint, &result, gate.0.judge.get());
            gate.finish(&self.endpoint, Some(answer));
        }
        result
    }
}

impl Drop for Turn {
    /// An attempt abandoned before its answer was judged counts as unanswered.
    fn drop(&mut self) {
        if let Some(gate) = self.gate.take() {
            gate.finish(&self.endpoint, Some(Answer::Unanswered));
        }
    }
}

fn answer(
    endpoint: &Endpoint,
    (login, issues): &(Login, Vec<Issue>),
    judge: Option<&Judge>,
) -> Answer {
    let refused = issues.iter().find_map(|issue| match issue {
        Issue::Refusal { stage, reply } => Some((*stage, reply)),
        Issue::OauthRefused { reply, .. } => Some((Stage::Login, reply)),
        _ => None,
    });
    match (login, refused) {
        (Login::Ok, _) | (Login::Failed, Some((Stage::AfterLogin, _))) => Answer::Accepted,
        // No turn is given before the gate opens with its judge; without one, the refusal
        // is taken for the credentials', which stops every other attempt.
        (Login::Failed, Some((_, reply))) => {
            Answer::Refused(judge.map_or(FindingCode::BadCredentials, |judge| {
                judge(endpoint.protocol, reply)
            }))
        }
        (Login::Failed, None) => Answer::Unanswered,
        (Login::NotTested(_), _) => Answer::NotSent,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::settings::Security;

    const PATIENCE: Duration = Duration::from_millis(300);

    fn at(protocol: Protocol, host: &str, port: u16, security: Security) -> Endpoint {
        Endpoint {
            protocol,
            host: host.into(),
            port,
            security,
        }
    }

    fn imap993() -> Endpoint {
        at(Protocol::Imap, "mail.test", 993, Security::Tls)
    }
    fn imap143() -> Endpoint {
        at(Protocol::Imap, "mail.test", 143, Security::Starttls)
    }
    fn smtp465() -> Endpoint {
        at(Protocol::Smtp, "mail.test", 465, Security::Tls)
    }
    fn pop995() -> Endpoint {
        at(Protocol::Pop3, "mail.test", 995, Security::Tls)
    }

    /// A gate whose judge reads the reply as the finding code it names.
    fn gate(max_failed: u32) -> LoginGate {
        LoginGate::new(
            Policy {
                max_failed,
                trust_insecure_sources: false,
                patience: PATIENCE,
            },
            Arc::new(|_, reply| reply.parse().unwrap_or(FindingCode::BadCredentials)),
        )
    }

    fn with(endpoints: &[Endpoint]) -> LoginGate {
        let gate = gate(DEFAULT_MAX_FAILED_LOGINS);
        for e in endpoints {
            gate.register(e.clone(), Standing::default());
        }
        gate
    }

    fn ok() -> (Login, Vec<Issue>) {
        (Login::Ok, Vec::new())
    }

    fn refused(code: FindingCode) -> (Login, Vec<Issue>) {
        (
            Login::Failed,
            vec![Issue::Refusal {
                stage: Stage::Login,
                reply: code.as_str().into(),
            }],
        )
    }

    /// A probe: present from the start, at its login after `delay`, answered with `result`.
    fn probe(
        gate: &LoginGate,
        endpoint: Endpoint,
        delay: Duration,
        result: (Login, Vec<Issue>),
    ) -> tokio::task::JoinHandle<Result<(), Withheld>> {
        let gate = gate.clone();
        let present = gate.present(&endpoint);
        tokio::spawn(async move {
            let _present = present;
            tokio::time::sleep(delay).await;
            let turn = gate.turn(&endpoint).await?;
            tokio::time::sleep(Duration::from_millis(5)).await;
            turn.judged(result);
            Ok(())
        })
    }

    async fn results(
        probes: Vec<tokio::task::JoinHandle<Result<(), Withheld>>>,
    ) -> Vec<Result<(), Withheld>> {
        let mut out = Vec::new();
        for p in probes {
            out.push(p.await.expect("no panic"));
        }
        out
    }

    const SOON: Duration = Duration::from_millis(1);

    fn sealed() -> LoginGate {
        LoginGate::sealed(Policy {
            max_failed: DEFAULT_MAX_FAILED_LOGINS,
            trust_insecure_sources: false,
            patience: PATIENCE,
        })
    }

    fn judge() -> Judge {
        Arc::new(|_, reply| reply.parse().unwrap_or(FindingCode::BadCredentials))
    }

    #[tokio::test]
    async fn no_login_goes_before_the_gate_opens_then_they_go_in_the_registered_order() {
        let gate = sealed();
        // Both probes reach their login while discovery still goes on.
        let probes = vec![
            probe(&gate, imap993(), SOON, ok()),
            probe(&gate, smtp465(), SOON, ok()),
        ];
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(gate.attempts().is_empty(), "{:?}", gate.attempts());
        // Discovery ends: the user typed the SMTP server, so it goes first.
        let typed = Standing {
            typed: true,
            ..Standing::default()
        };
        gate.register(smtp465(), typed);
        gate.register(imap993(), Standing::default());
        gate.open(judge());
        assert!(results(probes).await.iter().all(Result::is_ok));
        assert_eq!(gate.attempts(), [smtp465(), imap993()]);
    }

    #[tokio::test]
    async fn a_server_probed_again_after_its_early_probe_was_stopped_keeps_its_place() {
        let gate = sealed();
        let early = probe(&gate, imap993(), SOON, ok());
        let smtp = probe(&gate, smtp465(), SOON, ok());
        tokio::time::sleep(Duration::from_millis(20)).await;
        // What `Early::settle` does with a probe that must start again, before the gate opens.
        early.abort();
        assert!(early.await.is_err_and(|e| e.is_cancelled()));
        gate.forget(&imap993());
        gate.register(imap993(), Standing::default());
        gate.register(smtp465(), Standing::default());
        gate.open(judge());
        // The new probe, on its way to its login, holds SMTP back as any server ahead does.
        let again = probe(&gate, imap993(), Duration::from_millis(50), ok());
        assert!(results(vec![smtp, again]).await.iter().all(Result::is_ok));
        assert_eq!(gate.attempts(), [imap993(), smtp465()]);
    }

    #[tokio::test]
    async fn forgetting_leaves_a_registered_server_its_standing() {
        let gate = sealed();
        let typed = Standing {
            typed: true,
            ..Standing::default()
        };
        gate.register(smtp465(), typed);
        gate.register(imap993(), Standing::default());
        gate.forget(&smtp465());
        gate.open(judge());
        gate.forget(&smtp465());
        // Still typed, so still first.
        let probes = vec![
            probe(&gate, imap993(), SOON, ok()),
            probe(&gate, smtp465(), SOON, ok()),
        ];
        assert!(results(probes).await.iter().all(Result::is_ok));
        assert_eq!(gate.attempts(), [smtp465(), imap993()]);
    }

    #[tokio::test]
    async fn patience_for_a_server_ahead_counts_from_the_opening() {
        let gate = sealed();
        let behind = probe(&gate, smtp465(), SOON, ok());
        // Waiting longer than the patience before the gate opens.
        tokio::time::sleep(PATIENCE + Duration::from_millis(50)).await;
        gate.register(imap993(), Standing::default());
        gate.register(smtp465(), Standing::default());
        // IMAP 993, ahead, reaches its login a while after the opening, within the patience.
        let ahead = probe(&gate, imap993(), Duration::from_millis(100), ok());
        gate.open(judge());
        assert!(results(vec![behind, ahead]).await.iter().all(Result::is_ok));
        assert_eq!(gate.attempts(), [imap993(), smtp465()]);
    }

    #[tokio::test]
    async fn the_most_likely_server_logs_in_first_whoever_arrives_first() {
        let alternate = Standing {
            alternate: true,
            ..Standing::default()
        };
        let gate = with(&[pop995(), smtp465(), imap143()]);
        gate.register(imap993(), Standing::default());
        let overseas = at(Protocol::Imap, "hw.mail.test", 993, Security::Tls);
        gate.register(overseas.clone(), alternate);
        let probes = vec![
            probe(&gate, overseas.clone(), SOON, ok()),
            probe(&gate, pop995(), SOON, ok()),
            probe(&gate, imap143(), SOON, ok()),
            probe(&gate, smtp465(), SOON, ok()),
            probe(&gate, imap993(), Duration::from_millis(50), ok()),
        ];
        assert!(results(probes).await.iter().all(Result::is_ok));
        assert_eq!(
            gate.attempts(),
            [imap993(), imap143(), smtp465(), pop995(), overseas]
        );
    }

    #[tokio::test]
    async fn the_users_typed_server_goes_first_among_those_a_source_names() {
        let gate = gate(2);
        let typed = Standing {
            typed: true,
            ..Standing::default()
        };
        let only_typed = Standing {
            typed: true,
            user_only: true,
            ..Standing::default()
        };
        let elsewhere = at(Protocol::Imap, "typo.test", 993, Security::Tls);
        gate.register(imap993(), Standing::default());
        gate.register(smtp465(), typed);
        gate.register(elsewhere.clone(), only_typed);
        let probes = vec![
            probe(&gate, imap993(), SOON, ok()),
            probe(&gate, smtp465(), Duration::from_millis(30), ok()),
            probe(&gate, elsewhere.clone(), SOON, ok()),
        ];
        results(probes).await;
        assert_eq!(gate.attempts(), [smtp465(), imap993(), elsewhere]);
    }

    #[tokio::test]
    async fn a_refused_password_is_not_tried_anywhere_else() {
        let gate = with(&[imap993(), imap143(), smtp465(), pop995()]);
        let probes = vec![
            probe(&gate, imap993(), SOON, refused(FindingCode::BadCredentials)),
            probe(&gate, imap143(), SOON, ok()),
            probe(&gate, smtp465(), SOON, ok()),
            probe(&gate, pop995(), SOON, ok()),
        ];
        assert_eq!(
            results(probes).await,
            [
                Ok(()),
                Err(Withheld::AfterRefusal),
                Err(Withheld::AfterRefusal),
                Err(Withheld::AfterRefusal)
            ]
        );
        assert_eq!(gate.attempts(), [imap993()]);
    }

    #[tokio::test]
    async fn a_refused_service_stops_its_protocol_only() {
        let gate = with(&[imap993(), imap143(), smtp465()]);
        let probes = vec![
            probe(&gate, imap993(), SOON, refused(FindingCode::ImapDisabled)),
            probe(&gate, imap143(), SOON, ok()),
            probe(&gate, smtp465(), SOON, ok()),
        ];
        assert_eq!(
            results(probes).await,
            [Ok(()), Err(Withheld::AfterServiceRefusal), Ok(())]
        );
        assert_eq!(gate.attempts(), [imap993(), smtp465()]);
    }

    #[tokio::test]
    async fn no_run_fails_more_often_than_its_limit() {
        for limit in 1..=3 {
            let gate = gate(limit);
            for e in [imap993(), smtp465(), pop995()] {
                gate.register(e, Standing::default());
            }
            // Refusals of the service: each stops its own protocol only.
            let probes = vec![
                probe(&gate, imap993(), SOON, refused(FindingCode::ImapDisabled)),
                probe(&gate, smtp465(), SOON, refused(FindingCode::SmtpDisabled)),
                probe(
                    &gate,
                    pop995(),
                    SOON,
                    refused(FindingCode::TemporarilyUnavailable),
                ),
            ];
            let results = results(probes).await;
            let tried = limit as usize;
            assert_eq!(gate.attempts().len(), tried, "limit {limit}");
            assert!(results[..tried].iter().all(Result::is_ok), "limit {limit}");
            assert!(
                results[tried..]
                    .iter()
                    .all(|r| *r == Err(Withheld::AttemptLimit)),
                "limit {limit}: {results:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_probe_that_ends_before_its_login_holds_no_one_back() {
        let gate = with(&[imap993(), smtp465()]);
        let gone = gate.present(&imap993());
        let started = Instant::now();
        let waiting = probe(&gate, smtp465(), SOON, ok());
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(gone);
        assert_eq!(waiting.await.unwrap(), Ok(()));
        assert!(started.elapsed() < PATIENCE, "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_server_still_in_its_handshake_holds_the_others_one_step_at_most() {
        let gate = with(&[imap993(), smtp465()]);
        let _slow = gate.present(&imap993());
        let started = Instant::now();
        let waiting = probe(&gate, smtp465(), SOON, ok());
        assert_eq!(waiting.await.unwrap(), Ok(()));
        let waited = started.elapsed();
        assert!(waited >= PATIENCE && waited < PATIENCE * 3, "{waited:?}");
        // It may still log in when it gets there.
        let late = probe(&gate, imap993(), SOON, ok());
        assert_eq!(late.await.unwrap(), Ok(()));
        assert_eq!(gate.attempts(), [smtp465(), imap993()]);
    }

    #[tokio::test]
    async fn one_attempt_at_a_time_until_the_password_is_proved_right() {
        let gate = with(&[imap993(), smtp465(), pop995()]);
        let first = gate.turn(&imap993()).await.expect("first");
        let second = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.turn(&smtp465()).await.map(|t| t.judged(ok())) })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            gate.attempts(),
            [imap993()],
            "the second waits for the answer"
        );
        first.judged(ok());
        second.await.unwrap().expect("then it goes");
        // Proved right: as many at once as may still fail.
        let a = gate.turn(&pop995()).await.expect("third");
        let b = tokio::time::timeout(PATIENCE, gate.turn(&imap143()))
            .await
            .expect("not held by the third")
            .expect("fourth");
        a.judged(ok());
        b.judged(ok());
    }

    #[tokio::test]
    async fn an_abandoned_attempt_counts_as_a_refusal() {
        let gate = with(&[imap993(), smtp465()]);
        drop(gate.turn(&imap993()).await.expect("first"));
        assert_eq!(
            gate.turn(&smtp465()).await.err(),
            Some(Withheld::AfterRefusal)
        );
        let broken = gate.clone();
        assert_eq!(broken.lock().failed, 1);
    }

    #[tokio::test]
    async fn a_refusal_after_the_login_proves_the_password_right() {
        let gate = with(&[imap993(), smtp465()]);
        let unsafe_login = (
            Login::Failed,
            vec![Issue::Refusal {
                stage: Stage::AfterLogin,
                reply: "NO SELECT Unsafe Login".into(),
            }],
        );
        gate.turn(&imap993()).await.unwrap().judged(unsafe_login);
        let state = gate.lock();
        assert!(state.proven && state.failed == 0 && !state.account_refused);
    }

    #[tokio::test]
    async fn servers_named_only_over_plain_http_get_no_password() {
        let insecure = Standing {
            insecure_only: true,
            ..Standing::default()
        };
        let gate = gate(2);
        gate.register(imap993(), insecure.clone());
        assert_eq!(
            gate.turn(&imap993()).await.err(),
            Some(Withheld::InsecureSource)
        );
        // Nor does a port found on the same host by probing, whatever else names the host.
        gate.register(pop995(), Standing::default());
        assert_eq!(
            gate.turn(&imap143()).await.err(),
            Some(Withheld::InsecureSource)
        );
        assert!(gate.attempts().is_empty());

        let trusting = LoginGate::new(
            Policy {
                max_failed: 2,
                trust_insecure_sources: true,
                patience: PATIENCE,
            },
            Arc::new(|_, _| FindingCode::BadCredentials),
        );
        trusting.register(imap993(), insecure);
        trusting
            .turn(&imap993())
            .await
            .expect("trusted")
            .judged(ok());
    }
}
