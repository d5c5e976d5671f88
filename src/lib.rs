//! mailcheck: find out why a mail client cannot connect.
//!
//! The pipeline reads top to bottom: an [`address`] is checked; [`discover`] asks every source of
//! settings; [`probe`] tries each candidate server; [`diagnose`] names what is wrong; [`report`]
//! holds the contract's shape; [`output`] renders it. The library never prints and never exits:
//! the `mailcheck` binary does both.

pub mod address;
pub mod clientconfig;
pub mod diagnose;
pub mod discover;
pub mod finding;
pub mod lang;
pub mod net;
pub mod output;
pub mod probe;
pub mod progress;
pub mod report;
pub mod settings;
pub mod source;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use address::{AddressError, EmailAddress};
pub use diagnose::{Diagnosis, Verdict};
pub use finding::{Finding, FindingCode, Severity};
pub use lang::Lang;
pub use report::Report;
pub use settings::{Protocol, Security, ServerSettings};

/// What a run may do.
#[derive(Clone, Debug)]
pub struct Options {
    /// No network at all: the bundled provider database only.
    pub offline: bool,
    /// The limit for any one network step.
    pub timeout: Duration,
    /// Send every DNS query to this server instead of the system's.
    pub dns_server: Option<SocketAddr>,
    /// Extra trust anchors (PEM) for mail TLS and HTTPS.
    pub ca_file: Option<PathBuf>,
    /// The ISPDB base URL; the domain is appended.
    pub ispdb_url: reqwest::Url,
    pub lang: Lang,
    /// Discover only: report the candidate servers without connecting to them.
    pub no_probe: bool,
    /// The password to log in with; `None` tests everything up to authentication.
    pub password: Option<String>,
    /// Settings the user typed into a mail client, to check against what works.
    pub user_servers: Vec<ServerSettings>,
    /// Told as each source and probe starts and ends.
    pub progress: progress::Progress,
    /// Where TCP connections go, for probes and HTTP alike: direct by default; tests send them
    /// to servers on ephemeral ports (see [`net::connect`]).
    pub connector: net::connect::Connector,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            offline: false,
            timeout: Duration::from_secs(10),
            dns_server: None,
            ca_file: None,
            ispdb_url: reqwest::Url::parse(discover::ispdb::DEFAULT_ISPDB_URL)
                .expect("the default ISPDB URL is valid"),
            lang: Lang::En,
            no_probe: false,
            password: None,
            user_servers: Vec::new(),
            progress: progress::Progress::default(),
            connector: net::connect::Connector::direct(),
        }
    }
}

/// Why no diagnosis could be made at all. Everything wrong with a server is a finding instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot use the CA file")]
    CaFile(#[from] net::trust::CaFileError),
    #[error("cannot set up DNS")]
    Dns(#[source] net::dns::DnsError),
    #[error("cannot set up HTTP: {0}")]
    Http(String),
}

/// Answers from the bundled provider database alone, with no network at all.
pub fn check_offline(address: &EmailAddress, lang: Lang) -> Diagnosis {
    diagnose::without_probing(discover::discover_offline(address), lang)
}

/// Discovers the settings of `address` from every source.
pub async fn check(address: &EmailAddress, options: &Options) -> Result<Diagnosis, Error> {
    // Loaded first so that an unreadable --ca-file is bad input even offline.
    let anchors = net::trust::TrustAnchors::load(options.ca_file.as_deref())?;
    if options.offline {
        return Ok(check_offline(address, options.lang));
    }
    let dns = net::dns::Dns::new(options.dns_server, options.timeout).map_err(Error::Dns)?;
    let fetcher = net::fetch::Fetcher::new(&dns, &anchors, &options.connector, options.timeout)
        .map_err(Error::Http)?;
    let network = discover::Network {
        dns: dns.clone(),
        fetcher,
    };
    let discover_options = discover::DiscoverOptions {
        // MX, then the ISPDB by MX, with a redirect or two: two steps' worth, plus slack.
        deadline: options.timeout * 2 + Duration::from_secs(1),
        ispdb_url: options.ispdb_url.clone(),
        lang: options.lang,
        progress: options.progress.clone(),
    };
    let mut discovery = discover::discover(address, &network, &discover_options).await;
    discover::add_user_servers(&mut discovery, &options.user_servers);
    if options.no_probe {
        return Ok(diagnose::without_probing(discovery, options.lang));
    }
    let srv_hosts = discovery
        .candidates
        .iter()
        .filter(|c| c.sources.contains(&discover::SourceKind::Srv))
        .map(|c| c.settings.host.clone())
        .collect();
    let context = std::sync::Arc::new(probe::ProbeContext {
        dns,
        anchors,
        timeout: options.timeout,
        password: options.password.clone().map(std::sync::Arc::new),
        mail_domain: address.domain().to_owned(),
        srv_hosts,
        progress: options.progress.clone(),
        connector: options.connector.clone(),
    });
    let mut outcomes = probe::probe_all(targets(&discovery.candidates), context.clone()).await;
    // A server that failed often has a neighbour on the same host (another port, the other TLS
    // mode) that answered. No source named it, but it may be the settings that work: probe it
    // in full too, login included, so that what is recommended is verified, never inferred.
    let probed = discovery.candidates.len();
    let neighbours = proved_neighbours(&discovery, &outcomes);
    discover::add_probed_servers(&mut discovery, neighbours);
    if discovery.candidates.len() > probed {
        let more = targets(&discovery.candidates[probed..]);
        outcomes.extend(probe::probe_all(more, context).await);
    }
    Ok(diagnose::with_probes(discovery, outcomes, options.lang))
}

fn targets(candidates: &[discover::Candidate]) -> Vec<probe::Target> {
    candidates
        .iter()
        .map(|c| probe::Target {
            endpoint: c.endpoint(),
            username: c.settings.username.clone(),
        })
        .collect()
}

/// The neighbours the probes found answering that are not candidates yet, each once, with
/// the user name and label of the server it stands in for.
fn proved_neighbours(
    discovery: &discover::Discovery,
    outcomes: &[probe::ProbeOutcome],
) -> Vec<discover::NamedServer> {
    let mut found: Vec<discover::NamedServer> = Vec::new();
    for (candidate, outcome) in discovery.candidates.iter().zip(outcomes) {
        for endpoint in outcome.proved_neighbours() {
            let known = discovery
                .candidates
                .iter()
                .any(|c| c.endpoint() == endpoint)
                || found.iter().any(|n| n.settings.endpoint() == endpoint);
            if !known {
                found.push(discover::NamedServer {
                    settings: ServerSettings {
                        protocol: endpoint.protocol,
                        host: endpoint.host,
                        port: endpoint.port,
                        security: endpoint.security,
                        username: candidate.settings.username.clone(),
                    },
                    label: candidate.label.clone(),
                    insecure: false,
                });
            }
        }
    }
    found
}
