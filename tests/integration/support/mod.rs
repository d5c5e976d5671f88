//! The test world: a DNS server, an HTTPS/HTTP server with a certificate from a test CA, and the
//! `mailcheck` binary pointed at both.
//!
//! Every test starts its own [`World`] on its own loopback address 127.x.y.z (derived from the
//! test's name, so that tests run in parallel processes under nextest, or in parallel threads
//! under `cargo test`), on the real ports: DNS on 53 (UDP and TCP), HTTPS on 443, HTTP on 80,
//! and the test ISPDB on HTTPS port [`ISPDB_PORT`]. Dropping the world shuts it all down.

pub mod alloc;
pub mod ca;
pub mod contract;
pub mod dns;
pub mod mailserver;
pub mod process;
pub mod report;
pub mod servers;
pub mod web;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hickory_server::proto::rr::{Name, RecordType};
use tokio::net::{TcpListener, UdpSocket};
use tokio::runtime::Runtime;
use tokio_rustls::TlsAcceptor;

pub use self::report::{ReportExt, Run};
pub use self::web::Reply;

/// The HTTPS port of the test ISPDB (`https://ispdb.infra.test:8443/v1.1/`).
pub const ISPDB_PORT: u16 = 8443;

/// The `--timeout` of a run unless a test sets another: nothing in the test world is slow
/// unless a test makes it so.
pub const DEFAULT_TIMEOUT_SECS: f64 = 3.0;

/// The repository's `fixtures/` directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The text of `fixtures/autoconfig/<file>`.
pub fn fixture_text(file: &str) -> String {
    let path = fixtures().join("autoconfig").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What varies from run to run in a report, masked for snapshots (insta filters): milliseconds,
/// the certificates' dates (made anew for every run), and Dovecot's greeting while its auth
/// process is busy ("Waiting for authentication process to respond..", on a loaded CI).
pub fn volatile_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"\b\d+ ms\b", "[N] ms"),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "[DATE]"),
        (
            r"\* OK Waiting for authentication process to respond\.\.",
            "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.",
        ),
    ]
}

/// The `mailcheck` binary.
pub fn mailcheck() -> assert_cmd::Command {
    let mut base = std::process::Command::new(env!("CARGO_BIN_EXE_mailcheck"));
    process::isolated(&mut base);
    let mut command = assert_cmd::Command::from_std(base);
    command
        .env_remove("MAILCHECK_PASSWORD")
        .env_remove("MAILCHECK_OAUTH_TOKEN")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("NO_COLOR", "1")
        // A bug that hangs must fail the test, not the CI job.
        .timeout(Duration::from_secs(90));
    command
}

/// Runs `mailcheck` with `args` and no test world (offline runs, bad flags, bad input).
pub fn run(args: &[&str]) -> Run {
    let started = Instant::now();
    let output = mailcheck().args(args).output().expect("mailcheck runs");
    Run::new(output, started.elapsed())
}

/// A DNS server and a web server of one test, and the CA that signed the web server's
/// certificate.
pub struct World {
    runtime: Option<Runtime>,
    pub ip: Ipv4Addr,
    web: Arc<web::Web>,
    dns_log: Arc<Mutex<Vec<String>>>,
    dns_rules: dns::Rules,
    _dir: tempfile::TempDir,
    pub ca_file: PathBuf,
    /// For every host of the zones: the web server's, and the fake mail servers'.
    pub cert: ca::ServerCert,
    timeout: Mutex<f64>,
}

struct Sockets {
    dns_udp: UdpSocket,
    dns_tcp: TcpListener,
    https: TcpListener,
    http: TcpListener,
    ispdb: TcpListener,
}

async fn bind(ip: Ipv4Addr) -> std::io::Result<Sockets> {
    Ok(Sockets {
        dns_udp: UdpSocket::bind((ip, 53)).await?,
        dns_tcp: TcpListener::bind((ip, 53)).await?,
        https: TcpListener::bind((ip, 443)).await?,
        http: TcpListener::bind((ip, 80)).await?,
        ispdb: TcpListener::bind((ip, ISPDB_PORT)).await?,
    })
}

