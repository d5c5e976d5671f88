//! Discovery: ask every source of settings, and merge what they say with its provenance.
//!
//! Each source lives in its own module and turns the address into a [`SourceResult`]. The
//! sources run concurrently; [`merge`] folds their results into one list of candidate servers in
//! the order of trust documented in `docs/report.md`.

pub mod autoconfig;
pub mod autodiscover;
pub mod caps;
pub mod document;
pub mod guess;
pub mod ispdb;
pub mod ispdb_mx;
pub mod pacc;
pub mod provider_db;
pub mod srv;
pub mod wellknown;

use std::time::{Duration, Instant};

use reqwest::Url;

use crate::address::EmailAddress;
use crate::finding::{Facts, Finding, FindingCode};
use crate::net::dns::Dns;
use crate::progress::{Event, Progress};
use crate::settings::{Endpoint, Protocol, ServerSettings};

pub use crate::source::{SourceKind, SourceStatus};
pub use provider_db::{MatchedBy, ProviderDb, ProviderMatch};

/// One line of the report's `sources`: what was asked, what came back, how long it took.
#[derive(Clone, Debug)]
pub struct SourceReport {
    pub source: SourceKind,
    pub status: SourceStatus,
    pub detail: String,
    pub elapsed: Duration,
}

/// A server named by a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedServer {
    pub settings: ServerSettings,
    pub label: Option<String>,
    /// Came over plain HTTP (or another unauthenticated path): trusted least.
    pub insecure: bool,
    /// The source lists OAuth2 as the only way to log in (`<authentication>OAuth2`).
    pub oauth_only: bool,
}

/// Everything one source came back with.
#[derive(Clone, Debug)]
pub struct SourceResult {
    pub report: SourceReport,
    pub servers: Vec<NamedServer>,
    /// Protocols the domain says it does not offer (an SRV target of `.`).
    pub not_offered: Vec<Protocol>,
    pub findings: Vec<Finding>,
    /// Servers it named beyond the caps of [`caps`]: not probed.
    pub left_out: Vec<NamedServer>,
    /// The bundled provider this source says is behind the domain (Autodiscover answered by
    /// Microsoft: `microsoft365`), for a domain neither its name nor its MX gave away.
    pub provider_id: Option<&'static str>,
}

impl SourceResult {
    pub fn new(source: SourceKind, status: SourceStatus, detail: impl Into<String>) -> Self {
        Self {
            report: SourceReport {
                source,
                status,
                detail: detail.into(),
                elapsed: Duration::ZERO,
            },
            servers: Vec::new(),
            not_offered: Vec::new(),
            findings: Vec::new(),
            left_out: Vec::new(),
            provider_id: None,
        }
    }
}

/// A server to probe, with every source that named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub settings: ServerSettings,
    pub label: Option<String>,
    pub sources: Vec<SourceKind>,
    /// The sources that named it over plain HTTP: they rank as plain-HTTP sources even when a
    /// secure source named the server too.
    pub insecure_sources: Vec<SourceKind>,
    /// The sources that list OAuth2 as the only way to log in to it.
    pub oauth_only: Vec<SourceKind>,
}

impl Candidate {
    pub fn endpoint(&self) -> Endpoint {
        self.settings.endpoint()
    }

    /// Rank in the order of trust (lower is more trusted), from its most trusted source.
    pub fn trust(&self) -> u8 {
        self.sources
            .iter()
            .map(|s| trust_rank(*s, self.insecure_sources.contains(s)))
            .min()
            .unwrap_or(u8::MAX)
    }
}

