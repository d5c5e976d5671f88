//! The scenario runner: every folder of `tests/scenarios/` is one case, and this one test runs
//! them all (`tests/scenarios/README.md` says what the files are). Adding a case adds files.
//!
//! For each folder it starts, in process and on ephemeral ports of 127.0.0.1 (no root): a DNS
//! server with the scenario's zones, the web server with its documents (HTTPS with a test CA,
//! and HTTP), and a scripted mail server per transcript. It then runs the library
//! (`mailcheck::check`) with a [`Connector`] that sends every connection to a standard port of
//! an address the zones name to the ephemeral port standing in for it, and refuses every other
//! one. The reports (JSON and human text) and what each mail server heard are compared with
//! the folder's snapshots. Whatever the snapshots say, every scenario's password must appear in
//! no output and reach no server before TLS.
//!
//! `SCENARIO=word` runs only the folders whose name contains `word`.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use hickory_server::proto::rr::{Name, RecordType};
use serde::Deserialize;
use tokio::net::{TcpListener, UdpSocket};
use tokio_rustls::TlsAcceptor;

use mailcheck::net::connect::Connector;
use mailcheck::net::dns::Dns;
use mailcheck::output::{self, Format, Style};
use mailcheck::{EmailAddress, Lang, Options, Protocol, Report, ServerSettings};

use crate::support::ca::{self, Ca, ServerCert, Validity};
use crate::support::mailserver::{self, MailServer, Step};
use crate::support::web::{self, Reply, Web};
use crate::support::{
    ISPDB_PORT, contract, dns, fixtures, mask_secret, report, servers, shows_secret,
    volatile_filters,
};

/// What `{{web}}` in a zone stands for: the address the standard ports are mapped on. Nothing
/// is ever connected to there: the connector sends each connection to an ephemeral port.
const WEB_IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The web server's ports: HTTP, HTTPS, and the test ISPDB's HTTPS.
const WEB_PORTS: [u16; 3] = [80, 443, ISPDB_PORT];
/// Scenarios run at the same time (each probes several servers at once; two cores).
const AT_ONCE: usize = 4;

/// `scenario.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// What the scenario shows, in a sentence.
    about: String,
    #[serde(default)]
    servers: Servers,
    address: String,
    password: Option<String>,
    /// An OAuth token to log in with (OAUTHBEARER/XOAUTH2); a secret like the password.
    oauth_token: Option<String>,
    #[serde(default = "english")]
    lang: String,
    #[serde(default = "three_seconds")]
    timeout: f64,
    /// The exit status mailcheck would end with.
    exit: u8,
    /// The run must end within this many seconds (a hostile server must not hold it).
    max_seconds: Option<f64>,
    /// What the machine must have for the scenario to run: `ipv6` (the test IPv6 addresses).
    #[serde(default)]
    requires: Vec<String>,
    /// The report for a person, in either language, has at most this many lines (a helpdesk
    /// reads it at once).
    max_lines: Option<usize>,
    /// At most this many MiB of heap may be live at once during the run (a hostile server or
    /// document must not make it eat memory). Such scenarios run one at a time, alone.
    max_memory_mb: Option<u64>,
    /// Zones of `fixtures/dns/` to serve (without `.zone`), besides the folder's own.
    #[serde(default)]
    zones: Vec<String>,
    /// The settings the user typed (`--imap`, `--pop3`, `--smtp`): `host:port:mode`.
    imap: Option<String>,
    pop3: Option<String>,
    smtp: Option<String>,
    #[serde(default)]
    no_probe: bool,
    ispdb_url: Option<String>,
    /// `--max-failed-logins` (default: mailcheck's).
    max_failed_logins: Option<u32>,
    /// `--trust-insecure-sources`.
    #[serde(default)]
    trust_insecure_sources: bool,
    /// Connections that are never answered (a firewall that drops them): `ip:port`, or
    /// `host:port` for every address of the host. They win over a server on the same address.
    #[serde(default)]
    black_holes: Vec<String>,
    /// Connections this computer cannot send at all (no route: ENETUNREACH), named the same way.
    #[serde(default)]
    unreachable: Vec<String>,
    /// The scripted mail servers.
    #[serde(default)]
    server: Vec<ServerSpec>,
    /// The web server's answers.
    #[serde(default)]
    web: Vec<WebSpec>,
    /// How the DNS server misbehaves for some names.
    #[serde(default)]
    dns: Vec<DnsSpec>,
    /// Also snapshot the dialogue as `--trace` prints it (`trace.txt.snap`).
    #[serde(default)]
    trace: bool,
}

