//! DNS for every stage: MX and SRV for discovery, A/AAAA for probing and for the host names of
//! autoconfig URLs. With `--dns-server` every query goes to that one server.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt as _;
use futures::future::{BoxFuture, Shared};

use hickory_resolver::config::{LookupIpStrategy, NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::xfer::Protocol as Transport;
use hickory_resolver::{ResolveError, TokioResolver};

use crate::timing::Timing;

/// Why a lookup gave no answer. The first three say what the DNS knows (the name or its records
/// do not exist); the others that the lookup itself failed, so nothing is known about the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsError {
    #[error("the name does not exist (NXDOMAIN)")]
    NxDomain,
    #[error("no records of that type")]
    NoRecords,
    /// The name is an alias whose chain of CNAMEs comes back to itself: it has no address.
    #[error("the name is an alias (CNAME) that loops: {}", .0.join(" → "))]
    CnameLoop(Vec<String>),
    #[error("the DNS server failed to answer (SERVFAIL)")]
    ServFail,
    #[error("the DNS server refused the query (REFUSED)")]
    Refused,
    #[error("the DNS server did not answer within {0:?}")]
    Timeout(Duration),
    #[error("DNS lookup failed: {0}")]
    Failed(String),
}

impl DnsError {
    /// The name or record does not exist (or has no address), as opposed to a lookup that
    /// failed: only then does the answer say anything about the name.
    pub fn is_absent(&self) -> bool {
        matches!(
            self,
            DnsError::NxDomain | DnsError::NoRecords | DnsError::CnameLoop(_)
        )
    }

    /// The short name of what went wrong, for a summary of many lookups (`SERVFAIL`, `timeout`).
    pub fn kind(&self) -> &'static str {
        match self {
            DnsError::NxDomain => "NXDOMAIN",
            DnsError::NoRecords => "no records",
            DnsError::CnameLoop(_) => "CNAME loop",
            DnsError::ServFail => "SERVFAIL",
            DnsError::Refused => "REFUSED",
            DnsError::Timeout(_) => "timeout",
            DnsError::Failed(_) => "failure",
        }
    }
}

/// A host name's lookup that failed, as reqwest gets it back from [`Dns`]: the fetcher finds the
/// [`DnsError`] in the error's chain instead of reading its words.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{host}: {error}")]
pub struct HostLookupError {
    pub host: String,
    pub error: DnsError,
}

/// How the lookups of one resolver have gone so far: whether DNS works here at all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Lookups that got an answer, "no such name" and "no records" included.
    pub answered: usize,
    /// Lookups that got none (SERVFAIL, REFUSED, timeout, …).
    pub failed: usize,
    /// The first of those, each query once: the query (`MX example.com`) and what happened.
    pub failures: Vec<(String, DnsError)>,
    /// How they failed, each kind once ([`DnsError::kind`]), in the order first seen.
    pub kinds: Vec<&'static str>,
}

impl Tally {
    /// How many failed lookups [`Tally::failures`] keeps (each query once).
    pub const KEPT: usize = 32;

    /// Every lookup failed, and there was at least one: the resolver or the network is broken.
    pub fn nothing_answered(&self) -> bool {
        self.answered == 0 && self.failed > 0
    }

    fn record(&mut self, query: impl FnOnce() -> String, outcome: Result<(), &DnsError>) {
        match outcome {
            Err(e) if !e.is_absent() => {
                self.failed += 1;
                if !self.kinds.contains(&e.kind()) {
                    self.kinds.push(e.kind());
                }
                let query = query();
                if self.failures.len() < Self::KEPT
                    && !self.failures.iter().any(|(q, _)| *q == query)
                {
                    self.failures.push((query, e.clone()));
                }
            }
            _ => self.answered += 1,
        }
    }
}

/// An MX record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mx {
    pub preference: u16,
    pub exchange: String,
}

impl Mx {
    /// RFC 7505's null MX (`MX 0 .`): the domain accepts no mail at all.
    pub fn is_null(&self) -> bool {
        self.exchange == "."
    }
}

/// An SRV record. A `target` of `.` is kept as `"."`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: String,
}

