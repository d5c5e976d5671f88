//! Probes that start while discovery still goes on: a server a source has named is probed as
//! soon as that source answers, not when the slowest source does. The first round
//! (`guesses::first_round`) takes over the probes of the servers that are still candidates at
//! the end, and stops the others.
//!
//! What a probe does must not depend on when it started, so two things wait for the end:
//! the password (the login gate stays sealed until every candidate has its place, see
//! `logins`), and the probes themselves until SRV has answered, since the hosts SRV names
//! may show a certificate for the mail domain (RFC 7817). A probe that started with other SRV
//! hosts than the run ends with, for its host, is probed again.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::{Id, JoinHandle};

use super::{MAX_CONCURRENT_PROBES, ProbeContext, ProbeOutcome, Target, probe};
use crate::progress::Event;
use crate::settings::Endpoint;

/// How a probe of the first round ended: its task, its server, whether its settings work.
pub type Ending = (Id, Endpoint, bool);

/// The probes of a run's first round, some of them started before discovery ended.
pub struct Early {
    permits: Arc<Semaphore>,
    finished: UnboundedSender<Ending>,
    endings: UnboundedReceiver<Ending>,
    greeted: UnboundedSender<Endpoint>,
    greetings: UnboundedReceiver<Endpoint>,
    /// The context once SRV has answered; until then nothing starts.
    ctx: Option<Arc<ProbeContext>>,
    /// Heard of before SRV answered.
    heard: Vec<Target>,
    started: Vec<(Target, JoinHandle<ProbeOutcome>)>,
}

impl Default for Early {
    fn default() -> Self {
        let (finished, endings) = unbounded_channel();
        let (greeted, greetings) = unbounded_channel();
        Self {
            permits: Arc::new(Semaphore::new(MAX_CONCURRENT_PROBES)),
            finished,
            endings,
            greeted,
            greetings,
            ctx: None,
            heard: Vec::new(),
            started: Vec::new(),
        }
    }
}

impl Early {
    /// SRV has answered: `ctx` (its SRV hosts those SRV named) is what the probes started
    /// from now on use, the servers heard of so far among them.
    pub fn ready(&mut self, ctx: ProbeContext) {
        self.ctx = Some(Arc::new(ProbeContext {
            greeted: Some(self.greeted.clone()),
            ..ctx
        }));
        for target in std::mem::take(&mut self.heard) {
            self.hear(target);
        }
    }

    /// A source named `target`: probed at once when SRV has answered, else when it does.
    pub fn hear(&mut self, target: Target) {
        if self.started.iter().any(|(t, _)| *t == target) || self.heard.contains(&target) {
            return;
        }
        match &self.ctx {
            Some(ctx) => {
                let handle = self.spawn(target.clone(), Arc::clone(ctx));
                self.started.push((target, handle));
            }
            None => self.heard.push(target),
        }
    }

    /// The first round's probe of `target` under `ctx` (the run's, discovery ended): the one
    /// started early when it probes the same way, else a new one.
    pub(super) fn take_or_start(
        &mut self,
        target: Target,
        ctx: &Arc<ProbeContext>,
    ) -> JoinHandle<ProbeOutcome> {
        let srv = |ctx: &ProbeContext| ctx.srv_hosts.contains(&target.endpoint.host);
        let same = self
            .ctx
            .as_deref()
            .is_some_and(|early| srv(early) == srv(ctx));
        match self.started.iter().position(|(t, _)| *t == target) {
            Some(i) if same => self.started.swap_remove(i).1,
            _ => self.spawn(target, Arc::clone(ctx)),
        }
    }

    /// Stops the probes started early that the first round did not take, and hands over
    /// what the round listens to: how its probes end, and which servers greeted.
    pub(super) fn finish(self) -> (UnboundedReceiver<Ending>, UnboundedReceiver<Endpoint>) {
        for (_, handle) in &self.started {
            handle.abort();
        }
        (self.endings, self.greetings)
    }

    /// The sender the first round's own context tells of greetings.
    pub(super) fn greeted(&self) -> UnboundedSender<Endpoint> {
        self.greeted.clone()
    }

    fn spawn(&self, target: Target, ctx: Arc<ProbeContext>) -> JoinHandle<ProbeOutcome> {
        spawn(
            target,
            ctx,
            Arc::clone(&self.permits),
            Some(self.finished.clone()),
        )
    }
}

/// Starts the probe of `target`, within `permits`; tells `finished` when it ends.
pub(super) fn spawn(
    target: Target,
    ctx: Arc<ProbeContext>,
    permits: Arc<Semaphore>,
    finished: Option<UnboundedSender<Ending>>,
) -> JoinHandle<ProbeOutcome> {
    tokio::spawn(async move {
        // Until the probe ends, however it ends, its server keeps its place in the login
        // order.
        let _present = ctx.logins.present(&target.endpoint);
        let _permit = permits.acquire_owned().await;
        ctx.progress
            .emit(Event::ProbeStarted(target.endpoint.clone()));
        let outcome = probe(&target, &ctx).await;
        let works = outcome.settings_work();
        ctx.progress
            .emit(Event::ProbeFinished(target.endpoint.clone(), works));
        if let Some(finished) = finished {
            // The listener may have stopped listening; nothing is lost then.
            let _ = finished.send((tokio::task::id(), target.endpoint, works));
        }
        outcome
    })
}
