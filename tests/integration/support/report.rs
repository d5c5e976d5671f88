//! A finished run of `mailcheck`, its parsed report, and the invariants every report must hold.

use std::collections::HashSet;
use std::process::Output;
use std::time::Duration;

use mailcheck::report::{FindingEntry, Report, ServerEntry, SourceEntry};
use mailcheck::{FindingCode, Protocol};

/// The source names and statuses of the contract.
pub const SOURCES: [&str; 11] = [
    "provider_db",
    "srv",
    "autoconfig",
    "wellknown",
    "ispdb",
    "ispdb_mx",
    "autodiscover",
    "pacc",
    "guess",
    "user",
    "probe",
];
pub const SOURCE_STATUSES: [&str; 4] = ["found", "not_found", "error", "skipped"];
/// Why a server was not logged in to (`servers[].login_skipped`, documented in
/// `docs/report.md`).
pub const LOGIN_SKIPPED: [&str; 11] = [
    "no_password",
    "not_verified_tls",
    "no_login_offered",
    "no_usable_mechanism",
    "insecure_source",
    "after_refusal",
    "after_service_refusal",
    "attempt_limit",
    "not_reached",
    "not_probed",
    "named_by_certificate",
];

/// What a run of `mailcheck` left behind.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Wall-clock time of the whole process.
    pub elapsed: Duration,
}

impl Run {
    pub fn new(output: Output, elapsed: Duration) -> Run {
        let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
        let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
        let code = output.status.code().unwrap_or_else(|| {
            panic!(
                "mailcheck did not exit by itself ({}) after {elapsed:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
                output.status
            )
        });
        Run {
            code,
            stdout,
            stderr,
            elapsed,
        }
    }

    /// The report on stdout, checked against the invariants every report holds.
    pub fn report(&self) -> Report {
        let report: Report = serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON report ({e}); exit {}\nstdout:\n{}\nstderr:\n{}",
                self.code, self.stdout, self.stderr
            )
        });
        check_invariants(&report, self);
        report
    }

    /// The exit status, with the output shown when it is not the expected one.
    pub fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit status; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// What holds for every report, whatever the sources said.
fn check_invariants(report: &Report, run: &Run) {
    let dump = || serde_json::to_string_pretty(report).unwrap();
    assert_eq!(report.schema_version, 1);
    assert_eq!(
        report.ok,
        run.code == 0,
        "`ok` matches the exit status {}",
        run.code
    );
    assert!(
        run.stdout.ends_with("}\n"),
        "nothing follows the report on stdout"
    );

    let mut seen = HashSet::new();
    for source in &report.sources {
        assert!(SOURCES.contains(&source.source.as_str()), "{}", dump());
        assert!(
            SOURCE_STATUSES.contains(&source.status.as_str()),
            "{}",
            dump()
        );
        assert!(
            seen.insert(source.source.as_str()),
            "source {} is listed twice:\n{}",
            source.source,
            dump()
        );
        assert!(!source.detail.is_empty(), "{} has no detail", source.source);
        assert!(
            Duration::from_millis(source.elapsed_ms) <= run.elapsed,
            "{} took {} ms of a {:?} run",
            source.source,
            source.elapsed_ms,
            run.elapsed
        );
    }

    // Every server once, with every source that named it, each of which found something.
    let mut endpoints = HashSet::new();
    for server in &report.servers {
        assert!(
            endpoints.insert(endpoint(server)),
            "{} is listed twice:\n{}",
            endpoint(server),
            dump()
        );
        assert!(!server.sources.is_empty(), "{}", dump());
        let distinct: HashSet<&String> = server.sources.iter().collect();
        assert_eq!(distinct.len(), server.sources.len(), "{}", dump());
        // Why a server was not logged in to is said exactly when it was not (docs/report.md).
        let skipped = server.login_skipped.as_deref();
        assert_eq!(
            skipped.is_some(),
            server.login == "not_tested",
            "{}",
            dump()
        );
        assert!(
            skipped.is_none_or(|why| LOGIN_SKIPPED.contains(&why)),
            "{}",
            dump()
        );
        for name in &server.sources {
            let source = report
                .sources
                .iter()
                .find(|s| &s.source == name)
                .unwrap_or_else(|| panic!("{name} names a server but is not in sources"));
            assert_eq!(source.status, "found", "{name}:\n{}", dump());
        }
    }

    for protocol in Protocol::ALL {
        if let Some(settings) = report.recommended_for(protocol) {
            assert!(
                report.servers.iter().any(|s| s.protocol == protocol
                    && s.host == settings.host
                    && s.port == settings.port
                    && s.security == settings.security),
                "the recommended {protocol} server is not among the servers:\n{}",
                dump()
            );
        }
    }

    // A login that failed says why: the password was tried there.
    for server in report.servers.iter().filter(|s| s.login == "failed") {
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.protocol == Some(server.protocol)
                    && f.host.as_deref() == Some(server.host.as_str())
                    && f.port == Some(server.port)),
            "the login to {} failed, and no finding says why:\n{}",
            endpoint(server),
            dump()
        );
    }

    let no_settings = report
        .findings
        .iter()
        .any(|f| f.code == FindingCode::NoSettingsFound);
    let dns_down = report
        .findings
        .iter()
        .any(|f| f.code == FindingCode::DnsUnavailable);
    // With no server, exactly one of them says why: DNS did not work, or nothing is published.
    if report.servers.is_empty() {
        assert!(no_settings != dns_down, "{}", dump());
    } else {
        assert!(!no_settings, "{}", dump());
    }
    assert_eq!(run.code == 4, report.servers.is_empty(), "{}", dump());
}