/// A resolver with a per-lookup time limit, within which an unanswered query is sent again.
#[derive(Clone)]
pub struct Dns {
    resolver: Arc<TokioResolver>,
    /// The limit of one lookup, every try included.
    timeout: Duration,
    server: Option<SocketAddr>,
    tally: Arc<Mutex<Tally>>,
    /// Host names whose addresses are given (`--resolve`), answered without a query.
    pinned: Arc<Vec<(String, Vec<IpAddr>)>>,
    /// This run's address lookups, by host: a host that a source, its HTTP fetch, a probe and
    /// a guess all need is asked once, even when they ask at the same moment (hickory's cache
    /// keeps only answers that have come), and counted once in the tally; a failure too.
    /// `None` for a resolver that outlives runs (a batch's HTTP client, [`Dns::across_runs`]):
    /// it must not keep a failure for every account after.
    asked: Option<Lookups>,
    /// The same, for every run of a session (a batch's accounts, and its HTTP client): a
    /// lookup one run has under way or done serves the others, which count its outcome each
    /// in their own tally, so that a run's view of DNS is the same at any `--jobs`. A failed
    /// one is forgotten once it has failed, so that the next run tries again; the ended ones
    /// are all forgotten once [`SESSION_LOOKUPS`] are kept.
    shared: Lookups,
}

/// Address lookups under way or done, by host.
type Lookups = Arc<Mutex<HashMap<String, AddressLookup>>>;

type AddressLookup = Shared<BoxFuture<'static, Result<Vec<IpAddr>, DnsError>>>;

/// How many lookups a session keeps before it forgets those that have ended: a batch over
/// ten thousand domains would otherwise keep every one of their names (2.4 KB an account),
/// and hickory's cache, of the same size, keeps the answers for their TTL anyway.
const SESSION_LOOKUPS: usize = 4096;

