//! Byte-level cases against in-process fake mail servers (`support::mailserver`) that need
//! more than a report to check: how long a run takes against a server that never answers or
//! never ends its line. They run the `mailcheck` binary in a test world of their own.
//!
//! Every other byte-level case is a folder of `tests/scenarios/` (the same transcripts of
//! `fixtures/transcripts/`, run by `scenarios.rs`).

use std::time::Duration;

use mailcheck::report::Report;
use mailcheck::{FindingCode, Protocol};

use crate::support::web::Reply;
use crate::support::{ReportExt, Run, World};

const PASSWORD: &str = "S3cret-pa55word";
/// The address of every run: its domain publishes nothing, so only the typed servers are
/// probed (no guesses reach the fake servers).
const ADDRESS: &str = "alice@inbox.test";
const IMAP: &str = "imap.fakemail.test";
const SMTP: &str = "smtp.fakemail.test";

/// A world with the short `--timeout` of these tests.
fn world() -> World {
    let world = World::start();
    world.set_timeout(2.0);
    world
}

/// Runs mailcheck with the password and the typed servers (`--imap host:port:mode`, …).
fn check_run(world: &World, servers: &[(&str, &str, u16, &str)]) -> Run {
    let typed: Vec<String> = servers
        .iter()
        .flat_map(|(flag, host, port, mode)| [flag.to_string(), format!("{host}:{port}:{mode}")])
        .collect();
    let typed: Vec<&str> = typed.iter().map(String::as_str).collect();
    world.probe(ADDRESS, Some(PASSWORD), &typed)
}

/// The codes of the findings about `host:port`.
fn codes(report: &Report, host: &str, port: u16) -> Vec<FindingCode> {
    report
        .findings
        .iter()
        .filter(|f| f.host.as_deref() == Some(host) && f.port == Some(port))
        .map(|f| f.code)
        .collect()
}

#[test]
fn a_silent_server_is_a_timeout_within_one_limit() {
    let w = world();
    let _imap = w.mail_server(993, "imap-silent");
    let run = check_run(&w, &[("--imap", IMAP, 993, "tls")]);
    let report = run.report();
    assert_eq!(
        codes(&report, IMAP, 993),
        [FindingCode::Timeout],
        "{report:?}"
    );
    assert_eq!(report.findings[0].protocol, Some(Protocol::Imap));
    // One limit of 2 s, plus the start-up and discovery of a run.
    assert!(run.elapsed < Duration::from_secs(12), "{:?}", run.elapsed);
}

#[test]
fn terminal_escapes_from_a_server_are_shown_not_obeyed() {
    let w = world();
    let _imap = w.mail_server(143, "imap-terminal-escapes");
    let typed = format!("{IMAP}:143:starttls");
    for extra in [&["--imap", &typed][..], &["--imap", &typed, "--trace"][..]] {
        let run = w.probe_human(ADDRESS, Some(PASSWORD), extra);
        assert!(
            !run.stdout.contains(['\u{1b}', '\u{7}', '\r', '\0']),
            "raw control bytes reach the terminal:\n{:?}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains("\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mhello\\rnot a mail server"),
            "{}",
            run.stdout
        );
    }
    // JSON keeps the bytes as they were, escaped by JSON itself.
    let report = check_run(&w, &[("--imap", IMAP, 143, "starttls")]).report();
    assert_eq!(codes(&report, IMAP, 143), [FindingCode::WrongPort]);
    let f = &report.findings[0];
    assert!(
        f.evidence
            .as_deref()
            .unwrap_or_default()
            .contains("\u{1b}]0;pwned")
    );
}

#[test]
fn an_endless_greeting_line_is_refused_without_hanging() {
    let w = world();
    let _smtp = w.mail_server(587, "smtp-huge-greeting");
    let run = check_run(&w, &[("--smtp", SMTP, 587, "starttls")]);
    let report = run.report();
    let found = codes(&report, SMTP, 587);
    assert_eq!(found.len(), 1, "{}", report.dump());
    let f = report
        .findings
        .iter()
        .find(|f| f.port == Some(587))
        .unwrap();
    assert!(f.message.contains("longer than"), "{}", f.message);
    assert!(run.elapsed < Duration::from_secs(20), "{:?}", run.elapsed);
}