fn endpoint(server: &ServerEntry) -> String {
    format!(
        "{}:{}:{}:{}",
        server.protocol, server.host, server.port, server.security
    )
}

/// Questions tests ask of a report; each shows the whole report when it fails.
pub trait ReportExt {
    fn dump(&self) -> String;
    /// The `sources` entry of `name`.
    fn source(&self, name: &str) -> &SourceEntry;
    /// `host:port:security` of every server of `protocol`, in report order.
    fn endpoints(&self, protocol: Protocol) -> Vec<String>;
    /// The server of `protocol` at `host:port`.
    fn server(&self, protocol: Protocol, host: &str, port: u16) -> &ServerEntry;
    /// The servers named by `source`.
    fn named_by(&self, source: &str) -> Vec<&ServerEntry>;
    fn findings_of(&self, code: FindingCode) -> Vec<&FindingEntry>;
    /// `host:port:security` of the recommended server of `protocol`.
    fn recommended(&self, protocol: Protocol) -> Option<String>;
}

impl ReportExt for Report {
    fn dump(&self) -> String {
        serde_json::to_string_pretty(self).unwrap()
    }

    fn source(&self, name: &str) -> &SourceEntry {
        self.sources
            .iter()
            .find(|s| s.source == name)
            .unwrap_or_else(|| panic!("no source {name}:\n{}", self.dump()))
    }

    fn endpoints(&self, protocol: Protocol) -> Vec<String> {
        self.servers
            .iter()
            .filter(|s| s.protocol == protocol)
            .map(|s| format!("{}:{}:{}", s.host, s.port, s.security))
            .collect()
    }

    fn server(&self, protocol: Protocol, host: &str, port: u16) -> &ServerEntry {
        self.servers
            .iter()
            .find(|s| s.protocol == protocol && s.host == host && s.port == port)
            .unwrap_or_else(|| panic!("no {protocol} server {host}:{port}:\n{}", self.dump()))
    }

    fn named_by(&self, source: &str) -> Vec<&ServerEntry> {
        self.servers
            .iter()
            .filter(|s| s.sources.iter().any(|n| n == source))
            .collect()
    }

    fn findings_of(&self, code: FindingCode) -> Vec<&FindingEntry> {
        self.findings.iter().filter(|f| f.code == code).collect()
    }

    fn recommended(&self, protocol: Protocol) -> Option<String> {
        self.recommended_for(protocol)
            .map(|s| format!("{}:{}:{}", s.host, s.port, s.security))
    }
}

