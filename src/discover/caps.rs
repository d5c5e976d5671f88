//! How many servers are probed: a zone of 1,000 SRV records or a document naming 3,000 servers
//! must not turn mailcheck into a port scanner. What a source names beyond the caps is left out
//! and said so (`too_many_candidates`); the most trusted servers are the ones kept. The caps are
//! documented in `docs/report.md`.

use std::collections::HashSet;

use super::{Candidate, SourceKind, SourceResult};
use crate::finding::{Facts, Finding, FindingCode};
use crate::settings::{Endpoint, Protocol, ServerSettings};

/// Servers per protocol that one source may name: real ones name one or two.
pub const PER_SOURCE: usize = 4;
/// Ports and TLS modes of one host per protocol.
pub const PER_HOST: usize = 3;
/// Candidates per protocol probed in all, from every source together.
pub const PER_PROTOCOL: usize = 8;
/// Left-out servers the evidence names before it only counts them.
const SHOWN: usize = 3;

/// Keeps the first [`PER_SOURCE`] servers per protocol that a source names, at most
/// [`PER_HOST`] of them on one host, in the source's own order of preference; the rest go to
/// `left_out`. A server named twice by the same source counts once. Guessing (a fixed list of
/// mailcheck's own) and the user's settings are not capped. Capping again changes nothing.
pub fn cap_source(result: &mut SourceResult) {
    if matches!(result.report.source, SourceKind::Guess | SourceKind::User) {
        return;
    }
    let mut seen: HashSet<Endpoint> = result
        .left_out
        .iter()
        .map(|l| l.settings.endpoint())
        .collect();
    let named = std::mem::take(&mut result.servers)
        .into_iter()
        .filter(|named| seen.insert(named.settings.endpoint()));
    let (kept, left_out) = keep_within(named, PER_SOURCE, |n| &n.settings);
    result.servers = kept;
    result.left_out.extend(left_out);
}

/// Keeps the first [`PER_PROTOCOL`] candidates per protocol, at most [`PER_HOST`] on one host
/// (candidates come most trusted first); returns the ones left out.
pub fn cap_candidates(candidates: &mut Vec<Candidate>) -> Vec<Candidate> {
    let (kept, left_out) = keep_within(std::mem::take(candidates), PER_PROTOCOL, |c| &c.settings);
    *candidates = kept;
    left_out
}

/// Splits `items` in order into those within `per_protocol` per protocol and [`PER_HOST`] per
/// host and protocol, and the rest.
fn keep_within<T>(
    items: impl IntoIterator<Item = T>,
    per_protocol: usize,
    settings: impl Fn(&T) -> &ServerSettings,
) -> (Vec<T>, Vec<T>) {
    let mut kept: Vec<T> = Vec::new();
    let mut left_out = Vec::new();
    for item in items {
        let this = settings(&item);
        let same_protocol = kept
            .iter()
            .map(&settings)
            .filter(|k| k.protocol == this.protocol);
        let on_host = same_protocol
            .clone()
            .filter(|k| k.host == this.host)
            .count();
        if same_protocol.count() < per_protocol && on_host < PER_HOST {
            kept.push(item);
        } else {
            left_out.push(item);
        }
    }
    (kept, left_out)
}