impl std::fmt::Debug for Dns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dns")
            .field("server", &self.server)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Dns {
    /// The system's resolver configuration (`/etc/resolv.conf`), or `server` for every query.
    /// `timeout` is the step limit; a lookup takes [`Timing::dns_lookup_limit`] at most, in
    /// which each query is tried more than once (one lost UDP packet must not cost the step).
    pub fn new(server: Option<SocketAddr>, timeout: Duration) -> Result<Self, DnsError> {
        let timing = Timing::new(timeout);
        let timeout = timing.dns_lookup_limit();
        let mut options = ResolverOpts::default();
        options.timeout = timing.dns_try_limit();
        options.attempts = timing.dns_retries();
        // EDNS0 (RFC 6891): a large answer (a zone of many SRV records) comes over UDP up to
        // 1232 bytes and is truncated beyond, to be fetched over TCP, instead of overflowing a
        // 512-byte buffer that drops the datagram and waits for a timeout.
        options.edns0 = true;
        // hickory keeps 32 answers by default, fewer than one run asks for (MX, nine SRV
        // names, TXT, the addresses of every candidate and web host): the rest were asked
        // again. A batch's runs share the cache, so an account's domain is asked once.
        options.cache_size = 4096;
        // Mail names are absolute; search domains would only invent wrong answers.
        options.ndots = 0;
        // A and AAAA both, at once: probes connect to every address (Happy Eyeballs, RFC 8305),
        // where hickory's default asks for AAAA only when there is no A.
        options.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
        // One DNS server is asked over UDP and, for a long answer, TCP: hickory treats them as
        // two servers, and by default asks the second again after the first's "no such
        // name" or "no records". The answer of the server asked is the answer (as the system's
        // own resolver takes it), so it is not asked twice.
        let trusted = |mut config: NameServerConfig| {
            config.trust_negative_responses = true;
            config
        };
        let config = match server {
            Some(addr) => {
                let mut config = ResolverConfig::new();
                config.add_name_server(trusted(NameServerConfig::new(addr, Transport::Udp)));
                config.add_name_server(trusted(NameServerConfig::new(addr, Transport::Tcp)));
                config
            }
            None => {
                let (system, _) =
                    hickory_resolver::system_conf::read_system_conf().map_err(|e| {
                        DnsError::Failed(format!("cannot read the system's DNS settings: {e}"))
                    })?;
                let servers: Vec<NameServerConfig> =
                    system.name_servers().iter().cloned().map(trusted).collect();
                ResolverConfig::from_parts(
                    system.domain().cloned(),
                    system.search().to_vec(),
                    servers,
                )
            }
        };
        let resolver =
            TokioResolver::builder_with_config(config, TokioConnectionProvider::default())
                .with_options(options)
                .build();
        Ok(Self {
            resolver: Arc::new(resolver),
            timeout,
            server,
            tally: Arc::default(),
            pinned: Arc::default(),
            asked: Some(Lookups::default()),
            shared: Arc::default(),
        })
    }

    /// Answers these host names with these addresses (`--resolve HOST:ADDRESS`, repeatable
    /// for one host): connections go there, while TLS still checks the host's name.
    pub fn with_pinned(mut self, pinned: &[(String, IpAddr)]) -> Self {
        let mut hosts: Vec<(String, Vec<IpAddr>)> = Vec::new();
        for (host, ip) in pinned {
            let host = relative(host).to_ascii_lowercase();
            match hosts.iter_mut().find(|(h, _)| *h == host) {
                Some((_, ips)) => ips.push(*ip),
                None => hosts.push((host, vec![*ip])),
            }
        }
        self.pinned = Arc::new(hosts);
        self
    }

    /// `HOST:ADDRESS` as `--resolve` takes it (an IPv6 address bare or in brackets).
    pub fn parse_pin(spec: &str) -> Result<(String, IpAddr), String> {
        let (host, address) = spec
            .split_once(':')
            .ok_or_else(|| "expected HOST:ADDRESS, e.g. imap.example.com:192.0.2.10".to_owned())?;
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() {
            return Err("the host name is missing (HOST:ADDRESS)".to_owned());
        }
        let address = address.trim().trim_start_matches('[').trim_end_matches(']');
        let ip = address
            .parse::<IpAddr>()
            .map_err(|_| format!("{address:?} is not an IP address (HOST:ADDRESS)"))?;
        Ok((host, ip))
    }

    /// The server every query goes to (`--dns-server`), or `None` for the system's resolver.
    pub fn server(&self) -> Option<SocketAddr> {
        self.server
    }

    /// The same resolver, cache and session lookups, with a tally and lookups of its own: one
    /// run among a batch's.
    pub fn for_run(&self) -> Self {
        Self {
            tally: Arc::default(),
            asked: Some(Lookups::default()),
            ..self.clone()
        }
    }

    /// The same resolver, cache and session lookups, for what serves many runs (a batch's
    /// HTTP client): it keeps no run's lookups, so a failure is asked again by the next run.
    pub fn across_runs(&self) -> Self {
        Self {
            tally: Arc::default(),
            asked: None,
            ..self.clone()
        }
    }

    /// How this resolver's lookups have gone so far (shared by its clones).
    pub fn tally(&self) -> Tally {
        self.tally
            .lock()
            .expect("the tally is never poisoned")
            .clone()
    }

    /// Parses `IP[:PORT]` (port 53 by default; `[v6]:port` for IPv6 with a port).
    pub fn parse_server(spec: &str) -> Result<SocketAddr, String> {
        if let Ok(addr) = spec.parse::<SocketAddr>() {
            return Ok(addr);
        }
        spec.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .map(|ip| SocketAddr::new(ip, 53))
            .map_err(|_| format!("{spec:?} is not IP or IP:PORT"))
    }

    /// The limit of one lookup, every try included.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// MX records, most preferred first. An exchange of `.` (RFC 7505's null MX: the domain
    /// accepts no mail) is kept as `"."`.
    pub async fn mx(&self, domain: &str) -> Result<Vec<Mx>, DnsError> {
        let query = || format!("MX {domain}");
        let lookup = self
            .limit(query, self.resolver.mx_lookup(absolute(domain)))
            .await?;
        let mut records: Vec<Mx> = lookup
            .iter()
            .map(|mx| Mx {
                preference: mx.preference(),
                exchange: target_name(mx.exchange()),
            })
            .collect();
        records.sort_by(|a, b| (a.preference, &a.exchange).cmp(&(b.preference, &b.exchange)));
        Ok(records)
    }

    /// SRV records in the order RFC 2782 says to try them: priority, then weight (heaviest
    /// first, deterministically, so that the report is stable).
    pub async fn srv(&self, name: &str) -> Result<Vec<Srv>, DnsError> {
        let query = || format!("SRV {name}");
        let lookup = self
            .limit(query, self.resolver.srv_lookup(absolute(name)))
            .await?;
        let mut records: Vec<Srv> = lookup
            .iter()
            .map(|srv| Srv {
                priority: srv.priority(),
                weight: srv.weight(),
                port: srv.port(),
                target: target_name(srv.target()),
            })
            .collect();
        sort_srv(&mut records);
        Ok(records)
    }

    /// TXT records, one string each: a record's character-strings joined, as RFC 7208 and
    /// the PACC draft join them. Bytes that are not UTF-8 are replaced.
    pub async fn txt(&self, name: &str) -> Result<Vec<String>, DnsError> {
        let query = || format!("TXT {name}");
        let lookup = self
            .limit(query, self.resolver.txt_lookup(absolute(name)))
            .await?;
        Ok(lookup
            .iter()
            .map(|txt| {
                let joined: Vec<u8> = txt
                    .txt_data()
                    .iter()
                    .flat_map(|s| s.iter().copied())
                    .collect();
                String::from_utf8_lossy(&joined).into_owned()
            })
            .collect())
    }

    /// The addresses of a host (A and AAAA). An IP literal is its own address. A host without
    /// addresses whose CNAMEs loop says so ([`DnsError::CnameLoop`]).
    pub async fn ips(&self, host: &str) -> Result<Vec<IpAddr>, DnsError> {
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            return Ok(vec![ip]);
        }
        let wanted = relative(host).to_ascii_lowercase();
        if let Some((_, ips)) = self.pinned.iter().find(|(h, _)| *h == wanted) {
            return Ok(ips.clone());
        }
        let Some(asked) = &self.asked else {
            let outcome = self.shared_ips(&wanted).await;
            count(&self.tally, &wanted, &outcome);
            return outcome;
        };
        let mine = lookup(asked, &wanted, |host| {
            // Without this run's map: a lookup must not own the map that owns it.
            let session = Self {
                asked: None,
                ..self.clone()
            };
            async move {
                let outcome = session.shared_ips(&host).await;
                count(&session.tally, &host, &outcome);
                outcome
            }
            .boxed()
        });
        // Kept even when it failed: within one run, asking again would only wait again.
        mine.await
    }

    /// The session's lookup of `host`, under way or done; its own tries go uncounted (each
    /// run counts the outcome).
    async fn shared_ips(&self, host: &str) -> Result<Vec<IpAddr>, DnsError> {
        let theirs = lookup(&self.shared, host, |host| {
            let untallied = Self {
                tally: Arc::default(),
                // A lookup must not own the maps that own it.
                asked: None,
                shared: Arc::default(),
                ..self.clone()
            };
            async move { untallied.ask_ips(&host).await }.boxed()
        });
        forget_failure(&self.shared, host, theirs.await)
    }

    async fn ask_ips(&self, host: &str) -> Result<Vec<IpAddr>, DnsError> {
        // A and AAAA asked apart, not with hickory's lookup of both: that one fails with the
        // error of whichever query failed first, so an AAAA's "no records" could hide the A's
        // SERVFAIL, and a name whose lookup failed would seem to have no address.
        let name = absolute(host);
        let (v4, v6) = tokio::join!(
            self.limit(
                || format!("A {host}"),
                self.resolver.ipv4_lookup(name.clone())
            ),
            self.limit(|| format!("AAAA {host}"), self.resolver.ipv6_lookup(name)),
        );
        let v4 = v4.map(|found| found.iter().map(|a| IpAddr::V4(a.0)).collect());
        let v6 = v6.map(|found| found.iter().map(|aaaa| IpAddr::V6(aaaa.0)).collect());
        match addresses_of(v4, v6) {
            Ok(ips) if !ips.is_empty() => Ok(ips),
            Ok(_) | Err(DnsError::NoRecords) => Err(self.why_no_address(host).await),
            Err(e) => Err(e),
        }
    }

    /// Why a name that exists has no address: a loop of aliases, or simply no A/AAAA records.
    async fn why_no_address(&self, host: &str) -> DnsError {
        let chain = self.cname_chain(host).await;
        let Some(last) = chain.last() else {
            return DnsError::NoRecords;
        };
        // The chain stops where a name points back into it (or at 8 names).
        match self.cname_of(last).await {
            Some(next) if next == relative(host) || chain.contains(&next) => {
                let mut names = vec![relative(host)];
                names.extend(chain);
                names.push(next);
                DnsError::CnameLoop(names)
            }
            _ => DnsError::NoRecords,
        }
    }

    /// The CNAME chain of `host`: each alias target in turn, at most 8 of them (a loop ends
    /// there). Empty when the host is no alias or the lookup fails.
    pub async fn cname_chain(&self, host: &str) -> Vec<String> {
        let mut chain: Vec<String> = Vec::new();
        let mut name = relative(host);
        for _ in 0..8 {
            match self.cname_of(&name).await {
                Some(t) if t != relative(host) && !chain.contains(&t) => {
                    chain.push(t.clone());
                    name = t;
                }
                _ => break,
            }
        }
        chain
    }

    /// The alias target of `name`, when it is an alias.
    async fn cname_of(&self, name: &str) -> Option<String> {
        use hickory_resolver::proto::rr::{RData, RecordType};
        let query = || format!("CNAME {name}");
        let lookup = self
            .limit(
                query,
                self.resolver.lookup(absolute(name), RecordType::CNAME),
            )
            .await
            .ok()?;
        lookup.record_iter().find_map(|r| match r.data() {
            RData::CNAME(c) if relative(&r.name().to_ascii()) == name => {
                Some(relative(&c.0.to_ascii()))
            }
            _ => None,
        })
    }

    /// Runs one lookup within the limit, says what came of it, and counts it in the tally.
    async fn limit<T>(
        &self,
        query: impl FnOnce() -> String,
        lookup: impl Future<Output = Result<T, ResolveError>>,
    ) -> Result<T, DnsError> {
        let outcome = match tokio::time::timeout(self.timeout, lookup).await {
            Err(_) => Err(DnsError::Timeout(self.timeout)),
            Ok(Ok(found)) => Ok(found),
            Ok(Err(e)) => Err(meaning(&e, self.timeout)),
        };
        self.tally
            .lock()
            .expect("the tally is never poisoned")
            .record(query, outcome.as_ref().map(|_| ()));
        outcome
    }
}