/// What no report may say, read from the JSON report and the same report for a person
/// (`text`, in `lang`): a fix that was not proved, "not offered" where the domain said no such
/// thing, a password hint beside a login that accepted the password, "the settings are right"
/// of a server only the user named, and a conclusion that disagrees with the findings.
pub fn check_words(report: &Report, text: &str, lang: mailcheck::Lang) {
    use mailcheck::text::{Phrase, catalogue};
    let t = catalogue(lang);
    let dump = || format!("{text}\n{}", serde_json::to_string_pretty(report).unwrap());

    // The conclusion leads, and says what the findings say.
    let conclusion = report
        .conclusion
        .as_ref()
        .expect("every report has a conclusion");
    let errors: Vec<&FindingEntry> = report
        .findings
        .iter()
        .filter(|f| f.severity == mailcheck::finding::Severity::Error)
        .collect();
    match conclusion.finding {
        Some(i) => {
            let lead = &report.findings[i];
            assert_eq!(conclusion.code, lead.code.as_str(), "{}", dump());
            // The fix is the lead finding's, or, for a server that fails where another of its
            // protocol works, those recommended settings.
            let works_instead = lead
                .protocol
                .and_then(|p| report.recommended_for(p))
                .is_some_and(|r| conclusion.hint.contains(&format!("{}:{}", r.host, r.port)));
            assert!(conclusion.hint == lead.hint || works_instead, "{}", dump());
            assert!(!errors.is_empty(), "{}", dump());
        }
        None => assert!(conclusion.code == "ok" && errors.is_empty(), "{}", dump()),
    }
    let second_line = text.lines().nth(1).unwrap_or_default();
    assert!(
        second_line.contains(&conclusion.message),
        "the conclusion is not the report's second line:\n{}",
        dump()
    );

    // "Not offered" only where the domain says so (an SRV record with target `.`).
    for protocol in Protocol::ALL {
        let claimed = text.lines().any(|line| {
            line.starts_with(protocol.display_name())
                && line.ends_with(&format!("– {}", t.phrase(Phrase::NotOffered)))
        });
        assert!(
            !claimed || report.not_offered.contains(&protocol),
            "{protocol} is said not to be offered, and no source said so:\n{}",
            dump()
        );
    }

    // A password that a server accepted is not called wrong anywhere.
    let accepted: Vec<&ServerEntry> = report.servers.iter().filter(|s| s.login == "ok").collect();
    if !accepted.is_empty() {
        let password_causes = [
            FindingCode::BadCredentials,
            FindingCode::AppPasswordRequired,
        ];
        for f in &report.findings {
            let blamed = f
                .possible_causes
                .iter()
                .any(|c| password_causes.contains(c))
                || password_causes.contains(&f.code);
            // The one exception: the same protocol accepted it on another server, which the
            // hint names as the server to use.
            let same_protocol_elsewhere = accepted.iter().any(|s| {
                Some(s.protocol) == f.protocol && f.hint.contains(&format!("{}:{}", s.host, s.port))
            });
            assert!(
                !blamed || same_protocol_elsewhere,
                "a login accepted the password, and {} blames it:\n{}",
                f.code,
                dump()
            );
            let check = t
                .tell_apart(FindingCode::BadCredentials)
                .unwrap_or_default();
            assert!(
                check.is_empty() || !f.hint.contains(check),
                "a login accepted the password, and a hint says to check it:\n{}",
                dump()
            );
        }
    }

    // Every port and server a hint tells the user to change to was probed and answered.
    let port_change = regex::Regex::new(r"(?:port|端口) \d+ → (\d+)").unwrap();
    let server_change = regex::Regex::new(r"(?:server|服务器) \S+ → ([A-Za-z0-9.-]+)").unwrap();
    for f in report.findings.iter().filter(|f| f.protocol.is_some()) {
        let answered = |s: &&ServerEntry| {
            Some(s.protocol) == f.protocol && (s.status != "error" || s.login == "failed")
        };
        for port in port_change.captures_iter(&f.hint) {
            let port: u16 = port[1].parse().unwrap();
            assert!(
                report
                    .servers
                    .iter()
                    .filter(answered)
                    .any(|s| s.port == port),
                "a hint says port {port}, which was not proved to work:\n{}",
                dump()
            );
        }
        for host in server_change.captures_iter(&f.hint) {
            let host = host[1].trim_end_matches('.');
            assert!(
                report
                    .servers
                    .iter()
                    .filter(answered)
                    .any(|s| s.host == host),
                "a hint says server {host}, which was not proved to work:\n{}",
                dump()
            );
        }
    }

    // No password is asked for where only OAuth is taken.
    let oauth_everywhere = Protocol::ALL
        .into_iter()
        .filter(|p| report.recommended_for(*p).is_some())
        .all(|p| {
            report
                .findings
                .iter()
                .any(|f| f.code == FindingCode::OauthRequired && f.protocol == Some(p))
        });
    if oauth_everywhere && report.servers.iter().any(|s| s.protocol == Protocol::Imap) {
        let account = t.password_field(mailcheck::clientconfig::PasswordKind::Account);
        assert!(
            !text.contains(&t.labelled(t.phrase(Phrase::PasswordLabel), account)),
            "only OAuth is taken, and the client settings ask for the account's password:\n{}",
            dump()
        );
    }

    // "The settings are right" only of a server some source besides the user named.
    if text.contains(t.phrase(Phrase::RefusedNote).trim()) {
        for protocol in Protocol::ALL {
            let Some(settings) = report.recommended_for(protocol) else {
                continue;
            };
            let server = report.server_for(protocol, settings).unwrap();
            assert!(
                server.login != "failed" || server.sources != ["user"],
                "a server only the user named is said to have the right settings:\n{}",
                dump()
            );
        }
    }
}
