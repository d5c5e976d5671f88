//! The second round: a server that failed often has a neighbour on the same host (another
//! registered port, the other TLS mode) that answered. No source named it, but it may be the
//! settings that work, so it is probed in full too, login included: what is recommended is
//! verified, never inferred.

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
    if found.is_empty() {
        return Vec::new();
    }
    let probed = probe_all(found.iter().map(|(t, _)| t.clone()).collect(), ctx).await;
    found
        .into_iter()
        .zip(probed)
        .map(|((target, label), outcome)| Neighbour {
            target,
            label,
            outcome,
        })
        .collect()
}
