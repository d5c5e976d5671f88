//! mailcheck: find out why a mail client cannot connect.
//!
//! The library behind the `mailcheck` command, for other Rust tools. Its API is small:
//!
//! - [`check`] diagnoses an address (discovery, probes, judgement) under [`Options`];
//!   [`check_offline`] answers from the bundled provider database without any network; many
//!   addresses share one [`Session`] (DNS cache, HTTP connections) through [`check_in`].
//! - [`Report::from_diagnosis`] turns the [`Diagnosis`] into the [`Report`], the stable shape
//!   of `mailcheck --json` (`docs/report.md`), in a [`Lang`]uage; [`output`] renders a report
//!   in the command's formats.
//! - [`explain`] explains one server reply pasted from a mail client or a log.
//! - [`FindingCode`] names every finding, with its fixed [`Severity`].
//!
//! ```no_run
//! # async fn run() -> Result<(), mailcheck::Error> {
//! let address = mailcheck::EmailAddress::parse("alice@example.com").expect("an address");
//! let diagnosis = mailcheck::check(&address, &mailcheck::Options::default()).await?;
//! let report = mailcheck::Report::from_diagnosis(&diagnosis, mailcheck::Lang::En);
//! for finding in &report.findings {
//!     println!("{} {}", finding.code, finding.message);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The library never prints and never exits. The pipeline reads top to bottom: an address is
//! checked; discovery asks every source of settings; probes try each candidate server;
//! diagnosis names what is wrong; the report holds the contract's shape; output renders it.
//! The modules hidden from this documentation are the pipeline's internals, public only for
//! the `mailcheck` binary, its tests and fuzz targets: they may change in any release.

#![warn(missing_docs)]

#[doc(hidden)]
pub mod address;
#[doc(hidden)]
pub mod clientconfig;
#[doc(hidden)]
pub mod diagnose;
#[doc(hidden)]
pub mod discover;
#[doc(hidden)]
pub mod finding;
#[doc(hidden)]
pub mod lang;
#[doc(hidden)]
pub mod net;
#[doc(hidden)]
pub mod oauth;
pub mod output;
#[doc(hidden)]
pub mod probe;
#[doc(hidden)]
pub mod progress;
pub mod report;
#[doc(hidden)]
pub mod secret;
#[doc(hidden)]
pub mod settings;
#[doc(hidden)]
pub mod source;
#[doc(hidden)]
pub mod text;
#[doc(hidden)]
pub mod timing;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use address::{AddressError, EmailAddress};
pub use diagnose::explain::{ExplainError, Explanation, explain};
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
    /// Host names answered with these addresses instead of DNS (`--resolve`).
    pub resolve: Vec<(String, std::net::IpAddr)>,
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
    /// The most failed login attempts the run may make, over all servers
    /// (`--max-failed-logins`; see [`probe::logins`]).
    pub max_failed_logins: u32,
    /// Send the password also to servers that only plain-HTTP sources named
    /// (`--trust-insecure-sources`).
    pub trust_insecure_sources: bool,
    /// An OAuth token to log in with (OAUTHBEARER or XOAUTH2, where a server offers one);
    /// a secret like the password.
    pub oauth_token: Option<secret::Password>,
    /// The run's date and time: which dated provider policy applies, whether a token has
    /// expired. `None`: the system clock. Tests pin it.
    pub now: Option<time::OffsetDateTime>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            offline: false,
            timeout: Duration::from_secs(10),
            dns_server: None,
            resolve: Vec::new(),
            ca_file: None,
            ispdb_url: reqwest::Url::parse(discover::ispdb::DEFAULT_ISPDB_URL)
                .expect("the default ISPDB URL is valid"),
            no_probe: false,
            password: None,
            user_servers: Vec::new(),
            progress: progress::Progress::default(),
            connector: net::connect::Connector::direct(),
            max_failed_logins: probe::logins::DEFAULT_MAX_FAILED_LOGINS,
            trust_insecure_sources: false,
            oauth_token: None,
            now: None,
        }
    }
}