/// 127.x.y.z from the test's name; `attempt` moves on when the address is taken.
fn address_for(name: &str, attempt: u32) -> Ipv4Addr {
    let mut hasher = DefaultHasher::new();
    (name, attempt).hash(&mut hasher);
    let h = hasher.finish();
    // x in 1..=254 keeps clear of 127.0.0.0/16 (127.0.0.1, 127.0.0.53, …) and of broadcast.
    Ipv4Addr::new(
        127,
        1 + (h % 254) as u8,
        (h >> 8) as u8,
        1 + ((h >> 16) % 254) as u8,
    )
}

impl World {
    /// Starts the world of the current test (named after the test's thread).
    pub fn start() -> World {
        let name = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_owned();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let (ip, sockets) = (0..64)
            .find_map(|attempt| {
                let ip = address_for(&name, attempt);
                match runtime.block_on(bind(ip)) {
                    Ok(sockets) => Some((ip, sockets)),
                    Err(e) if e.kind() == ErrorKind::AddrInUse => None,
                    Err(e) => {
                        panic!("cannot bind {ip} (the tests need root for ports 53/80/443): {e}")
                    }
                }
            })
            .expect("a free loopback address");

        let zones = dns::load(&fixtures().join("dns"), &ip.to_string());
        let pki = ca::issue(&zones.hosts);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let ca_file = pki.write_ca_file(dir.path());

        let acceptor = TlsAcceptor::from(pki.web.server_config(&[b"http/1.1"]));

        let web = Arc::new(web::Web::default());
        let dns_rules: dns::Rules = Arc::default();
        let dns_log = runtime.block_on(async {
            let log = dns::serve(
                zones,
                sockets.dns_udp,
                sockets.dns_tcp,
                Arc::clone(&dns_rules),
            );
            tokio::spawn(web::serve(
                sockets.https,
                Some(acceptor.clone()),
                Arc::clone(&web),
            ));
            tokio::spawn(web::serve(sockets.http, None, Arc::clone(&web)));
            tokio::spawn(web::serve(sockets.ispdb, Some(acceptor), Arc::clone(&web)));
            log
        });
        World {
            runtime: Some(runtime),
            ip,
            web,
            dns_log,
            dns_rules,
            _dir: dir,
            ca_file,
            cert: pki.web,
            timeout: Mutex::new(DEFAULT_TIMEOUT_SECS),
        }
    }

    /// The `--ispdb-url` of this world.
    pub fn ispdb_url(&self) -> String {
        format!("https://ispdb.infra.test:{ISPDB_PORT}/v1.1/")
    }

    /// The ISPDB's URL for `domain`.
    pub fn ispdb(&self, domain: &str) -> String {
        format!("{}{domain}", self.ispdb_url())
    }

    /// Answers `url` with `reply`.
    pub fn serve(&self, url: &str, reply: Reply) -> &Self {
        self.web.route(url, reply);
        self
    }

    /// Every HTTP(S) request the web server received, as `scheme://host[:port]/path?query`.
    pub fn requests(&self) -> Vec<String> {
        self.web.requests()
    }

    /// Every DNS query the server received, as `name. TYPE`.
    pub fn dns_queries(&self) -> Vec<String> {
        self.dns_log.lock().unwrap().clone()
    }

    /// The DNS server stops answering queries of `rtype` (`ANY`: of every type) for names in
    /// `zone` (`.`: every name).
    pub fn silence_dns(&self, zone: &str, rtype: RecordType) {
        self.misbehave_dns(zone, rtype, dns::Misbehaviour::Silent);
    }

    /// Queries of `rtype` for `zone` and below get `misbehaviour` from now on.
    pub fn misbehave_dns(&self, zone: &str, rtype: RecordType, misbehaviour: dns::Misbehaviour) {
        let zone = Name::from_ascii(zone).expect("a zone name");
        self.dns_rules.lock().unwrap().push(dns::Rule {
            zone,
            rtype,
            misbehaviour,
        });
    }