/// A host's addresses from its A and AAAA answers: every address either found; none, when
/// both say there is none; otherwise the failure (A's first), since a lookup that failed says
/// nothing about whether the name has an address.
fn addresses_of(
    v4: Result<Vec<IpAddr>, DnsError>,
    v6: Result<Vec<IpAddr>, DnsError>,
) -> Result<Vec<IpAddr>, DnsError> {
    let absent = |answer: &Result<Vec<IpAddr>, DnsError>| match answer {
        Ok(ips) => ips.is_empty(),
        Err(e) => e.is_absent(),
    };
    match (v4, v6) {
        (Ok(mut v4), Ok(v6)) => {
            v4.extend(v6);
            Ok(v4)
        }
        (Ok(ips), Err(_)) | (Err(_), Ok(ips)) if !ips.is_empty() => Ok(ips),
        (v4, v6) if absent(&v4) && absent(&v6) => match (v4, v6) {
            // "No such name" says more than "no records"; either is the name's answer.
            (Err(e @ DnsError::NxDomain), _) | (_, Err(e @ DnsError::NxDomain)) => Err(e),
            (Err(e), _) | (_, Err(e)) => Err(e),
            _ => Ok(Vec::new()),
        },
        (Err(e), _) if !e.is_absent() => Err(e),
        (_, Err(e)) => Err(e),
        (Err(e), _) => Err(e),
    }
}