/// A server is probed as soon as a source names it (here the user, at once), not when the
/// slowest source answers: here Autodiscover, whose host's lookups get no answer and are
/// asked again until the lookup's limit. The password still waits for discovery's end.
#[test]
fn a_named_server_is_probed_while_a_slow_source_still_waits() {
    let w = world();
    let _imap = w.mail_server(993, "imap-993-login-ok");
    w.silence_dns(
        "autodiscover.inbox.test",
        hickory_server::proto::rr::RecordType::ANY,
    );
    let run = check_run(&w, &[("--imap", IMAP, 993, "tls")]);
    let report = run.report();

    let queries = w.dns_queries();
    let probe_lookup = queries
        .iter()
        .position(|q| q.starts_with(&format!("{IMAP}. A")));
    let last_silent = queries
        .iter()
        .rposition(|q| q.starts_with("autodiscover.inbox.test."));
    assert!(
        matches!((probe_lookup, last_silent), (Some(probe), Some(silent)) if probe < silent),
        "the probe started only after discovery ended: {queries:#?}"
    );
    assert_eq!(
        report.source("autodiscover").status,
        "error",
        "{}",
        report.dump()
    );
    let server = report.server(Protocol::Imap, IMAP, 993);
    assert_eq!(server.login, "ok", "{}", report.dump());
    assert!(codes(&report, IMAP, 993).is_empty(), "{}", report.dump());
}

/// Two sources name one server with different user names, the less trusted one first: its
/// probe starts early and waits at the sealed login gate; discovery ends with the more
/// trusted source's user name (the domain's own autoconfig over the ISPDB). The early probe
/// is stopped before the gate opens, so the server hears one login, as the user name the
/// report gives, and never the other.
#[test]
fn an_early_probe_that_discovery_did_not_keep_never_logs_in() {
    let w = world();
    let imap = w.mail_server(993, "imap-993-login-ok");
    let config = |username: &str| {
        format!(
            r#"<clientConfig version="1.1"><emailProvider id="acme.test"><domain>acme.test</domain>
            <incomingServer type="imap"><hostname>{IMAP}</hostname><port>993</port>
            <socketType>SSL</socketType><authentication>password-cleartext</authentication>
            <username>{username}</username></incomingServer></emailProvider></clientConfig>"#
        )
    };
    w.serve(
        &crate::support::autoconfig_url("acme.test"),
        Reply::xml(config("%EMAILADDRESS%")).after(Duration::from_millis(1500)),
    );
    w.serve(
        &w.ispdb("acme.test"),
        Reply::xml(config("%EMAILLOCALPART%")),
    );
    let report = w.probe("alice@acme.test", Some(PASSWORD), &[]).report();

    let server = report.server(Protocol::Imap, IMAP, 993);
    assert_eq!(server.username, "alice@acme.test", "{}", report.dump());
    assert_eq!(server.login, "ok", "{}", report.dump());
    let connections = imap.connections();
    let logins: Vec<String> = connections
        .iter()
        .flatten()
        .filter_map(|line| plain_login_user(line))
        .collect();
    assert_eq!(logins, ["alice@acme.test"], "{connections:#?}");
    // The early probe did connect (else this test would prove nothing about stopping it).
    assert_eq!(connections.len(), 2, "{connections:#?}");
}

/// The user name of an `AUTHENTICATE PLAIN` line with its initial response (SASL-IR).
fn plain_login_user(line: &str) -> Option<String> {
    use base64::Engine as _;
    let response = line.split_whitespace().nth(3)?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(response)
        .ok()?;
    let fields: Vec<&[u8]> = decoded.split(|b| *b == 0).collect();
    Some(String::from_utf8_lossy(fields.get(1)?).into_owned())
}