    /// A session's resolver and HTTP client pointed at this world, as a batch builds them, for
    /// the tests that drive the library itself.
    pub fn session_network(&self) -> (mailcheck::net::dns::Dns, mailcheck::net::fetch::Fetcher) {
        let dns = mailcheck::net::dns::Dns::new(
            Some(SocketAddr::new(IpAddr::V4(self.ip), 53)),
            self.timeout(),
        )
        .expect("a resolver");
        let anchors =
            mailcheck::net::trust::TrustAnchors::load(Some(&self.ca_file)).expect("the CA file");
        let fetcher = mailcheck::net::fetch::Fetcher::new(
            &dns.across_runs(),
            &anchors,
            &mailcheck::net::connect::Connector::direct(),
            self.timeout(),
        )
        .expect("an HTTP client");
        (dns, fetcher)
    }

    /// Runs `future` on this world's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime
            .as_ref()
            .expect("the world's runtime")
            .block_on(future)
    }

    /// The `--timeout` of the next runs.
    pub fn set_timeout(&self, secs: f64) {
        *self.timeout.lock().unwrap() = secs;
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(*self.timeout.lock().unwrap())
    }

    /// `mailcheck --json --no-probe` for `address`, with `extra` flags, pointed at this world:
    /// these tests are about discovery, so the servers it names are not probed.
    pub fn check_with(&self, address: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            "--json".to_owned(),
            "--no-probe".to_owned(),
            "--lang".to_owned(),
            "en".to_owned(),
        ];
        args.extend(self.args());
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args.push(address.to_owned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args)
    }

    /// `mailcheck --json address` with `extra` flags, pointed at this world, probing every
    /// server it finds; `password` goes through `MAILCHECK_PASSWORD` and must never appear in
    /// the output.
    pub fn probe(&self, address: &str, password: Option<&str>, extra: &[&str]) -> Run {
        self.probe_as(address, password, extra, true)
    }

    /// [`World::probe`], the report for a person (no `--json`).
    pub fn probe_human(&self, address: &str, password: Option<&str>, extra: &[&str]) -> Run {
        self.probe_as(address, password, extra, false)
    }

    fn probe_as(&self, address: &str, password: Option<&str>, extra: &[&str], json: bool) -> Run {
        let mut command = mailcheck();
        if let Some(password) = password {
            command.env("MAILCHECK_PASSWORD", password);
        }
        if json {
            command.arg("--json");
        }
        command.args(self.args());
        if !extra.contains(&"--lang") {
            command.args(["--lang", "en"]);
        }
        command.args(extra).arg(address);
        let started = Instant::now();
        let output = command.output().expect("mailcheck runs");
        let run = Run::new(output, started.elapsed());
        if let Some(password) = password {
            assert!(
                !run.stdout.contains(password) && !run.stderr.contains(password),
                "the password appears in the output:\n{}\n{}",
                run.stdout,
                run.stderr
            );
        }
        run
    }

    /// The flags that point a run at this world (the language is the caller's).
    fn args(&self) -> Vec<String> {
        let timeout = self.timeout.lock().unwrap().to_string();
        let ca_file = self.ca_file.to_str().expect("a UTF-8 path");
        [
            "--dns-server",
            &IpAddr::V4(self.ip).to_string(),
            "--ca-file",
            ca_file,
            "--ispdb-url",
            &self.ispdb_url(),
            "--timeout",
            &timeout,
        ]
        .iter()
        .map(|a| (*a).to_owned())
        .collect()
    }

    /// `mailcheck --json --no-probe --batch FILE`, pointed at this world.
    pub fn check_batch(&self, file: &std::path::Path, extra: &[&str]) -> Run {
        let mut args = vec!["--json".to_owned(), "--no-probe".to_owned()];
        args.extend(self.args());
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args.push("--batch".to_owned());
        args.push(file.to_str().expect("a UTF-8 path").to_owned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args)
    }

    /// `mailcheck --json address`, pointed at this world.
    pub fn check(&self, address: &str) -> Run {
        self.check_with(address, &[])
    }
}