/// `[[dns]]`: the queries for a name (and every name below it) that the DNS server answers
/// otherwise than from the zones.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DnsSpec {
    /// `.` for every name.
    name: String,
    /// One record type (`SRV`, `A`, …); every type when left out.
    #[serde(rename = "type")]
    record_type: Option<String>,
    answer: dns::Misbehaviour,
}

fn english() -> String {
    "en".to_owned()
}

fn three_seconds() -> f64 {
    3.0
}

/// Who answers: servers started in process from the folder, or the real test servers of
/// `tests/servers/` (`${KEY}` in a value is then taken from their `state.env`).
#[derive(Debug, Default, Deserialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
pub enum Servers {
    #[default]
    InProcess,
    Real,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerSpec {
    /// Resolved through the scenario's DNS: the server listens for each of its addresses.
    host: String,
    port: u16,
    /// `<folder>/<name>.txt`, else `fixtures/transcripts/<name>.txt`.
    transcript: String,
    #[serde(default)]
    cert: CertKind,
    /// The names in the certificate; the host by default.
    cert_names: Option<Vec<String>>,
}

/// The certificate a mail server presents at its `TLS` steps.
#[derive(Debug, Default, Deserialize, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
enum CertKind {
    #[default]
    Valid,
    Expired,
    /// Ends in five days.
    Expiring,
    /// From a CA mailcheck does not trust.
    Untrusted,
    /// Valid, but under a chain of [`LONG_CHAIN`] certificates in all.
    LongChain,
    /// Signed by an intermediate of the CA that the server does not send.
    NoIntermediate,
}

/// How many certificates a `long-chain` server presents, its leaf and the CA included.
const LONG_CHAIN: usize = 50;

impl CertKind {
    fn name(self) -> &'static str {
        match self {
            CertKind::Valid => "valid",
            CertKind::Expired => "expired",
            CertKind::Expiring => "expiring",
            CertKind::Untrusted => "untrusted",
            CertKind::LongChain => "long-chain",
            CertKind::NoIntermediate => "no-intermediate",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebSpec {
    url: String,
    /// A document: `<folder>/<file>`, else `fixtures/autoconfig/<file>`.
    file: Option<String>,
    /// The document's Content-Type (`text/xml` by default; `""`: none).
    content_type: Option<String>,
    /// Answers with this status instead.
    status: Option<u16>,
    /// Answers `302 Found` to this location instead.
    redirect: Option<String>,
    /// The document grown to this many bytes (an XML comment after its declaration), made as
    /// it is sent: never held in memory.
    pad_to: Option<usize>,
    /// Sent without a Content-Length (with `pad_to`).
    #[serde(default)]
    chunked: bool,
    /// The document sent one byte every this many milliseconds.
    trickle_ms: Option<u64>,
}

/// One folder of `tests/scenarios/`.
struct Scenario {
    name: String,
    dir: PathBuf,
    spec: Spec,
}

impl Scenario {
    fn load(dir: &Path) -> Scenario {
        let path = dir.join("scenario.toml");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let spec = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Scenario {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            dir: dir.to_owned(),
            spec,
        }
    }

    /// A value of `scenario.toml` as the run uses it: for the real servers, with every
    /// `${KEY}` taken from their `state.env`.
    fn value(&self, text: &str) -> String {
        match self.spec.servers {
            Servers::InProcess => text.to_owned(),
            Servers::Real => from_state(text),
        }
    }

    /// `<folder>/<file>` when the folder has it, else `<shared>/<file>`.
    fn file(&self, file: &str, shared: &str) -> PathBuf {
        let own = self.dir.join(file);
        if own.exists() {
            own
        } else {
            fixtures().join(shared).join(file)
        }
    }
}

/// Every scenario folder of `servers` (narrowed by `SCENARIO`), by name.
fn scenarios(servers: Servers) -> Vec<Scenario> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let only = std::env::var("SCENARIO").unwrap_or_default();
    let mut found: Vec<Scenario> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.join("scenario.toml").exists())
        .map(|p| Scenario::load(&p))
        .filter(|s| s.spec.servers == servers && s.name.contains(&only))
        .filter(requirements_met)
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// Whether this machine has what the scenario `requires` (`ipv6`: `tests/servers/up` could
/// give `lo` the test IPv6 addresses, `MC_NET_IPV6`); a scenario that cannot run here says
/// so, and why, instead of failing for the machine's sake.
fn requirements_met(scenario: &Scenario) -> bool {
    for need in &scenario.spec.requires {
        let met = match need.as_str() {
            "ipv6" => servers::state()
                .get("MC_NET_IPV6")
                .is_some_and(|v| !v.is_empty()),
            other => panic!("{}: unknown requirement {other:?}", scenario.name),
        };
        if !met {
            let why = servers::state()
                .get("MC_NET_IPV6_MISSING")
                .cloned()
                .unwrap_or_default();
            eprintln!(
                "SKIPPED {}: needs {need}, which this machine lacks ({why})",
                scenario.name
            );
            return false;
        }
    }
    true
}

/// What a scenario's run left behind.
struct Outcome {
    exit: u8,
    json: String,
    text: String,
    /// The report for a person in the scenario's other language.
    other_text: (Lang, String),
    /// The JSON report with every probe's transcript (`--trace`): where a leaked password
    /// would show first.
    traced: String,
    /// The dialogues as `--trace` prints them for a person.
    trace_text: String,
    elapsed: Duration,
    /// The most heap bytes live at once during a run that ran alone (`max_memory_mb`).
    peak_bytes: Option<usize>,
    mail_servers: Vec<(String, MailServer)>,
    /// The DNS server of the run, whose port changes from run to run.
    dns_server: Option<SocketAddr>,
    /// Holds the CA file while the run needs it.
    _dir: Option<tempfile::TempDir>,
}

#[test]
fn every_scenario_folder_gives_its_expected_report() {
    run_all(Servers::InProcess);
}

// The folders with `servers = "real"` run in `real_servers.rs`, where those servers are up.

/// Runs every scenario of `servers`, then checks each, and fails naming every one that failed.
pub fn run_all(servers: Servers) {
    let scenarios = scenarios(servers);
    assert!(
        !scenarios.is_empty() || std::env::var_os("SCENARIO").is_some(),
        "no scenario folders"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let started = Instant::now();
    // The scenarios that bound memory run one at a time after the others, so that the heap
    // counted is theirs alone.
    let (alone, together): (Vec<&Scenario>, Vec<&Scenario>) = scenarios
        .iter()
        .partition(|s| s.spec.max_memory_mb.is_some());
    let mut outcomes: Vec<(&Scenario, Outcome)> = runtime.block_on(
        futures::stream::iter(together.iter().copied())
            .map(|s| async move { (s, run(s).await) })
            .buffered(AT_ONCE)
            .collect(),
    );
    for scenario in alone {
        let baseline = crate::support::alloc::live();
        crate::support::alloc::reset_peak();
        let mut outcome = runtime.block_on(run(scenario));
        outcome.peak_bytes = Some(crate::support::alloc::peak_since(baseline));
        outcomes.push((scenario, outcome));
    }
    let ran = started.elapsed();
    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|(scenario, outcome)| {
            std::panic::catch_unwind(AssertUnwindSafe(|| verify(scenario, outcome))).is_err()
        })
        .map(|(scenario, _)| scenario.name.as_str())
        .collect();
    // The servers that never answer would keep a runtime's orderly shutdown waiting.
    runtime.shutdown_background();
    eprintln!("{} scenarios ran in {ran:?}", scenarios.len());
    assert!(failed.is_empty(), "scenarios that failed: {failed:?}");
}

async fn run(scenario: &Scenario) -> Outcome {
    let spec = &scenario.spec;
    let (options, mail_servers, dir) = match spec.servers {
        Servers::InProcess => {
            let world = start_world(scenario).await;
            (world.options, world.mail_servers, Some(world.dir))
        }
        Servers::Real => (real_servers_options(), Vec::new(), None),
    };
    let value = |text: &str| scenario.value(text);
    let address = EmailAddress::parse(&value(&spec.address))
        .unwrap_or_else(|e| panic!("{}: address: {e}", scenario.name));
    let lang: Lang = spec.lang.parse().expect("lang is en or zh");
    let mut user_servers = Vec::new();
    for (protocol, typed) in [
        (Protocol::Imap, &spec.imap),
        (Protocol::Pop3, &spec.pop3),
        (Protocol::Smtp, &spec.smtp),
    ] {
        if let Some(typed) = typed {
            let (host, port, security) =
                mailcheck::settings::parse_user_server(protocol, &value(typed))
                    .unwrap_or_else(|e| panic!("{}: {protocol}: {e}", scenario.name));
            user_servers.push(ServerSettings {
                protocol,
                host,
                port,
                security,
                username: address.to_string(),
            });
        }
    }
    let options = Options {
        timeout: Duration::from_secs_f64(spec.timeout),
        no_probe: spec.no_probe,
        password: spec.password.as_deref().map(|p| value(p).into()),
        oauth_token: spec.oauth_token.as_deref().map(|t| value(t).into()),
        // Dated policies and token expiry are judged on a fixed day, so that the snapshots
        // stay as they are.
        now: Some(time::macros::datetime!(2026-12-02 04:00 UTC)),
        user_servers,
        max_failed_logins: spec.max_failed_logins.unwrap_or(options.max_failed_logins),
        trust_insecure_sources: spec.trust_insecure_sources,
        ..options
    };
    let started = Instant::now();
    let diagnosis = mailcheck::check(&address, &options)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
    let elapsed = started.elapsed();
    let mut report = Report::from_diagnosis(&diagnosis, lang);
    let style = Style {
        lang,
        ..Style::default()
    };
    let json = output::render(&report, Format::Json, style);
    let text = output::render(&report, Format::Human, style);
    // The same report in the other language, which must say the same things.
    let other_lang = match lang {
        Lang::En => Lang::Zh,
        Lang::Zh => Lang::En,
    };
    let other = Report::from_diagnosis(&diagnosis, other_lang);
    let other_style = Style {
        lang: other_lang,
        ..style
    };
    let other_text = output::render(&other, Format::Human, other_style);
    report::check_words(&report, &text, lang);
    report::check_words(&other, &other_text, other_lang);
    report.add_transcripts(&diagnosis, lang);
    Outcome {
        exit: exit_status(diagnosis.verdict()),
        json,
        text,
        other_text: (other_lang, other_text),
        traced: output::render(&report, Format::Json, style),
        trace_text: output::trace::render(&report, mailcheck::text::catalogue(lang)),
        elapsed,
        peak_bytes: None,
        mail_servers,
        dns_server: options.dns_server,
        _dir: dir,
    }
}

/// A scenario's servers, running, and the options that point mailcheck at them.
struct World {
    options: Options,
    mail_servers: Vec<(String, MailServer)>,
    dir: tempfile::TempDir,
}

async fn start_world(scenario: &Scenario) -> World {
    let spec = &scenario.spec;
    let mut zone_files = vec![
        fixtures().join("dns/root.zone"),
        fixtures().join("dns/infra.test.zone"),
    ];
    for zone in &spec.zones {
        zone_files.push(fixtures().join("dns").join(format!("{zone}.zone")));
    }
    zone_files.extend(dns::zone_files(&scenario.dir));
    let zones = dns::load_files(&zone_files, &WEB_IP.to_string());
    let addresses = zones.addresses.clone();
    let pki = ca::issue(&zones.hosts);
    let rules = spec
        .dns
        .iter()
        .map(|rule| dns::Rule {
            zone: Name::from_ascii(&rule.name)
                .unwrap_or_else(|e| panic!("{}: dns name {}: {e}", scenario.name, rule.name)),
            rtype: rule.record_type.as_deref().map_or(RecordType::ANY, |t| {
                t.parse()
                    .unwrap_or_else(|e| panic!("{}: dns type {t}: {e}", scenario.name))
            }),
            misbehaviour: rule.answer,
        })
        .collect();
    let dns_server = start_dns(zones, Arc::new(Mutex::new(rules))).await;

    let mut map = HashMap::new();
    let web = Arc::new(Web::default());
    for document in &spec.web {
        web.route(&document.url, reply(scenario, document));
    }
    let acceptor = TlsAcceptor::from(pki.web.server_config(&[b"http/1.1"]));
    for port in WEB_PORTS {
        let listener = ephemeral().await;
        let tls = (port != 80).then(|| acceptor.clone());
        for ip in &addresses {
            map.insert(SocketAddr::new(*ip, port), local(&listener));
        }
        tokio::spawn(web::serve_as(port, listener, tls, Arc::clone(&web)));
    }

    let resolver = Dns::new(Some(dns_server), Duration::from_secs(2)).expect("a resolver");
    let mut mail_servers = Vec::new();
    for server in &spec.server {
        let ips = resolver
            .ips(&server.host)
            .await
            .unwrap_or_else(|e| panic!("{}: {}: {e}", scenario.name, server.host));
        let listener = ephemeral().await;
        for ip in ips {
            map.insert(SocketAddr::new(ip, server.port), local(&listener));
        }
        let path = scenario.file(&format!("{}.txt", server.transcript), "transcripts");
        let steps = mailserver::script_file(&path);
        let mut label = format!(
            "{}:{} plays {}",
            server.host, server.port, server.transcript
        );
        if steps.iter().any(|step| matches!(step, Step::Tls)) {
            label.push_str(&format!(" (certificate: {})", server.cert.name()));
        }
        let cert = certificate(&pki.ca, server);
        let running = MailServer::start(listener, steps, Some(&cert));
        mail_servers.push((label, running));
    }

    let black_holes = addresses_named(&spec.black_holes, &resolver, &scenario.name).await;
    let unreachable = addresses_named(&spec.unreachable, &resolver, &scenario.name).await;

    let dir = tempfile::tempdir().expect("a temporary directory");
    let ca_file = pki.write_ca_file(dir.path());
    let ispdb = spec
        .ispdb_url
        .clone()
        .unwrap_or_else(|| format!("https://ispdb.infra.test:{ISPDB_PORT}/v1.1/"));
    let options = Options {
        dns_server: Some(dns_server),
        ca_file: Some(ca_file),
        ispdb_url: ispdb.parse().expect("the ISPDB URL"),
        connector: Connector::mapped(map)
            .with_black_holes(black_holes)
            .with_unreachable(unreachable),
        ..Options::default()
    };
    World {
        options,
        mail_servers,
        dir,
    }
}

/// The addresses a scenario names: `ip:port`, or `host:port` for every address of the host;
/// port `*` stands for every port (port 0 to the connector).
async fn addresses_named(named: &[String], resolver: &Dns, scenario: &str) -> HashSet<SocketAddr> {
    let mut addresses = HashSet::new();
    for name in named {
        let (host, port) = name
            .rsplit_once(':')
            .unwrap_or_else(|| panic!("{scenario}: address {name:?}"));
        let port: u16 = if port == "*" {
            0
        } else {
            port.parse().expect("a port")
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let ips = match host.parse::<std::net::IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => resolver
                .ips(host)
                .await
                .unwrap_or_else(|e| panic!("{scenario}: {host}: {e}")),
        };
        addresses.extend(ips.into_iter().map(|ip| SocketAddr::new(ip, port)));
    }
    addresses
}

async fn ephemeral() -> TcpListener {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("an ephemeral port")
}

fn local(listener: &TcpListener) -> SocketAddr {
    listener.local_addr().expect("bound")
}

/// Serves `zones` on UDP and TCP of one ephemeral port (the resolver asks both), misbehaving
/// as `rules` say.
pub(crate) async fn start_dns(zones: dns::Zones, rules: dns::Rules) -> SocketAddr {
    for _ in 0..32 {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a UDP port");
        let addr = udp.local_addr().expect("bound");
        // The same port on TCP may be taken; then try another.
        if let Ok(tcp) = TcpListener::bind(addr).await {
            dns::serve(zones, udp, tcp, rules);
            return addr;
        }
    }
    panic!("no port free on both UDP and TCP")
}

fn certificate(ca: &Ca, server: &ServerSpec) -> ServerCert {
    let names = server
        .cert_names
        .clone()
        .unwrap_or_else(|| vec![server.host.clone()]);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    match server.cert {
        CertKind::Valid => ca.leaf(&names, Validity::Current),
        CertKind::Expired => ca.leaf(&names, Validity::Expired),
        CertKind::Expiring => ca.leaf(&names, Validity::EndsInDays(5)),
        CertKind::Untrusted => Ca::new("someone else's CA").leaf(&names, Validity::Current),
        CertKind::LongChain => ca.long_chain(&names, LONG_CHAIN),
        CertKind::NoIntermediate => ca.leaf_without_intermediate(&names),
    }
}

fn reply(scenario: &Scenario, document: &WebSpec) -> Reply {
    match (&document.file, document.status, &document.redirect) {
        (Some(file), None, None) => {
            let path = scenario.file(file, "autoconfig");
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if let Some(ms) = document.trickle_ms {
                return Reply::trickled(text, Duration::from_millis(ms));
            }
            let reply = match document.pad_to {
                Some(size) => Reply::padded(&text, size),
                None => match document.content_type.as_deref() {
                    None => Reply::xml(text),
                    Some("") => Reply::xml(text).typed(None),
                    Some(other) => Reply::xml(text).typed(Some(other)),
                },
            };
            if document.chunked {
                reply.chunked()
            } else {
                reply
            }
        }
        (None, Some(status), None) => Reply::Status(status),
        (None, None, Some(location)) => Reply::Redirect(location.clone()),
        _ => panic!(
            "{}: {} needs one of file, status, redirect",
            scenario.name, document.url
        ),
    }
}

/// The options that point mailcheck at the real test servers.
fn real_servers_options() -> Options {
    let state = servers::state();
    Options {
        dns_server: Some(Dns::parse_server(&state["MC_DNS"]).expect("MC_DNS")),
        ca_file: Some(PathBuf::from(&state["MC_CA_FILE"])),
        ispdb_url: state["MC_ISPDB_URL"].parse().expect("MC_ISPDB_URL"),
        ..Options::default()
    }
}

/// `text` with every `${KEY}` replaced by the real servers' `state.env` value.
fn from_state(text: &str) -> String {
    let state = servers::state();
    let mut out = text.to_owned();
    while let Some(start) = out.find("${") {
        let end = start + out[start..].find('}').expect("a closing brace");
        let key = &out[start + 2..end];
        let value = state
            .get(key)
            .unwrap_or_else(|| panic!("state.env has no {key}"));
        out.replace_range(start..=end, value);
    }
    out
}

/// Every check of one scenario; panics at the first that fails.
fn verify(scenario: &Scenario, outcome: &Outcome) {
    let spec = &scenario.spec;
    eprintln!(
        "scenario {} ({:.1?}{}): {}",
        scenario.name,
        outcome.elapsed,
        outcome
            .peak_bytes
            .map(|b| format!(", peak heap {:.1} MiB", b as f64 / 1048576.0))
            .unwrap_or_default(),
        spec.about
    );
    if let Some(max) = spec.max_seconds {
        assert!(
            outcome.elapsed.as_secs_f64() <= max,
            "{}: took {:?}, more than {max} s",
            scenario.name,
            outcome.elapsed
        );
    }
    if let Some(max) = spec.max_lines {
        for text in [&outcome.text, &outcome.other_text.1] {
            let lines = text.lines().count();
            assert!(
                lines <= max,
                "{}: {lines} lines, more than {max}:\n{text}",
                scenario.name
            );
        }
    }
    if let (Some(max), Some(peak)) = (spec.max_memory_mb, outcome.peak_bytes) {
        assert!(
            peak <= (max as usize) << 20,
            "{}: {peak} bytes of heap live at once, more than {max} MiB",
            scenario.name
        );
    }
    assert_eq!(
        outcome.exit, spec.exit,
        "{}: the exit status\n{}",
        scenario.name, outcome.text
    );
    let run = crate::support::Run {
        code: i32::from(outcome.exit),
        stdout: outcome.json.clone(),
        stderr: String::new(),
        elapsed: outcome.elapsed,
    };
    run.report();
    contract::assert_contract_shape(&serde_json::from_str(&outcome.json).expect("JSON"));
    assert_every_probe_has_its_dialogue(&scenario.name, &outcome.traced);
    let user = scenario.value(&spec.address);
    let secrets = [
        (spec.password.as_ref(), "password"),
        (spec.oauth_token.as_ref(), "OAuth token"),
    ];
    for (secret, kind) in secrets {
        let Some(secret) = secret.map(|s| scenario.value(s)) else {
            continue;
        };
        // A short password may be a word of mailcheck's own sentences ("mail client"): it is
        // looked for where the servers' words and the dialogue are shown.
        let outputs = if secret.chars().count() < crate::support::SHORT_SECRET {
            vec![
                ("evidence or dialogue", server_words(&outcome.traced)),
                ("text report's evidence", evidence_lines(&outcome.text)),
                (
                    "other language's evidence",
                    evidence_lines(&outcome.other_text.1),
                ),
                ("human trace", outcome.trace_text.clone()),
            ]
        } else {
            vec![
                ("JSON", outcome.json.clone()),
                ("text", outcome.text.clone()),
                ("text in the other language", outcome.other_text.1.clone()),
                ("trace", outcome.traced.clone()),
                ("human trace", outcome.trace_text.clone()),
            ]
        };
        let forms = if kind == "password" {
            leak_forms(&user, &secret)
        } else {
            token_leak_forms(&user, &secret)
        };
        for (what, text) in &outputs {
            for form in &forms {
                assert!(
                    !shows_secret(text, form),
                    "{}: the {kind} ({form:?}) is in the {what} report",
                    scenario.name
                );
            }
        }
        for (label, server) in &outcome.mail_servers {
            eprintln!("  {label}");
            server.assert_password_only_over_tls(&secret);
        }
    }
    if spec.password.is_none() && spec.oauth_token.is_none() {
        // Without a password nothing may look like a failed login to a server.
        for (label, server) in &outcome.mail_servers {
            eprintln!("  {label}");
            server.assert_no_login_command();
        }
    }

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&scenario.dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(scenario.dir.join("scenario.toml"));
    settings.set_description(spec.about.clone());
    let mut filters = volatile_filters();
    filters.extend([
        (
            r#""(elapsed_ms|connect_ms|handshake_ms|login_ms|ms)": \d+"#,
            r#""$1": "[N]""#,
        ),
        (
            r#""mailcheck_version": "[^"]*""#,
            r#""mailcheck_version": "[VERSION]""#,
        ),
        // The client's IMAP ID names mailcheck's version.
        (r#""version" "[^"]*""#, r#""version" "[VERSION]""#),
        // The trace's times, and its header's version.
        (r"(?m)^ +\[N\] ms ", "  [N] ms "),
        (
            r"mailcheck \d+\.\d+\.\d+[^)）\s]*([)）])",
            "mailcheck [VERSION]$1",
        ),
    ]);
    for (pattern, replacement) in filters {
        settings.add_filter(pattern, replacement);
    }
    if let Some(dns) = outcome.dns_server {
        settings.add_filter(&dns.to_string().replace('.', r"\."), "[DNS SERVER]");
    }
    settings.bind(|| {
        insta::assert_snapshot!("report.json", outcome.json);
        insta::assert_snapshot!("report.txt", outcome.text);
        let (other_lang, other_text) = &outcome.other_text;
        let name = format!("report.{}.txt", other_lang.tag());
        insta::assert_snapshot!(name, other_text);
        if !outcome.mail_servers.is_empty() {
            let password = spec.password.as_deref().unwrap_or_default();
            let token = spec.oauth_token.as_deref().unwrap_or_default();
            let heard = dialogue(&outcome.mail_servers, password, token);
            insta::assert_snapshot!("dialogue", heard);
        }
        if spec.trace {
            insta::assert_snapshot!("trace.txt", outcome.trace_text);
        }
    });
}

/// What each mail server heard, one connection after another, sorted (probes run at the same
/// time, so connections may come in any order), with the password masked.
fn dialogue(servers: &[(String, MailServer)], password: &str, token: &str) -> String {
    let mut out = String::new();
    for (label, server) in servers {
        out.push_str(&format!("== {label}\n"));
        let mut connections = server.connections();
        connections.sort();
        for connection in connections {
            let mut previous = String::new();
            for line in connection {
                let line = shown_token(&shown(&line, password), token);
                // A binary message (a TLS ClientHello to a plaintext server) may hold newlines.
                if line != BINARY || previous != BINARY {
                    out.push_str(&format!("{line}\n"));
                }
                previous = line;
            }
        }
    }
    out
}

/// What a line of binary data (different every run) is shown as.
const BINARY: &str = "[binary data]";

/// A line a server heard, with the password masked, also inside base64 words (SASL).
fn shown(line: &str, password: &str) -> String {
    if line.contains(|c: char| c == char::REPLACEMENT_CHARACTER || (c.is_control() && c != '\t')) {
        return BINARY.to_owned();
    }
    // SASL PLAIN's `\0user\0password`, or LOGIN's password alone.
    let sasl = |text: &str| {
        (text == password || text.ends_with(&format!("\0{password}")))
            .then(|| format!("{}[PASSWORD]", &text[..text.len() - password.len()]))
    };
    masked(line, password, "[PASSWORD]", sasl)
}

/// A line with the OAuth token masked, also inside the base64 SASL messages that carry it
/// (XOAUTH2's and OAUTHBEARER's first message).
fn shown_token(line: &str, token: &str) -> String {
    let sasl = |text: &str| text.contains(token).then(|| text.replace(token, "[TOKEN]"));
    masked(line, token, "[TOKEN]", sasl)
}

/// `line` with `secret` replaced by `mask`, and each base64 word whose text `sasl` masks shown
/// as that text.
fn masked(line: &str, secret: &str, mask: &str, sasl: impl Fn(&str) -> Option<String>) -> String {
    use base64::Engine as _;
    if secret.is_empty() {
        return line.to_owned();
    }
    let words: Vec<String> = line
        .split(' ')
        .map(|word| {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(word)
                .ok()
                .and_then(|bytes| sasl(&String::from_utf8_lossy(&bytes)));
            match decoded {
                Some(text) => format!("[base64 of {text:?}]"),
                None => mask_secret(word, secret, mask),
            }
        })
        .collect();
    words.join(" ")
}

/// Every form an OAuth token could leak in: as given, and in the first message of each
/// mechanism that carries it.
fn token_leak_forms(user: &str, token: &str) -> Vec<String> {
    let secret = mailcheck::Password::new(token.to_owned());
    let mut forms = vec![token.to_owned()];
    for mechanism in mailcheck::oauth::Mechanism::ALL {
        forms.push(mechanism.initial_response(user, &secret).to_string());
    }
    forms
}

/// A probe that connected shows what was exchanged; one that did not says why it stopped
/// (issue 14: "no dialogue" though TCP connected and a greeting arrived).
fn assert_every_probe_has_its_dialogue(name: &str, traced: &str) {
    let report: serde_json::Value = serde_json::from_str(traced).expect("JSON");
    for server in report["servers"].as_array().into_iter().flatten() {
        if server["status"] == "untested" {
            continue;
        }
        let at = format!("{name}: {}:{}", server["host"], server["port"]);
        let transcript = server["transcript"].as_array().cloned().unwrap_or_default();
        let connected = server["addresses"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|a| a["result"] == "connected");
        if connected {
            assert!(
                transcript.first().is_some_and(|l| l["from"] == "mailcheck"),
                "{at}: connected, but the dialogue does not say so: {transcript:?}"
            );
        } else {
            assert!(
                transcript.len() == 1 && transcript[0]["from"] == "mailcheck",
                "{at}: no connection, and the dialogue does not say why: {transcript:?}"
            );
        }
    }
}

/// What a JSON report (with transcripts) shows of the servers' words and the dialogue: every
/// finding's evidence and every transcript line, one a line.
fn server_words(json: &str) -> String {
    let report: serde_json::Value = serde_json::from_str(json).expect("JSON");
    let mut lines = Vec::new();
    for finding in report["findings"].as_array().into_iter().flatten() {
        lines.extend(finding["evidence"].as_str().map(str::to_owned));
    }
    for server in report["servers"].as_array().into_iter().flatten() {
        for line in server["transcript"].as_array().into_iter().flatten() {
            lines.extend(line["text"].as_str().map(str::to_owned));
        }
    }
    lines.join("\n")
}

/// The evidence lines of a human report.
fn evidence_lines(text: &str) -> String {
    text.lines()
        .filter(|l| l.contains("Evidence:") || l.contains("证据："))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every form a password could leak in: as typed, and base64 as SASL PLAIN and LOGIN send it.
fn leak_forms(user: &str, password: &str) -> Vec<String> {
    use base64::Engine as _;
    let b64 = |text: String| base64::engine::general_purpose::STANDARD.encode(text);
    vec![
        password.to_owned(),
        b64(password.to_owned()),
        b64(format!("\0{user}\0{password}")),
    ]
}

/// The contract's exit status for a verdict, as the command line maps it.
fn exit_status(verdict: mailcheck::Verdict) -> u8 {
    match verdict {
        mailcheck::Verdict::Clean => 0,
        mailcheck::Verdict::Errors => 1,
        mailcheck::Verdict::NoSettings => 4,
    }
}
