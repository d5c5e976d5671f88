//! The second round: a server that failed often has a neighbour on the same host (another
//! registered port, the other TLS mode) that answered. No source named it, but it may be the
//! settings that work, so it is probed in full too, login included: what is recommended is
//! verified, never inferred. A server whose certificate names other hosts has those hosts
//! probed too, up to the login.

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
    /// Named only by a certificate that failed its name check (see [`probe_neighbours`]).
    pub named_by_certificate: bool,
}

/// Probes, in full, every neighbour the first round's `outcomes` of `first` proved answering
/// that is not among `first` already; each once, with the user name and label of the server
/// it stands in for.
pub async fn probe_neighbours(
    first: &[(Target, Option<String>)],
    outcomes: &[ProbeOutcome],
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
    let without_password = Arc::new(ProbeContext {
        password: None,
        ..(*ctx).clone()
    });
    let (probed, probed_suggested) = tokio::join!(
        probe_round(&found, ctx),
        probe_round(&suggested, without_password)
    );
    let neighbours = |round: Vec<(Target, Option<String>)>,
                      outcomes: Vec<ProbeOutcome>,
                      named_by_certificate| {
        round
            .into_iter()
            .zip(outcomes)
            .map(move |((target, label), outcome)| Neighbour {
                target,
                label,
                outcome,
                named_by_certificate,
            })
    };
    neighbours(found, probed, false)
        .chain(neighbours(suggested, probed_suggested, true))
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
