//! Probes that start while discovery still goes on: a server a source has named is probed as
//! soon as that source answers, not when the slowest source does. The first round
//! (`guesses::first_round`) takes over the probes of the servers that are still candidates at
//! the end; the others are stopped before the login gate opens ([`Early::settle`]).
//!
//! What a probe does must not depend on when it started, so two things wait: the password,
//! for discovery's end (the login gate stays sealed until every candidate has its place, see
//! `logins`); and the probes themselves, for SRV's answer, since the hosts SRV names may show
//! a certificate for the mail domain (RFC 7817). A probe that started with another user name,
//! or other SRV hosts than the run ends with for its host, is probed again.

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

    /// A source named `target`: probed at once when SRV has answered, else when it does. One
    /// probe per server (the login gate knows a server by its endpoint): the first heard.
    pub fn hear(&mut self, target: Target) {
        let endpoint = &target.endpoint;
        if self.started.iter().any(|(t, _)| t.endpoint == *endpoint)
            || self.heard.iter().any(|t| t.endpoint == *endpoint)
        {
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

    /// Discovery has ended with `targets`, probed under `ctx`: keeps the probes started early
    /// for one of them that probe the same way (the same user name, the same word of SRV on
    /// their host); stops the others and waits until they are gone, and takes their servers
    /// out of the login gate. Called before the gate opens, so that none of them can get the
    /// password, nor hold a login back.
    pub async fn settle(&mut self, targets: &[Target], ctx: &ProbeContext) {
        let srv =
            |ctx: &ProbeContext, target: &Target| ctx.srv_hosts.contains(&target.endpoint.host);
        let early = self.ctx.clone();
        let (kept, stopped) =
            std::mem::take(&mut self.started)
                .into_iter()
                .partition(|(target, _)| {
                    targets.contains(target)
                        && early
                            .as_deref()
                            .is_some_and(|early| srv(early, target) == srv(ctx, target))
                });
        self.started = kept;
        for (target, handle) in stopped {
            handle.abort();
            // Gone only once the task is: until then its probe may still be running.
            let _ = handle.await;
            ctx.logins.forget(&target.endpoint);
        }
    }

    /// The first round's probe of `target` under `ctx`: the one started early when
    /// [`Early::settle`] kept it, else a new one.
    pub(super) fn take_or_start(
        &mut self,
        target: Target,
        ctx: &Arc<ProbeContext>,
    ) -> JoinHandle<ProbeOutcome> {
        match self.started.iter().position(|(t, _)| *t == target) {
            Some(i) => self.started.swap_remove(i).1,
            None => self.spawn(target, Arc::clone(ctx)),
        }
    }

    /// What the first round listens to: how its probes end, and which servers greeted.
    pub(super) fn finish(self) -> (UnboundedReceiver<Ending>, UnboundedReceiver<Endpoint>) {
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
