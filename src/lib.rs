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
pub mod secret;
pub mod settings;
pub mod source;
pub mod text;
pub mod timing;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use address::{AddressError, EmailAddress};
pub use diagnose::{Diagnosis, Verdict};
pub use finding::{Finding, FindingCode, Severity};
pub use lang::Lang;
pub use report::Report;
pub use secret::Password;
pub use settings::{Protocol, Security, ServerSettings};
pub use source::SourceKind;

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
    /// Discover only: report the candidate servers without connecting to them.
    pub no_probe: bool,
    /// The password to log in with; `None` tests everything up to authentication.
    pub password: Option<secret::Password>,
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
pub fn check_offline(address: &EmailAddress) -> Diagnosis {
    diagnose::without_probing(discover::discover_offline(address))
}

/// Discovers the settings of `address` from every source.
pub async fn check(address: &EmailAddress, options: &Options) -> Result<Diagnosis, Error> {
    // Loaded first so that an unreadable --ca-file is bad input even offline.
    let anchors = net::trust::TrustAnchors::load(options.ca_file.as_deref())?;
    if options.offline {
        return Ok(check_offline(address));
    }
    let dns = net::dns::Dns::new(options.dns_server, options.timeout).map_err(Error::Dns)?;
    let fetcher = net::fetch::Fetcher::new(&dns, &anchors, &options.connector, options.timeout)
        .map_err(Error::Http)?;
    let network = discover::Network {
        dns: dns.clone(),
        fetcher,
    };
    let discover_options = discover::DiscoverOptions {
        deadline: timing::Timing::new(options.timeout).discovery_deadline(),
        ispdb_url: options.ispdb_url.clone(),
        user_servers: options.user_servers.clone(),
        progress: options.progress.clone(),
    };
    let discovery = discover::discover(address, &network, &discover_options).await;
    if options.no_probe {
        return Ok(diagnose::without_probing(discovery));
    }
    let srv_hosts = discovery
        .candidates
        .iter()
        .filter(|c| c.sources.contains(&SourceKind::Srv))
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
    let first: Vec<(probe::Target, Option<String>)> = discovery
        .candidates
        .iter()
        .map(|c| {
            let target = probe::Target {
                endpoint: c.endpoint(),
                username: c.settings.username.clone(),
            };
            (target, c.label.clone())
        })
        .collect();
    let targets = first.iter().map(|(t, _)| t.clone()).collect();
    let outcomes = probe::probe_all(targets, context.clone()).await;
    let neighbours = probe::second_round::probe_neighbours(&first, &outcomes, context).await;
    Ok(diagnose::with_probes(discovery, outcomes, neighbours))
}