/// The documented order of trust: the curated database, the domain's own HTTPS autoconfig,
/// SRV, the ISPDB, the ISPDB by MX, autoconfig or the ISPDB that came over plain HTTP, guesses.
/// What the user typed is checked, not trusted, so it comes last.
pub fn trust_rank(source: SourceKind, insecure: bool) -> u8 {
    match (source, insecure) {
        (SourceKind::ProviderDb, _) => 0,
        (SourceKind::Autoconfig | SourceKind::Wellknown, false) => 1,
        // A PACC document is used only over verified HTTPS, its DNS digest matching.
        (SourceKind::Pacc, _) => 1,
        (SourceKind::Srv, _) => 2,
        (SourceKind::Ispdb, false) => 3,
        (SourceKind::IspdbMx | SourceKind::Autodiscover, false) => 4,
        (
            SourceKind::Autoconfig
            | SourceKind::Wellknown
            | SourceKind::Ispdb
            | SourceKind::IspdbMx
            | SourceKind::Autodiscover,
            true,
        ) => 5,
        (SourceKind::Guess, _) => 6,
        (SourceKind::User, _) => 7,
        (SourceKind::Probe, _) => 8,
    }
}

/// What discovery found out about an address.
#[derive(Clone, Debug)]
pub struct Discovery {
    pub address: EmailAddress,
    pub provider: Option<ProviderMatch>,
    pub sources: Vec<SourceReport>,
    pub candidates: Vec<Candidate>,
    /// Protocols the domain states it does not offer (SRV's `.`), no other source naming them.
    pub not_offered: Vec<Protocol>,
    pub findings: Vec<Finding>,
    /// Guesses for the protocols other sources answered: probed only when every server those
    /// sources named for the protocol fails (`probe::second_round`).
    pub fallback: Vec<Candidate>,
}

impl Discovery {
    /// Candidates for one protocol, most trusted first, alternates after the main servers.
    pub fn candidates_for(&self, protocol: Protocol) -> impl Iterator<Item = &Candidate> {
        self.candidates
            .iter()
            .filter(move |c| c.settings.protocol == protocol)
    }

    pub fn is_not_offered(&self, protocol: Protocol) -> bool {
        self.not_offered.contains(&protocol)
    }
}

/// Folds source results into candidates: every server once, with every source that named it,
/// ordered by trust, then by each source's own order of preference.
pub fn merge(results: &[SourceResult]) -> Vec<Candidate> {
    let mut candidates: Vec<Candidate> = Vec::new();
    for result in results {
        for named in &result.servers {
            let endpoint = named.settings.endpoint();
            match candidates.iter_mut().find(|c| c.endpoint() == endpoint) {
                Some(existing) => {
                    if !existing.sources.contains(&result.report.source) {
                        existing.sources.push(result.report.source);
                    }
                    if named.insecure && !existing.insecure_sources.contains(&result.report.source)
                    {
                        existing.insecure_sources.push(result.report.source);
                    }
                    if named.oauth_only && !existing.oauth_only.contains(&result.report.source) {
                        existing.oauth_only.push(result.report.source);
                    }
                    // An unlabelled mention makes it a main server.
                    if named.label.is_none() {
                        existing.label = None;
                    }
                }
                None => candidates.push(Candidate {
                    settings: named.settings.clone(),
                    label: named.label.clone(),
                    sources: vec![result.report.source],
                    insecure_sources: if named.insecure {
                        vec![result.report.source]
                    } else {
                        Vec::new()
                    },
                    oauth_only: if named.oauth_only {
                        vec![result.report.source]
                    } else {
                        Vec::new()
                    },
                }),
            }
        }
    }
    // Stable: within the same trust rank the sources' own order is kept.
    candidates.sort_by_key(|c| (c.label.is_some(), c.trust()));
    candidates
}

/// Discovery without any network: the bundled database, matched by domain only.
pub fn discover_offline(address: &EmailAddress) -> Discovery {
    let started = std::time::Instant::now();
    let provider = ProviderMatch::find(address.domain(), &[]);
    let mut result = provider_db::source_result(address, provider.as_ref());
    result.report.elapsed = started.elapsed();
    let candidates = merge(std::slice::from_ref(&result));
    Discovery {
        address: address.clone(),
        provider,
        sources: vec![result.report],
        candidates,
        not_offered: Vec::new(),
        findings: result.findings,
        fallback: Vec::new(),
    }
}