/// `too_many_candidates` for each protocol of which a server named by some source is not
/// among the candidates: how many were named, how many are probed, by which sources, and the
/// first few left out as evidence.
pub fn findings(
    results: &[SourceResult],
    candidates: &[Candidate],
    left_out: &[Candidate],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for protocol in Protocol::ALL {
        let kept: Vec<Endpoint> = candidates
            .iter()
            .filter(|c| c.settings.protocol == protocol)
            .map(Candidate::endpoint)
            .collect();
        let mut missing: Vec<Endpoint> = Vec::new();
        let mut counted: HashSet<Endpoint> = HashSet::new();
        let mut sources: Vec<SourceKind> = Vec::new();
        let from_sources = results.iter().flat_map(|r| {
            r.left_out
                .iter()
                .map(move |named| (named.settings.endpoint(), vec![r.report.source]))
        });
        let from_merge = left_out.iter().map(|c| (c.endpoint(), c.sources.clone()));
        for (endpoint, named_by) in from_sources.chain(from_merge) {
            if endpoint.protocol != protocol || kept.contains(&endpoint) {
                continue;
            }
            if counted.insert(endpoint.clone()) {
                missing.push(endpoint);
            }
            for source in named_by {
                if !sources.contains(&source) {
                    sources.push(source);
                }
            }
        }
        if missing.is_empty() {
            continue;
        }
        sources.sort();
        let mut shown: Vec<String> = missing
            .iter()
            .take(SHOWN)
            .map(|e| format!("{}:{} {}", e.host, e.port, e.security))
            .collect();
        if missing.len() > SHOWN {
            shown.push(format!("{} more", missing.len() - SHOWN));
        }
        findings.push(
            Finding::new(
                FindingCode::TooManyCandidates,
                Facts::TooManyCandidates {
                    protocol,
                    sources,
                    named: kept.len() + missing.len(),
                    kept: kept.len(),
                },
            )
            .for_protocol(protocol)
            .with_evidence(format!("left out: {}", shown.join(", "))),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{NamedServer, SourceStatus, merge};
    use crate::settings::Security;

    fn named(protocol: Protocol, host: &str, port: u16) -> NamedServer {
        NamedServer {
            settings: ServerSettings {
                protocol,
                host: host.into(),
                port,
                security: Security::Tls,
                username: "a@b.test".into(),
            },
            label: None,
            insecure: false,
            oauth_only: false,
        }
    }

    fn source(kind: SourceKind, servers: Vec<NamedServer>) -> SourceResult {
        let mut result = SourceResult::new(kind, SourceStatus::Found, "");
        result.servers = servers;
        result
    }

    #[test]
    fn a_source_keeps_its_first_servers_per_protocol_and_per_host() {
        let mut srv = source(
            SourceKind::Srv,
            (1..=1000)
                .map(|port| named(Protocol::Imap, "mail.b.test", port))
                .chain([named(Protocol::Smtp, "mail.b.test", 465)])
                .collect(),
        );
        cap_source(&mut srv);
        let ports: Vec<u16> = srv.servers.iter().map(|s| s.settings.port).collect();
        assert_eq!(ports, [1, 2, 3, 465]);
        assert_eq!(srv.left_out.len(), 997);
        cap_source(&mut srv);
        assert_eq!(srv.servers.len(), 4, "capping again changes nothing");
        assert_eq!(srv.left_out.len(), 997);

        let mut document = source(
            SourceKind::Autoconfig,
            (1..=3000)
                .map(|i| named(Protocol::Imap, &format!("imap{i}.b.test"), 993))
                .collect(),
        );
        cap_source(&mut document);
        assert_eq!(document.servers.len(), PER_SOURCE);
        assert_eq!(document.servers[0].settings.host, "imap1.b.test");

        let mut guess = source(
            SourceKind::Guess,
            (1..=8)
                .map(|i| named(Protocol::Pop3, &format!("pop{i}.b.test"), 995))
                .collect(),
        );
        cap_source(&mut guess);
        assert_eq!(guess.servers.len(), 8, "guesses are mailcheck's own");
    }

    #[test]
    fn all_sources_together_keep_the_most_trusted() {
        let mut results: Vec<SourceResult> = [SourceKind::Ispdb, SourceKind::Autoconfig]
            .into_iter()
            .map(|kind| {
                let servers = (1..=4)
                    .chain(1..=4)
                    .map(|i| named(Protocol::Imap, &format!("{}{i}.b.test", kind.as_str()), 993))
                    .collect();
                source(kind, servers)
            })
            .collect();
        results.push(source(
            SourceKind::Srv,
            vec![named(Protocol::Imap, "ispdb1.b.test", 993)],
        ));
        results.push(source(
            SourceKind::ProviderDb,
            vec![named(Protocol::Imap, "db.b.test", 993)],
        ));
        for result in &mut results {
            cap_source(result);
        }
        let mut candidates = merge(&results);
        let left_out = cap_candidates(&mut candidates);
        let hosts: Vec<&str> = candidates
            .iter()
            .map(|c| c.settings.host.as_str())
            .collect();
        assert_eq!(
            hosts,
            [
                "db.b.test",
                "autoconfig1.b.test",
                "autoconfig2.b.test",
                "autoconfig3.b.test",
                "autoconfig4.b.test",
                "ispdb1.b.test",
                "ispdb2.b.test",
                "ispdb3.b.test",
            ]
        );
        assert_eq!(left_out.len(), 1);
        let found = findings(&results, &candidates, &left_out);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].facts,
            Facts::TooManyCandidates {
                protocol: Protocol::Imap,
                sources: vec![SourceKind::Ispdb],
                named: 9,
                kept: 8,
            }
        );
        assert_eq!(
            found[0].evidence.as_deref(),
            Some("left out: ispdb4.b.test:993 tls")
        );
    }

    #[test]
    fn nothing_left_out_is_no_finding() {
        let results = [source(
            SourceKind::Srv,
            vec![named(Protocol::Imap, "mail.b.test", 993)],
        )];
        let candidates = merge(&results);
        assert!(findings(&results, &candidates, &[]).is_empty());
    }
}
