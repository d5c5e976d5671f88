//! The second round: a server that failed often has a neighbour on the same host (another
//! registered port, the other TLS mode) that answered. No source named it, but it may be the
//! settings that work, so it is probed in full too, login included: what is recommended is
//! verified, never inferred. A server whose certificate names other hosts has those hosts
//! probed too, up to the login. And a protocol none of whose named servers works gets the
//! guesses, the last resort, as if no source had named a server.

use std::sync::Arc;

use super::guesses::Guesses;
use super::{Login, NotTested, ProbeContext, ProbeOutcome, Target, probe_all};
use crate::progress::Event;
use crate::settings::Endpoint;

/// A server the first round found answering on the host of one that failed, and its probe.
#[derive(Clone, Debug)]
pub struct Neighbour {
    pub target: Target,
    /// The label of the server it stands in for (an overseas alternate stays one).
    pub label: Option<String>,
    pub outcome: ProbeOutcome,
    pub found_by: FoundBy,
}

/// How the second round came to a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoundBy {
    /// The first round saw it answer beside a server that failed (source `probe`).
    Neighbour,
    /// Only a certificate that failed its name check named it (see [`probe_neighbours`]).
    Certificate,
    /// A guess, probed because every server the sources named for its protocol failed
    /// (source `guess`).
    Guess,
}

/// Probes, in full, every neighbour the first round's `outcomes` of `first` proved answering
/// that is not among `first` already; each once, with the user name and label of the server
/// it stands in for.
pub async fn probe_neighbours(
    first: &[(Target, Option<String>)],
    outcomes: &[ProbeOutcome],
    guesses: Guesses,
    ctx: Arc<ProbeContext>,
) -> Vec<Neighbour> {
    let mut found: Vec<(Target, Option<String>)> = Vec::new();
    for ((target, label), outcome) in first.iter().zip(outcomes) {
        for endpoint in outcome.proved_neighbours() {
            let known = |e: &Endpoint| first.iter().chain(&found).any(|(t, _)| t.endpoint == *e);
            if !known(&endpoint) {
                found.push((
                    Target {
                        endpoint,
                        username: target.username.clone(),
                    },
                    label.clone(),
                ));
            }
        }
    }
    // The names a mismatched certificate gives are what a person would try next. They are
    // probed without the password: only an unverified certificate named them, and whoever
    // presented it chose them.
    let mut suggested: Vec<(Target, Option<String>)> = Vec::new();
    for ((target, label), outcome) in first.iter().zip(outcomes) {
        for endpoint in outcome.certificate_suggestions() {
            let known = |e: &Endpoint| {
                first
                    .iter()
                    .chain(&found)
                    .chain(&suggested)
                    .any(|(t, _)| t.endpoint == *e)
            };
            if !known(&endpoint) {
                suggested.push((
                    Target {
                        endpoint,
                        username: target.username.clone(),
                    },
                    label.clone(),
                ));
            }
        }
    }
    // The last resort, for a protocol none of whose named servers works.
    let failed = |protocol| {
        outcomes.iter().any(|o| o.endpoint.protocol == protocol)
            && !outcomes
                .iter()
                .any(|o| o.endpoint.protocol == protocol && o.settings_work())
    };
    // A neighbour that is also a guess may be probing already: its probe is the guess's.
    let via_guess: Vec<bool> = found.iter().map(|(t, _)| guesses.has(t)).collect();
    let fresh: Vec<(Target, Option<String>)> = found
        .iter()
        .zip(&via_guess)
        .filter(|(_, guessed)| !**guessed)
        .map(|(neighbour, _)| neighbour.clone())
        .collect();
    let wanted = |t: &Target| {
        let neighbour = found
            .iter()
            .zip(&via_guess)
            .any(|((f, _), guessed)| *guessed && f == t);
        let needed = failed(t.endpoint.protocol)
            && !found
                .iter()
                .chain(&suggested)
                .any(|(f, _)| f.endpoint == t.endpoint);
        neighbour || needed
    };
    let without_password = Arc::new(ProbeContext {
        password: None,
        ..(*ctx).clone()
    });
    let (probed, probed_suggested, mut guessed) = tokio::join!(
        probe_round(&fresh, ctx.clone()),
        probe_round(&suggested, without_password),
        finish_guesses(guesses.take(wanted), ctx)
    );
    let mut neighbours = Vec::new();
    let mut probed = probed.into_iter();
    for ((target, label), from_guess) in found.into_iter().zip(via_guess) {
        let outcome = if from_guess {
            let at = guessed.iter().position(|(t, _)| *t == target);
            at.map(|at| guessed.remove(at).1)
        } else {
            probed.next()
        };
        neighbours.extend(outcome.map(|outcome| Neighbour {
            target,
            label,
            outcome,
            found_by: FoundBy::Neighbour,
        }));
    }
    let suggested =
        suggested
            .into_iter()
            .zip(probed_suggested)
            .map(|((target, label), outcome)| Neighbour {
                target,
                label,
                outcome,
                found_by: FoundBy::Certificate,
            });
    let guessed = guessed.into_iter().map(|(target, outcome)| Neighbour {
        target,
        label: None,
        outcome,
        found_by: FoundBy::Guess,
    });
    neighbours.extend(suggested.chain(guessed));
    neighbours
}

/// The guesses' probes (`probe::guesses`), each final as it is unless it reached the login,
/// which the run's password or token then gets to try: such a guess is probed again with it.
async fn finish_guesses(
    probing: impl std::future::Future<Output = Vec<(Target, ProbeOutcome)>>,
    ctx: Arc<ProbeContext>,
) -> Vec<(Target, ProbeOutcome)> {
    let credentials = ctx.password.is_some() || ctx.oauth.is_some();
    let mut probed = probing.await;
    let again: Vec<(Target, Option<String>)> = probed
        .iter()
        .filter(|(_, o)| credentials && o.login == Login::NotTested(NotTested::NoPassword))
        .map(|(t, _)| (t.clone(), None))
        .collect();
    for (target, outcome) in &probed {
        if !again.iter().any(|(t, _)| t.endpoint == target.endpoint) {
            // Probed out of sight; shown now that it counts.
            ctx.progress
                .emit(Event::ProbeStarted(target.endpoint.clone()));
            ctx.progress.emit(Event::ProbeFinished(
                target.endpoint.clone(),
                outcome.settings_work(),
            ));
        }
    }
    let probed_again = probe_round(&again, ctx).await;
    for ((target, _), outcome) in again.into_iter().zip(probed_again) {
        if let Some(slot) = probed
            .iter_mut()
            .find(|(t, _)| t.endpoint == target.endpoint)
        {
            slot.1 = outcome;
        }
    }
    probed
}

async fn probe_round(
    round: &[(Target, Option<String>)],
    ctx: Arc<ProbeContext>,
) -> Vec<ProbeOutcome> {
    if round.is_empty() {
        return Vec::new();
    }
    probe_all(round.iter().map(|(t, _)| t.clone()).collect(), ctx).await
}