/// How discovery reaches the network.
#[derive(Clone, Debug)]
pub struct Network {
    pub dns: Dns,
    pub fetcher: crate::net::fetch::Fetcher,
}

/// What discovery is allowed to do, and for how long.
#[derive(Clone, Debug)]
pub struct DiscoverOptions {
    /// The whole discovery, guessing included, ends by then; a source still busy is reported
    /// as not having answered.
    pub deadline: Duration,
    pub ispdb_url: Url,
    /// The settings the user typed, checked as the source `user`.
    pub user_servers: Vec<ServerSettings>,
    /// Told when each source starts and ends.
    pub progress: Progress,
    /// Told of the servers each source named as soon as it has its answer (capped as
    /// [`caps::cap_source`] caps them), and of the user's at once: probes may start before
    /// discovery ends. Not of the guesses, decided at the end.
    pub heard: Option<tokio::sync::mpsc::UnboundedSender<Heard>>,
}

/// What one source named, as soon as it answered.
#[derive(Clone, Debug)]
pub struct Heard {
    pub source: SourceKind,
    pub servers: Vec<ServerSettings>,
}

impl DiscoverOptions {
    fn tell(&self, result: &mut SourceResult) {
        let Some(heard) = &self.heard else { return };
        caps::cap_source(result);
        let servers = result.servers.iter().map(|n| n.settings.clone()).collect();
        // A run that no longer listens has what it needs.
        let _ = heard.send(Heard {
            source: result.report.source,
            servers,
        });
    }
}