/// Why no diagnosis could be made at all. Everything wrong with a server is a finding instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `ca_file` could not be read or holds no usable certificate.
    #[error("cannot use the CA file")]
    CaFile(#[from] net::trust::CaFileError),
    /// The DNS resolver could not be set up.
    #[error("cannot set up DNS")]
    Dns(#[source] net::dns::DnsError),
    /// The HTTP client could not be set up.
    #[error("cannot set up HTTP: {0}")]
    Http(String),
}

impl Options {
    /// The run's time: [`Options::now`], else the system clock.
    pub fn now(&self) -> time::OffsetDateTime {
        self.now.unwrap_or_else(time::OffsetDateTime::now_utc)
    }
}

/// Answers from the bundled provider database alone, with no network at all, on the
/// system clock's date.
pub fn check_offline(address: &EmailAddress) -> Diagnosis {
    check_offline_on(address, time::OffsetDateTime::now_utc().date())
}

/// [`check_offline`] as of `today` (which dated provider policies apply).
pub fn check_offline_on(address: &EmailAddress, today: time::Date) -> Diagnosis {
    let mut diagnosis = diagnose::without_probing(discover::discover_offline(address));
    diagnose::policy::apply(&mut diagnosis, today);
    diagnosis
}

/// What runs connect with, set up once: the trust anchors (and so the TLS configuration), the
/// DNS resolver with its cache, and one HTTP client whose connections are kept and reused. A
/// batch builds one for all its accounts, so that a thousand accounts of one domain cost one
/// autoconfig connection and one lookup of each name, not a thousand.
#[derive(Clone, Debug)]
pub struct Session {
    anchors: net::trust::TrustAnchors,
    dns: net::dns::Dns,
    fetcher: net::fetch::Fetcher,
}

impl Session {
    /// Sets up what `options` says: `ca_file`, `dns_server`, `resolve`, `connector` and
    /// `timeout`. The runs of [`check_in`] take those from the session, not from their own
    /// options.
    pub fn new(options: &Options) -> Result<Self, Error> {
        Self::build(options, |dns| dns.across_runs())
    }

    /// A session for one run, whose HTTP client counts its lookups in the run's DNS tally.
    fn for_one_run(options: &Options) -> Result<Self, Error> {
        Self::build(options, |dns| dns.clone())
    }

    /// `fetch_dns`: what the HTTP client resolves with, from the session's resolver.
    fn build(
        options: &Options,
        fetch_dns: impl FnOnce(&net::dns::Dns) -> net::dns::Dns,
    ) -> Result<Self, Error> {
        let anchors = net::trust::TrustAnchors::load(options.ca_file.as_deref())?;
        let dns = net::dns::Dns::new(options.dns_server, options.timeout)
            .map_err(Error::Dns)?
            .with_pinned(&options.resolve);
        let fetcher = net::fetch::Fetcher::new(
            &fetch_dns(&dns),
            &anchors,
            &options.connector,
            options.timeout,
        )
        .map_err(Error::Http)?;
        Ok(Self {
            anchors,
            dns,
            fetcher,
        })
    }
}

/// Discovers the settings of `address` from every source.
pub async fn check(address: &EmailAddress, options: &Options) -> Result<Diagnosis, Error> {
    if options.offline {
        // Loaded first so that an unreadable --ca-file is bad input even offline.
        net::trust::TrustAnchors::load(options.ca_file.as_deref())?;
        return Ok(check_offline_on(address, options.now().date()));
    }
    let session = Session::for_one_run(options)?;
    // The one run owns the session: its DNS tally counts the HTTP client's lookups too.
    run(address, options, session.dns.clone(), &session).await
}

/// [`check`] within a session that other runs share (a batch's).
pub async fn check_in(
    session: &Session,
    address: &EmailAddress,
    options: &Options,
) -> Result<Diagnosis, Error> {
    if options.offline {
        return Ok(check_offline_on(address, options.now().date()));
    }
    // The resolver and its cache are shared; what went wrong with DNS is told per run.
    run(address, options, session.dns.for_run(), session).await
}

async fn run(
    address: &EmailAddress,
    options: &Options,
    dns: net::dns::Dns,
    session: &Session,
) -> Result<Diagnosis, Error> {
    let anchors = session.anchors.clone();
    let network = discover::Network {
        dns: dns.clone(),
        fetcher: session.fetcher.for_run(&dns),
    };
    // Each server a source names is probed as soon as the source answers (`probe::early`).
    let (heard, mut hearing) = tokio::sync::mpsc::unbounded_channel();
    let discover_options = discover::DiscoverOptions {
        deadline: timing::Timing::new(options.timeout).discovery_deadline(),
        ispdb_url: options.ispdb_url.clone(),
        user_servers: options.user_servers.clone(),
        progress: options.progress.clone(),
        heard: (!options.no_probe).then_some(heard),
    };
    let logins = probe::logins::LoginGate::sealed(login_policy(options));
    let password = options.password.clone().map(std::sync::Arc::new);
    let oauth = options.oauth_token.clone().map(|token| {
        std::sync::Arc::new(probe::OauthToken {
            claims: oauth::read_claims(&token),
            now: options.now().unix_timestamp(),
            token,
        })
    });
    let context = |srv_hosts: Vec<String>| probe::ProbeContext {
        dns: dns.clone(),
        anchors: anchors.clone(),
        timeout: options.timeout,
        password: password.clone(),
        mail_domain: address.domain().to_owned(),
        srv_hosts,
        progress: options.progress.clone(),
        connector: options.connector.clone(),
        logins: logins.clone(),
        oauth: oauth.clone(),
        greeted: None,
    };
    let mut early = probe::early::Early::default();
    let discovering = discover::discover(address, &network, &discover_options);
    tokio::pin!(discovering);
    let discovery = loop {
        tokio::select! {
            // Discovery's end first: what a source named by then is in it.
            biased;
            discovery = &mut discovering => break discovery,
            Some(heard) = hearing.recv() => {
                if heard.source == SourceKind::Srv {
                    early.ready(context(heard.servers.iter().map(|s| s.host.clone()).collect()));
                }
                for settings in &heard.servers {
                    early.hear(target(settings));
                }
            }
        }
    };
    if options.no_probe {
        let mut diagnosis = diagnose::without_probing(discovery);
        diagnose::policy::apply(&mut diagnosis, options.now().date());
        return Ok(diagnosis);
    }
    let srv_hosts = discovery
        .candidates
        .iter()
        .filter(|c| c.sources.contains(&SourceKind::Srv))
        .map(|c| c.settings.host.clone())
        .collect();
    let context = std::sync::Arc::new(context(srv_hosts));
    let first: Vec<(probe::Target, Option<String>)> = discovery
        .candidates
        .iter()
        .map(|c| (target(&c.settings), c.label.clone()))
        .collect();
    let targets: Vec<probe::Target> = first.iter().map(|(t, _)| t.clone()).collect();
    // Before the gate opens: the early probes discovery did not keep are gone by then.
    early.settle(&targets, &context).await;
    open_login_gate(&logins, &discovery);
    let fallback: Vec<probe::Target> = discovery
        .fallback
        .iter()
        .map(|c| target(&c.settings))
        .collect();
    let (outcomes, guesses) =
        probe::guesses::first_round(targets, fallback, context.clone(), early).await;
    let neighbours =
        probe::second_round::probe_neighbours(&first, &outcomes, guesses, context).await;
    let mut diagnosis = diagnose::with_probes(discovery, outcomes, neighbours);
    diagnose::policy::apply(&mut diagnosis, options.now().date());
    Ok(diagnosis)
}

/// The probe of the server `settings` name.
fn target(settings: &settings::ServerSettings) -> probe::Target {
    probe::Target {
        endpoint: settings.endpoint(),
        username: settings.username.clone(),
    }
}

/// What the run's login gate allows.
fn login_policy(options: &Options) -> probe::logins::Policy {
    probe::logins::Policy {
        max_failed: options.max_failed_logins,
        trust_insecure_sources: options.trust_insecure_sources,
        patience: timing::Timing::new(options.timeout).login_patience(),
    }
}

/// Opens the run's login gate, every candidate in it with its standing; the refusals are
/// judged as the diagnosis will judge them.
fn open_login_gate(gate: &probe::logins::LoginGate, discovery: &discover::Discovery) {
    for candidate in &discovery.candidates {
        gate.register(candidate.endpoint(), standing(candidate));
    }
    let provider = discovery.provider.as_ref().map(|m| m.provider);
    gate.open(std::sync::Arc::new(move |protocol, reply| {
        diagnose::servers::login_refusal_code(protocol, reply, provider)
    }));
}

/// What makes a candidate more or less likely to accept the password (`SECURITY.md`).
fn standing(candidate: &discover::Candidate) -> probe::logins::Standing {
    let sources = &candidate.sources;
    probe::logins::Standing {
        alternate: candidate.label.is_some(),
        user_only: sources.as_slice() == [SourceKind::User],
        typed: sources.contains(&SourceKind::User),
        trust: candidate.trust(),
        // What the user typed is the user's own word, never only plain HTTP's.
        insecure_only: !sources.is_empty()
            && sources
                .iter()
                .all(|s| candidate.insecure_sources.contains(s)),
    }
}