impl Drop for World {
    fn drop(&mut self) {
        // Closes every socket and ends every task, including the ones that never answer.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// `https://autoconfig.<domain>/mail/config-v1.1.xml`
pub fn autoconfig_url(domain: &str) -> String {
    format!("https://autoconfig.{domain}/mail/config-v1.1.xml")
}

/// `http://autoconfig.<domain>/mail/config-v1.1.xml`
pub fn autoconfig_http_url(domain: &str) -> String {
    format!("http://autoconfig.{domain}/mail/config-v1.1.xml")
}

/// `https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml`
pub fn wellknown_url(domain: &str) -> String {
    format!("https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml")
}

/// Passwords shorter than this are looked for as whole tokens only: `a` is in every sentence,
/// but a report that shows `a` as a word of its own may be showing the password. Longer ones
/// may appear nowhere at all, not even inside another word.
pub const SHORT_SECRET: usize = 6;

/// Whether `text` shows `secret`: anywhere at all, or for a short ASCII secret
/// ([`SHORT_SECRET`]), as a token of its own (a run of ASCII letters, digits and `_-+/=`, with
/// `.` and `@` only between two of them, as in a host name).
pub fn shows_secret(text: &str, secret: &str) -> bool {
    if secret.is_empty() {
        return false;
    }
    if secret.chars().count() >= SHORT_SECRET || !secret.is_ascii() {
        return text.contains(secret);
    }
    tokens(text).any(|token| token == secret)
}

/// `text` with every token that equals the short `secret` (every occurrence of a longer one)
/// replaced by `mask`.
pub fn mask_secret(text: &str, secret: &str, mask: &str) -> String {
    if secret.is_empty() {
        return text.to_owned();
    }
    if secret.chars().count() >= SHORT_SECRET || !secret.is_ascii() {
        return text.replace(secret, mask);
    }
    let mut out = String::new();
    let mut at = 0;
    for token in tokens(text) {
        // `token` is a slice of `text`: its offset says where it starts.
        let start = token.as_ptr() as usize - text.as_ptr() as usize;
        if token == secret {
            out.push_str(&text[at..start]);
            out.push_str(mask);
            at = start + token.len();
        }
    }
    out.push_str(&text[at..]);
    out
}

/// The tokens of `text` ([`shows_secret`]).
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let word = |c: char| c.is_ascii_alphanumeric() || "_-+/=".contains(c);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &(at, c)) in chars.iter().enumerate() {
        let inner = (c == '.' || c == '@')
            && start.is_some()
            && chars.get(i + 1).is_some_and(|&(_, next)| word(next));
        if word(c) || inner {
            start.get_or_insert(at);
        } else if let Some(from) = start.take() {
            found.push(&text[from..at]);
        }
    }
    if let Some(from) = start {
        found.push(&text[from..]);
    }
    found.into_iter()
}

#[cfg(test)]
mod secret_checks {
    use super::*;

    #[test]
    fn short_secrets_are_found_as_tokens_long_ones_anywhere() {
        assert!(!shows_secret("a3 NO Authentication failed.", "a"));
        assert!(shows_secret("a3 LOGIN alice \"a\"", "a"));
        assert!(shows_secret("the password is a.", "a"));
        assert!(!shows_secret("220 mail.example.com ready", "mail"));
        assert!(shows_secret("220 mail ready", "mail"));
        assert!(shows_secret("xxS3cret-pa55wordxx", "S3cret-pa55word"));
        assert_eq!(
            mask_secret("a3 LOGIN \"a\" a", "a", "[P]"),
            "a3 LOGIN \"[P]\" [P]"
        );
    }
}