/// Asks every source at once, then guesses for what none of them answered.
pub async fn discover(
    address: &EmailAddress,
    net: &Network,
    options: &DiscoverOptions,
) -> Discovery {
    let started = Instant::now();
    let deadline = tokio::time::Instant::from_std(started + options.deadline);
    if let Some(heard) = &options.heard
        && !options.user_servers.is_empty()
    {
        let _ = heard.send(Heard {
            source: SourceKind::User,
            servers: options.user_servers.clone(),
        });
    }

    let by_mx = async {
        // The provider database needs the MX records only when the domain is not its own.
        let known = ProviderMatch::find(address.domain(), &[]);
        options
            .progress
            .emit(Event::SourceStarted(SourceKind::ProviderDb));
        let mx_started = Instant::now();
        let mx = if known.is_some() {
            Ok(Vec::new())
        } else {
            net.dns.mx(address.domain()).await
        };
        let mx_hosts: Vec<String> = mx
            .as_ref()
            .map(|records| {
                records
                    .iter()
                    .filter(|r| !r.is_null())
                    .map(|r| r.exchange.clone())
                    .collect()
            })
            .unwrap_or_default();
        let provider = known.or_else(|| ProviderMatch::find(address.domain(), &mx_hosts));
        let mut db = provider_db::source_result(address, provider.as_ref());
        if provider.is_none() {
            provider_db::add_mx(&mut db, &mx);
        }
        db.report.elapsed = mx_started.elapsed();
        options.tell(&mut db);
        options.progress.emit(Event::SourceFinished(
            SourceKind::ProviderDb,
            db.report.status,
        ));
        let ispdb_mx = async {
            match &provider {
                Some(found) => SourceResult::new(
                    SourceKind::IspdbMx,
                    SourceStatus::Skipped,
                    format!(
                        "the provider database already knows {}",
                        found.provider.default_name()
                    ),
                ),
                None => {
                    bounded(
                        SourceKind::IspdbMx,
                        deadline,
                        options,
                        ispdb_mx::lookup(&net.fetcher, &options.ispdb_url, address, &mx),
                    )
                    .await
                }
            }
        };
        // Whether the exchanges have addresses says nothing about the settings, only about the
        // domain's mail: it is looked up beside the ISPDB by MX and only shown.
        let unreachable_mx = async {
            if provider.is_some() {
                return Vec::new();
            }
            tokio::time::timeout_at(
                deadline,
                provider_db::exchanges_without_address(&net.dns, &mx_hosts),
            )
            .await
            .unwrap_or_default()
        };
        let (ispdb_mx, unreachable_mx) = tokio::join!(ispdb_mx, unreachable_mx);
        provider_db::add_exchanges_without_address(&mut db, &unreachable_mx);
        (provider, db, ispdb_mx)
    };
    // Which protocols need guessing is known only when every other source is done; the
    // guessed names are looked up meanwhile, so that a source that runs into the deadline
    // cannot starve the last resort. Not for a domain the provider database knows: it
    // answers every protocol, and its servers need no guessing.
    let early_guess = async {
        if ProviderMatch::find(address.domain(), &[]).is_some() {
            return None;
        }
        options
            .progress
            .emit(Event::SourceStarted(SourceKind::Guess));
        let started = Instant::now();
        let resolved =
            tokio::time::timeout_at(deadline, guess::resolve(&net.dns, address, &Protocol::ALL))
                .await;
        Some((resolved, started.elapsed()))
    };
    let (
        (provider, db, ispdb_mx),
        srv,
        autoconfig,
        wellknown,
        ispdb,
        autodiscover,
        pacc,
        early_guess,
    ) = tokio::join!(
        by_mx,
        bounded(
            SourceKind::Srv,
            deadline,
            options,
            srv::lookup(&net.dns, address)
        ),
        bounded(
            SourceKind::Autoconfig,
            deadline,
            options,
            autoconfig::lookup(&net.fetcher, address)
        ),
        bounded(
            SourceKind::Wellknown,
            deadline,
            options,
            wellknown::lookup(&net.fetcher, address)
        ),
        bounded(
            SourceKind::Ispdb,
            deadline,
            options,
            ispdb::lookup(&net.fetcher, &options.ispdb_url, address)
        ),
        bounded(
            SourceKind::Autodiscover,
            deadline,
            options,
            autodiscover::lookup(&net.fetcher, &net.dns, address)
        ),
        bounded(
            SourceKind::Pacc,
            deadline,
            options,
            pacc::lookup(&net.fetcher, &net.dns, address)
        ),
        early_guess,
    );
    // A domain that neither its name nor its MX gave away, whose Autodiscover Microsoft
    // answers, is Microsoft 365's: its provider entry (servers, notes, dated policy) applies.
    let (provider, db) = match (&provider, autodiscover.provider_id) {
        (None, Some(id)) => match ProviderMatch::by_autodiscover(id) {
            Some(found) => {
                let mut by_autodiscover = provider_db::source_result(address, Some(&found));
                by_autodiscover.report.elapsed = db.report.elapsed;
                by_autodiscover.findings.extend(db.findings);
                (Some(found), by_autodiscover)
            }
            None => (provider, db),
        },
        _ => (provider, db),
    };
    let mut results = vec![
        db,
        srv,
        autoconfig,
        wellknown,
        ispdb,
        ispdb_mx,
        autodiscover,
        pacc,
    ];
    results.iter_mut().for_each(caps::cap_source);

    // SRV's "." says a protocol is not offered; a source that names servers for it anyway
    // wins (the probes will tell), and `conflicts` reports the disagreement.
    let named_elsewhere = |protocol: Protocol| {
        results
            .iter()
            .any(|r| r.servers.iter().any(|s| s.settings.protocol == protocol))
    };
    let not_offered: Vec<Protocol> = Protocol::ALL
        .into_iter()
        .filter(|p| results.iter().any(|r| r.not_offered.contains(p)) && !named_elsewhere(*p))
        .collect();
    let unanswered: Vec<Protocol> = Protocol::ALL
        .into_iter()
        .filter(|p| !not_offered.contains(p))
        .filter(|p| {
            !results
                .iter()
                .any(|r| r.servers.iter().any(|s| s.settings.protocol == *p))
        })
        .collect();
    // The last resort also when the other sources' servers all fail: the names are resolved
    // already; which of them are probed is decided after the first round.
    let answered: Vec<Protocol> = Protocol::ALL
        .into_iter()
        .filter(|p| !not_offered.contains(p) && !unanswered.contains(p))
        .collect();
    let fallback = match &early_guess {
        Some((Ok(resolved), _)) if !answered.is_empty() => {
            merge(&[guess::result(resolved, address, &answered)])
        }
        _ => Vec::new(),
    };
    let guessed = match early_guess {
        Some((resolved, elapsed)) => {
            let mut result = match resolved {
                Ok(resolved) => guess::result(&resolved, address, &unanswered),
                Err(_) => too_late(SourceKind::Guess, elapsed),
            };
            result.report.elapsed = elapsed;
            options.progress.emit(Event::SourceFinished(
                SourceKind::Guess,
                result.report.status,
            ));
            result
        }
        // Not started early: ask now, for what is left.
        None => {
            bounded(
                SourceKind::Guess,
                deadline,
                options,
                guess::lookup(&net.dns, address, &unanswered),
            )
            .await
        }
    };
    results.push(guessed);

    let mut findings: Vec<Finding> = results.iter().flat_map(|r| r.findings.clone()).collect();
    findings.extend(conflicts(&results));
    let mut candidates = merge(&results);
    let fallback = fallback
        .into_iter()
        .filter(|f| !candidates.iter().any(|c| c.endpoint() == f.endpoint()))
        .collect();
    let left_out = caps::cap_candidates(&mut candidates);
    findings.extend(caps::findings(&results, &candidates, &left_out));
    findings.extend(dns_unavailable(&net.dns));
    let mut discovery = Discovery {
        address: address.clone(),
        provider,
        sources: results.into_iter().map(|r| r.report).collect(),
        candidates,
        not_offered,
        findings,
        fallback,
    };
    add_user_servers(&mut discovery, &options.user_servers);
    discovery
}

