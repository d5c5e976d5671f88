//! The second round: a server that failed often has a neighbour on the same host (another
//! registered port, the other TLS mode) that answered. No source named it, but it may be the
//! settings that work, so it is probed in full too, login included: what is recommended is
//! verified, never inferred. A server whose certificate names other hosts has those hosts
//! probed too, up to the login. And a protocol none of whose named servers works gets the
//! guesses, the last resort, as if no source had named a server.

use std::sync::Arc;

use super::{ProbeContext, ProbeOutcome, Target, probe_all};
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
    fallback: &[Target],
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
    let guessed: Vec<(Target, Option<String>)> = fallback
        .iter()
        .filter(|t| failed(t.endpoint.protocol))
        .filter(|t| {
            !found
                .iter()
                .chain(&suggested)
                .any(|(f, _)| f.endpoint == t.endpoint)
        })
        .map(|t| (t.clone(), None))
        .collect();
    let without_password = Arc::new(ProbeContext {
        password: None,
        ..(*ctx).clone()
    });
    let (probed, probed_suggested, probed_guesses) = tokio::join!(
        probe_round(&found, ctx.clone()),
        probe_round(&suggested, without_password),
        probe_round(&guessed, ctx)
    );
    let neighbours =
        |round: Vec<(Target, Option<String>)>, outcomes: Vec<ProbeOutcome>, found_by: FoundBy| {
            round
                .into_iter()
                .zip(outcomes)
                .map(move |((target, label), outcome)| Neighbour {
                    target,
                    label,
                    outcome,
                    found_by,
                })
        };
    neighbours(found, probed, FoundBy::Neighbour)
        .chain(neighbours(
            suggested,
            probed_suggested,
            FoundBy::Certificate,
        ))
        .chain(neighbours(guessed, probed_guesses, FoundBy::Guess))
        .collect()
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
