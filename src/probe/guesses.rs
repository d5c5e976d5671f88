//! The guesses, the last resort: needed only when every server the sources named for their
//! protocol fails. Waiting for that before starting them would cost a second limit wherever
//! a named server is silent, so they start beside the first round: a protocol's guesses start
//! as soon as all its named servers have failed, or once none of them has greeted for a short
//! while ([`crate::timing::Timing::silence_delay`]). They are probed without the password (so
//! that nothing about the account depends on them yet); a guess that gets as far as the login
//! is probed again, with it, in the second round, through the login gate like every other
//! server. Guesses that turn out not to be needed are stopped.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::task::{AbortHandle, JoinSet};

use super::early::Early;
use super::{ProbeContext, ProbeOutcome, Target, outcomes, probe};
use crate::progress::Progress;
use crate::settings::{Endpoint, Protocol};
use crate::timing::Timing;

/// The guesses of a run, some of them probing already.
pub struct Guesses {
    targets: Vec<Target>,
    /// The run's context without the password, the token or a display.
    quiet: Arc<ProbeContext>,
    running: JoinSet<(usize, ProbeOutcome)>,
    started: Vec<Option<AbortHandle>>,
}

impl Guesses {
    fn new(targets: Vec<Target>, ctx: &ProbeContext) -> Self {
        let quiet = Arc::new(ProbeContext {
            password: None,
            oauth: None,
            progress: Progress::default(),
            greeted: None,
            ..ctx.clone()
        });
        Self {
            started: vec![None; targets.len()],
            targets,
            quiet,
            running: JoinSet::new(),
        }
    }

    /// Starts the probes of every guess of `protocol` not started yet.
    fn start(&mut self, protocol: Protocol) {
        for (i, target) in self.targets.iter().enumerate() {
            if target.endpoint.protocol != protocol || self.started[i].is_some() {
                continue;
            }
            let (target, ctx) = (target.clone(), Arc::clone(&self.quiet));
            let handle = self
                .running
                .spawn(async move { (i, probe(&target, &ctx).await) });
            self.started[i] = Some(handle);
        }
    }

    /// Whether `target` is one of the guesses, with the same user name.
    pub fn has(&self, target: &Target) -> bool {
        self.targets.contains(target)
    }

    /// The probes of the guesses `wanted` says are needed, in the guesses' order, started now
    /// if they had not been; the others are stopped.
    pub async fn take(mut self, wanted: impl Fn(&Target) -> bool) -> Vec<(Target, ProbeOutcome)> {
        let needed: Vec<bool> = self.targets.iter().map(&wanted).collect();
        for (i, &needed) in needed.iter().enumerate() {
            match (&self.started[i], needed) {
                (None, true) => self.start(self.targets[i].endpoint.protocol),
                (Some(handle), false) => handle.abort(),
                _ => {}
            }
        }
        let mut outcomes: Vec<Option<ProbeOutcome>> = vec![None; self.targets.len()];
        while let Some(ended) = self.running.join_next().await {
            match ended {
                Ok((i, outcome)) if needed[i] => outcomes[i] = Some(outcome),
                Ok(_) => {}
                Err(stopped) if stopped.is_cancelled() => {}
                // A probe task only ends by returning; a panic there is a bug worth surfacing.
                Err(panicked) => std::panic::resume_unwind(panicked.into_panic()),
            }
        }
        self.targets
            .into_iter()
            .zip(outcomes)
            .filter_map(|(target, outcome)| Some((target, outcome?)))
            .collect()
    }
}

/// The first round: every target probed at once, as [`super::probe_all`] does (those `early`
/// started already go on), with the `fallback` guesses started beside it as the module says.
pub async fn first_round(
    targets: Vec<Target>,
    fallback: Vec<Target>,
    ctx: Arc<ProbeContext>,
    mut early: Early,
) -> (Vec<ProbeOutcome>, Guesses) {
    let mut guesses = Guesses::new(fallback, &ctx);
    let mut left: Vec<(Protocol, usize)> = Protocol::ALL
        .iter()
        .map(|&p| {
            (
                p,
                targets.iter().filter(|t| t.endpoint.protocol == p).count(),
            )
        })
        .collect();
    let named: Vec<Protocol> = left
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(p, _)| *p)
        .collect();
    // Protocols a named server of which has greeted, or worked.
    let mut answering: HashSet<Protocol> = HashSet::new();
    let mut worked: HashSet<Protocol> = HashSet::new();
    let round_ctx = Arc::new(ProbeContext {
        greeted: Some(early.greeted()),
        ..(*ctx).clone()
    });
    // Only this round's probes count: an early one not taken over says nothing.
    let endpoints: HashSet<Endpoint> = targets.iter().map(|t| t.endpoint.clone()).collect();
    let handles: Vec<_> = targets
        .into_iter()
        .map(|target| early.take_or_start(target, &round_ctx))
        .collect();
    let ids: HashSet<tokio::task::Id> = handles.iter().map(|h| h.id()).collect();
    let (mut endings, mut greetings) = early.finish();
    let silence = tokio::time::sleep(Timing::new(ctx.timeout).silence_delay());
    let round = outcomes(handles);
    tokio::pin!(round, silence);
    let mut waiting = true;
    let outcomes = loop {
        tokio::select! {
            outcomes = &mut round => break outcomes,
            Some(endpoint) = greetings.recv() => {
                if endpoints.contains(&endpoint) {
                    answering.insert(endpoint.protocol);
                }
            }
            Some((id, endpoint, works)) = endings.recv() => {
                if !ids.contains(&id) {
                    continue;
                }
                let protocol = endpoint.protocol;
                if works {
                    worked.insert(protocol);
                }
                if let Some((_, n)) = left.iter_mut().find(|(p, _)| *p == protocol) {
                    *n = n.saturating_sub(1);
                    if *n == 0 && !worked.contains(&protocol) {
                        guesses.start(protocol);
                    }
                }
            }
            () = &mut silence, if waiting => {
                waiting = false;
                for &protocol in named.iter().filter(|p| !answering.contains(p)) {
                    guesses.start(protocol);
                }
            }
        }
    };
    (outcomes, guesses)
}