/// `dns_unavailable` when not one of discovery's lookups got an answer (not even "no such
/// name"): the resolver or the network is broken, and every source's error says only that.
fn dns_unavailable(dns: &Dns) -> Option<Finding> {
    let tally = dns.tally();
    if !tally.nothing_answered() {
        return None;
    }
    // A few queries in a stable order (they fail in any order), and how many more failed.
    const SHOWN: usize = 4;
    let mut failures = tally.failures.clone();
    failures.sort_by(|a, b| a.0.cmp(&b.0));
    let mut evidence: Vec<String> = failures
        .iter()
        .take(SHOWN)
        .map(|(query, error)| format!("{query}: {error}"))
        .collect();
    if tally.failed > evidence.len() {
        evidence.push(format!("{} more", tally.failed - evidence.len()));
    }
    Some(
        Finding::new(
            FindingCode::DnsUnavailable,
            Facts::DnsUnavailable {
                server: dns.server().map(|s| s.to_string()),
                failed: tally.failed,
                kinds: tally.kinds.iter().map(|k| k.to_string()).collect(),
            },
        )
        .with_evidence(evidence.join("; ")),
    )
}

/// Adds the settings the user typed (`--imap`, `--pop3`, `--smtp`) as the source `user`, last:
/// they are checked, not trusted. A server already a candidate gains the source; the others are
/// appended.
fn add_user_servers(discovery: &mut Discovery, servers: &[ServerSettings]) {
    if servers.is_empty() {
        return;
    }
    // A server named for a protocol that SRV declares not offered is offered after all, for
    // this user: it is checked and may be recommended.
    discovery
        .not_offered
        .retain(|p| !servers.iter().any(|s| s.protocol == *p));
    for settings in servers {
        let endpoint = settings.endpoint();
        match discovery
            .candidates
            .iter_mut()
            .find(|c| c.endpoint() == endpoint)
        {
            Some(existing) => existing.sources.push(SourceKind::User),
            None => discovery.candidates.push(Candidate {
                settings: settings.clone(),
                label: None,
                sources: vec![SourceKind::User],
                insecure_sources: Vec::new(),
                oauth_only: Vec::new(),
            }),
        }
    }
    discovery.sources.push(SourceReport {
        source: SourceKind::User,
        status: SourceStatus::Found,
        detail: listed(servers),
        elapsed: Duration::ZERO,
    });
}