/// Counts an address lookup's outcome in a run's tally.
fn count(tally: &Mutex<Tally>, host: &str, outcome: &Result<Vec<IpAddr>, DnsError>) {
    tally
        .lock()
        .expect("the tally is never poisoned")
        .record(|| format!("A/AAAA {host}"), outcome.as_ref().map(|_| ()));
}

/// The lookup of `host` in `lookups`, started with `start` when there is none.
fn lookup(
    lookups: &Lookups,
    host: &str,
    start: impl FnOnce(String) -> BoxFuture<'static, Result<Vec<IpAddr>, DnsError>>,
) -> AddressLookup {
    let mut lookups = lookups.lock().expect("the lookups are never poisoned");
    if lookups.len() >= SESSION_LOOKUPS && !lookups.contains_key(host) {
        lookups.retain(|_, lookup| lookup.peek().is_none());
    }
    lookups
        .entry(host.to_owned())
        .or_insert_with(|| start(host.to_owned()).shared())
        .clone()
}

/// Forgets a lookup that failed (not one that found no address: that is an answer).
fn forget_failure(
    lookups: &Lookups,
    host: &str,
    outcome: Result<Vec<IpAddr>, DnsError>,
) -> Result<Vec<IpAddr>, DnsError> {
    if matches!(&outcome, Err(e) if !e.is_absent()) {
        lookups
            .lock()
            .expect("the lookups are never poisoned")
            .remove(host);
    }
    outcome
}