/// Servers as a source's detail lists them: `imap host:993 tls; smtp host:465 tls`.
pub fn listed<'a>(servers: impl IntoIterator<Item = &'a ServerSettings>) -> String {
    servers
        .into_iter()
        .map(|s| format!("{} {}:{} {}", s.protocol, s.host, s.port, s.security))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs a source until the deadline; one that has not answered by then says so.
async fn bounded(
    kind: SourceKind,
    deadline: tokio::time::Instant,
    options: &DiscoverOptions,
    source: impl Future<Output = SourceResult>,
) -> SourceResult {
    let progress = &options.progress;
    progress.emit(Event::SourceStarted(kind));
    let started = Instant::now();
    let mut result = match tokio::time::timeout_at(deadline, source).await {
        Ok(result) => result,
        Err(_) => too_late(kind, started.elapsed()),
    };
    if result.report.elapsed.is_zero() {
        result.report.elapsed = started.elapsed();
    }
    progress.emit(Event::SourceFinished(kind, result.report.status));
    if kind != SourceKind::Guess {
        options.tell(&mut result);
    }
    result
}

/// A source still busy at the discovery deadline.
fn too_late(kind: SourceKind, elapsed: Duration) -> SourceResult {
    let mut result = SourceResult::new(
        kind,
        SourceStatus::Error,
        format!(
            "no answer before the discovery deadline ({:.1} s)",
            elapsed.as_secs_f64()
        ),
    );
    result.report.elapsed = elapsed;
    result
}

/// `settings_conflict` for each protocol on which two sources name no server in common.
pub fn conflicts(results: &[SourceResult]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for protocol in Protocol::ALL {
        let said: Vec<(SourceKind, Vec<Endpoint>)> = results
            .iter()
            .filter(|r| !matches!(r.report.source, SourceKind::Guess | SourceKind::User))
            .map(|r| {
                let endpoints = r
                    .servers
                    .iter()
                    .filter(|s| s.settings.protocol == protocol && s.label.is_none())
                    .map(|s| s.settings.endpoint())
                    .collect::<Vec<_>>();
                (r.report.source, endpoints)
            })
            .filter(|(_, endpoints)| !endpoints.is_empty())
            .collect();
        // A source that says the protocol is not offered (SRV's ".") disagrees with every
        // source that names a server for it.
        let denied_by: Vec<SourceKind> = results
            .iter()
            .filter(|r| r.not_offered.contains(&protocol))
            .map(|r| r.report.source)
            .collect();
        let disagree = (!denied_by.is_empty() && !said.is_empty())
            || said.iter().enumerate().any(|(i, (_, a))| {
                said[i + 1..]
                    .iter()
                    .any(|(_, b)| !a.iter().any(|e| b.contains(e)))
            });
        if !disagree {
            continue;
        }
        let who_said_what = denied_by
            .iter()
            .map(|source| format!("{}: not offered", source.as_str()))
            .chain(said.iter().map(|(source, endpoints)| {
                let list: Vec<String> = endpoints
                    .iter()
                    .map(|e| format!("{}:{} {}", e.host, e.port, e.security))
                    .collect();
                format!("{}: {}", source.as_str(), list.join(", "))
            }))
            .collect::<Vec<_>>()
            .join("; ");
        findings.push(
            Finding::new(
                FindingCode::SettingsConflict,
                Facts::SettingsConflict {
                    works: None,
                    agree: Vec::new(),
                    disagree: Vec::new(),
                },
            )
            .for_protocol(protocol)
            .with_evidence(who_said_what),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Security;

    fn named(host: &str, port: u16, label: Option<&str>) -> NamedServer {
        NamedServer {
            settings: ServerSettings {
                protocol: Protocol::Imap,
                host: host.into(),
                port,
                security: Security::Tls,
                username: "a@b.example".into(),
            },
            label: label.map(str::to_owned),
            insecure: false,
            oauth_only: false,
        }
    }

    fn result(source: SourceKind, servers: Vec<NamedServer>) -> SourceResult {
        let mut r = SourceResult::new(source, SourceStatus::Found, "");
        r.servers = servers;
        r
    }

    #[test]
    fn merge_lists_each_server_once_with_all_its_sources_in_trust_order() {
        let merged = merge(&[
            result(SourceKind::Guess, vec![named("imap.b.example", 993, None)]),
            result(
                SourceKind::Srv,
                vec![
                    named("mail.b.example", 993, None),
                    named("imap.b.example", 993, None),
                ],
            ),
            result(
                SourceKind::ProviderDb,
                vec![named("hw.b.example", 993, Some("overseas"))],
            ),
        ]);
        let hosts: Vec<_> = merged.iter().map(|c| c.settings.host.as_str()).collect();
        assert_eq!(hosts, ["imap.b.example", "mail.b.example", "hw.b.example"]);
        assert_eq!(merged[0].sources, [SourceKind::Guess, SourceKind::Srv]);
        assert_eq!(merged[0].trust(), trust_rank(SourceKind::Srv, false));
        assert_eq!(merged[2].label.as_deref(), Some("overseas"));
    }

    #[test]
    fn the_ispdb_over_plain_http_ranks_with_plain_http_autoconfig() {
        let rank = trust_rank;
        assert!(rank(SourceKind::Ispdb, false) < rank(SourceKind::IspdbMx, false));
        assert!(rank(SourceKind::IspdbMx, false) < rank(SourceKind::Ispdb, true));
        assert_eq!(
            rank(SourceKind::Ispdb, true),
            rank(SourceKind::Autoconfig, true)
        );
        assert_eq!(
            rank(SourceKind::IspdbMx, true),
            rank(SourceKind::Autoconfig, true)
        );
        assert!(rank(SourceKind::Ispdb, true) < rank(SourceKind::Guess, false));
    }

    #[test]
    fn conflict_is_raised_only_when_sources_share_no_server() {
        let agree = [
            result(
                SourceKind::ProviderDb,
                vec![
                    named("imap.b.example", 993, None),
                    named("imap.b.example", 143, None),
                ],
            ),
            result(
                SourceKind::Autoconfig,
                vec![named("imap.b.example", 993, None)],
            ),
            result(SourceKind::Guess, vec![named("mail.b.example", 993, None)]),
        ];
        assert!(conflicts(&agree).is_empty());
        let disagree = [
            result(
                SourceKind::ProviderDb,
                vec![named("imap.b.example", 993, None)],
            ),
            result(SourceKind::Srv, vec![named("mail.b.example", 993, None)]),
        ];
        let found = conflicts(&disagree);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, FindingCode::SettingsConflict);
        assert_eq!(found[0].protocol, Some(Protocol::Imap));
        let evidence = found[0].evidence.as_deref().unwrap();
        assert!(
            evidence.contains("provider_db: imap.b.example:993 tls"),
            "{evidence}"
        );
        assert!(
            evidence.contains("srv: mail.b.example:993 tls"),
            "{evidence}"
        );
    }
}