/// What a resolver error means (`limit`: the lookup's): hickory reports SERVFAIL and REFUSED as
/// "no records found" with the response code beside it, so the code decides.
fn meaning(e: &ResolveError, limit: Duration) -> DnsError {
    use hickory_resolver::proto::ProtoErrorKind;
    use hickory_resolver::proto::op::ResponseCode;
    let Some(proto) = e.proto() else {
        return DnsError::Failed(e.to_string());
    };
    match proto.kind() {
        ProtoErrorKind::NoRecordsFound { response_code, .. } => match *response_code {
            ResponseCode::NXDomain => DnsError::NxDomain,
            ResponseCode::NoError => DnsError::NoRecords,
            ResponseCode::ServFail => DnsError::ServFail,
            ResponseCode::Refused => DnsError::Refused,
            other => DnsError::Failed(format!("the DNS server answered {other}")),
        },
        ProtoErrorKind::Timeout => DnsError::Timeout(limit),
        _ => DnsError::Failed(e.to_string()),
    }
}

/// Lets reqwest resolve autoconfig and ISPDB host names through the same DNS server.
impl reqwest::dns::Resolve for Dns {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let dns = self.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let ips = dns.http_ips(&host).await?;
            let addrs: reqwest::dns::Addrs =
                Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

impl Dns {
    /// [`Dns::ips`] for reqwest, whose errors name the host.
    pub(crate) async fn http_ips(
        &self,
        host: &str,
    ) -> Result<Vec<IpAddr>, Box<dyn std::error::Error + Send + Sync>> {
        self.ips(host).await.map_err(|error| {
            Box::new(HostLookupError {
                host: host.to_owned(),
                error,
            }) as _
        })
    }
}

fn absolute(name: &str) -> String {
    if name.ends_with('.') {
        name.to_owned()
    } else {
        format!("{name}.")
    }
}

fn relative(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The name an MX or SRV record points at; the root (`.`, "no such service") stays `"."`.
fn target_name(name: &hickory_resolver::proto::rr::Name) -> String {
    if name.is_root() {
        ".".to_owned()
    } else {
        relative(&name.to_ascii())
    }
}

/// RFC 2782 order: lowest priority first; within a priority, heavier weight first.
pub fn sort_srv(records: &mut [Srv]) {
    records.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then(b.weight.cmp(&a.weight))
            .then(a.target.cmp(&b.target))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_query_is_not_taken_for_a_name_without_addresses() {
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        let servfail = || Err(DnsError::ServFail);
        let none = || Err(DnsError::NoRecords);
        // Whichever of the two answers first, a failure is never "no address".
        assert_eq!(addresses_of(servfail(), none()), Err(DnsError::ServFail));
        assert_eq!(addresses_of(none(), servfail()), Err(DnsError::ServFail));
        assert_eq!(
            addresses_of(Ok(vec![]), servfail()),
            Err(DnsError::ServFail)
        );
        // An address found is an address, whatever the other query did.
        assert_eq!(addresses_of(Ok(vec![v4]), servfail()), Ok(vec![v4]));
        assert_eq!(addresses_of(servfail(), Ok(vec![v6])), Ok(vec![v6]));
        assert_eq!(addresses_of(Ok(vec![v4]), Ok(vec![v6])), Ok(vec![v4, v6]));
        // Both say there is none: the name's answer, "no such name" first.
        assert_eq!(addresses_of(none(), none()), Err(DnsError::NoRecords));
        assert_eq!(
            addresses_of(none(), Err(DnsError::NxDomain)),
            Err(DnsError::NxDomain)
        );
        assert_eq!(addresses_of(Ok(vec![]), Ok(vec![])), Ok(vec![]));
    }

    fn srv(priority: u16, weight: u16, target: &str) -> Srv {
        Srv {
            priority,
            weight,
            port: 993,
            target: target.into(),
        }
    }

    #[test]
    fn srv_records_sort_by_priority_then_weight() {
        let mut records = vec![
            srv(20, 0, "c"),
            srv(10, 5, "b"),
            srv(10, 60, "a"),
            srv(0, 0, "z"),
        ];
        sort_srv(&mut records);
        let order: Vec<_> = records.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(order, ["z", "a", "b", "c"]);
    }

    #[test]
    fn response_codes_tell_absence_from_failure() {
        use hickory_resolver::proto::op::{Query, ResponseCode};
        use hickory_resolver::proto::{ProtoError, ProtoErrorKind};
        let answered = |response_code| {
            let kind = ProtoErrorKind::NoRecordsFound {
                query: Box::new(Query::default()),
                soa: None,
                ns: None,
                negative_ttl: None,
                response_code,
                trusted: false,
                authorities: None,
            };
            meaning(&ProtoError::from(kind).into(), Duration::from_secs(1))
        };
        assert_eq!(answered(ResponseCode::NXDomain), DnsError::NxDomain);
        assert_eq!(answered(ResponseCode::NoError), DnsError::NoRecords);
        assert_eq!(answered(ResponseCode::ServFail), DnsError::ServFail);
        assert_eq!(answered(ResponseCode::Refused), DnsError::Refused);
        assert!(!answered(ResponseCode::ServFail).is_absent());
        assert!(!answered(ResponseCode::Refused).is_absent());
        assert!(matches!(
            answered(ResponseCode::NotImp),
            DnsError::Failed(_)
        ));
        let timed_out = ProtoError::from(ProtoErrorKind::Timeout).into();
        assert_eq!(
            meaning(&timed_out, Duration::from_secs(2)),
            DnsError::Timeout(Duration::from_secs(2))
        );
    }

    #[tokio::test]
    async fn a_session_keeps_its_ended_lookups_only_up_to_a_bound() {
        let lookups = Lookups::default();
        let answered = |_: String| async { Ok(vec![IpAddr::from([127, 0, 0, 1])]) }.boxed();
        for i in 0..SESSION_LOOKUPS {
            lookup(&lookups, &format!("host{i}.test"), answered)
                .await
                .unwrap();
        }
        let under_way = lookup(&lookups, "slow.test", |_| {
            futures::future::pending().boxed()
        });
        // Full: the ended ones are forgotten, the one under way is kept.
        assert_eq!(lookups.lock().unwrap().len(), 1);
        lookup(&lookups, "next.test", answered).await.unwrap();
        let kept = lookups.lock().unwrap();
        assert!(kept.contains_key("slow.test") && kept.contains_key("next.test"));
        assert_eq!(kept.len(), 2);
        drop(under_way);
    }

    #[test]
    fn the_tally_knows_when_nothing_answered() {
        let mut tally = Tally::default();
        for _ in 0..3 {
            tally.record(|| "MX a.test".into(), Err(&DnsError::ServFail));
        }
        tally.record(|| "SRV _imaps._tcp.a.test".into(), Err(&DnsError::Refused));
        assert!(tally.nothing_answered());
        assert_eq!(tally.failed, 4);
        assert_eq!(tally.failures.len(), 2, "each query once");
        assert_eq!(tally.kinds, ["SERVFAIL", "REFUSED"]);
        // "No such name" is an answer: DNS works.
        tally.record(|| "A imap.a.test".into(), Err(&DnsError::NxDomain));
        assert!(!tally.nothing_answered());
        assert!(!Tally::default().nothing_answered());
    }

    #[test]
    fn dns_server_spec() {
        assert_eq!(Dns::parse_server("127.0.0.53").unwrap().port(), 53);
        assert_eq!(Dns::parse_server("127.0.0.53:5353").unwrap().port(), 5353);
        assert_eq!(Dns::parse_server("[::1]:53").unwrap().port(), 53);
        assert!(Dns::parse_server("dns.example").is_err());
    }
}
